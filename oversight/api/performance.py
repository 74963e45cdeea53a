"""Agency performance API (read-only): the league of one reporting year, paginated like every
list. Scoped like the page: the bureau every agency, agency staff their own; other roles 403."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from oversight.selectors import performance
from zhongwei_carbon.api import YEAR_QUERY, ActionPermission, year_param
from zhongwei_carbon.roles import Perm


def _percent(help_text):
    return serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True,
                                    help_text=help_text)


class AgencyYearSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField()
    agency_uscc = serializers.CharField()
    year = serializers.IntegerField(help_text="Reporting year.")
    assignments = serializers.IntegerField(help_text="Reports assigned to the agency.")
    on_time = serializers.IntegerField(help_text="First verification reports delivered by the "
                                       "verification due date (the day itself counts).")
    late = serializers.IntegerField(help_text="Delivered after the due date, or not delivered "
                                    "and the due date has passed.")
    on_time_rate = _percent("on_time / (on_time + late), per cent; null when both are 0.")
    rounds_per_report = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True,
        help_text="Rounds filed per report with at least one round.")
    rechecked = serializers.IntegerField(help_text="Reports re-checked at least once.")
    returned = serializers.IntegerField(help_text="Of which returned at least once.")
    returned_share = _percent("returned / rechecked, per cent; null when none re-checked.")
    compared = serializers.IntegerField(help_text="Final reports whose first verified total "
                                        "is compared with the accepted figure.")
    deviation = serializers.DecimalField(
        max_digits=9, decimal_places=2, allow_null=True,
        help_text="Mean |first verified - accepted| / accepted, per cent; null when none final.")
    inspections = serializers.IntegerField(help_text="Inspections of the agency concluded (held "
                                           "in the following year).")
    no_problem = serializers.IntegerField()
    rectify = serializers.IntegerField()
    violation = serializers.IntegerField()
    violations_decided = serializers.IntegerField(
        help_text="Violation cases (Art. 23) decided against the agency, opened in the "
                  "following year.")


class AgencyPerformanceViewSet(viewsets.GenericViewSet):
    """Agency performance per reporting year (the league table)."""

    view_action = Perm.VIEW_AGENCY_PERFORMANCE
    permission_classes = [ActionPermission]
    serializer_class = AgencyYearSerializer
    filter_backends = []  # its parameters are read (and documented) below

    @extend_schema(parameters=[
        OpenApiParameter("year", YEAR_QUERY,
                         description="Reporting year; default the latest one with figures."),
        OpenApiParameter("ordering", OpenApiTypes.STR, description=performance.SORT.describe()),
        OpenApiParameter("page", OpenApiTypes.INT),
    ])
    def list(self, request):
        """One row per agency in the caller's scope with assignments or concluded inspections
        in the year: the counts and the figures computed from them."""
        year = year_param(request, "year")
        if year is None:
            year, _years = performance.year_or_latest(request.user, None)
        rows = (performance.rows(request.user, year=year,
                                 ordering=request.query_params.get("ordering"))
                if year is not None else [])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
