"""The 2025 targets panel (卫政办发〔2023〕61号: energy use −15 %, CO2 −16 % per unit of GDP
against 2020) on the bureau's, the officials' and the department liaisons' dashboards: the
latest year's change of both intensities against 2020 and the year's target, and the table by
year, each linking to the targets page. One query (``Context.targets``, shared with the
emissions panel's city CO2 series)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dashboards.panels import Figure, Panel
from dashboards.selectors.base import Context, url
from programme import rules
from zhongwei_carbon import roles
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Perm


def _track(value) -> str | None:
    return None if value is None else (_("on track") if value else _("not on track"))


def targets_panel(ctx: Context) -> Panel | None:
    if not roles.has_perm(ctx.user, Perm.VIEW_TARGETS):
        return None
    progress = ctx.targets
    page = url("programme:target_index")
    latest = progress.latest
    figures = []
    if latest is not None and latest.energy.change is not None:
        for key, label, m, full in (
            ("energy", _("Energy use per unit of GDP %(year)s vs %(base)s"), latest.energy,
             rules.ENERGY_INTENSITY_TARGET),
            ("co2", _("CO2 per unit of GDP %(year)s vs %(base)s"), latest.co2,
             rules.CO2_INTENSITY_TARGET),
        ):
            figures.append(Figure(label % {"year": latest.year, "base": rules.BASE_YEAR},
                                  m.change, page, "%", key))
            figures.append(Figure(_("2025 target"), full, page, "%", f"{key}_target"))
    rows = list(reversed(progress.rows))  # newest first
    tracked = [r for r in progress.rows if r.year > rules.BASE_YEAR]  # the chart: oldest first
    return Panel(
        # the figures are the city's whatever the dashboard's scope (the title says so)
        key="targets", title=_("2025 intensity targets"), scope=ctx.scope,
        figures=figures,
        columns=[
            Column(_("Year"), lambda r: str(r.year), 8),
            Column(_("Energy intensity vs 2020 (%)"), lambda r: r.energy.change, 14),
            Column(_("Energy target of the year (%)"), lambda r: r.energy.target, 14),
            Column(_("Energy on track"), lambda r: _track(r.energy.on_track), 12),
            Column(_("CO2 intensity vs 2020 (%)"), lambda r: r.co2.change, 14),
            Column(_("CO2 target of the year (%)"), lambda r: r.co2.target, 14),
            Column(_("CO2 on track"), lambda r: _track(r.co2.on_track), 12),
        ],
        rows=rows,
        row_url=lambda r: url("programme:statistic_detail", kwargs={"year": r.year}),
        more_url=page, more_label=_("Targets page"),
        chart={"kind": "bar", "unit": "%", "categories": [str(r.year) for r in tracked],
               "series": [{"name": _("Energy: share of the target achieved"),
                           "data": [_text(r.energy.progress) for r in tracked]},
                          {"name": _("CO2: share of the target achieved"),
                           "data": [_text(r.co2.progress) for r in tracked]}]}
        if tracked and not progress.missing_base else None,
        empty=_("No statistics entered yet."),
        wide=True,
    )


def _text(value) -> str | None:
    return None if value is None else str(value)
