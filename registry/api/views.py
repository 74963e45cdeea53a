"""Read-only registry API (list + retrieve). Every queryset goes through ``scoping.for_user``
(via ``ScopedQuerysetMixin``) and every list uses the same FilterSet as the HTML pages."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from registry.api import serializers as s
from registry.filtersets import (
    EmissionRecordFilterSet,
    EnterpriseFilterSet,
    FacilityFilterSet,
    ListEntryFilterSet,
)
from registry.models import (
    Area,
    EmissionRecord,
    Enterprise,
    Facility,
    KeyEmitterList,
    KeyEmitterListEntry,
    Sector,
)
from registry.selectors.enterprises import with_latest
from zhongwei_carbon import scoping
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class AreaViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Counties, districts and industrial parks (reference data)."""

    queryset = Area.objects.all()
    serializer_class = s.AreaSerializer
    view_action = Perm.VIEW_AREA
    filterset_fields = ["kind"]


class SectorViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Industry sectors (reference data)."""

    queryset = Sector.objects.all()
    serializer_class = s.SectorSerializer
    view_action = Perm.VIEW_AREA
    filterset_fields = ["code"]


class EnterpriseViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Emitting enterprises within the caller's scope."""

    queryset = with_latest(Enterprise.objects.all()).order_by("area__sort_order", "name", "pk")
    serializer_class = s.EnterpriseSerializer
    view_action = Perm.VIEW_ENTERPRISE
    filterset_class = EnterpriseFilterSet


class FacilityViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Emission facilities of the enterprises within the caller's scope."""

    queryset = Facility.objects.select_related("enterprise")
    serializer_class = s.FacilitySerializer
    view_action = Perm.VIEW_ENTERPRISE
    filterset_class = FacilityFilterSet


class EmissionRecordViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Annual emissions and energy consumption per enterprise."""

    queryset = EmissionRecord.objects.select_related("enterprise")
    serializer_class = s.EmissionRecordSerializer
    view_action = Perm.VIEW_EMISSION_RECORD
    filterset_class = EmissionRecordFilterSet


class KeyEmitterListViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Key-emitter lists by year (drafts are visible to the bureau only)."""

    queryset = KeyEmitterList.objects.all()
    serializer_class = s.KeyEmitterListSerializer
    view_action = Perm.VIEW_KEY_EMITTER_LIST
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    filterset_fields = ["status"]

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


YEAR_PARAMETER = OpenApiParameter(
    "year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Year of the list"
)


@extend_schema_view(
    list=extend_schema(parameters=[YEAR_PARAMETER]),
    retrieve=extend_schema(parameters=[YEAR_PARAMETER]),
)
class KeyEmitterListEntryViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The entries of one year's key-emitter list (404 when that list is not visible)."""

    queryset = KeyEmitterListEntry.objects.select_related("key_list", "area", "sector")
    serializer_class = s.KeyEmitterListEntrySerializer
    view_action = Perm.VIEW_KEY_EMITTER_LIST
    filterset_class = ListEntryFilterSet

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        year = self.kwargs["year"]
        lists = scoping.for_user(KeyEmitterList.objects.all(), self.request.user, self.view_action)
        if not lists.filter(year=year).exists():
            raise Http404
        return qs.filter(key_list__year=year)
