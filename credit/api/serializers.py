from rest_framework import serializers

from credit.choices import EventKind, Group, RuleSetStatus, SubjectKind
from credit.models import GroupCap, RuleLine, RuleSet
from zhongwei_carbon.api import ChoiceLabelField


class RuleSetSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField(RuleSetStatus.choices, source="status")

    class Meta:
        model = RuleSet
        fields = ["id", "version", "effective_year", "title", "document_number", "status",
                  "status_label", "base_score", "green_from", "blue_from", "yellow_from",
                  "published_at"]


class RuleLineSerializer(serializers.ModelSerializer):
    subject_kind_label = ChoiceLabelField(SubjectKind.choices, source="subject_kind")
    kind_label = ChoiceLabelField(EventKind.choices, source="kind")
    group_label = ChoiceLabelField(Group.choices, source="group")

    class Meta:
        model = RuleLine
        fields = ["subject_kind", "subject_kind_label", "kind", "kind_label", "group",
                  "group_label", "points", "veto", "threshold", "from_occurrence", "years",
                  "note"]


class GroupCapSerializer(serializers.ModelSerializer):
    group_label = ChoiceLabelField(Group.choices, source="group")

    class Meta:
        model = GroupCap
        fields = ["group", "group_label", "floor", "ceiling"]


class RuleSetDetailSerializer(RuleSetSerializer):
    lines = RuleLineSerializer(many=True, read_only=True)
    caps = GroupCapSerializer(many=True, read_only=True)

    class Meta(RuleSetSerializer.Meta):
        fields = [*RuleSetSerializer.Meta.fields, "caps", "lines"]
