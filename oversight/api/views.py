"""Oversight API: read-only, scoped like the pages (plans: the bureau all, others the
published ones; inspections: the county its area, the inspected party its own, inspectors
what they are drawn for)."""

from rest_framework import viewsets

from oversight.api import serializers as s
from oversight.filtersets import InspectionFilterSet, PlanFilterSet, ViolationCaseFilterSet
from oversight.models import InspectionPlan
from oversight.selectors import inspections as inspection_selectors
from oversight.selectors import violations as violation_selectors
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class InspectionPlanViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Inspection plans; the detail adds the latest draw with its targets and inspectors."""

    queryset = InspectionPlan.objects.order_by("-year", "-pk")
    filterset_class = PlanFilterSet
    view_action = Perm.VIEW_INSPECTION_PLAN

    def get_serializer_class(self):
        return s.PlanDetailSerializer if self.action == "retrieve" else s.PlanSerializer


class InspectionViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections; the detail adds the checklist, the findings and the rectification."""

    queryset = inspection_selectors.base()
    filterset_class = InspectionFilterSet
    view_action = Perm.VIEW_INSPECTION

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-pk")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.InspectionDetailSerializer
        return s.InspectionSerializer


class ViolationCaseViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Violation cases (Interim Regulations Art. 21–23): the bureau every case, a county its
    area, an enterprise or agency its own decided cases; the detail adds the facts, the
    responsible persons and the cooperating departments."""

    queryset = violation_selectors.base()
    filterset_class = ViolationCaseFilterSet
    view_action = Perm.VIEW_VIOLATION

    def get_queryset(self):
        qs = violation_selectors.visible(super().get_queryset(), self.request.user)
        return qs.order_by("-opened_at", "-pk")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.ViolationCaseDetailSerializer
        return s.ViolationCaseSerializer
