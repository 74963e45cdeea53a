"""The sector coverage page (卫政办发〔2023〕61号 task 3): each sector's expected year of entry
into the national market with its source, and the enterprises of each sector within the
user's scope (the registry's enterprise FilterSet: search, area, sector, status) with whether
their latest figure reaches the listing threshold, so they can prepare; an enterprise user
sees its own sector and what to prepare. The bureau admin sets a sector's year
(MANAGE_COVERAGE, ``services.coverage``). Excel export of the enterprises as filtered."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from programme.selectors import coverage as sel
from programme.services import coverage as svc
from registry.filtersets import EnterpriseFilterSet
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm

TEMPLATES = "programme/coverage/"


class EntryYearForm(BootstrapMixin, forms.Form):
    national_market_entry_year = forms.IntegerField(
        label=gettext_lazy("enters national market in"), required=False,
        help_text=gettext_lazy("Empty: not decided yet."))
    entry_source = forms.CharField(
        label=gettext_lazy("source"), max_length=200, required=False,
        help_text=gettext_lazy("The notice or plan the year comes from."))


def _filterset(request):
    return EnterpriseFilterSet(request.GET or None, queryset=sel.enterprises_for(request.user),
                               request=request)


def _crumbs(*more):
    return [(_("Sector coverage"), reverse("programme:coverage")), *more]


@web.require(Perm.VIEW_COVERAGE)
@require_GET
def coverage(request):
    year = timezone.localdate().year
    filterset = _filterset(request)
    page_obj = web.paginate(request, filterset.qs)
    for ent in page_obj:
        ent.outlook = sel.outlook(ent)
        ent.outlook_label = sel.OUTLOOKS[ent.outlook]
    own = sel.own_sector(request.user)
    return render(request, TEMPLATES + "index.html", {
        "year": year,
        "rows": sel.sector_rows(request.user, year=year),
        "filterset": filterset,
        "page_obj": page_obj,
        "sees_enterprises": roles.has_perm(request.user, Perm.VIEW_ENTERPRISE),
        "own_sector": own,
        "own_state": sel.sector_state(own, year) if own else None,
        "threshold": sel.THRESHOLD,
        "can_manage": roles.has_perm(request.user, Perm.MANAGE_COVERAGE),
        "breadcrumbs": _crumbs(),
    })


def _columns() -> list[Column]:
    return [
        Column(_("Name"), lambda e: e.name, 36),
        Column(_("Unified social credit code"), lambda e: e.uscc, 22),
        Column(_("Area"), lambda e: str(e.area)),
        Column(_("Sector"), lambda e: str(e.sector)),
        Column(_("Enters national market in"), lambda e: e.sector.national_market_entry_year, 12),
        Column(_("Source of the entry year"), lambda e: e.sector.entry_source, 40),
        Column(_("Status"), lambda e: e.get_status_display(), 10),
        Column(_("Latest year"), lambda e: e.latest_year, 10),
        Column(_("Latest emissions (tCO2e)"), lambda e: e.latest_emissions, 18),
        Column(_("Outlook"), lambda e: str(sel.OUTLOOKS[sel.outlook(e)]), 24),
    ]


@web.require(Perm.VIEW_COVERAGE)
@require_GET
def coverage_export(request):
    return xlsx_response(filename=_("sector-coverage"), sheet_title=_("Sector coverage"),
                         columns=_columns(), rows=_filterset(request).qs)


@web.require(Perm.MANAGE_COVERAGE)
@require_http_methods(["GET", "POST"])
def sector_entry_edit(request, pk: int):
    sector = get_object_or_404(sel.sectors(request.user), pk=pk)
    form = EntryYearForm(request.POST or None, initial={
        "national_market_entry_year": sector.national_market_entry_year,
        "entry_source": sector.entry_source})
    title = _("National-market entry of %(sector)s") % {"sector": sector.name}
    back = reverse("programme:coverage")
    return web.form_step(
        request, back, form=form,
        act=lambda data: svc.sector_entry_set(
            actor=request.user, sector=sector, year=data["national_market_entry_year"],
            source=data["entry_source"]),
        page=lambda form: render(request, TEMPLATES + "form.html", {
            "form": form, "title": title, "back": back, "sector": sector,
            "events": events.for_object(sector)[:50], "history": web.history_rows(sector),
            "breadcrumbs": _crumbs((title, ""))}),
        success=_("Entry year of %(sector)s saved.") % {"sector": sector.name},
    )

