"""Enterprise: the current cycle's obligation against the account's holdings, and the
enterprise's emissions by year."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from allowances.selectors import compliance as csel
from dashboards.panels import Figure, Panel
from dashboards.selectors.base import Context, url
from registry.choices import RecordSource
from registry.models import EmissionRecord
from zhongwei_carbon.excel import Column


def obligation_panel(ctx: Context) -> Panel | None:
    """The current cycle's obligation against the account's holdings, what was surrendered,
    the shortfall and the CCER headroom (5 %: ``allowances.rules.ccer_cap``), as the
    surrender page reads them (``selectors.compliance.totals``)."""
    user, enterprise, today, cycle = ctx.user, ctx.subject, ctx.today, ctx.cycle
    account = csel.account_of_user(user)
    if cycle is None or account is None:
        return None
    t = csel.totals(account, cycle)
    page = (url("allowances:account_detail", kwargs={"pk": account.pk}, cycle=cycle.year)
            if account.pk else url("allowances:compliance", cycle=cycle.year))
    known = t.known
    figures = [
        Figure(_("Obligation"), t.obligation, page, "t", "obligation"),
        Figure(_("Allowances held"), t.held, page, "t", "held"),
        Figure(_("Surrendered"), t.done, page, "t", "surrendered"),
        Figure(_("Remaining to surrender"), t.remaining if known else None, page, "t",
               "remaining"),
        Figure(_("Shortfall (remaining less what is held)"), t.shortfall if known else None,
               page, "t", "shortfall"),
        Figure(_("CCER cap"), t.cap if known else None, page, "t",
               "ccer_cap"),
        Figure(_("CCER headroom"), t.headroom if known else None, page, "t", "headroom"),
        Figure(_("Days to the surrender deadline"),
               csel.days_left(csel.deadline_of(cycle), today), page, _("days"), "days"),
    ]
    bars = [f for f in figures if f.key in ("obligation", "held", "surrendered", "shortfall")]
    return Panel(
        key="obligation", title=_("Obligation %(year)s") % {"year": cycle.year},
        scope=enterprise.name, figures=figures,
        chart={"kind": "bar", "unit": "t", "categories": [f.label for f in bars],
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
