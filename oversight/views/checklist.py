"""The on-site checklist (bureau admin: Perm.MANAGE_INSPECTION_PLAN): the points for key
emitters and for agencies in their order, how many inspections used each, add, reword, move
up or down, take out of use and back. Points are never deleted (oversight/services/
checklist.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oversight.checklist_forms import ChecklistItemForm, ChecklistTextForm
from oversight.choices import TargetKind
from oversight.models import ChecklistItem, InspectionCheck
from oversight.services import checklist as services
from zhongwei_carbon import events, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

MANAGE = Perm.MANAGE_INSPECTION_PLAN
T = "oversight/checklist/"


def _get(request, pk) -> ChecklistItem:
    return web.get_scoped_or_404(ChecklistItem.objects.all(), request.user, MANAGE, pk=pk)


def _crumbs(*more):
    return web.crumbs((_("Inspection checklist"), "oversight:checklist" if more else None),
                      *more)


def _items():
    """Every point with the number of inspections that used it, in the checklist's order."""
    used = (InspectionCheck.objects.filter(item=OuterRef("pk")).order_by()
            .values("item").annotate(n=Count("pk")).values("n"))
    return (ChecklistItem.objects.annotate(
        used=Coalesce(Subquery(used, output_field=IntegerField()), 0))
        .order_by("target_kind", "sort_order", "code", "pk"))


@web.require(MANAGE)
@require_GET
def checklist(request):
    items = list(_items())
    groups = [(label, [i for i in items if i.target_kind == kind])
              for kind, label in TargetKind.choices]
    return render(request, T + "list.html", {"groups": groups, "breadcrumbs": _crumbs()})


@web.require(MANAGE)
@require_GET
def checklist_export(request):
    columns = [
        Column(_("For"), lambda i: i.get_target_kind_display(), 14),
        Column(_("Order"), lambda i: i.sort_order, 8),
        Column(_("Code"), lambda i: i.code, 24),
        Column(_("Point"), lambda i: i.text, 50),
        Column(_("Point (English)"), lambda i: i.text_en, 50),
        Column(_("In use"), lambda i: _("Yes") if i.is_active else _("No"), 8),
        Column(_("Used by inspections"), lambda i: i.used, 10),
    ]
    return xlsx_response(filename=_("inspection checklist"), sheet_title=_("Inspection checklist"),
                         columns=columns, rows=_items())


def _form(request, form, title, save, item=None):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("oversight:checklist")
    return render(request, T + "form.html", {
        "form": form, "title": title, "cancel_url": reverse("oversight:checklist"),
        "item": item, "events": events.for_object(item) if item else [],
        "breadcrumbs": _crumbs((title, None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def checklist_create(request):
    return _form(request, ChecklistItemForm(request.POST or None), _("New checklist point"),
                 lambda data: services.checklist_item_create(actor=request.user, **data))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def checklist_edit(request, pk):
    item = _get(request, pk)
    form = ChecklistTextForm(request.POST or None, instance=ChecklistItem.objects.get(pk=item.pk))
    return _form(request, form, _("Reword the checklist point"),
                 lambda data: services.checklist_item_update(actor=request.user, item=item,
                                                             **data), item)


def _step(request, step, done: str):
    return web.post_step(request, "oversight:checklist", step, done)


@web.require(MANAGE)
@require_POST
def checklist_move(request, pk):
    item = _get(request, pk)
    return _step(request, lambda: services.checklist_item_move(
        actor=request.user, item=item, direction=request.POST.get("direction", "")),
        _("Order changed."))


@web.require(MANAGE)
@require_POST
def checklist_active(request, pk):
    item = _get(request, pk)
    active = request.POST.get("active") == "true"
    return _step(request, lambda: services.checklist_item_set_active(
        actor=request.user, item=item, active=active),
        _("Point back in use.") if active else _("Point taken out of use."))
