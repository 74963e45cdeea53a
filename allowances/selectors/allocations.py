"""Who sees which allocations and which of their figures (one place for the rule).

The bureau sees every allocation in its scope with the portal's check values. Counties and
enterprises see an allocation only once it has been notified (an imported figure may still
change before the notice), and never the check values: they are the bureau's working
figures, so they are also left out of the change history shown to them."""

from __future__ import annotations

from allowances.choices import AllocationStatus
from allowances.models import Allocation
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm

# Fields that carry the portal's check values (or their inputs).
CHECK_FIELDS = ("computed", "pre_allocation_check", "check_problem", "inputs")


def shows_check_values(user) -> bool:
    return roles.is_bureau(user)


def allocations_for(user, action: str = Perm.VIEW_ALLOCATION):
    """Allocations ``user`` may see for ``action``, in its scope."""
    qs = scoping.for_user(
        Allocation.objects.select_related("enterprise__area", "enterprise__sector", "cycle"),
        user, action,
    )
    return qs if shows_check_values(user) else qs.exclude(status=AllocationStatus.IMPORTED)


def history_exclude(user) -> tuple[str, ...]:
    """Fields to leave out of the change history shown to ``user``."""
    return () if shows_check_values(user) else CHECK_FIELDS
