"""Public pages, no login (双随机、一公开): published plans, their draw and, as inspections are
concluded, the results (the conclusion only; findings stay with the parties)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from oversight.filtersets import PlanFilterSet
from oversight.models import InspectionPlan
from oversight.selectors import plans as selectors
from oversight.views.plans import target_columns
from zhongwei_carbon import scoping, web
from zhongwei_carbon.excel import xlsx_response

T = "oversight/public/"


def _published(pk) -> InspectionPlan:
    plan = scoping.public(InspectionPlan.objects.all()).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@require_GET
def plan_list(request):
    filterset = PlanFilterSet(request.GET, queryset=selectors.published_plans())
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
    })


@require_GET
def plan_detail(request, pk):
    plan = _published(pk)
    draw = selectors.latest_draw(plan)
    return render(request, T + "detail.html", {
        "plan": plan, "draw": draw, "areas": plan.areas.all(), "sectors": plan.sectors.all(),
        "page_obj": web.paginate(request, selectors.public_targets(draw)),
        "exclusion_count": len(draw.exclusions),
    })


@require_GET
def plan_export(request, pk):
    plan = _published(pk)
    draw = selectors.latest_draw(plan)
    return xlsx_response(filename=_("inspection-results-%(year)s") % {"year": plan.year},
                         sheet_title=_("Inspection results"), columns=target_columns(),
                         rows=selectors.public_targets(draw))
