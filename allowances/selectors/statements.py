"""Reading registry statements and their reconciliation with the portal's holdings.

A line's status: "not in the portal" (the USCC is no enterprise of the portal), "not in the
statement" (a portal holding the statement does not list), "matches" (difference 0) or
"differs". "Differences only" shows every line that does not match.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from allowances.choices import UnitType
from allowances.models import RegistryStatement, StatementLine
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm

MATCHES, DIFFERS = "matches", "differs"
NOT_IN_PORTAL, NOT_IN_STATEMENT = "not_in_portal", "not_in_statement"
STATUS_LABELS = {
    MATCHES: _("matches"),
    DIFFERS: _("differs"),
    NOT_IN_PORTAL: _("not in the portal"),
    NOT_IN_STATEMENT: _("not in the statement"),
}
SHOW_DIFFERENCES, SHOW_ALL = "diff", "all"
SHOW_CHOICES = [(SHOW_DIFFERENCES, _("Differences only")), (SHOW_ALL, _("All lines"))]


def statements_for(user) -> QuerySet:
    """Statements the user may read (city-wide roles), newest first."""
    return scoping.for_user(
        RegistryStatement.objects.select_related("uploaded_by"), user, Perm.VIEW_STATEMENT
    ).order_by("-uploaded_at", "-id")


def _status():
    return Case(
        When(enterprise__isnull=True, then=Value(NOT_IN_PORTAL)),
        When(statement_quantity__isnull=True, then=Value(NOT_IN_STATEMENT)),
        When(difference=0, then=Value(MATCHES)),
        default=Value(DIFFERS),
        output_field=CharField(),
    )


def lines_of(statement: RegistryStatement, *, show: str = SHOW_DIFFERENCES, q: str = ""):
    """Lines of ``statement`` with a ``status`` annotation; ``show`` "diff" keeps the lines
    that do not match; ``q`` searches the USCC and the enterprise name."""
    qs = (
        StatementLine.objects.filter(statement=statement)
        .select_related("enterprise__allowance_account", "project")
        .annotate(status=_status())
        .order_by("uscc", "unit_type", "vintage", "project__code", "pk")
    )
    if show != SHOW_ALL:
        qs = qs.exclude(status=MATCHES)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(uscc__icontains=q.upper()) | Q(enterprise__name__icontains=q))
    return qs


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class Totals:
    unit_type: str
    label: str
    lines: int
    statement: int  # tonnes the statement lists
    portal: int  # tonnes the portal held
    more_in_statement: int  # sum of the positive differences
    more_in_portal: int  # sum of the negative differences, as a positive number
    net: int  # statement − portal


def totals_of(lines: QuerySet) -> list[Totals]:
    """Totals per unit type of ``lines`` (CEA and CCER are never added together)."""
    zero = Value(0)
    rows = (
        lines.order_by()
        .values("unit_type")
        .annotate(
            n=Count("pk"),
            stated=Coalesce(Sum("statement_quantity"), zero),
            held=Coalesce(Sum("portal_quantity"), zero),
            plus=Coalesce(Sum("difference", filter=Q(difference__gt=0)), zero),
            minus=Coalesce(Sum("difference", filter=Q(difference__lt=0)), zero),
            net=Coalesce(Sum("difference"), zero),
        )
    )
    by_type = {r["unit_type"]: r for r in rows}
    return [
        Totals(
            unit_type=t.value,
            label=str(t.label),
            lines=r["n"],
            statement=r["stated"],
            portal=r["held"],
            more_in_statement=r["plus"],
            more_in_portal=-r["minus"],
            net=r["net"],
        )
        for t in UnitType
        if (r := by_type.get(t.value))
    ]


@dataclass
class Reconciliation:
    statement: RegistryStatement
    lines: QuerySet
    show: str
    q: str
    totals: list[Totals]


def reconciliation(statement, *, show: str = SHOW_DIFFERENCES, q: str = "") -> Reconciliation:
    show = show if show in (SHOW_DIFFERENCES, SHOW_ALL) else SHOW_DIFFERENCES
    lines = lines_of(statement, show=show, q=q)
    return Reconciliation(statement, lines, show, (q or "").strip(), totals_of(lines))
