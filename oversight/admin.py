"""Django admin for oversight: read-only; changes go through the portal's services
(DESIGN.md §4.2)."""

from django.contrib import admin

from oversight.models import (
    ChecklistItem,
    ConflictDeclaration,
    Inspection,
    InspectionPlan,
    Inspector,
    PenaltyRange,
    PlanDraw,
    Rectification,
    ViolationCase,
)
from zhongwei_carbon.admin import ReadOnlyAdmin, ReadOnlyMixin


@admin.register(Inspector)
class InspectorAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organisation", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "organisation"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["inspector", "target_kind", "enterprise", "agency", "declared_on", "is_active"]
    list_filter = ["target_kind", "is_active"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "targets", "status", "start_date", "end_date"]
    list_filter = ["status", "year"]
    search_fields = ["title"]


@admin.register(PlanDraw)
class PlanDrawAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["plan", "number", "seed", "algorithm_version", "drawn_at", "drawn_by"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["target_name", "target_kind", "plan", "trigger", "status", "conclusion"]
    list_filter = ["status", "conclusion", "trigger", "target_kind"]
    search_fields = ["target_name"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "deadline", "status"]
    list_filter = ["status"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "target_kind", "text", "sort_order", "is_active"]
    list_filter = ["target_kind", "is_active"]


@admin.register(PenaltyRange)
class PenaltyRangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["article", "kind", "low", "high", "year", "source"]
    list_filter = ["article", "kind"]


@admin.register(ViolationCase)
class ViolationCaseAdmin(ReadOnlyAdmin):
    list_display = ["target_name", "article", "year", "status", "fine", "decided_on"]
    list_filter = ["status", "article", "year"]
    search_fields = ["target_name", "decision_number"]
