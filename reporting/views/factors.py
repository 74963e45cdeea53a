"""Factor tables and reporting years: everyone logged in reads them, bureau admins edit them
through the services (thin views: forms check, services act)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from reporting.forms import factors as forms
from reporting.models import (
    EmissionFactor,
    FactorApplicability,
    FuelFactor,
    FuelType,
    ReportingYear,
)
from reporting.selectors import factors as factor_sel
from reporting.services import factors as svc
from zhongwei_carbon import events, roles, scoping, web
from zhongwei_carbon.excel import Column, Sheet, xlsx_sheets_response
from zhongwei_carbon.roles import Perm

TEMPLATES = "reporting/factors/"
INDEX = "reporting:factor_index"


def edit_page(request, *, form, save, title: str, back: str, obj=None, success: str,
              warning: str = ""):
    """The one create/edit flow: valid form → service → message and back; else the form
    again with the service's field errors (nothing saved)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, success % {"obj": saved})
            return redirect(back)
    context = {"form": form, "title": title, "back": back, "obj": obj, "warning": warning}
    if obj is not None:
        context["events"] = events.for_object(obj)[:50]
        context["history"] = web.history_rows(obj)
    return render(request, TEMPLATES + "form.html", context)


def _get(model, request, action, pk):
    return web.get_scoped_or_404(model.objects.all(), request.user, action, pk=pk)


# --- index and export --------------------------------------------------------------------


def _fuels():
    return FuelType.objects.prefetch_related(
        Prefetch("factors", queryset=FuelFactor.objects.order_by("-valid_from_year"))
    )


@web.require(Perm.VIEW_FACTORS)
@require_GET
def factor_index(request):
    user = request.user

    def scoped(qs):
        return scoping.for_user(qs, user, Perm.VIEW_FACTORS)

    years = list(scoped(ReportingYear.objects.all()))
    # the bureau is told which year lacks a grid/heat factor (reports cannot be computed)
    missing = factor_sel.missing_factors(y.year for y in years) if roles.is_bureau(user) else {}
    for y in years:
        y.missing_factors = missing.get(y.year, [])
    return render(
        request,
        TEMPLATES + "index.html",
        {
            "fuels": scoped(_fuels()),
            "emission_factors": scoped(EmissionFactor.objects.all()),
            "applicability": scoped(FactorApplicability.objects.select_related("factor")),
            "years": years,
            "missing_factors": [
                missing_text(year, names) for year, names in missing.items()
            ],
            "can_manage": roles.has_perm(user, Perm.MANAGE_FACTORS),
        },
    )


def missing_text(year: int, names: list[str]) -> str:
    return _("Reporting year %(year)s has no %(factors)s assigned.") % {
        "year": year, "factors": "、".join(names)
    }


def export_sheets():
    """(sheet title, columns, rows) of the factor-table workbook."""
    fuel_rows = FuelFactor.objects.select_related("fuel").order_by("fuel__sort_order", "fuel__code", "-valid_from_year")
    return [
        (
            _("Fuel default factors"),
            [
                Column(_("Code"), lambda r: r.fuel.code),
                Column(_("Fuel"), lambda r: r.fuel.name),
                Column(_("English name"), lambda r: r.fuel.name_en),
                Column(_("Unit"), lambda r: r.fuel.unit, 10),
                Column(_("Applies from reporting year"), lambda r: r.valid_from_year, 12),
                Column(_("Net calorific value (GJ/unit)"), lambda r: r.ncv),
                Column(_("Carbon per unit heat (tC/GJ)"), lambda r: r.carbon_content),
                Column(_("Oxidation rate"), lambda r: r.oxidation_rate, 12),
                Column(_("Source"), lambda r: r.source, 50),
            ],
            fuel_rows,
        ),
        (
            _("Emission factors"),
            [
                Column(_("Kind"), lambda r: r.get_kind_display(), 28),
                Column(_("Region"), lambda r: r.get_region_display()),
                Column(_("Data year"), lambda r: r.data_year, 10),
                Column(_("Value"), lambda r: r.value, 12),
                Column(_("Source"), lambda r: r.source, 50),
            ],
            # several published values may share a kind, region and year: the oldest first
            EmissionFactor.objects.order_by("kind", "region", "-data_year", "pk"),
        ),
        (
            _("Applicability"),
            [
                Column(_("Reporting year"), lambda r: r.reporting_year, 12),
                Column(_("Kind"), lambda r: r.get_kind_display(), 28),
                Column(_("Region"), lambda r: r.factor.get_region_display()),
                Column(_("Data year"), lambda r: r.factor.data_year, 10),
                Column(_("Value"), lambda r: r.factor.value, 12),
                Column(_("Note"), lambda r: r.note, 40),
            ],
            FactorApplicability.objects.select_related("factor"),
        ),
        (
            _("Reporting years"),
            [
                Column(str(ReportingYear._meta.get_field(name).verbose_name), _attr(name), 18)
                for name in svc.REPORTING_YEAR_FIELDS
            ],
            ReportingYear.objects.all(),
        ),
    ]


