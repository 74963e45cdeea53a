"""Bureau and county / park official: the current cycle's compliance (by county / park) and
its largest shortfalls, and the year's report pipeline. A county official's figures are those
of the compliance and report pages as the official sees them (``scoping``), never the city's."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from allowances.selectors import compliance as csel
from dashboards.panels import Figure, Panel, percent, tonnes
from dashboards.selectors.base import TOP, Context, url
from reporting.choices import ReportStatus
from reporting.selectors import reports as rsel
from zhongwei_carbon.excel import Column


def rate_columns(group: str) -> list[Column]:
    """The columns of a table of compliance rates by ``group`` (county / park, sector): rows
    ``(name, rules.ComplianceRate)`` as ``selectors.compliance.summary`` gives them."""
    return [
        Column(group, lambda g: g[0], 20),
        Column(_("Enterprises with an obligation"), lambda g: g[1].due_count),
        Column(_("Surrendered in full"), lambda g: g[1].complied_count),
        Column(_("Rate by number of enterprises (%)"), lambda g: percent(g[1].by_count)),
        Column(_("Obligation (t)"), lambda g: g[1].due_tonnes),
        Column(_("Surrendered (t)"), lambda g: g[1].surrendered_tonnes),
        Column(_("Rate by tonnes (%)"), lambda g: percent(g[1].by_tonnes)),
        Column(_("Shortfall (t)"), lambda g: g[1].due_tonnes - g[1].surrendered_tonnes),
    ]


def rate_chart(groups) -> dict:
    """The bar chart of rates by count and by tonnes of each group (percent)."""
    return {"kind": "bar", "unit": "%", "max": 100,
            "categories": [name for name, _r in groups],
            "series": [{"name": _("By number of enterprises"),
                        "data": [percent(r.by_count) for _n, r in groups]},
                       {"name": _("By tonnes"),
                        "data": [percent(r.by_tonnes) for _n, r in groups]}]}


def compliance_panels(ctx: Context) -> list[Panel]:
    """The cycle's compliance rates (``selectors.compliance.summary``: the compliance page's)
    by county / park, and the largest amounts still to surrender
    (``compliance_rows`` sorted by what remains)."""
    user, scope, cycle, today = ctx.user, ctx.scope, ctx.cycle, ctx.today
    if cycle is None:
        return []
    deadline = ctx.deadline
    rates = ctx.summary
    city = rates.city
    page = url("allowances:compliance", cycle=cycle.year)
    by_remaining = url("allowances:compliance", cycle=cycle.year, ordering="-remaining")
    days = csel.days_left(deadline, today)
    compliance = Panel(
        key="compliance",
        title=_("Compliance %(year)s") % {"year": cycle.year}, scope=scope,
        figures=[
            Figure(_("Compliance rate by number of enterprises"), percent(city.by_count), page,
                   "%", "rate_count"),
            Figure(_("Compliance rate by tonnes"), percent(city.by_tonnes), page, "%",
                   "rate_tonnes"),
            Figure(_("Enterprises surrendered in full"), city.complied_count, page,
                   _("of %(n)s enterprises") % {"n": city.due_count}, "complied"),
            Figure(_("Shortfall total"), city.due_tonnes - city.surrendered_tonnes,
                   by_remaining, tonnes(), "shortfall"),
            Figure(_("Days to the surrender deadline"), days, page, _("days"), "days"),
        ],
        columns=rate_columns(_("County / park")), rows=rates.by_area,
        row_url=lambda g: url("allowances:compliance", cycle=cycle.year,
                              area=rates.area_ids.get(g[0])),
        more_url=page, more_label=_("Compliance page"),
        chart=rate_chart(rates.by_area),
        empty=_("No enterprises with an obligation in this cycle."), wide=True,
    )
    top = [r for r in csel.compliance_rows(user, cycle, ordering="-remaining",
                                           deadline=deadline, today=today)[:TOP]
           if r.remaining]
    shortfalls = Panel(
        key="shortfalls",
        title=_("Largest shortfalls %(year)s") % {"year": cycle.year}, scope=scope,
        columns=[Column(_("Enterprise"), lambda r: r.enterprise.name, 36),
                 Column(_("Area"), lambda r: str(r.enterprise.area)),
                 Column(_("Obligation (t)"), lambda r: r.obligation),
                 Column(_("Surrendered (t)"), lambda r: r.surrendered),
                 Column(_("Remaining (t)"), lambda r: r.remaining),
                 Column(_("Status"), lambda r: str(r.status_label))],
        rows=top,
        row_url=lambda r: url("allowances:compliance", cycle=cycle.year,
                              enterprise=r.enterprise.pk),
        more_url=by_remaining, more_label=_("Compliance page"),
        empty=_("Nothing remains to be surrendered."),
    )
    return [compliance, shortfalls]


def pipeline_panel(ctx: Context) -> Panel | None:
    """The year's annual reports by status (``selectors.reports.reports_for``: the report
    list's) of the current cycle's year, each linking to the list filtered by it."""
    if ctx.cycle is None:
        return None
    user, scope, year = ctx.user, ctx.scope, ctx.cycle.year
    counts = rsel.reports_for(user, year=year).aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in ReportStatus.values})
    rows = [(s, ReportStatus(s).label, counts[s]) for s in ReportStatus.values]
    return Panel(
        key="pipeline",
        title=_("Annual reports %(year)s") % {"year": year}, scope=scope,
        figures=[Figure(_("Reports"), sum(counts.values()),
                        url("reporting:report_list", year=year), key="reports")],
        columns=[Column(_("Status"), lambda r: str(r[1]), 30),
                 Column(_("Reports"), lambda r: r[2])],
        rows=rows, row_url=lambda r: url("reporting:report_list", year=year, status=r[0]),
        more_url=url("reporting:report_list", year=year), more_label=_("Report list"),
        chart={"kind": "bar", "unit": "", "categories": [str(r[1]) for r in rows],
               "series": [{"name": _("Reports"), "data": [r[2] for r in rows]}]},
    )
