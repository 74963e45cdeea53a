"""Reporting API. Factor tables: read-only reference data for every logged-in role."""

from rest_framework import viewsets

from reporting import models as m
from reporting.api import serializers as s
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class FuelTypeViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.FuelType.objects.prefetch_related("factors")
    serializer_class = s.FuelTypeSerializer


class EmissionFactorViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.EmissionFactor.objects.all()
    serializer_class = s.EmissionFactorSerializer
    filterset_fields = ["kind", "region", "data_year"]


class FactorApplicabilityViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.FactorApplicability.objects.select_related("factor")
    serializer_class = s.FactorApplicabilitySerializer
    filterset_fields = ["reporting_year", "kind"]


class ReportingYearViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.ReportingYear.objects.all()
    serializer_class = s.ReportingYearSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
