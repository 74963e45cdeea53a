"""Public pages, no login: the published key-emitter lists (DESIGN.md §1, "the public")."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from registry.filtersets import ListEntryFilterSet
from registry.selectors import lists as selectors
from registry.views.lists import entry_columns
from zhongwei_carbon import web
from zhongwei_carbon.excel import xlsx_response


def home(request):
    return render(
        request, "registry/public/home.html", {"lists": selectors.published_lists()}
    )


def _published(year: int):
    key_list = selectors.published_list(year)
    if key_list is None:
        raise Http404
    return key_list


def _filtered(request, key_list):
    entries = selectors.entries_of(key_list)  # public rows only
    return entries, ListEntryFilterSet(request.GET, queryset=entries)


def list_detail(request, year: int):
    key_list = _published(year)
    entries, filterset = _filtered(request, key_list)
    context = {
        "key_list": key_list,
        "filterset": filterset,
        "page_obj": web.paginate(request, filterset.qs),
        "summary": selectors.summary(entries),
    }
    return render(request, "registry/public/list_detail.html", context)


def list_export(request, year: int):
    key_list = _published(year)
    _entries, filterset = _filtered(request, key_list)
    return xlsx_response(
        filename=_("key-emitter-list-%(year)s") % {"year": key_list.year},
        sheet_title=str(key_list),
        columns=entry_columns(with_figures=False),
        rows=filterset.qs,
    )
