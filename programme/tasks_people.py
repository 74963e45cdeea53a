"""Who a programme unit's notices and reminders go to (a constant number of queries for any
number of units): a county/park unit's officials, a department's or bank's liaisons, and for
the bureau's own unit the bureau's staff."""

from __future__ import annotations

from zhongwei_carbon.reminders.people import by_scope, holders
from zhongwei_carbon.roles import BUREAU, Role


def unit_people(units) -> dict[int, tuple]:
    """The people of each unit, by unit id (three queries at most)."""
    units = list(units)
    by_area = by_scope("area_id", {u.area_id for u in units if u.area_id}, [Role.AREA_OFFICIAL])
    by_department = by_scope("department_id", {u.department_id for u in units if u.department_id},
                             [Role.DEPARTMENT_LIAISON])
    bureau = holders(BUREAU) if any(u.is_bureau for u in units) else ()
    out = {}
    for u in units:
        if u.area_id:
            out[u.pk] = by_area.get(u.area_id, ())
        elif u.is_bureau:
            out[u.pk] = bureau
        else:
            out[u.pk] = by_department.get(u.department_id, ())
    return out


def reviewers() -> tuple:
    """The task group office: the bureau's staff who review progress reports."""
    from zhongwei_carbon.roles import Perm, roles_for

    return holders(roles_for(Perm.REVIEW_PROGRESS_REPORT))
