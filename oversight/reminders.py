"""Deadline sources of oversight for the reminder job (issue 15), registered from
``OversightConfig.ready``; each reads its items in a constant number of queries.

- ``rectification``: a rectification ordered by an inspection (责令改正) waits for the
  inspected enterprise's or agency's answer by its deadline (working days of the bureau's
  calendar, ``Rectification.deadline``); reminded to the target's users, escalated to the
  officials of the enterprise's area and to the bureau. Answered (under review) or accepted:
  nothing is due from the target.
- ``inspection-overdue``: an inspection of a published plan still open (not concluded) when
  the plan's inspection period ends (``InspectionPlan.end_date``); reminded to its inspectors
  with an account. An inspection opened outside a plan has no due date (none is stored).

Violation cases carry no deadline as data (no decision or payment due date is stored), so
they have no source here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import NO_AREA, Due, enterprise_users
from zhongwei_carbon.reminders.people import agency_staff

# how far ahead a source looks (beyond the earliest offset of its kind, rules.RULES, in
# working days with the longest holidays); open items past their deadline stay in the source
# until done, so their escalation is never lost; items done with a deadline within BEHIND
# come as done (their reminders are resolved; the workflow step resolves them too)
AHEAD = timedelta(days=30)
BEHIND = timedelta(days=30)


def inspectors_of(inspection_ids) -> dict[int, tuple]:
    """The inspectors with an active account of each inspection (one query)."""
    from oversight.models import InspectionInspector

    found: dict[int, dict] = defaultdict(dict)
    qs = InspectionInspector.objects.filter(
        inspection_id__in=list(inspection_ids), inspector__user__isnull=False,
        inspector__user__is_active=True,
    ).select_related("inspector__user")
    for row in qs:
        found[row.inspection_id][row.inspector.user_id] = row.inspector.user
    return {pk: tuple(users.values()) for pk, users in found.items()}


def target_users(inspections) -> dict[int, tuple]:
    """The users of each inspection's target (its enterprise or agency), by inspection id
    (two queries)."""
    inspections = list(inspections)
    by_enterprise = enterprise_users({i.enterprise_id for i in inspections if i.enterprise_id})
    by_agency = agency_staff({i.agency_id for i in inspections if i.agency_id})
    return {
        i.pk: (by_enterprise.get(i.enterprise_id, ()) if i.enterprise_id
               else by_agency.get(i.agency_id, ()))
        for i in inspections
    }


def rectifications(today: date):
    """One item per rectification waiting for the target's answer with its deadline near or
    passed."""
    from oversight.choices import RectificationStatus
    from oversight.models import Rectification

    pending = Q(status=RectificationStatus.PENDING)
    rows = list(Rectification.objects.filter(
        pending | Q(deadline__gte=today - BEHIND), deadline__lte=today + AHEAD,
    ).select_related("inspection").order_by("deadline", "pk"))
    users = target_users(r.inspection for r in rows)
    for r in rows:
        inspection = r.inspection
        yield Due(
            kind="rectification",
            object=r,
            recipients=users.get(inspection.pk, ()),
            deadline=r.deadline,
            title=_("Rectification of %(name)s") % {"name": inspection.target_name},
            todo=_("Answer with what was rectified and its evidence: %(requirements)s") % {
                "requirements": r.requirements[:200]},
            url=reverse("oversight:rectification_answer", kwargs={"pk": inspection.pk}),
            done=r.status != RectificationStatus.PENDING,  # answered: the review's turn
            area_id=inspection.area_id,
        )


def inspections_overdue(today: date):
    """One item per open inspection of a published plan whose inspection period ends soon or
    has ended."""
    from oversight.choices import InspectionStatus
    from oversight.models import Inspection

    rows = list(Inspection.objects.filter(
        Q(status=InspectionStatus.OPEN) | Q(plan__end_date__gte=today - BEHIND),
        plan__isnull=False, plan__end_date__lte=today + AHEAD,
    ).select_related("plan").order_by("plan__end_date", "pk"))
    users = inspectors_of(i.pk for i in rows)
    for inspection in rows:
        yield Due(
            kind="inspection-overdue",
            object=inspection,
            recipients=users.get(inspection.pk, ()),
            deadline=inspection.plan.end_date,
            title=_("Inspection of %(name)s (%(plan)s)") % {
                "name": inspection.target_name, "plan": inspection.plan},
            todo=_("Record the visit and the checklist, then conclude the inspection."),
            url=reverse("oversight:inspection_detail", kwargs={"pk": inspection.pk}),
            done=inspection.status != InspectionStatus.OPEN,
            area_id=NO_AREA,  # the inspectors answer to the bureau, not to the county
        )


def register() -> None:
    from zhongwei_carbon import reminders
    from zhongwei_carbon.models import Topic

    reminders.register("rectification", rectifications, Topic.OVERSIGHT)
    reminders.register("inspection-overdue", inspections_overdue, Topic.OVERSIGHT)
