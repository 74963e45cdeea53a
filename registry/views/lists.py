"""Key-emitter list pages for logged-in users: index, draft, detail, export, publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registry.choices import ListChange
from registry.filtersets import ListEntryFilterSet
from registry.list_forms import DraftListForm, PublishListForm, next_year
from registry.models import KeyEmitterList
from registry.selectors import lists as selectors
from registry.services import lists as services
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW = Perm.VIEW_KEY_EMITTER_LIST
DRAFT = Perm.DRAFT_KEY_EMITTER_LIST
PUBLISH = Perm.PUBLISH_KEY_EMITTER_LIST


def _get_list(request, year: int, action: str = VIEW) -> KeyEmitterList:
    return web.get_scoped_or_404(KeyEmitterList.objects.all(), request.user, action, year=year)


def _render_index(request, draft_form=None):
    can_draft = roles.has_perm(request.user, DRAFT)
    if can_draft and draft_form is None:
        draft_form = DraftListForm(initial={"year": next_year()})
    context = {
        "page_obj": web.paginate(request, selectors.lists_for(request.user)),
        "draft_form": draft_form if can_draft else None,
    }
    return render(request, "registry/lists/index.html", context)


@web.require(VIEW)
def list_index(request):
    return _render_index(request)


@web.require(DRAFT)
@require_POST
def list_draft(request):
    form = DraftListForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        try:
            key_list = services.key_list_draft(actor=request.user, year=year)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The draft key-emitter list for %(year)s was built from the records.")
                % {"year": year},
            )
            return redirect("registry:list_detail", year=key_list.year)
    return _render_index(request, draft_form=form)


def _filtered_entries(request, key_list):
    entries = selectors.entries_of(key_list, request.user)
    filterset = ListEntryFilterSet(request.GET, queryset=entries)
    return entries, filterset


@web.require(VIEW)
def list_detail(request, year: int):
    key_list = _get_list(request, year)
    entries, filterset = _filtered_entries(request, key_list)
    user = request.user
    context = {
        "key_list": key_list,
        "filterset": filterset,
        "page_obj": web.paginate(request, filterset.qs),
        "summary": selectors.summary(entries),
        "changes": ListChange.choices,
        "current_change": request.GET.get("change", ""),
        "can_publish": not key_list.is_published and roles.has_perm(user, PUBLISH),
        "can_redraft": not key_list.is_published and roles.has_perm(user, DRAFT),
        "show_activity": roles.has_perm(user, Perm.VIEW_EVENTS),
    }
    if context["show_activity"]:
        context["events"] = events.for_object(key_list)
        context["history"] = web.history_rows(key_list)
    return render(request, "registry/lists/detail.html", context)


def entry_columns(*, with_figures: bool) -> list[Column]:
    columns = [
        Column(_("Area"), lambda e: e.area.label, 12),
        Column(_("Enterprise"), lambda e: e.enterprise_name, 36),
        Column(_("Unified social credit code"), lambda e: e.uscc, 22),
        Column(_("Sector"), lambda e: e.sector.label, 14),
        Column(_("Change"), lambda e: e.get_change_display(), 10),
        Column(_("Reason"), lambda e: e.get_reason_display(), 40),
    ]
    if with_figures:
        columns += [
            Column(_("Basis-year emissions (tCO2e)"), lambda e: e.emissions_tco2e, 18),
            Column(_("Basis-year energy (tce)"), lambda e: e.energy_tce, 18),
        ]
    return columns


@web.require(VIEW)
def list_export(request, year: int):
    key_list = _get_list(request, year)
    _entries, filterset = _filtered_entries(request, key_list)
    return xlsx_response(
        filename=_("key-emitter-list-%(year)s") % {"year": key_list.year},
        sheet_title=str(key_list),
        columns=entry_columns(with_figures=True),
        rows=filterset.qs,
    )


@web.require(PUBLISH)
@require_http_methods(["GET", "POST"])
def list_publish(request, year: int):
    key_list = _get_list(request, year, PUBLISH)
    if key_list.is_published:
        messages.info(request, _("This list is already published."))
        return redirect("registry:list_detail", year=key_list.year)
    form = PublishListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_list_publish(
                actor=request.user,
                key_list=key_list,
                document_number=form.cleaned_data["document_number"],
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The key-emitter list for %(year)s is published.") % {"year": key_list.year},
            )
            return redirect("registry:list_detail", year=key_list.year)
    context = {
        "key_list": key_list,
        "form": form,
        "summary": selectors.summary(key_list.entries.all()),
    }
    return render(request, "registry/lists/publish_confirm.html", context)
