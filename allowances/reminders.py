"""Deadline sources of allowances for the reminder job (issue 15), registered from
``AllowancesConfig.ready``; each reads its items in a constant number of queries.

- ``surrender``: the cycle's surrender deadline, for the enterprises on the cycle year's
  published key-emitter list that still owe tonnes;
- ``allocation-objection-window``: a notified allocation the enterprise may object to until
  its objection deadline (``Allocation.objection_deadline``, 7 working days from the notice);
- ``allocation-objection-decision``: a pending allocation objection the bureau decides by its
  ``decision_due`` (10 working days);
- ``cycle-milestone``: the bureau's dated steps of a cycle (pre-allocation, final allocation,
  issuance), done when the data say so (``rules.milestone_done``);
- ``penalty-correction``: an Art. 24 case's correction deadline, while tonnes are short.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhongwei_carbon.reminders import LOOK_BEHIND, Due, enterprise_users

AHEAD = timedelta(days=45)
# the bureau's steps of a cycle that a reminder follows (the surrender deadline is the
# enterprises', the verification and the lists are reporting's and registry's work)
BUREAU_MILESTONES = ("pre_allocation", "final_allocation", "issuance")


def _window(today: date) -> tuple[date, date]:
    return today - LOOK_BEHIND, today + AHEAD


def _allocation_managers() -> tuple:
    from zhongwei_carbon.notifications import members
    from zhongwei_carbon.roles import Perm, roles_for

    return tuple(members(roles=roles_for(Perm.MANAGE_ALLOCATION)))


def surrenders(today: date):
    from allowances import rules
    from allowances.choices import MilestoneKind
    from allowances.models import Milestone
    from allowances.selectors import compliance_sql
    from registry.models import Enterprise

    start, end = _window(today)
    milestones = Milestone.objects.filter(
        kind=MilestoneKind.SURRENDER_DEADLINE, due_date__gte=start, due_date__lte=end,
    ).select_related("cycle")
    url = reverse("allowances:surrender_new")
    for milestone in milestones:
        cycle = milestone.cycle
        rows = list(compliance_sql.rows(Enterprise.objects.all(), cycle).order_by("pk"))
        users = enterprise_users([e.pk for e in rows])
        for e in rows:
            left = (None if e.obligation is None
                    else rules.remaining(e.obligation, e.cea + e.ccer))
            yield Due(
                kind="surrender",
                object=e,
                recipients=users.get(e.pk, ()),
                deadline=milestone.due_date,
                title=_("Surrender for %(cycle)s of %(enterprise)s") % {
                    "cycle": cycle.name, "enterprise": e.name},
                todo=_("Still owed: %(tonnes)s t") % {"tonnes": f"{left or 0:,}"},
                url=url,
                done=not left,  # unknown obligation (nothing verified) or met: nothing due
                part=str(cycle.year),
            )


def allocation_objection_windows(today: date):
    """A notified allocation, until its objection deadline: the enterprise may object. Done
    once it objected to this notice or the window has closed (objecting is a right, not a
    duty: nothing is ever overdue, nothing escalates)."""
    from allowances.choices import AllocationStatus
    from allowances.models import Allocation, AllocationObjection

    start, end = _window(today)
    rows = list(
        Allocation.objects.filter(
            status=AllocationStatus.NOTIFIED,
            objection_deadline__gte=start, objection_deadline__lte=end,
        ).annotate(objected=Exists(AllocationObjection.objects.filter(
            allocation=OuterRef("pk"), notice_number=OuterRef("notice_number"))))
        .select_related("enterprise", "cycle").order_by("pk")
    )
    users = enterprise_users({a.enterprise_id for a in rows})
    for a in rows:
        figure = a.notified if a.notified is not None else a.pre_allocation
        yield Due(
            kind="allocation-objection-window",
            object=a,
            recipients=users.get(a.enterprise_id, ()),
            deadline=a.objection_deadline,
            title=_("Objection period of the %(cycle)s allocation of %(enterprise)s") % {
                "cycle": a.cycle.name, "enterprise": a.enterprise.name},
            todo=_("Notified allocation: %(tonnes)s t. If you disagree, object before the "
                   "period ends.") % {"tonnes": "—" if figure is None else f"{figure:,}"},
            url=reverse("allowances:allocation_object", kwargs={"pk": a.pk}),
            done=a.objected or today > a.objection_deadline,
            area_id=a.enterprise.area_id,
            escalate=False,
        )


def allocation_objection_decisions(today: date):
    """A pending allocation objection: the bureau's allocation managers decide it by its
    decision date (the bureau's own work: no escalation)."""
    from allowances.choices import ObjectionStatus
    from allowances.models import AllocationObjection

    start, end = _window(today)
    rows = list(
        AllocationObjection.objects.filter(decision_due__gte=start, decision_due__lte=end)
        .select_related("allocation__enterprise", "allocation__cycle").order_by("pk")
    )
    if not rows:
        return
    managers = _allocation_managers()
    for o in rows:
        a = o.allocation
        yield Due(
            kind="allocation-objection-decision",
            object=o,
            recipients=managers,
            deadline=o.decision_due,
            title=_("Decision on the objection of %(enterprise)s to its %(cycle)s allocation")
            % {"enterprise": a.enterprise.name, "cycle": a.cycle.name},
            todo=_("Objection filed on %(date)s, not yet decided.") % {
                "date": o.filed_at.date().isoformat()},
            url=reverse("allowances:allocation_objection_decide", kwargs={"pk": o.pk}),
            done=o.status != ObjectionStatus.PENDING,
            area_id=a.enterprise.area_id,
            escalate=False,
        )


def cycle_milestones(today: date):
    """The bureau's dated steps of an open cycle (pre-allocation, final allocation,
    issuance), to the allocation managers; done when the cycle's data say the step's work is
    done for every allocated enterprise (``rules.milestone_done``, the cycle page's rule).
    Queries: one for the milestones, one for the recipients, and the cycle's progress once
    per cycle (``selectors.cycles.progress``), whatever the number of milestones."""
    from allowances import rules
    from allowances.choices import CycleStatus
    from allowances.models import Milestone
    from allowances.selectors import cycles

    start, end = _window(today)
    rows = list(
        Milestone.objects.filter(kind__in=BUREAU_MILESTONES, due_date__gte=start,
                                 due_date__lte=end)
        .exclude(cycle__status=CycleStatus.CLOSED).select_related("cycle").order_by("pk")
    )
    if not rows:
        return
    managers = _allocation_managers()
    progress = {}
    for m in rows:
        if m.cycle_id not in progress:
            progress[m.cycle_id] = cycles.progress(m.cycle)
        p = progress[m.cycle_id]
        done_count, total = rules.milestone_count(m.kind, p)
        yield Due(
            kind="cycle-milestone",
            object=m,
            recipients=managers,
            deadline=m.due_date,
            title=pgettext("reminder title", "%(step)s of %(cycle)s") % {
                "step": m.get_kind_display(), "cycle": m.cycle.name},
            todo=_("Done for %(done)s of %(total)s enterprises.") % {
                "done": f"{done_count:,}", "total": f"{total:,}"},
            url=reverse("allowances:cycle_detail", kwargs={"year": m.cycle.year}),
            done=rules.milestone_done(m.kind, p),
            escalate=False,
        )


def penalty_corrections(today: date):
    """An Art. 24 case's correction deadline (责令改正期限): the enterprise surrenders what
    is still short for the case's cycle; done when nothing is short (or the cut is fixed)."""
    from allowances.selectors import penalties as psel

    start, end = _window(today)
    rows = list(
        psel.cases().filter(correction_deadline__gte=start, correction_deadline__lte=end)
        .order_by("pk")
    )
    users = enterprise_users({c.enterprise_id for c in rows})
    for case in rows:
        short = (0 if case.next_year_cut is not None  # the cut is fixed: nothing to correct
                 else psel.figures(case, today).still_short_now)
        yield Due(
            kind="penalty-correction",
            object=case,
            recipients=users.get(case.enterprise_id, ()),
            deadline=case.correction_deadline,
            title=_("Correction of the %(cycle)s short surrender of %(enterprise)s") % {
                "cycle": case.cycle.name, "enterprise": case.enterprise.name},
            todo=_("Still short: %(tonnes)s t; what is short at the deadline is cut from "
                   "next year's allocation.") % {"tonnes": f"{short or 0:,}"},
            url=f"{reverse('allowances:surrender_new')}?cycle={case.cycle.year}",
            done=not short,
            area_id=case.enterprise.area_id,
        )


def register() -> None:
    from zhongwei_carbon import reminders
    from zhongwei_carbon.models import Topic

    reminders.register("surrender", surrenders, Topic.SURRENDER)
    reminders.register("allocation-objection-window", allocation_objection_windows,
                       Topic.ALLOCATION)
    reminders.register("allocation-objection-decision", allocation_objection_decisions,
                       Topic.OBJECTION)
    reminders.register("cycle-milestone", cycle_milestones, Topic.ALLOCATION)
    reminders.register("penalty-correction", penalty_corrections, Topic.SURRENDER)
