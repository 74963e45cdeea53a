"""Reading allowance accounts: scoped lists with CEA/CCER balances, holdings, entries."""

from __future__ import annotations

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce

from allowances.choices import UnitType
from allowances.models import AllowanceAccount, Holding, LedgerEntry
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm


def _balance(unit_type: str):
    return Coalesce(
        Sum("holdings__quantity", filter=Q(holdings__unit_type=unit_type)), Value(0)
    )


def accounts_for(user, *, area=None, sector=None, q: str = ""):
    """Accounts the user may see (bureau all, official its area, enterprise its own), with
    ``cea_balance`` and ``ccer_balance`` from the holdings."""
    qs = scoping.for_user(AllowanceAccount.objects.all(), user, Perm.VIEW_ACCOUNT)
    if area:
        qs = qs.filter(enterprise__area=area)
    if sector:
        qs = qs.filter(enterprise__sector=sector)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q.upper()))
    return (
        qs.select_related("enterprise__area", "enterprise__sector")
        .annotate(cea_balance=_balance(UnitType.CEA), ccer_balance=_balance(UnitType.CCER))
        .order_by("enterprise__name", "pk")
    )


def holdings_of(account: AllowanceAccount):
    """Balances by unit type, vintage and CCER project (zero rows left out)."""
    return (
        Holding.objects.filter(account=account)
        .exclude(quantity=0)
        .select_related("project")
        .order_by("unit_type", "-vintage", "project__code")
    )


def totals_of(account: AllowanceAccount) -> dict[str, int]:
    rows = Holding.objects.filter(account=account).values("unit_type").annotate(t=Sum("quantity"))
    totals = {UnitType.CEA.value: 0, UnitType.CCER.value: 0}
    totals.update({r["unit_type"]: r["t"] for r in rows})
    return totals


def entries_of(account: AllowanceAccount):
    """Ledger entries of the account, newest first."""
    return (
        LedgerEntry.objects.filter(holding__account=account)
        .select_related("holding__project", "actor", "cycle")
        .order_by("-created_at", "-id")
    )
