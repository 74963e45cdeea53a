"""Reads of the city departments and banks (``registry.Department``) for the programme's
pages: the bureau sees every department, a liaison only his own (``Perm.VIEW_DEPARTMENT``).

``Department`` declares its active rows public (their names appear on the public programme
pages), so ``scoping.for_user`` would give every active department to any view action; the
department pages are not public, so they read through the role's own scope
(``scoping.scope_q``) without the public rows."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Membership
from registry.models import Department, DepartmentGrant
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm, Role

ACTIVE_LIAISON = Q(membership__is_active=True, membership__role=Role.DEPARTMENT_LIAISON,
                   membership__user__is_active=True)


def departments_for(user, action: str = Perm.VIEW_DEPARTMENT) -> QuerySet[Department]:
    """The departments ``user`` may reach for ``action`` (no public rows), with their active
    liaisons and active grants counted and the active grants prefetched."""
    q = scoping.scope_q(Department, user, action)
    if q is None:
        return Department.objects.none()
    active = DepartmentGrant.objects.filter(revoked_at__isnull=True).order_by("dataset")
    return (
        Department.objects.filter(q)
        .annotate(
            member_count=Count("membership", filter=ACTIVE_LIAISON, distinct=True),
            grant_count=Count("grants", filter=Q(grants__revoked_at__isnull=True), distinct=True),
        )
        .prefetch_related(Prefetch("grants", queryset=active, to_attr="active_grants"))
        .order_by("sort_order", "code")
    )


def members(department: Department) -> list[Membership]:
    """Everyone who holds (or held) a role in ``department``: active first, then by name."""
    return list(
        Membership.objects.filter(department=department)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__username")
    )


def grants(department: Department) -> list[DepartmentGrant]:
    """Every grant of ``department``, active ones first, with who gave and revoked it."""
    rows = department.grants.select_related("granted_by", "revoked_by").order_by(
        "dataset", "-granted_at"
    )
    return sorted(rows, key=lambda g: g.revoked_at is not None)
