"""Allocation parameter pages: the plan settings of a year (which power counts as Qe), power
benchmarks, load-factor bands (Ff) and intensity benchmarks, grouped by year, with new / edit / delete (confirmation page) and an Excel
export of each table. Everyone logged in reads them (VIEW_CYCLE); bureau admins change them
(MANAGE_ALLOCATION) through ``allowances.services.parameters``. Thin: forms check the shape,
services check the rules and save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from allowances import rules
from allowances.choices import UnitClass
from allowances.models import AllocationPlan, IntensityBenchmark, LoadFactorBand, PowerBenchmark
from allowances.selectors import parameters as sel
from allowances.selectors.allocation_check import percent
from allowances.services import parameters as svc
from zhongwei_carbon import events, roles, scoping, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm

TEMPLATES = "allowances/parameters/"
INDEX = "allowances:parameter_index"


# --- forms: the shape of the input (types, digits, choices); the rules are the services' ----


def _form_class(model, fields: tuple[str, ...], help_texts: dict | None = None):
    attrs = dict(forms.fields_for_model(model, fields=fields))
    for name, text in (help_texts or {}).items():
        attrs[name].help_text = text
    return type(f"{model.__name__}Form", (BootstrapMixin, forms.Form), attrs)


PlanForm = _form_class(AllocationPlan, svc.PLAN_FIELDS)
BenchmarkForm = _form_class(PowerBenchmark, svc.BENCHMARK_FIELDS)
BandForm = _form_class(
    LoadFactorBand,
    svc.BAND_FIELDS,
    {
        "lower": gettext_lazy("A fraction (0.75 = 75 %), included; empty: no lower end."),
        "upper": gettext_lazy("A fraction, not included; empty: no upper end."),
    },
)
IntensityForm = _form_class(IntensityBenchmark, svc.INTENSITY_FIELDS)


# --- the tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    key: str  # url names: <key>_create, <key>_edit, <key>_delete, <key>_export
    anchor: str
    model: type
    form: type
    fields: tuple[str, ...]
    create: Callable
    update: Callable
    delete: Callable
    columns: Callable[[], list[Column]]
    export_name: object
    new_title: object
    edit_title: object  # %(row)s
    delete_title: object  # %(row)s
    saved: object  # %(row)s
    removed: object  # %(row)s
    order: tuple
    related: tuple[str, ...] = ()
    label: Callable = str  # a row in titles and messages

    def rows(self, user, years=None):
        qs = scoping.for_user(self.model.objects.all(), user, Perm.VIEW_CYCLE)
        if years is not None:
            qs = qs.filter(year__in=years)
        return qs.select_related(*self.related).order_by(*self.order)

    def back(self, year=None) -> str:
        query = f"?year={year}" if year else ""
        return f"{reverse(INDEX)}{query}#{self.anchor}"


PLANS = Table(
    key="plan",
    anchor="plans",
    model=AllocationPlan,
    form=PlanForm,
    fields=svc.PLAN_FIELDS,
    create=lambda actor, data: svc.plan_create(actor=actor, data=data),
    update=lambda actor, obj, data: svc.plan_update(actor=actor, plan=obj, data=data),
    delete=lambda actor, obj: svc.plan_delete(actor=actor, plan=obj),
    columns=lambda: [
        Column(_("Allocation year"), lambda r: r.year, 10),
        Column(_("Qe counts"), lambda r: r.get_power_basis_display(), 16),
        Column(_("Qe code"), lambda r: r.power_basis, 12),
        Column(_("Source"), lambda r: r.source, 50),
    ],
    export_name=gettext_lazy("allocation-plans"),
    new_title=gettext_lazy("New allocation plan settings"),
    edit_title=gettext_lazy("Edit the allocation plan settings of %(row)s"),
    delete_title=gettext_lazy("Delete the allocation plan settings of %(row)s?"),
    saved=gettext_lazy("Allocation plan settings of %(row)s saved."),
    removed=gettext_lazy("Allocation plan settings of %(row)s deleted."),
    order=("-year",),
    label=lambda r: str(r.year),
)
BENCHMARKS = Table(
    key="benchmark",
    anchor="benchmarks",
    model=PowerBenchmark,
    form=BenchmarkForm,
    fields=svc.BENCHMARK_FIELDS,
    create=lambda actor, data: svc.benchmark_create(actor=actor, data=data),
    update=lambda actor, obj, data: svc.benchmark_update(actor=actor, benchmark=obj, data=data),
    delete=lambda actor, obj: svc.benchmark_delete(actor=actor, benchmark=obj),
    columns=lambda: [
        Column(_("Allocation year"), lambda r: r.year, 10),
        Column(_("Unit class"), lambda r: r.get_unit_class_display(), 34),
        Column(_("Unit class code"), lambda r: r.unit_class, 14),
        Column(_("Power benchmark (tCO2/MWh)"), lambda r: r.power_benchmark, 16),
        Column(_("Heat benchmark (tCO2/GJ)"), lambda r: r.heat_benchmark, 16),
        Column(_("Source"), lambda r: r.source, 50),
    ],
    export_name=gettext_lazy("power-benchmarks"),
    new_title=gettext_lazy("New power benchmark"),
    edit_title=gettext_lazy("Edit power benchmark %(row)s"),
    delete_title=gettext_lazy("Delete power benchmark %(row)s?"),
    saved=gettext_lazy("Power benchmark %(row)s saved."),
    removed=gettext_lazy("Power benchmark %(row)s deleted."),
    order=(  # unit classes in the plan's order (coal ≥ 400 MW, < 400 MW, CFB, gas)
        "-year",
        Case(*(When(unit_class=v, then=i) for i, v in enumerate(UnitClass.values)),
             default=len(UnitClass.values), output_field=IntegerField()),
    ),
)
BANDS = Table(
    key="band",
    anchor="bands",
    model=LoadFactorBand,
    form=BandForm,
    fields=svc.BAND_FIELDS,
    create=lambda actor, data: svc.band_create(actor=actor, data=data),
    update=lambda actor, obj, data: svc.band_update(actor=actor, band=obj, data=data),
    delete=lambda actor, obj: svc.band_delete(actor=actor, band=obj),
    columns=lambda: [
        Column(_("Allocation year"), lambda r: r.year, 10),
        Column(_("Load factor from (incl.)"), lambda r: r.lower, 16),
        Column(_("Load factor below"), lambda r: r.upper, 16),
        Column(_("Correction Ff"), lambda r: r.correction, 12),
        Column(_("Source"), lambda r: r.source, 50),
    ],
    export_name=gettext_lazy("load-factor-bands"),
    new_title=gettext_lazy("New load-factor band"),
    edit_title=gettext_lazy("Edit load-factor band %(row)s"),
    delete_title=gettext_lazy("Delete load-factor band %(row)s?"),
    saved=gettext_lazy("Load-factor band %(row)s saved."),
    removed=gettext_lazy("Load-factor band %(row)s deleted."),
    order=("-year", F("lower").asc(nulls_first=True)),  # the open lower band first
    label=lambda r: f"{r.year} {svc.band_label(r.lower, r.upper)}",
)
INTENSITIES = Table(
    key="intensity",
    anchor="intensities",
    model=IntensityBenchmark,
    form=IntensityForm,
    fields=svc.INTENSITY_FIELDS,
    create=lambda actor, data: svc.intensity_create(actor=actor, data=data),
    update=lambda actor, obj, data: svc.intensity_update(actor=actor, intensity=obj, data=data),
    delete=lambda actor, obj: svc.intensity_delete(actor=actor, intensity=obj),
    columns=lambda: [
        Column(_("Allocation year"), lambda r: r.year, 10),
        Column(_("Sector"), lambda r: r.sector.name, 14),
        Column(_("Sector code"), lambda r: r.sector.code, 18),
        Column(_("Product"), lambda r: r.product, 20),
        Column(_("Unit of product"), lambda r: r.unit, 10),
        Column(_("Intensity (tCO2/unit)"), lambda r: r.intensity, 16),
        Column(_("Source"), lambda r: r.source, 50),
    ],
    export_name=gettext_lazy("intensity-benchmarks"),
    new_title=gettext_lazy("New intensity benchmark"),
    edit_title=gettext_lazy("Edit intensity benchmark %(row)s"),
    delete_title=gettext_lazy("Delete intensity benchmark %(row)s?"),
    saved=gettext_lazy("Intensity benchmark %(row)s saved."),
    removed=gettext_lazy("Intensity benchmark %(row)s deleted."),
    order=("-year", "sector__sort_order", "product"),
    related=("sector",),
)
TABLES = (PLANS, BENCHMARKS, BANDS, INTENSITIES)


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    return web.whole_number(value) if len(value) == 4 else None


# --- index -----------------------------------------------------------------------------------------


@web.require(Perm.VIEW_CYCLE)
@require_GET
def parameter_index(request):
    years = sel.parameter_years()
    year = _year(request)
    shown = [year] if year else years
    rows = {t.key: list(t.rows(request.user, shown)) for t in TABLES}
    groups = []
    for y in shown:
        bands = [b for b in rows["band"] if b.year == y]
        groups.append({
            "year": y,
            "plan": next((r for r in rows["plan"] if r.year == y), None),
            "benchmarks": [r for r in rows["benchmark"] if r.year == y],
            "bands": bands,
            "gaps": sel.band_gaps([(b.lower, b.upper, b.correction) for b in bands]) if bands else [],
            "intensities": [r for r in rows["intensity"] if r.year == y],
        })
    return render(request, TEMPLATES + "index.html", {
        "years": years,
        "year": year,
        "groups": groups,
        "can_manage": roles.has_perm(request.user, Perm.MANAGE_ALLOCATION),
        "pre_share": percent(rules.PRE_ALLOCATION_SHARE),
    })


# --- new / edit / delete / export, the same for each table ---------------------------------------


def _get(table: Table, request, pk):
    return web.get_scoped_or_404(
        table.model.objects.select_related(*table.related), request.user,
        Perm.MANAGE_ALLOCATION, pk=pk,
    )


def _edit_page(request, table: Table, *, form, save, title, obj=None):
    """Valid form → service → message and back to the year; otherwise the form again with the
    service's field errors (nothing saved)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, table.saved % {"row": table.label(saved)})
            return redirect(table.back(saved.year))
    back = table.back(obj.year if obj is not None else _year(request))
    context = {"form": form, "title": title, "back": back, "obj": obj, "table": table}
    if obj is not None:
        context["events"] = events.for_object(obj)[:50]
        context["history"] = web.history_rows(obj)
        context["delete_url"] = reverse(f"allowances:{table.key}_delete", kwargs={"pk": obj.pk})
    return render(request, TEMPLATES + "form.html", context)


