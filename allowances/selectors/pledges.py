"""Reading allowance pledges: the scoped list (the bureau all, an area official its area's,
an enterprise its own, a bank liaison the pledges to its bank) and an account's pledged and
free quantities."""

from __future__ import annotations

from dataclasses import dataclass

from allowances import rules
from allowances.choices import PledgeStatus
from allowances.models import Pledge
from allowances.services import ledger
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm


def pledges_for(user):
    """The pledges ``user`` may see (filters: ``allowances.filtersets.PledgeFilterSet``)."""
    qs = scoping.for_user(Pledge.objects.all(), user, Perm.VIEW_PLEDGE)
    return qs.select_related(
        "account__enterprise__area", "pledgee", "registered_by", "released_by"
    ).order_by("-registered_at", "-id")


@dataclass(frozen=True)
class Pledged:
    """An account's CEA: held, pledged, free (all tonnes) and the free tonnes by vintage."""

    held: int
    pledged: int
    free: int
    free_by_vintage: dict[int, int]
    pledges: list

    @property
    def any(self) -> bool:
        return bool(self.pledges)


def pledged_of(account, *, only_if_pledged: bool = False) -> Pledged:
    """``only_if_pledged``: one query for an account without pledges (``any`` is false, the
    figures 0: for pages that show them only for a pledged account); else two."""
    pledges = ledger.active_pledges(account.pk)
    if not pledges and only_if_pledged:
        return Pledged(held=0, pledged=0, free=0, free_by_vintage={}, pledges=[])
    balances = ledger.cea_balances(account.pk)
    free = rules.unpledged(balances, [(p.vintage, p.quantity) for p in pledges])
    return Pledged(
        held=sum(balances.values()),
        pledged=sum(p.quantity for p in pledges),
        free=ledger.sum_free(balances, pledges, free),
        free_by_vintage=free,
        pledges=pledges,
    )


def active_count() -> int:
    return Pledge.objects.filter(status=PledgeStatus.ACTIVE).count()
