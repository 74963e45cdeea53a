"""Enterprise, facility and annual emission record pages (thin: forms check, services act)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from registry.choices import EnterpriseStatus
from registry.filtersets import EnterpriseFilterSet
from registry.forms import EmissionRecordForm, EnterpriseForm, FacilityForm
from registry.models import EmissionRecord, Enterprise, Facility
from registry.selectors import enterprises as sel
from registry.services import enterprises as svc
from zhongwei_carbon import links, roles, sections, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

TEMPLATES = "registry/enterprises/"


def _filterset(request):
    return EnterpriseFilterSet(
        request.GET or None, queryset=sel.enterprises_for(request.user), request=request
    )


# --- enterprises -----------------------------------------------------------------------


@web.require(Perm.VIEW_ENTERPRISE)
@require_GET
def enterprise_list(request):
    filterset = _filterset(request)
    page_obj = web.paginate(request, filterset.qs)
    return render(
        request,
        TEMPLATES + "list.html",
        {
            "filterset": filterset,
            "page_obj": page_obj,
            "can_change": roles.has_perm(request.user, Perm.CHANGE_ENTERPRISE),
        },
    )


def export_columns() -> list[Column]:
    return [
        Column(_("Unified social credit code"), lambda e: e.uscc, 22),
        Column(_("Name"), lambda e: e.name, 36),
        Column(_("Area"), lambda e: str(e.area)),
        Column(_("Sector"), lambda e: str(e.sector)),
        Column(_("Status"), lambda e: e.get_status_display(), 10),
        Column(_("Address"), lambda e: e.address, 30),
        Column(_("Legal representative"), lambda e: e.legal_representative),
        Column(_("Contact person"), lambda e: e.contact_person),
        Column(_("Contact phone"), lambda e: e.contact_phone),
        Column(_("Contact e-mail"), lambda e: e.contact_email, 24),
        Column(_("Latest year"), lambda e: e.latest_year, 10),
        Column(_("Latest emissions (tCO2e)"), lambda e: e.latest_emissions, 18),
    ]


@web.require(Perm.VIEW_ENTERPRISE)
@require_GET
def enterprise_export(request):
    filterset = _filterset(request)
    return xlsx_response(
        filename=_("enterprises"),
        sheet_title=_("Enterprises"),
        columns=export_columns(),
        rows=filterset.qs,
    )


@web.require(Perm.CHANGE_ENTERPRISE)
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = svc.enterprise_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Enterprise %(name)s registered.") % {"name": enterprise.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(request, TEMPLATES + "form.html", {"form": form, "enterprise": None})


@web.require(Perm.VIEW_ENTERPRISE)
@require_GET
def enterprise_detail(request, pk):
    enterprise = web.get_scoped_or_404(
        Enterprise.objects.select_related("area", "sector"), request.user, Perm.VIEW_ENTERPRISE, pk=pk
    )
    records = list(sel.records_of(enterprise, request.user))
    # what higher apps show about the enterprise (credit: its current grade under the title)
    shown = sections.for_enterprise(request.user, enterprise)
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "enterprise": enterprise,
            "facilities": sel.facilities_of(enterprise, request.user),
            "records": records,
            "series": sel.emission_series(records),
            "listing": sel.listing_history(enterprise, request.user),
            "events": sel.enterprise_events(enterprise),
            "history": web.history_rows(enterprise),
            "links": links.for_enterprise(request.user, enterprise),
            "top_sections": sections.placed(shown, sections.TOP),
            "sections": sections.placed(shown, sections.MAIN),
            "can_change": roles.has_perm(request.user, Perm.CHANGE_ENTERPRISE),
            "can_change_records": roles.has_perm(request.user, Perm.CHANGE_EMISSION_RECORD),
        },
    )


def _closing(enterprise, form) -> bool:
    return (
        form.cleaned_data.get("status") == EnterpriseStatus.CLOSED
        and enterprise.status != EnterpriseStatus.CLOSED
    )


@web.require(Perm.CHANGE_ENTERPRISE)
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = web.get_scoped_or_404(
        Enterprise.objects.all(), request.user, Perm.CHANGE_ENTERPRISE, pk=pk
    )
    original_status = enterprise.status
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        enterprise.status = original_status  # the form wrote onto the instance
        if _closing(enterprise, form) and request.POST.get("confirmed") != "1":
            # Closing an enterprise takes it off next year's list: confirm first.
            return render(request, TEMPLATES + "confirm_close.html", {"form": form, "enterprise": enterprise})
        try:
            enterprise = svc.enterprise_update(
                actor=request.user, enterprise=enterprise, data=form.service_data()
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Enterprise %(name)s saved.") % {"name": enterprise.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(request, TEMPLATES + "form.html", {"form": form, "enterprise": enterprise})


# --- facilities ------------------------------------------------------------------------


@web.require(Perm.CHANGE_ENTERPRISE)
@require_http_methods(["GET", "POST"])
def facility_create(request, pk):
    enterprise = web.get_scoped_or_404(
        Enterprise.objects.all(), request.user, Perm.CHANGE_ENTERPRISE, pk=pk
    )
    form = FacilityForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            facility = svc.facility_create(
                actor=request.user, enterprise=enterprise, data=form.service_data()
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Facility %(name)s added.") % {"name": facility.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request, TEMPLATES + "facility_form.html", {"form": form, "enterprise": enterprise}
    )


@web.require(Perm.CHANGE_ENTERPRISE)
@require_http_methods(["GET", "POST"])
def facility_edit(request, pk):
    facility = web.get_scoped_or_404(
        Facility.objects.select_related("enterprise"), request.user, Perm.CHANGE_ENTERPRISE, pk=pk
    )
    enterprise = facility.enterprise
    form = FacilityForm(request.POST or None, instance=facility, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            facility = svc.facility_update(
                actor=request.user, facility=facility, data=form.service_data()
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Facility %(name)s saved.") % {"name": facility.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        TEMPLATES + "facility_form.html",
        {"form": form, "enterprise": enterprise, "facility": facility},
    )


# --- annual emission records -----------------------------------------------------------


def _record_upsert(request, form, enterprise, year):
    data = form.cleaned_data
    return svc.emission_record_upsert(
        actor=request.user,
        enterprise=enterprise,
        year=year,
        emissions_tco2e=data["emissions_tco2e"],
        energy_tce=data.get("energy_tce"),
        source=data["source"],
        note=data.get("note", ""),
    )


@web.require(Perm.CHANGE_EMISSION_RECORD)
@require_http_methods(["GET", "POST"])
def record_create(request, pk):
    enterprise = web.get_scoped_or_404(
        Enterprise.objects.all(), request.user, Perm.CHANGE_EMISSION_RECORD, pk=pk
    )
    form = EmissionRecordForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            record = _record_upsert(request, form, enterprise, form.cleaned_data["year"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Annual record %(year)s saved.") % {"year": record.year})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(request, TEMPLATES + "record_form.html", {"form": form, "enterprise": enterprise})


@web.require(Perm.CHANGE_EMISSION_RECORD)
@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    record = web.get_scoped_or_404(
        EmissionRecord.objects.select_related("enterprise"),
        request.user,
        Perm.CHANGE_EMISSION_RECORD,
        pk=pk,
    )
    enterprise = record.enterprise
    form = EmissionRecordForm(request.POST or None, instance=record, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            record = _record_upsert(request, form, enterprise, record.year)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Annual record %(year)s saved.") % {"year": record.year})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        TEMPLATES + "record_form.html",
        {"form": form, "enterprise": enterprise, "record": record},
    )
