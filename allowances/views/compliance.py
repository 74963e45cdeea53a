"""Compliance status per enterprise and rates by county, sector and city (issue 5 §4);
bureau: all, county official: its area, enterprise: its own row. Raw Excel export."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from allowances.models import ComplianceCycle
from allowances.selectors import compliance as sel
from zhongwei_carbon import sorting, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm


def _data(request):
    cycle = sel.cycle_from(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    return sel.compliance(request.user, cycle)


def _sorted(request, rows):
    return sel.COMPLIANCE_SORT.sort_rows(rows, request.GET.get(sorting.PARAM))


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def compliance(request):
    data = _data(request)
    return render(request, "allowances/compliance/index.html", {
        "data": data,
        "page_obj": web.paginate(request, _sorted(request, data.rows)),
        "cycles": ComplianceCycle.objects.all(),
        "groups": [(_("By county / park"), data.by_area), (_("By sector"), data.by_sector)],
    })


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def compliance_export(request):
    data = _data(request)
    columns = [
        Column(_("Unified social credit code"), lambda r: r.enterprise.uscc, 22),
        Column(_("Enterprise"), lambda r: r.enterprise.name, 36),
        Column(_("Area"), lambda r: str(r.enterprise.area)),
        Column(_("Sector"), lambda r: str(r.enterprise.sector)),
        Column(_("Obligation (t)"), lambda r: r.obligation),
        Column(_("Allowances surrendered (t)"), lambda r: r.cea),
        Column(_("CCER surrendered (t)"), lambda r: r.ccer),
        Column(_("Remaining (t)"), lambda r: r.remaining),
        Column(_("Met on"), lambda r: r.met_on),
        Column(_("Status"), lambda r: str(r.status_label)),
    ]
    return xlsx_response(
        filename=_("compliance-%(year)s") % {"year": data.cycle.year},
        sheet_title=_("Compliance"),
        columns=columns,
        rows=_sorted(request, data.rows),
    )
