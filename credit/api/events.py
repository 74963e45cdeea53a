"""Credit events API: read-only, scoped like the pages (``credit.selectors.events``): the
bureau every event, a county its area's enterprises', an enterprise or an agency its own; a
pending or refused manual event is the bureau's alone. The evidence file is not served here."""

from rest_framework import serializers, viewsets

from credit.forms.events import EventFilterSet
from credit.models import CreditEvent
from credit.selectors import events as sel
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class CreditEventSerializer(serializers.ModelSerializer):
    subject_name = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()

    class Meta:
        model = CreditEvent
        fields = ["id", "year", "occurred_on", "kind", "subject_kind", "enterprise", "agency",
                  "subject_name", "measure", "summary", "evidence", "origin", "status",
                  "source", "recorded_at", "confirmed_at"]
        read_only_fields = fields

    def get_subject_name(self, obj) -> str:
        return str(obj.subject)

    def get_source(self, obj) -> str:
        """The record the event comes from, as ``app.model:pk`` ("" for none)."""
        if obj.source_type_id is None or not obj.source_id:
            return ""
        return f"{obj.source_type.app_label}.{obj.source_type.model}:{obj.source_id}"


class CreditEventViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Credit events (环境信用评价事件) of key emitters and verification agencies."""

    queryset = sel.base()
    serializer_class = CreditEventSerializer
    filterset_class = EventFilterSet
    view_action = Perm.VIEW_CREDIT_EVENT

    def get_queryset(self):
        return sel.events_for(self.request.user, self.view_action)
