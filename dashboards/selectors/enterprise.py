"""Enterprise: the current cycle's obligation against the account's holdings, the
enterprise's emissions by year and by facility."""

from __future__ import annotations

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from allowances.selectors import compliance as csel
from dashboards.panels import Figure, Panel, tonnes
from dashboards.selectors.base import Context, url
from registry.choices import RecordSource
from registry.models import EmissionRecord
from reporting.models import ReportLine
from reporting.selectors import reports as rsel
from zhongwei_carbon.excel import Column


def obligation_panel(ctx: Context) -> Panel | None:
    """The current cycle's obligation against the account's holdings, what was surrendered,
    the shortfall and the CCER headroom (5 %: ``allowances.rules.ccer_cap``), as the
    surrender page reads them (``selectors.compliance.totals``)."""
    enterprise, today, cycle = ctx.subject, ctx.today, ctx.cycle
    account, t = ctx.account, ctx.totals
    if t is None:
        return None
    page = (url("allowances:account_detail", kwargs={"pk": account.pk}, cycle=cycle.year)
            if account.pk else url("allowances:compliance", cycle=cycle.year))
    known = t.known
    figures = [
        Figure(_("Obligation"), t.obligation, page, tonnes(), "obligation"),
        Figure(_("Allowances held"), t.held, page, tonnes(), "held"),
        Figure(_("Surrendered"), t.done, page, tonnes(), "surrendered"),
        Figure(_("Remaining to surrender"), t.remaining if known else None, page, tonnes(),
               "remaining"),
        Figure(_("Shortfall (remaining less what is held)"), t.shortfall if known else None,
               page, tonnes(), "shortfall"),
        Figure(_("CCER cap"), t.cap if known else None, page, tonnes(),
               "ccer_cap"),
        Figure(_("CCER headroom"), t.headroom if known else None, page, tonnes(), "headroom"),
        Figure(_("Days to the surrender deadline"),
               csel.days_left(ctx.deadline, today), page, _("days"), "days"),
    ]
    bars = [f for f in figures if f.key in ("obligation", "held", "surrendered", "shortfall")]
    return Panel(
        key="obligation", title=_("Obligation %(year)s") % {"year": cycle.year},
        scope=enterprise.name, figures=figures,
        chart={"kind": "bar", "unit": tonnes(), "categories": [f.label for f in bars],
               "series": [{"name": _("Tonnes"), "data": [f.value for f in bars]}]},
    )


def emissions_panel(ctx: Context) -> Panel:
    """The enterprise's annual figures (registry ``EmissionRecord``), by year; the chart
    takes each year's best-ranked figure (verified over self-reported over statistics)."""
    enterprise = ctx.subject
    records = list(EmissionRecord.objects.filter(enterprise=enterprise).order_by("-year",
                                                                                 "source"))
    rank = {s: i for i, s in enumerate(RecordSource.values)}
    best: dict[int, EmissionRecord] = {}
    for r in records:
        if r.year not in best or rank[r.source] > rank[best[r.year].source]:
            best[r.year] = r
    years = sorted(best)
    page = reverse("registry:enterprise_detail", kwargs={"pk": enterprise.pk})
    return Panel(
        key="emissions", title=_("Emissions by year"), scope=enterprise.name,
        columns=[Column(_("Year"), lambda r: str(r.year), 8),
                 Column(_("Emissions (tCO2e)"), lambda r: r.emissions_tco2e, 18),
                 Column(_("Energy (tce)"), lambda r: r.energy_tce, 14),
                 Column(pgettext("figure source", "Source"), lambda r: r.get_source_display(), 14)],
        rows=records, row_url=lambda r: page, more_url=page, more_label=_("Enterprise page"),
        chart={"kind": "bar", "unit": "tCO2e", "categories": [str(y) for y in years],
               "series": [{"name": _("Emissions (tCO2e)"),
                           "data": [str(best[y].emissions_tco2e) for y in years]}]}
        if years else None,
        empty=_("No annual figures yet."),
    )


FACILITY_YEARS = 3  # the latest years with facility-level figures the panel shows


def facilities_panel(ctx: Context) -> Panel:
    """The enterprise's emissions by facility in its annual reports of the latest
    ``FACILITY_YEARS`` years with report lines: each report's current version summed per
    facility, as the report page groups its lines (``selectors.reports.grouped_lines``; lines
    of no facility under 「Whole enterprise」). Two queries."""
    user, enterprise = ctx.user, ctx.subject
    reports = rsel.reports_for(user, enterprise=enterprise.pk).order_by()
    years = list(ReportLine.objects.filter(version__in=reports.values("current_version"))
                 .order_by("-version__report__year").values_list("version__report__year", flat=True)
                 .distinct()[:FACILITY_YEARS])
    sums = list(
        ReportLine.objects.filter(version__in=reports.values("current_version"),
                                  version__report__year__in=years)
        .values("version__report_id", "version__report__year", "facility_id", "facility__name")
        .annotate(emissions=Sum("emissions"))
        .order_by("-version__report__year", "facility__name", "facility_id")
    ) if years else []
    whole = _("Whole enterprise")
    rows = [{"report": s["version__report_id"], "year": s["version__report__year"],
             "facility": s["facility__name"] or whole, "emissions": s["emissions"]} for s in sums]
    names = sorted({r["facility"] for r in rows}, key=lambda n: (n == whole, n))
    by_key = {(r["year"], r["facility"]): r["emissions"] for r in rows}
    reports_url = url("reporting:report_list")
    return Panel(
        key="facilities", title=_("Emissions by facility"), scope=enterprise.name,
        columns=[Column(_("Year"), lambda r: str(r["year"]), 8),
                 Column(_("Facility"), lambda r: r["facility"], 30),
                 Column(_("Emissions (tCO2e)"), lambda r: r["emissions"], 18)],
        rows=rows,
        row_url=lambda r: reverse("reporting:report_detail", kwargs={"pk": r["report"]}),
        more_url=reports_url, more_label=_("Report list"),
        chart={"kind": "bar", "unit": "tCO2e", "categories": names,
               "series": [{"name": str(y), "data": [str(by_key[(y, n)]) if (y, n) in by_key
                                                    else None for n in names]}
                          for y in years]} if rows else None,
        empty=_("No emission report lines yet."),
    )
