"""Deadline sources of credit for the reminder job (issue 15), registered from
``CreditConfig.ready``; each reads its items in a constant number of queries. The dates are
data: a year's ``objections_until`` (set when the provisional grades are frozen,
``deadlines.OBJECTION_WINDOW_WORKING_DAYS``) and an objection's ``decision_due``
(``deadlines.OBJECTION_DECISION_WORKING_DAYS``).

- ``credit-objection-window``: a subject may object to the events of its provisional card
  until the window closes (a right: nothing overdue, no escalation);
- ``credit-objection-decision``: a pending objection the bureau decides by its due date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import LOOK_BEHIND, Due

AHEAD = timedelta(days=45)


def objection_windows(today: date):
    """One item per provisional grade of a year whose objection window ends near today,
    to the subject's users (enterprise users or agency staff); done once every event of the
    card has an objection, or the window has closed (``deadlines.objection_window_open``)."""
    from credit import deadlines
    from credit.choices import GradingStatus
    from credit.models import CreditObjection, SubjectGrade
    from credit.selectors import scoring
    from credit.services.grading import subject_users

    grades = list(
        SubjectGrade.objects.filter(
            credit_year__status=GradingStatus.PROVISIONAL,
            credit_year__objections_until__gte=today - LOOK_BEHIND,
            credit_year__objections_until__lte=today + AHEAD,
        ).select_related("credit_year", "enterprise", "agency").order_by("pk")
    )
    if not grades:
        return
    objected = defaultdict(set)
    for grade_id, event_id in CreditObjection.objects.filter(
            grade__in=[g.pk for g in grades]).values_list("grade_id", "event_id"):
        objected[grade_id].add(event_id)
    users = subject_users({scoring.key_of(g) for g in grades})
    for g in grades:
        year = g.credit_year
        lines = {line["event_id"] for line in (g.card or {}).get("lines", [])}
        left = lines - objected[g.pk]
        yield Due(
            kind="credit-objection-window",
            object=g,
            recipients=tuple(users.get(scoring.key_of(g), ())),
            deadline=year.objections_until,
            title=_("Objection window of the %(year)s provisional credit grade of "
                    "%(subject)s") % {"year": year.year, "subject": g.subject},
            todo=_("Provisional grade %(grade)s (score %(score)s): %(n)s event(s) you may "
                   "still object to.") % {"grade": g.get_grade_display(), "score": g.score,
                                          "n": len(left)},
            url=reverse("credit:grade_detail", kwargs={"pk": g.pk}),
            done=not left or not deadlines.objection_window_open(
                year.status, year.objections_until, today),
            area_id=g.enterprise.area_id if g.enterprise_id else None,
            escalate=False,
        )


def objection_decisions(today: date):
    """A pending credit objection: the bureau users who decide objections decide it by its
    due date (the bureau's own work: no escalation)."""
    from credit.choices import ObjectionStatus
    from credit.models import CreditObjection
    from zhongwei_carbon.notifications import members
    from zhongwei_carbon.roles import Perm, roles_for

    rows = list(
        CreditObjection.objects.filter(decision_due__gte=today - LOOK_BEHIND,
                                       decision_due__lte=today + AHEAD)
        .select_related("grade__credit_year", "grade__enterprise", "grade__agency", "event")
        .order_by("pk")
    )
    if not rows:
        return
    deciders = tuple(members(roles=roles_for(Perm.DECIDE_CREDIT_OBJECTION)))
    for o in rows:
        yield Due(
            kind="credit-objection-decision",
            object=o,
            recipients=deciders,
            deadline=o.decision_due,
            title=_("Decision on the credit objection of %(subject)s (%(year)s)") % {
                "subject": o.grade.subject, "year": o.grade.credit_year.year},
            todo=_("Objection to “%(event)s”, not yet decided.") % {"event": o.event.summary},
            url=reverse("credit:objection_decide", kwargs={"pk": o.pk}),
            done=o.status != ObjectionStatus.PENDING,
            escalate=False,
        )


def register() -> None:
    from zhongwei_carbon import reminders
    from zhongwei_carbon.models import Topic

    reminders.register("credit-objection-window", objection_windows, Topic.CREDIT)
    reminders.register("credit-objection-decision", objection_decisions, Topic.OBJECTION)
