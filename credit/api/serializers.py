"""API of credit grades and objections (credit: grading, objections, repair)."""

from rest_framework import serializers

from credit.choices import Grade, ObjectionStatus, SubjectKind
from credit.models import CreditObjection, SubjectGrade
from zhongwei_carbon.api import ChoiceLabelField


class SubjectGradeSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="credit_year.year", read_only=True)
    year_status = serializers.CharField(source="credit_year.status", read_only=True)
    subject_name = serializers.SerializerMethodField()
    subject_kind_label = ChoiceLabelField(SubjectKind.choices, source="subject_kind")
    grade_label = ChoiceLabelField(Grade.choices, source="grade")

    class Meta:
        model = SubjectGrade
        fields = ["id", "year", "year_status", "subject_kind", "subject_kind_label",
                  "enterprise", "agency", "subject_name", "score", "grade", "grade_label",
                  "notified_grade", "veto_kind", "computed_at"]
        read_only_fields = fields

    def get_subject_name(self, obj) -> str:
        return obj.subject.name


class SubjectGradeDetailSerializer(SubjectGradeSerializer):
    class Meta(SubjectGradeSerializer.Meta):
        fields = [*SubjectGradeSerializer.Meta.fields, "card"]
        read_only_fields = fields


class CreditObjectionSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField(ObjectionStatus.choices, source="status")

    class Meta:
        model = CreditObjection
        fields = ["id", "grade", "event", "reasons", "filed_at", "decision_due", "status",
                  "status_label", "decision_note", "decided_at"]
        read_only_fields = fields


class CreditObjectionInputSerializer(serializers.Serializer):
    grade = serializers.IntegerField()
    event = serializers.IntegerField()
    reasons = serializers.CharField(max_length=5000)
