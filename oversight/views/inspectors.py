"""The inspector directory and declared conflicts (bureau admin: Perm.MANAGE_INSPECTION_PLAN)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oversight.choices import InspectorKind
from oversight.filtersets import InspectorFilterSet
from oversight.forms import ConflictForm, InspectorForm
from oversight.models import ConflictDeclaration, Inspector
from oversight.selectors import plans as selectors
from oversight.services import inspectors as services
from registry.models import Area
from zhongwei_carbon import events, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

MANAGE = Perm.MANAGE_INSPECTION_PLAN
T = "oversight/inspectors/"


def _get(request, pk) -> Inspector:
    return web.get_scoped_or_404(Inspector.objects.select_related("user", "area"),
                                 request.user, MANAGE, pk=pk)


def _crumbs(inspector=None, *more):
    items = [(_("Inspector directory"), "oversight:inspector_list")]
    if inspector is not None:
        items.append((inspector.name, reverse("oversight:inspector_detail",
                                              kwargs={"pk": inspector.pk}) if more else None))
    return web.crumbs(*items, *more)


def _filtered(request):
    return InspectorFilterSet(request.GET, queryset=selectors.inspectors_for(request.user))


@web.require(MANAGE)
@require_GET
def inspector_list(request):
    filterset = _filtered(request)
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "kinds": InspectorKind.choices, "areas": Area.objects.all(),
    })


@web.require(MANAGE)
@require_GET
def inspector_export(request):
    columns = [
        Column(_("Name"), lambda i: i.name, 16),
        Column(_("Kind"), lambda i: i.get_kind_display(), 14),
        Column(_("Organisation"), lambda i: i.organisation, 30),
        Column(_("Area of work"), lambda i: str(i.area) if i.area else "", 14),
        Column(_("Portal account"), lambda i: i.user.username if i.user else "", 16),
        Column(_("In the directory"), lambda i: _("Yes") if i.is_active else _("No"), 10),
        Column(_("Declared conflicts"), lambda i: i.conflict_count, 10),
    ]
    return xlsx_response(filename=_("inspectors"), sheet_title=_("Inspector directory"),
                         columns=columns, rows=_filtered(request).qs)


def _form(request, form, title, save, inspector=None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("oversight:inspector_detail", pk=saved.pk)
    cancel = (reverse("oversight:inspector_detail", kwargs={"pk": inspector.pk}) if inspector
              else reverse("oversight:inspector_list"))
    return render(request, "oversight/plans/form.html", {
        "form": form, "title": title, "cancel_url": cancel,
        "breadcrumbs": _crumbs(inspector, (title, None)) if inspector
        else _crumbs(None, (title, None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def inspector_create(request):
    return _form(request, InspectorForm(request.POST or None), _("New inspector"),
                 lambda data: services.inspector_create(actor=request.user, **data))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def inspector_edit(request, pk):
    inspector = _get(request, pk)
    form = InspectorForm(request.POST or None, instance=Inspector.objects.get(pk=inspector.pk))
    return _form(request, form, _("Edit %(name)s") % {"name": inspector.name},
                 lambda data: services.inspector_update(actor=request.user, inspector=inspector,
                                                        **data), inspector)


@web.require(MANAGE)
@require_GET
def inspector_detail(request, pk):
    inspector = _get(request, pk)
    return render(request, T + "detail.html", {
        "inspector": inspector, "breadcrumbs": _crumbs(inspector),
        "conflicts": ConflictDeclaration.objects.filter(inspector=inspector)
        .select_related("enterprise", "agency", "recorded_by"),
        "events": events.for_object(inspector), "history": web.history_rows(inspector),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def conflict_create(request, pk):
    inspector = _get(request, pk)
    form = ConflictForm(request.POST or None)
    return _form(request, form, _("Declare a conflict of interest"),
                 lambda data: services.conflict_declare(
                     actor=request.user, inspector=inspector, **data).inspector, inspector)


@web.require(MANAGE)
@require_POST
def conflict_withdraw(request, pk):
    conflict = web.get_scoped_or_404(ConflictDeclaration.objects.all(), request.user, MANAGE,
                                     pk=pk)
    try:
        services.conflict_withdraw(actor=request.user, conflict=conflict)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Declaration withdrawn."))
    return redirect("oversight:inspector_detail", pk=conflict.inspector_id)
