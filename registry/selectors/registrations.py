"""Reads of account applications (the bureau admin's queue: Perm.DECIDE_REGISTRATION)."""

from __future__ import annotations

from django.db.models import QuerySet

from registry.choices import RegistrationStatus
from registry.models import RegistrationRequest
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm


def applications_for(user, *, status: str = "") -> QuerySet:
    """The applications the user may decide (the list's rows), newest first; ``status``
    filters by it (an unknown one filters nothing)."""
    qs = scoping.for_user(
        RegistrationRequest.objects.select_related("enterprise", "enterprise__area", "decided_by"),
        user,
        Perm.DECIDE_REGISTRATION,
    )
    if status in RegistrationStatus.values:
        qs = qs.filter(status=status)
    return qs
