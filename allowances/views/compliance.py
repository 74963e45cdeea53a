"""Compliance status per enterprise and rates by county, sector and city (issue 5 §4);
bureau: all, county official: its area, enterprise: its own row. Status filter and column
sort (the Excel export follows them), a bar chart of the rates, days to the deadline; a
remaining figure is blank, never 0, while the obligation is unknown."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from allowances.models import ComplianceCycle
from allowances.selectors import compliance as sel
from registry.models import Sector
from zhongwei_carbon import sorting, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm


def _cycle(request) -> ComplianceCycle:
    cycle = sel.cycle_from(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    return cycle


def _filters(request) -> dict:
    """What the table, its pages and the export list: ``?status=``, one enterprise (opened
    from the enterprise's page), one ``?sector=`` or ``?area=``, the ``?ordering=`` column (COMPLIANCE_SORT; an unknown key
    keeps the default order). The database filters, sorts and pages."""
    return {
        "status": request.GET.get("status"),
        "enterprise": web.enterprise_param(request),
        "sector": _pk(request, "sector"),
        "area": _pk(request, "area"),
        "ordering": request.GET.get(sorting.PARAM),
    }


def _pk(request, name: str) -> int | None:
    """``?sector=`` or ``?area=`` (a pk: a row of the rates by sector or county / park, on
    the dashboard too, opens it); anything else (``²``, a sign, 19 digits): no filter."""
    return web.whole_number(request.GET.get(name))


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def compliance(request):
    data = sel.compliance(request.user, _cycle(request), **_filters(request))
    status = request.GET.get("status", "")
    return render(request, "allowances/compliance/index.html", {
        "data": data,
        "filtered_enterprise": web.filtered_enterprise(request, Perm.VIEW_COMPLIANCE),
        # the table is paged; the summary, the groups and the chart cover every row in scope
        "page_obj": web.paginate(request, data.rows),
        "status": status if status in sel.STATUS_LABELS else "",
        "statuses": list(sel.STATUS_LABELS.items()),
        "sectors": Sector.objects.all(),
        "sector": _pk(request, "sector"),
        "areas": sel.areas_of(request.user),
        "area": _pk(request, "area"),
        "scope": sel.scope_label(request.user),
        "days_left": sel.days_left(data.deadline),
        "chart": sel.chart_data(data),
        "chart_labels": {"by_area": _("By county / park"), "by_sector": _("By sector"),
                         "by_count": _("By number of enterprises"),
                         "by_tonnes": _("By tonnes")},
        "cycles": ComplianceCycle.objects.all(),
        "groups": [(_("By county / park"), data.by_area), (_("By sector"), data.by_sector)],
    })


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def compliance_export(request):
    cycle = _cycle(request)
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
        filename=_("compliance-%(year)s") % {"year": cycle.year},
        sheet_title=_("Compliance"),
        columns=columns,
        rows=sel.compliance_rows(request.user, cycle, **_filters(request)),  # read in chunks
    )
