"""Agency performance (seed task 7): the league table of the verification agencies per
reporting year and its Excel export. Perm.VIEW_AGENCY_PERFORMANCE: the bureau sees every
agency, agency staff only their own (``performance.agencies_for``); county officials,
enterprises and the public are refused (403; anonymous: the login page)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from oversight.selectors import performance
from zhongwei_carbon import sorting, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW = Perm.VIEW_AGENCY_PERFORMANCE
T = "oversight/performance/"


def _league(request):
    year, years = performance.year_or_latest(request.user, request.GET.get("year"))
    ordering = request.GET.get(sorting.PARAM)
    rows = performance.rows(request.user, year=year, ordering=ordering) if year else []
    return year, years, rows


@web.require(VIEW)
@require_GET
def league(request):
    year, years, rows = _league(request)
    return render(request, T + "league.html", {
        "year": year, "years": years, "rows": rows, "figures": performance.FIGURES,
        "breadcrumbs": web.crumbs((_("Agency performance"), None)),
    })


@web.require(VIEW)
@require_GET
def league_export(request):
    year, _years, rows = _league(request)
    columns = [
        Column(_("Agency"), lambda r: r.agency_name, 32),
        Column(_("Unified social credit code"), lambda r: r.agency_uscc, 22),
        Column(_("Reporting year"), lambda r: r.year, 10),
        *[Column(str(f.label), f.value, 14) for f in performance.FIGURES],
    ]
    return xlsx_response(filename=_("agency performance"), sheet_title=_("Agency performance"),
                         columns=columns, rows=rows)
