"""Complaints API: read-only, scoped like the pages (the bureau every complaint, a county /
park official those handled in its area, a handler his own; enterprises and agencies none)."""

from rest_framework import viewsets

from complaints import selectors
from complaints.api import serializers as s
from complaints.filtersets import ComplaintFilterSet
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class ComplaintViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Complaints and reports from the public (Art. 18), without the filer's identity."""

    queryset = selectors.base()
    filterset_class = ComplaintFilterSet
    view_action = Perm.VIEW_COMPLAINT

    def get_queryset(self):
        return super().get_queryset().order_by("-filed_at", "-pk")

    def get_serializer_class(self):
        return s.ComplaintDetailSerializer if self.action == "retrieve" else s.ComplaintSerializer
