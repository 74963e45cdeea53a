"""The 2025 targets page (卫政办发〔2023〕61号: energy use −15 %, CO2 −16 % per unit of GDP
against 2020): the city's yearly statistics with both intensities, their change against 2020,
the year's target and whether it is on track, a chart and an Excel export; each year's page
with its sources and revision history. The bureau, area officials and department liaisons
read (VIEW_TARGETS); the bureau admin and the liaison of a unit granted ``statistics_entry``
enter and revise (``services.targets.may_enter``). Thin: forms check the shape, the service
the rules."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from programme import rules
from programme.models import CityStatistic
from programme.selectors import targets as sel
from programme.services import targets as svc
from zhongwei_carbon import events, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm

TEMPLATES = "programme/targets/"
SOURCE_HELP = gettext_lazy("The publication the figure comes from (e.g. 中卫市统计年鉴2024, table 2-1).")


class StatisticForm(BootstrapMixin, forms.Form):
    """The year and its figures, each with its source (the model's fields and validators)."""

    year = forms.IntegerField(label=gettext_lazy("year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(CityStatistic, fields=svc.REVISABLE))
        for name in svc.SOURCES.values():
            self.fields[name].help_text = SOURCE_HELP
        self.style_fields()


class ReviseForm(StatisticForm):
    reason = forms.CharField(label=gettext_lazy("reason for the revision"), max_length=300,
                             help_text=gettext_lazy("Kept with the revision, e.g. "
                                                    "“GDP final verification (最终核实)”."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]
        self.fields["reason"] = self.fields.pop("reason")  # after the figures


def _entry_allowed(request) -> None:
    if not svc.may_enter(request.user):
        raise PermissionDenied


def _year_or_404(request, year: int) -> CityStatistic:
    try:
        return sel.statistics_for(request.user).get(year=year)
    except CityStatistic.DoesNotExist:
        raise Http404 from None


def _crumbs(*more):
    return [(_("2025 targets"), reverse("programme:target_index")), *more]


@web.require(Perm.VIEW_TARGETS)
@require_GET
def target_index(request):
    progress = sel.progress(request.user)
    return render(request, TEMPLATES + "index.html", {
        "progress": progress,
        "chart": sel.chart(progress) if progress.rows else None,
        "rules": rules,
        "can_enter": svc.may_enter(request.user),
        "breadcrumbs": _crumbs(),
    })


def _columns() -> list[Column]:
    def yes_no(value):
        return "" if value is None else (_("on track") if value else _("not on track"))

    return [
        Column(_("Year"), lambda r: r.year, 8),
        Column(_("GDP (100 million yuan, 2020 prices)"), lambda r: r.stat.gdp, 16),
        Column(_("GDP source"), lambda r: r.stat.gdp_source, 30),
        Column(_("Total energy use (10,000 tce)"), lambda r: r.stat.energy, 16),
        Column(_("Energy source"), lambda r: r.stat.energy_source, 30),
        Column(_("CO2 emissions (10,000 t)"), lambda r: r.stat.co2, 16),
        Column(_("CO2 source"), lambda r: r.stat.co2_source, 30),
        Column(_("Energy per unit of GDP (tce per 10,000 yuan)"), lambda r: r.energy.intensity, 16),
        Column(_("Energy intensity vs 2020 (%)"), lambda r: r.energy.change, 14),
        Column(_("Energy target of the year (%)"), lambda r: r.energy.target, 14),
        Column(_("Energy on track"), lambda r: yes_no(r.energy.on_track), 12),
        Column(_("CO2 per unit of GDP (t per 10,000 yuan)"), lambda r: r.co2.intensity, 16),
        Column(_("CO2 intensity vs 2020 (%)"), lambda r: r.co2.change, 14),
        Column(_("CO2 target of the year (%)"), lambda r: r.co2.target, 14),
        Column(_("CO2 on track"), lambda r: yes_no(r.co2.on_track), 12),
    ]


@web.require(Perm.VIEW_TARGETS)
@require_GET
def target_export(request):
    return xlsx_response(filename=_("targets-2025"), sheet_title=_("2025 targets"),
                         columns=_columns(), rows=sel.progress(request.user).rows)


@web.require(Perm.VIEW_TARGETS)
@require_GET
def statistic_detail(request, year: int):
    stat = _year_or_404(request, year)
    row = next(r for r in sel.progress(request.user).rows if r.year == year)
    return render(request, TEMPLATES + "detail.html", {
        "stat": stat, "row": row, "rules": rules,
        "revisions": sel.revisions(stat),
        "events": events.for_object(stat)[:50],
        "can_enter": svc.may_enter(request.user),
        "breadcrumbs": _crumbs((str(year), "")),
    })


@web.require(Perm.ENTER_STATISTICS)
@require_http_methods(["GET", "POST"])
def statistic_create(request):
    _entry_allowed(request)
    form = StatisticForm(request.POST or None, initial={"year": request.GET.get("year")})
    title = _("Enter the statistics of a year")
    return web.form_step(
        request, reverse("programme:target_index"), form=form,
        act=lambda data: svc.statistic_create(actor=request.user, data=form.service_data()),
        page=lambda form: render(request, TEMPLATES + "form.html", {
            "form": form, "title": title, "back": reverse("programme:target_index"),
            "breadcrumbs": _crumbs((title, ""))}),
        success=_("Statistics saved."),
    )


@web.require(Perm.ENTER_STATISTICS)
@require_http_methods(["GET", "POST"])
def statistic_revise(request, year: int):
    _entry_allowed(request)
    stat = _year_or_404(request, year)
    back = reverse("programme:statistic_detail", kwargs={"year": year})
    form = ReviseForm(request.POST or None, initial=forms.model_to_dict(stat, fields=svc.REVISABLE))
    title = _("Revise the statistics of %(year)s") % {"year": year}

    def act(data):
        fields = {k: v for k, v in form.service_data().items() if k != "reason"}
        svc.statistic_revise(actor=request.user, statistic=stat, data=fields, reason=data["reason"])

    return web.form_step(
        request, back, form=form, act=act,
        page=lambda form: render(request, TEMPLATES + "form.html", {
            "form": form, "title": title, "back": back, "stat": stat,
            "breadcrumbs": _crumbs((str(year), back), (title, ""))}),
        success=_("Statistics of %(year)s revised.") % {"year": year},
    )
