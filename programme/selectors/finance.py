"""Reads of the climate-finance project library: the projects a user may see (the bureau all,
an official its area's, an enterprise its own, a liaison those shared with its department
while the department holds the climate-finance grant), a project's reviews and shares."""

from __future__ import annotations

from django.db.models import Q

from programme.models import ClimateProject, ClimateProjectShare, ShareKind
from registry.choices import Dataset
from registry.selectors.grants import granted_department_ids
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm, Role, ScopeKind


def _liaison_only(user) -> bool:
    """Does ``user`` reach projects only as a department liaison?"""
    return all(roles.ROLE_SCOPE[m.role] == ScopeKind.DEPARTMENT for m in roles.memberships(user))


def projects_for(user, action: str = Perm.VIEW_CLIMATE_PROJECT):
    qs = scoping.for_user(ClimateProject.objects.all(), user, action)
    if _liaison_only(user):
        # a liaison's department must (still) hold the grant; a subquery keeps rows unique
        granted = granted_department_ids(user, Dataset.CLIMATE_FINANCE)
        shared = ClimateProjectShare.objects.filter(department_id__in=granted).values("project")
        qs = ClimateProject.objects.filter(pk__in=shared) if granted else qs.none()
    return qs.select_related("area", "enterprise", "proposer")


def shares_of(project, user):
    """The shares of ``project`` the user may see: a bank liaison only its own bank's; the
    bureau, the proposer's side and development-reform every push with its response."""
    qs = project.shares.select_related("department", "shared_by", "responded_by").order_by(
        "kind", "department__sort_order", "pk")
    if _liaison_only(user):
        mine = {m.department_id for m in roles.memberships(user)
                if m.role == Role.DEPARTMENT_LIAISON}
        if not mine & set(qs.filter(kind=ShareKind.REVIEW).values_list("department_id",
                                                                          flat=True)):
            qs = qs.filter(department_id__in=mine)
    return qs


def my_share(project, user, kind=ShareKind.PUSH):
    """The user's bank's push of ``project`` (None if not a liaison of a bank it went to)."""
    granted = granted_department_ids(user, Dataset.CLIMATE_FINANCE)
    return project.shares.filter(kind=kind, department_id__in=granted).select_related(
        "department").first()


def search_q(value: str) -> Q:
    return (Q(title__icontains=value) | Q(enterprise__name__icontains=value)
            | Q(description__icontains=value))
