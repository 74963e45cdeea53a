"""Reads for the surrender pages: the scoped, filtered list (the page, its export and the
dashboards), what a confirmed request leaves owed, and the words of a request's status
(issue 9 §12: "已确认，尚欠 X 吨", fully surrendered only when nothing remains)."""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import SurrenderStatus
from allowances.models import CCERProject, LedgerEntry, SurrenderRequest
from allowances.services import ledger
from registry.choices import RecordSource
from registry.models import EmissionRecord
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm

# What the export shows of each request; the page only needs the enterprise and the cycle
# (each join more costs the planner: 24 ms to plan the export's eight tables at 5,000
# enterprises, 2 ms for the page's five).
EXPORT_RELATED = (
    "account__enterprise__area", "cycle", "requested_by", "approved_by", "confirmed_by"
)
PAGE_RELATED = ("account__enterprise__area", "cycle")


def surrenders_for(user, *, status: str = "", cycle: int | None = None,
                   enterprise: int | None = None, related=EXPORT_RELATED) -> QuerySet:
    """The surrender requests the user may see (the list's rows), filtered by status, cycle
    year and enterprise; an unknown status filters nothing (as the list)."""
    qs = scoping.for_user(
        SurrenderRequest.objects.select_related(*related), user, Perm.VIEW_ACCOUNT
    )
    if status in SurrenderStatus.values:
        qs = qs.filter(status=status)
    if cycle is not None:
        qs = qs.filter(cycle__year=cycle)
    if enterprise:
        qs = qs.filter(account__enterprise_id=enterprise)
    return qs


def owed_by(requests) -> dict[tuple[int, int], int | None]:
    """What is still owed now, per (account id, cycle id) of the confirmed ``requests``
    (one page of them), in two queries: the obligation less every surrender of the cycle;
    ``None`` while the obligation is unknown."""
    confirmed = [r for r in requests if r.status == SurrenderStatus.CONFIRMED]
    if not confirmed:
        return {}
    pairs = {(r.account_id, r.cycle_id) for r in confirmed}
    enterprise_of = {r.account_id: r.account.enterprise_id for r in confirmed}
    year_of = {r.cycle_id: r.cycle.year for r in confirmed}
    verified = {
        (e, y): v
        for e, y, v in EmissionRecord.objects.filter(
            enterprise_id__in=set(enterprise_of.values()), year__in=set(year_of.values()),
            source=RecordSource.VERIFIED,
        ).values_list("enterprise_id", "year", "emissions_tco2e")
    }
    done = {
        (row["holding__account_id"], row["cycle_id"]): -(row["total"] or 0)
        for row in LedgerEntry.objects.filter(
            holding__account_id__in={a for a, _c in pairs}, cycle_id__in={c for _a, c in pairs}
        ).filter(ledger.SURRENDERED).values("holding__account_id", "cycle_id")
        .annotate(total=Sum("quantity"))
    }
    owed = {}
    for account_id, cycle_id in pairs:
        figure = verified.get((enterprise_of[account_id], year_of[cycle_id]))
        owed[(account_id, cycle_id)] = (
            None if figure is None
            else rules.remaining(rules.obligation(figure), done.get((account_id, cycle_id), 0))
        )
    return owed


def status_text(request, owed: int | None) -> str:
    """The status as the enterprise and the bureau read it: a confirmed request says what
    is still owed for its cycle (``owed``, from ``owed_by``), and "obligation met in full"
    only when nothing remains."""
    if request.status != SurrenderStatus.CONFIRMED:
        return str(request.get_status_display())
    if owed is None:
        return _("Confirmed (obligation not known yet)")
    if owed > 0:
        return _("Confirmed; %(owed)s t still owed") % {"owed": f"{owed:,}"}
    return _("Confirmed; obligation met in full")


def ccer_lines(request) -> list[tuple[object, int, int]]:
    """The request's CCER lines as (project, vintage, t), the project by its code and name
    (an id only if the project is gone)."""
    projects = CCERProject.objects.in_bulk({p for p, _v, _t in request.ccer})
    return [(projects.get(p, p), v, t) for p, v, t in request.ccer]
