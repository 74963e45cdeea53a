"""The panels of each role's dashboard, built from the same selectors as the lists they link
to (so a dashboard figure and its list can never disagree), each in a constant number of
queries whatever the number of enterprises.

``PANELS`` lists each kind of dashboard's builders in the order they show; a builder takes the
``Context`` and returns a panel, a list of panels or None (nothing to show: no current cycle,
no account). A new panel is a builder in the module of its subject and a line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils import timezone

from allowances.selectors import compliance as csel
from dashboards.panels import Panel
from dashboards.selectors import (
    agency,
    complaint,
    credit,
    enterprise,
    official,
    oversight_credit,
    programme_tasks,
    stats,
    targets,
    tasks,
    todo,
    work,
)
from dashboards.selectors.base import AGENCY, AREA, BUREAU, DEPARTMENT, ENTERPRISE, Context
from zhongwei_carbon import roles
from zhongwei_carbon.roles import Role

Builder = Callable[[Context], "Panel | Iterable[Panel] | None"]

OFFICIAL: list[Builder] = [todo.todo_panel, work.work_panel, official.pipeline_panel,
                           stats.ledgers_panel, official.compliance_panels, stats.sectors_panel,
                           stats.emissions_panel, targets.targets_panel,
                           oversight_credit.agencies_panel,
                           oversight_credit.credit_grades_panel, complaint.complaints_panel,
                           programme_tasks.programme_tasks_panel]
PANELS: dict[str, list[Builder]] = {
    BUREAU: OFFICIAL,
    AREA: OFFICIAL,
    ENTERPRISE: [todo.todo_panel, tasks.tasks_panel, enterprise.obligation_panel,
                 credit.credit_panel, enterprise.emissions_panel, enterprise.facilities_panel,
                 todo.notices_panel],
    AGENCY: [todo.todo_panel, agency.assignments_panel, agency.performance_panel,
             agency.inspections_panel, credit.credit_panel],
    # a department liaison: its programme work (the programme's panels join here)
    DEPARTMENT: [todo.todo_panel, programme_tasks.programme_tasks_panel, targets.targets_panel,
                 todo.notices_panel],
}


def kind_of(user) -> tuple[str, object] | None:
    """(dashboard kind, its subject: the enterprise or agency, else None), or None for a user
    without a role in the portal."""
    if roles.is_bureau(user):
        return BUREAU, None
    if roles.has_role(user, Role.AREA_OFFICIAL):
        return AREA, None
    for m in roles.memberships(user):
        if m.role == Role.ENTERPRISE_USER and m.enterprise_id:
            return ENTERPRISE, m.enterprise
        if m.role == Role.AGENCY_STAFF and m.agency_id:
            return AGENCY, m.agency
        if m.role == Role.DEPARTMENT_LIAISON and m.department_id:
            return DEPARTMENT, m.department
    return None


def scope_of(user, subject) -> str:
    """What the figures cover: 全市, the area's, the enterprise's, agency's or department's name."""
    if subject is not None:
        return subject.name
    return csel.scope_label(user)


def dashboard(user, *, today=None) -> tuple[str, str, list[Panel]] | None:
    """(kind, scope, panels) of the user's dashboard; None for a user without a role."""
    found = kind_of(user)
    if found is None:
        return None
    kind, subject = found
    ctx = Context(user=user, kind=kind, subject=subject, scope=scope_of(user, subject),
                  today=today or timezone.localdate())
    panels: list[Panel] = []
    for build in PANELS[kind]:
        built = build(ctx)
        if isinstance(built, Panel):
            panels.append(built)
        elif built is not None:
            panels.extend(built)
    return kind, ctx.scope, panels
