"""Agencies API: read-only, scoped like the HTML list (bureau: all; agency staff: own)."""

from rest_framework import viewsets

from verifiers.api.serializers import AgencySerializer
from verifiers.filtersets import AgencyFilterSet
from verifiers.models import Agency
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class AgencyViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Agency.objects.prefetch_related("qualifications__sectors").order_by("name", "pk")
    serializer_class = AgencySerializer
    filterset_class = AgencyFilterSet
    view_action = Perm.VIEW_AGENCY
