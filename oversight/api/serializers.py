"""Read-only API representation of inspection plans, their latest draw and inspections."""

from rest_framework import serializers

from oversight.models import (
    DrawnTarget,
    Finding,
    Inspection,
    InspectionCheck,
    InspectionPlan,
    Rectification,
    ViolationCase,
)


class DrawnTargetSerializer(serializers.ModelSerializer):
    inspectors = serializers.SerializerMethodField()

    class Meta:
        model = DrawnTarget
        fields = ["position", "kind", "enterprise", "agency", "name", "uscc", "area", "inspectors"]
        read_only_fields = fields

    def get_inspectors(self, obj) -> list[str]:
        return [a.inspector.name for a in obj.assignments.all()]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionPlan
        fields = [
            "id", "year", "title", "targets", "legal_basis", "start_date", "end_date",
            "listed_year", "enterprise_count", "enterprise_share", "agency_count",
            "agency_share", "inspectors_per_target", "exclude_own_area", "exclude_conflicts",
            "recent_months", "weight_by_credit", "status", "published_at",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    draw = serializers.SerializerMethodField(help_text="The latest draw (the published one).")

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "draw"]
        read_only_fields = fields

    def get_draw(self, plan) -> dict | None:
        from oversight.selectors.plans import drawn_targets, latest_draw

        draw = latest_draw(plan)
        if draw is None:
            return None
        return {
            "number": draw.number, "seed": draw.seed,
            "algorithm_version": draw.algorithm_version, "drawn_at": draw.drawn_at,
            "targets": DrawnTargetSerializer(drawn_targets(draw), many=True).data,
        }


class InspectionCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionCheck
        fields = ["id", "point", "result", "note"]
        read_only_fields = fields


class InspectionFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "check_result", "text", "recorded_at"]
        read_only_fields = fields


class RectificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rectification
        fields = ["requirements", "ordered_on", "working_days", "deadline", "status"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    inspectors = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id", "plan", "trigger", "trigger_note", "target_kind", "enterprise", "agency",
            "target_name", "area", "inspectors", "inspected_on", "status", "conclusion",
            "conclusion_note", "concluded_at",
        ]
        read_only_fields = fields

    def get_inspectors(self, obj) -> list[str]:
        return [i.inspector.name for i in obj.inspectors.all()]


class InspectionDetailSerializer(InspectionSerializer):
    checks = InspectionCheckSerializer(many=True, read_only=True)
    findings = InspectionFindingSerializer(many=True, read_only=True)
    rectification = RectificationSerializer(read_only=True, allow_null=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "checks", "findings", "rectification"]
        read_only_fields = fields


class ViolationCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ViolationCase
        fields = [
            "id", "inspection", "trigger_note", "target_kind", "enterprise", "agency",
            "target_name", "area", "year", "article", "status", "illegal_gains",
            "refused_correction", "serious", "fine", "fine_low", "fine_high", "decision_number",
            "decided_on", "allocation_cut_percent", "ban_until", "opened_at",
        ]
        read_only_fields = fields


class ViolationCaseDetailSerializer(ViolationCaseSerializer):
    persons = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()

    class Meta(ViolationCaseSerializer.Meta):
        fields = [*ViolationCaseSerializer.Meta.fields, "facts", "persons", "departments"]
        read_only_fields = fields

    def get_persons(self, obj) -> list[dict]:
        return [{"name": p.name, "position": p.position, "fine": p.fine}
                for p in obj.persons.all()]

    def get_departments(self, obj) -> list[dict]:
        return [{"department": d.department, "name": d.name, "contact": d.contact,
                 "note": d.note} for d in obj.departments.all()]
