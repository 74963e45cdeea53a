"""Credit API: rule sets, read-only (bureau staff), each with its caps and lines."""

from rest_framework import viewsets

from credit.api import serializers as s
from credit.models import RuleSet
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


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
        return s.RuleSetDetailSerializer if self.action == "retrieve" else s.RuleSetSerializer
