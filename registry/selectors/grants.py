"""Which data the bureau has granted a department's liaisons (``DepartmentGrant``).

A grant widens what a department liaison may reach beyond its own programme tasks: the
views of the granted dataset ask ``granted(user, dataset)`` on top of the role's permission.
City-wide roles need no grant."""

from __future__ import annotations

from registry.choices import Dataset
from registry.models import DepartmentGrant
from zhongwei_carbon import roles
from zhongwei_carbon.roles import Role


def granted_department_ids(user, dataset: str) -> set[int]:
    """The user's departments (as liaison) holding an active grant of ``dataset``."""
    mine = {
        m.department_id for m in roles.memberships(user)
        if m.role == Role.DEPARTMENT_LIAISON and m.department_id is not None
    }
    if not mine:
        return set()
    cache = getattr(user, "_zw_grants", None)
    if cache is None:
        cache = {}
        for dep, ds in DepartmentGrant.objects.filter(
            department_id__in=mine, revoked_at__isnull=True, department__is_active=True
        ).values_list("department_id", "dataset"):
            cache.setdefault(ds, set()).add(dep)
        user._zw_grants = cache
    return set(cache.get(str(dataset), set()))


def granted(user, dataset: str) -> bool:
    """May ``user`` reach ``dataset``: a city-wide role always, a liaison through a grant."""
    Dataset(dataset)  # an unknown dataset is a programming error
    if roles.is_bureau(user):
        return True
    return bool(granted_department_ids(user, dataset))