def _attr(name):
    return lambda r: getattr(r, name)


@web.require(Perm.VIEW_FACTORS)
@require_GET
def factor_export(request):
    """All factor tables in one workbook, one sheet each (raw values, for the bureau's files)."""
    return xlsx_sheets_response(
        filename=_("factor-tables"),
        ascii_name="factors",
        sheets=[Sheet(title, columns, rows) for title, columns, rows in export_sheets()],
    )


# --- create / edit pages -----------------------------------------------------------------


def _back(section: str) -> str:
    return reverse(INDEX) + f"#{section}"


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def fuel_create(request):
    return edit_page(
        request,
        form=forms.FuelTypeForm(request.POST or None),
        save=lambda data: svc.fuel_type_create(actor=request.user, data=data),
        title=_("New fuel type"),
        back=_back("fuels"),
        success=_("Fuel type %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def fuel_edit(request, pk):
    fuel = _get(FuelType, request, Perm.MANAGE_FACTORS, pk)
    return edit_page(
        request,
        form=forms.FuelTypeForm(request.POST or None, instance=fuel),
        save=lambda data: svc.fuel_type_update(actor=request.user, fuel=fuel, data=data),
        title=_("Edit fuel type %(name)s") % {"name": fuel.name},
        back=_back("fuels"),
        obj=fuel,
        success=_("Fuel type %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def fuel_factor_create(request, pk):
    fuel = _get(FuelType, request, Perm.MANAGE_FACTORS, pk)
    return edit_page(
        request,
        form=forms.FuelFactorForm(request.POST or None),
        save=lambda data: svc.fuel_factor_create(actor=request.user, fuel=fuel, data=data),
        title=_("New default factors of %(name)s") % {"name": fuel.name},
        back=_back("fuels"),
        success=_("Default factors %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def fuel_factor_edit(request, pk):
    row = web.get_scoped_or_404(
        FuelFactor.objects.select_related("fuel"), request.user, Perm.MANAGE_FACTORS, pk=pk
    )
    return edit_page(
        request,
        form=forms.FuelFactorForm(request.POST or None, instance=row),
        save=lambda data: svc.fuel_factor_update(actor=request.user, row=row, data=data),
        title=_("Edit default factors of %(name)s") % {"name": row.fuel.name},
        back=_back("fuels"),
        obj=row,
        success=_("Default factors %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def emission_factor_create(request):
    return edit_page(
        request,
        form=forms.EmissionFactorForm(request.POST or None),
        save=lambda data: svc.emission_factor_create(actor=request.user, data=data),
        title=_("New emission factor"),
        back=_back("emission-factors"),
        success=_("Emission factor %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def emission_factor_edit(request, pk):
    factor = _get(EmissionFactor, request, Perm.MANAGE_FACTORS, pk)
    return edit_page(
        request,
        form=forms.EmissionFactorForm(request.POST or None, instance=factor),
        save=lambda data: svc.emission_factor_update(actor=request.user, factor=factor, data=data),
        title=_("Edit emission factor"),
        back=_back("emission-factors"),
        obj=factor,
        success=_("Emission factor %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def applicability_create(request):
    return edit_page(
        request,
        form=forms.ApplicabilityForm(request.POST or None),
        save=lambda data: svc.applicability_create(actor=request.user, data=data),
        title=_("Assign a factor to a reporting year"),
        back=_back("applicability"),
        success=_("Factor applicability %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def applicability_edit(request, pk):
    row = web.get_scoped_or_404(
        FactorApplicability.objects.select_related("factor"), request.user, Perm.MANAGE_FACTORS, pk=pk
    )
    return edit_page(
        request,
        form=forms.ApplicabilityForm(request.POST or None, instance=row),
        save=lambda data: svc.applicability_update(actor=request.user, row=row, data=data),
        title=_("Edit factor applicability of %(year)s") % {"year": row.reporting_year},
        back=_back("applicability"),
        obj=row,
        success=_("Factor applicability %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def reporting_year_create(request):
    return edit_page(
        request,
        form=forms.ReportingYearForm(request.POST or None),
        save=lambda data: svc.reporting_year_create(actor=request.user, data=data),
        title=_("New reporting year"),
        back=_back("years"),
        success=_("Reporting year %(obj)s saved."),
    )


@web.require(Perm.MANAGE_FACTORS)
@require_http_methods(["GET", "POST"])
def reporting_year_edit(request, pk):
    obj = _get(ReportingYear, request, Perm.MANAGE_FACTORS, pk)
    return edit_page(
        request,
        form=forms.ReportingYearForm(request.POST or None, instance=obj),
        save=lambda data: svc.reporting_year_update(actor=request.user, obj=obj, data=data),
        title=_("Edit reporting year %(year)s") % {"year": obj.year},
        back=_back("years"),
        obj=obj,
        success=_("Reporting year %(obj)s saved."),
        warning=" ".join(
            missing_text(year, names) + " " + _("Reports of this year cannot be calculated until "
                                                "it is assigned.")
            for year, names in factor_sel.missing_factors([obj.year]).items()
        ),
    )
