"""Read-only API of complaints. Fields are listed one by one: nothing about the filer exists
on the Complaint model, and the tracking secret's hash is never serialized."""

from rest_framework import serializers

from complaints.models import Complaint

LIST_FIELDS = [
    "id", "number", "filed_at", "category", "target_kind", "enterprise", "agency",
    "target_text", "area", "status", "handler", "assigned_area", "reply_due", "outcome",
    "answered_at",
]


class ComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = LIST_FIELDS
        read_only_fields = fields


class ComplaintDetailSerializer(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [*LIST_FIELDS, "description", "merged_into", "rejection_reason",
                  "assigned_on", "reply_working_days", "findings", "reply", "attachments"]
        read_only_fields = fields

    def get_attachments(self, obj) -> list[str]:
        return [a.label for a in obj.attachments.all()]
