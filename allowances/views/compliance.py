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
from allowances.selectors import compliance_export as export_sel
from zhongwei_carbon import sorting, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm


def _data(request):
    cycle = sel.cycle_from(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    return sel.compliance(request.user, cycle)


def _table(request, data) -> list:
    """The rows the page, its pages and the export list: ``?status=`` filter, then the
    ``?ordering=`` column (COMPLIANCE_SORT; an unknown key keeps the default order)."""
    rows = sel.filter_rows(data.rows, request.GET.get("status"))
    only = web.enterprise_param(request)  # opened from the enterprise's page: its row
    if only is not None:
        rows = [r for r in rows if r.enterprise.pk == only]
    return sel.COMPLIANCE_SORT.sort_rows(rows, request.GET.get(sorting.PARAM))


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def compliance(request):
    data = _data(request)
    status = request.GET.get("status", "")
    return render(request, "allowances/compliance/index.html", {
        "data": data,
        "filtered_enterprise": web.filtered_enterprise(request, Perm.VIEW_COMPLIANCE),
        # the table is paged; the summary, the groups and the chart cover every row in scope
        "page_obj": web.paginate(request, _table(request, data)),
        "status": status if status in sel.STATUS_LABELS else "",
        "statuses": list(sel.STATUS_LABELS.items()),
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
    """The table as on the page (filter, sort), streamed: ``compliance_export.rows``."""
    cycle = sel.cycle_from(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    rows = export_sel.rows(
        request.user,
        cycle,
        status=request.GET.get("status"),
        only=web.enterprise_param(request),
        ordering=request.GET.get(sorting.PARAM),
    )
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
        rows=rows,
    )
