"""Bureau and county / park official: the year's monthly ledgers by month and tier, the
current cycle's compliance by sector, and the key emitters' emissions by year and sector.
Each figure is read by the selector of the list it links to, as the user sees that list
(a county official: the area's only)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from dashboards.panels import Figure, Panel
from dashboards.selectors.base import Context, url
from dashboards.selectors.official import rate_chart, rate_columns
from registry.models import EmissionRecord, Sector
from registry.selectors import enterprises as esel
from registry.selectors import lists as lsel
from reporting import ledger_rules as lr
from reporting.selectors import ledger_timeliness as lt
from reporting.selectors import ledgers as gsel
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Perm

ZERO = Decimal(0)
TONNES_PER_10K = Decimal(10_000)  # the city's statistics are in 万吨
TREND_YEARS = 6  # years of the emissions trend (the newest with figures)
# the table's figure columns, in order: each tier's on time, late, missing
_LEDGER_KEYS = [(t, s) for t in lt.TIERS for s in lt.STATES]
# the dashboard's figures: the latest due month's uploads, and what is overdue at the others
_LEDGER_FIGURES = [(lt.UPLOAD, lt.ON_TIME), (lt.UPLOAD, lt.LATE), (lt.UPLOAD, lt.MISSING),
                   (lt.COUNTY, lt.MISSING), (lt.CLOSE, lt.MISSING)]


def _tier_state(tier: str, state: str) -> str:
    return _("%(tier)s · %(state)s") % {"tier": lt.TIER_LABELS[tier],
                                         "state": lt.STATE_LABELS[state]}


def _ledger_year(today) -> tuple[int, object]:
    """The year the panel shows and its day counts: this year once a month of it is due for
    upload; before that (January, early February) last year, whose December is the month
    due, so the panel is never empty at the turn of the year."""
    days = gsel.ledger_days(today.year)
    if days is not None and today <= lr.deadlines(today.year, 1, days).upload_due:
        previous = gsel.ledger_days(today.year - 1)
        if previous is not None:
            return today.year - 1, previous
    return today.year, days


def ledgers_panel(ctx: Context) -> Panel:
    """The monthly ledgers of the current year (``_ledger_year``), month by month up to this
    one: at each tier
    (upload, county check, city close) the facilities on time, late and missing
    (``reporting.selectors.ledger_timeliness`` over the ledger grid's facilities); each number
    opens the grid filtered by month, tier and timeliness."""
    user, today = ctx.user, ctx.today
    year, days = _ledger_year(today)
    facilities = gsel.grid_facilities(user, year=year)
    last = today.month if year == today.year else 12
    rows = lt.month_counts(facilities, year=year, months=range(1, last + 1),
                           today=today, days=days) if days is not None else []

    def grid(month, tier, state) -> str:
        return url("reporting:ledger_index", year=year, month=month, tier=tier, timeliness=state)

    due = [r for r in rows if today > lr.deadlines(year, r.month, days).upload_due]
    latest = due[-1] if due else None
    figures = [
        Figure(_("Month %(m)d · %(what)s") % {"m": latest.month, "what": _tier_state(t, s)},
               latest[(t, s)], grid(latest.month, t, s), key=f"{t}_{s}")
        for t, s in _LEDGER_FIGURES
    ] if latest else []

    def month(r) -> str:
        return _("Month %(m)d") % {"m": r.month}

    upload = [(lt.UPLOAD, s) for s in lt.STATES]
    return Panel(
        key="ledgers", title=_("Monthly ledgers %(year)s") % {"year": year}, scope=ctx.scope,
        figures=figures,
        columns=[Column(_("Month"), month, 10)] + [
            Column(_tier_state(t, s), lambda r, k=(t, s): r[k]) for t, s in _LEDGER_KEYS],
        rows=rows,
        cell_url=lambda r, i: grid(r.month, *_LEDGER_KEYS[i - 1]),
        more_url=url("reporting:ledger_index", year=year), more_label=_("Ledger grid"),
        chart={"kind": "bar", "unit": "", "stack": True,
               "categories": [month(r) for r in rows],
               "series": [{"name": _tier_state(t, s), "data": [r[(t, s)] for r in rows]}
                          for t, s in upload]} if rows else None,
        empty=_("The deadlines of this reporting year have not been set yet.")
        if days is None else "",
        wide=True,
    )


def sectors_panel(ctx: Context) -> Panel | None:
    """The current cycle's compliance rates by sector (``selectors.compliance.summary``, the
    compliance page's groups); a row opens the compliance page filtered by its sector."""
    cycle, rates = ctx.cycle, ctx.summary
    if cycle is None:
        return None
    return Panel(
        key="sectors", title=_("Compliance by sector %(year)s") % {"year": cycle.year},
        scope=ctx.scope, columns=rate_columns(_("Sector")), rows=rates.by_sector,
        row_url=lambda g: url("allowances:compliance", cycle=cycle.year,
                              sector=rates.sector_ids.get(g[0])),
        more_url=url("allowances:compliance", cycle=cycle.year), more_label=_("Compliance page"),
        chart=rate_chart(rates.by_sector) if rates.by_sector else None,
        empty=_("No enterprises with an obligation in this cycle."), wide=True,
    )


def target_series(ctx: Context, years: list[int]) -> list[dict]:
    """The 2025 targets' side of the emissions chart (issue 17): the city's CO2 from its
    inventory (the statistics bureau's figure, 万吨, in tonnes here) beside the key emitters'
    stacked bar of each of ``years``, as a bar of its own (``alone``), for a user who may read
    the targets; nothing otherwise. Read from ``Context.targets`` (the targets panel's query)."""
    if not years or not roles.has_perm(ctx.user, Perm.VIEW_TARGETS):
        return []
    co2 = {r.year: r.stat.co2 * TONNES_PER_10K for r in ctx.targets.rows}
    if not any(y in co2 for y in years):
        return []
    return [{"name": _("City CO2 (inventory)"), "alone": True,
             "data": [_text(co2.get(y)) for y in years]}]


def emissions_panel(ctx: Context) -> Panel:
    """The emissions of the key emitters (the newest published list the user may see: the
    enterprise list's ``?listed_in=``) by year and sector, from their annual records
    (registry ``EmissionRecord``; one record per enterprise and year, so it is the
    enterprise's best-ranked figure of the year, as on the enterprise dashboard), summed in
    one statement; a sector's figure opens the enterprise list of that list and sector."""
    user, scope = ctx.user, ctx.scope
    list_year = lsel.latest_published_year(user)
    empty = Panel(key="emissions", title=_("Emissions of the key emitters"), scope=scope,
                  empty=_("No key-emitter list has been published yet."))
    if list_year is None:
        return empty
    emitters = lsel.listed_in(esel.enterprises_for(user), user, list_year)
    listed = url("registry:enterprise_list", listed_in=list_year)
    records = scoping.for_user(EmissionRecord.objects.filter(enterprise__in=emitters.values("pk")),
                               user, Perm.VIEW_EMISSION_RECORD)
    sums = list(records.values("year", "enterprise__sector").order_by()
                .annotate(tonnes=Sum("emissions_tco2e"), n=Count("pk")))
    years = sorted({r["year"] for r in sums})[-TREND_YEARS:]
    sectors = sorted(Sector.objects.in_bulk({r["enterprise__sector"] for r in sums}).values(),
                     key=lambda s: (s.sort_order, s.code))
    by = {(r["year"], r["enterprise__sector"]): r["tonnes"] for r in sums}
    # (year, total, each sector's tonnes): newest year first
    rows = [(y, sum((by.get((y, s.pk), ZERO) for s in sectors), ZERO),
             [by.get((y, s.pk)) for s in sectors]) for y in reversed(years)]
    count = emitters.count()
    latest = rows[0] if rows else None
    figures = [Figure(_("Key emitters on the %(year)s list") % {"year": list_year}, count,
                      listed, key="emitters")]
    if latest:
        figures.append(Figure(_("Their emissions %(year)s") % {"year": latest[0]}, latest[1],
                              listed, "tCO2e", "latest"))
    by_sector_url = {i + 2: url("registry:enterprise_list", listed_in=list_year, sector=s.pk)
                     for i, s in enumerate(sectors)}
    return Panel(
        key="emissions", title=_("Emissions of the key emitters"), scope=scope, figures=figures,
        columns=[Column(_("Year"), lambda r: str(r[0]), 8),
                 Column(_("Emissions (tCO2e)"), lambda r: r[1], 18)]
        + [Column(str(s), lambda r, i=i: r[2][i], 16) for i, s in enumerate(sectors)],
        rows=rows, row_url=lambda r: listed, cell_url=lambda r, i: by_sector_url.get(i, ""),
        more_url=listed, more_label=_("Enterprise list"),
        chart={"kind": "bar", "unit": "tCO2e", "stack": True,
               "categories": [str(y) for y in years],
               "series": [{"name": str(s), "data": [_text(by.get((y, s.pk))) for y in years]}
                          for s in sectors] + target_series(ctx, years)} if years else None,
        empty=_("No annual figures yet."), wide=True,
    )


def _text(value) -> str | None:
    """A Decimal for the chart's JSON: as text, so no float is involved."""
    return None if value is None else str(value)
