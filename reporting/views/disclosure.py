"""Public disclosure (no login): final verified emissions by enterprise and year, with the
enterprise's emission facilities (Interim Regulations Art. 11; city plan task 5)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reporting.selectors import verification as sel
from zhongwei_carbon import web
from zhongwei_carbon.excel import Column, xlsx_response


def _filters(request) -> dict:
    q = request.GET.get("q", "").strip()[:100]
    year = request.GET.get("year", "")
    return {"q": q, "year": web.whole_number(year)}


@require_GET
def index(request):
    filters = _filters(request)
    return render(
        request,
        "reporting/disclosure/index.html",
        {
            "page_obj": web.paginate(request, sel.disclosed(**filters)),
            "years": sel.disclosed_years(),
            "q": filters["q"],
            "year": filters["year"],
        },
    )


def columns() -> list[Column]:
    return [
        Column(_("Year"), lambda r: r.year, 8),
        Column(_("Enterprise"), lambda r: r.enterprise.name, 36),
        Column(_("Unified social credit code"), lambda r: r.enterprise.uscc, 22),
        Column(_("Area"), lambda r: str(r.enterprise.area)),
        Column(_("Sector"), lambda r: str(r.enterprise.sector)),
        Column(_("Verified emissions (tCO2e)"), lambda r: r.final_emissions, 20),
        Column(_("Emission facilities"), lambda r: r.facility_names, 40),
    ]


@require_GET
def export(request):
    return xlsx_response(
        filename=_("disclosed-emissions"),
        sheet_title=_("Disclosed emissions"),
        columns=columns(),
        rows=sel.disclosed_for_export(**_filters(request)),
    )
