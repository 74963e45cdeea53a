"""Reading allowance accounts: scoped lists with CEA/CCER balances, holdings, entries."""

from __future__ import annotations

from django.db.models import BigIntegerField, F, Func, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from allowances.choices import UnitType
from allowances.models import AllowanceAccount, Holding, LedgerEntry
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm


def _balance(unit_type: str):
    """The account's units of ``unit_type`` (t): a subquery per row, so PostgreSQL computes it
    for the rows a page returns (after LIMIT), not for every account before paging; without
    GROUP BY, the sum of the account's holdings only."""
    total = (
        Holding.objects.filter(account=OuterRef("pk"), unit_type=unit_type)
        .order_by().values(total=Func(F("quantity"), function="SUM"))
    )
    return Coalesce(Subquery(total, output_field=BigIntegerField()), Value(0),
                    output_field=BigIntegerField())


def accounts_for(user, *, area=None, sector=None, q: str = ""):
    """Accounts the user may see (bureau all, official its area, enterprise its own), with
    ``cea_balance`` and ``ccer_balance`` from the holdings (computed per row returned; a sort
    by a balance computes them all, in the one query)."""
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
