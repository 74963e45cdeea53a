"""Credit API: rule sets, read-only (bureau staff), each with its caps and lines."""

from rest_framework import serializers, viewsets

from credit.choices import EventKind, Group, RuleSetStatus, SubjectKind
from credit.models import GroupCap, RuleLine, RuleSet
from zhongwei_carbon.api import ChoiceLabelField, ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


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


class RuleSetViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Credit rule sets (drafts and published), newest first; a set's page lists its group
    caps and rule lines."""

    queryset = RuleSet.objects.order_by("-effective_year", "-version")
    view_action = Perm.VIEW_CREDIT_RULES

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("caps", "lines")
        return qs

    def get_serializer_class(self):
        return RuleSetDetailSerializer if self.action == "retrieve" else RuleSetSerializer