def _views(table: Table):
    @web.require(Perm.MANAGE_ALLOCATION)
    @require_http_methods(["GET", "POST"])
    def create(request):
        form = table.form(request.POST or None, initial={"year": _year(request)})
        return _edit_page(
            request, table, form=form, title=table.new_title,
            save=lambda data: table.create(request.user, data),
        )

    @web.require(Perm.MANAGE_ALLOCATION)
    @require_http_methods(["GET", "POST"])
    def edit(request, pk):
        obj = _get(table, request, pk)
        initial = forms.model_to_dict(obj, fields=table.fields)
        return _edit_page(
            request, table, form=table.form(request.POST or None, initial=initial),
            title=table.edit_title % {"row": table.label(obj)}, obj=obj,
            save=lambda data: table.update(request.user, obj, data),
        )

    @web.require(Perm.MANAGE_ALLOCATION)
    @require_http_methods(["GET", "POST"])
    def delete(request, pk):
        obj = _get(table, request, pk)
        if request.method == "POST" and request.POST.get("confirmed") == "1":
            label, year = table.label(obj), obj.year
            table.delete(request.user, obj)
            messages.success(request, table.removed % {"row": label})
            return redirect(table.back(year))
        return render(request, TEMPLATES + "delete.html", {
            "obj": obj, "table": table, "back": table.back(obj.year),
            "title": table.delete_title % {"row": table.label(obj)},
        })

    @web.require(Perm.VIEW_CYCLE)
    @require_GET
    def export(request):
        year = _year(request)
        return xlsx_response(
            filename=str(table.export_name) + (f"-{year}" if year else ""),
            sheet_title=str(table.model._meta.verbose_name_plural),
            columns=table.columns(),
            rows=table.rows(request.user, [year] if year else None),
        )

    for view, action in ((create, "create"), (edit, "edit"), (delete, "delete"), (export, "export")):
        view.__name__ = view.__qualname__ = f"{table.key}_{action}"
    return create, edit, delete, export


plan_create, plan_edit, plan_delete, plan_export = _views(PLANS)
benchmark_create, benchmark_edit, benchmark_delete, benchmark_export = _views(BENCHMARKS)
band_create, band_edit, band_delete, band_export = _views(BANDS)
intensity_create, intensity_edit, intensity_delete, intensity_export = _views(INTENSITIES)
