"""Deadline source of allowances for the reminder job (issue 15): the compliance cycle's
surrender deadline, for the enterprises on the cycle year's published key-emitter list that
still owe tonnes. Registered from ``AllowancesConfig.ready``; constant queries."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import Due, enterprise_users

AHEAD = timedelta(days=45)
BEHIND = timedelta(days=10)


def surrenders(today: date):
    from allowances import rules
    from allowances.choices import MilestoneKind
    from allowances.models import Milestone
    from allowances.selectors import compliance_sql
    from registry.models import Enterprise

    milestones = Milestone.objects.filter(
        kind=MilestoneKind.SURRENDER_DEADLINE,
        due_date__gte=today - BEHIND, due_date__lte=today + AHEAD,
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
            )


def register() -> None:
    from zhongwei_carbon import reminders
    from zhongwei_carbon.models import Topic

    reminders.register("surrender", surrenders, Topic.SURRENDER)
