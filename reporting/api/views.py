"""Reporting API. Factor tables: read-only reference data for every logged-in role.
Annual reports: scoped reads and JSON actions; every state change calls a service."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from registry.models import Enterprise
from reporting import models as m
from reporting.api import serializers as s
from reporting.api.calls import call
from reporting.filtersets import (
    EmissionFactorFilterSet,
    FactorApplicabilityFilterSet,
    ReportFilterSet,
)
from reporting.selectors import verification as vsel
from reporting.services import reports, verification
from zhongwei_carbon import advisories, roles, scoping
from zhongwei_carbon.api import PLAIN_ARRAY, PageByIdsMixin, ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class FuelTypeViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.FuelType.objects.prefetch_related("factors")
    serializer_class = s.FuelTypeSerializer


class EmissionFactorViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.EmissionFactor.objects.all()
    serializer_class = s.EmissionFactorSerializer
    filterset_class = EmissionFactorFilterSet


class FactorApplicabilityViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.FactorApplicability.objects.select_related("factor")
    serializer_class = s.FactorApplicabilitySerializer
    filterset_class = FactorApplicabilityFilterSet


class ReportingYearViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    view_action = Perm.VIEW_FACTORS
    queryset = m.ReportingYear.objects.all()
    serializer_class = s.ReportingYearSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"


# --- annual reports, verification and re-check ------------------------------------------------

LINE_PK = OpenApiParameter("line_pk", OpenApiTypes.INT, OpenApiParameter.PATH)
FINDING_PK = OpenApiParameter("finding_pk", OpenApiTypes.INT, OpenApiParameter.PATH)

REPORT_ACTION_PERMS = {
    "create": Perm.EDIT_REPORT,
    "add_line": Perm.EDIT_REPORT,
    "delete_line": Perm.EDIT_REPORT,
    "submit": Perm.EDIT_REPORT,
    "county_check": Perm.COUNTY_CHECK_REPORT,
    "assign": Perm.ASSIGN_VERIFICATION,
    "recheck": Perm.RECHECK_REPORT,
    "answer_finding": Perm.ANSWER_FINDING,
}


class ReportViewSet(
    PageByIdsMixin,
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Annual emission reports in the caller's scope. Every write calls a service
    (``reporting.services.reports`` / ``verification``); emissions are computed on the server."""

    view_action = Perm.VIEW_REPORT
    queryset = m.AnnualReport.objects.select_related("enterprise", "current_version")
    serializer_class = s.ReportSerializer
    filterset_class = ReportFilterSet

    @property
    def change_action(self):
        return REPORT_ACTION_PERMS.get(getattr(self, "action", None))

    def _input(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _report_response(self, report, status=200):
        report = m.AnnualReport.objects.select_related("enterprise", "current_version").get(
            pk=report.pk
        )
        return Response(s.ReportSerializer(report).data, status=status)

    @extend_schema(request=s.ReportStartSerializer, responses={201: s.ReportSerializer})
    def create(self, request, *args, **kwargs):
        """Start a draft report (version 1) for the caller's enterprise and a year."""
        data = self._input(s.ReportStartSerializer)
        enterprises = scoping.for_user(Enterprise.objects.all(), request.user, Perm.EDIT_REPORT)
        if "enterprise" in data:
            enterprise = enterprises.filter(pk=data["enterprise"]).first()
            if enterprise is None:
                raise DRFValidationError({"enterprise": [_("Not one of your enterprises.")]})
        elif enterprises.count() == 1:
            enterprise = enterprises.get()
        else:
            raise DRFValidationError({"enterprise": [_("Choose the enterprise.")]})
        report = call(
            reports.report_start, actor=request.user, enterprise=enterprise, year=data["year"]
        )
        return self._report_response(report, status=201)

    @extend_schema(responses=s.ReportVersionSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ARRAY)
    def versions(self, request, pk=None):
        """Every version of the report, newest first, each with its lines."""
        report = self.get_object()
        versions = report.versions.prefetch_related("lines").order_by("-number")
        return Response(s.ReportVersionSerializer(versions, many=True).data)

    @extend_schema(request=s.ReportLineInputSerializer, responses={201: s.ReportVersionSerializer})
    @action(detail=True, methods=["post"], url_path="lines", url_name="lines")
    def add_line(self, request, pk=None):
        """Add a line to the current draft version; the server computes its emissions."""
        report = self.get_object()
        data = self._input(s.ReportLineInputSerializer, enterprise=report.enterprise)
        version = m.ReportVersion.objects.get(pk=report.current_version_id)
        call(reports.line_save, actor=request.user, version=version, data=dict(data))
        return Response(s.ReportVersionSerializer(_fresh_version(version)).data, status=201)

    @extend_schema(parameters=[LINE_PK], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"lines/(?P<line_pk>[0-9]+)",
        url_name="line",
    )
    def delete_line(self, request, pk=None, line_pk=None):
        """Remove a line of the current draft version."""
        report = self.get_object()
        line = m.ReportLine.objects.filter(version__report=report, pk=line_pk).first()
        if line is None:
            raise Http404
        call(reports.line_delete, actor=request.user, line=line)
        return Response(status=204)

    @extend_schema(request=s.SubmitSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The enterprise's signatory certifies and submits the current version."""
        report = self.get_object()
        data = self._input(s.SubmitSerializer)
        call(
            reports.report_submit,
            actor=request.user,
            report=report,
            certification=data["certification"],
        )
        return self._report_response(report)

    @extend_schema(request=s.CountyCheckSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"], url_path="county-check", url_name="county-check")
    def county_check(self, request, pk=None):
        """The county/park official passes the report or returns it with reasons."""
        report = self.get_object()
        data = self._input(s.CountyCheckSerializer)
        reason = data.get("reason", "")
        if data["decision"] == "pass":
            call(reports.report_county_pass, actor=request.user, report=report, note=reason)
        else:
            call(reports.report_county_return, actor=request.user, report=report, reason=reason)
        return self._report_response(report)

    @extend_schema(request=s.AssignSerializer, responses=s.AssignResultSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """The bureau assigns a verification agency and a due date. The answer lists the
        warnings about the agency (``advisories``: a yellow or red credit grade); an agency
        graded red is refused (400, under ``acknowledge_credit``) unless ``acknowledge_credit``
        is true."""
        report = self.get_object()
        data = self._input(s.AssignSerializer)
        call(
            verification.verification_assign,
            actor=request.user,
            report=report,
            agency=data["agency"],
            due=data["due"],
            acknowledge_credit=data["acknowledge_credit"],
        )
        report = m.AnnualReport.objects.select_related("enterprise", "current_version").get(
            pk=report.pk
        )
        report.advisories = [
            a for a in advisories.for_agency(request.user, data["agency"]) if a.warns
        ]
        return Response(s.AssignResultSerializer(report).data)

    @extend_schema(responses=s.AssignableAgencySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="assignable-agencies", **PLAIN_ARRAY)
    def assignable_agencies(self, request, pk=None):
        """The agencies the bureau may assign to this report today: a verification
        qualification valid today covering the enterprise's sector, no preparation
        declaration; each with its qualification end date and open assignments. ``assign``
        refuses any other agency and says why."""
        if not roles.has_perm(request.user, Perm.ASSIGN_VERIFICATION):
            raise PermissionDenied
        report = self.get_object()
        agencies = vsel.assignable_agencies(report)
        advised = advisories.for_agencies(request.user, agencies)
        return Response(
            s.AssignableAgencySerializer(agencies, many=True, context={"advised": advised}).data
        )

    @extend_schema(request=s.RecheckSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        """The bureau's re-check of the filed verification: accept, or return with opinions."""
        report = self.get_object()
        data = self._input(s.RecheckSerializer)
        call(
            verification.recheck,
            actor=request.user,
            report=report,
            decision=data["decision"],
            opinion=data.get("opinion", ""),
        )
        return self._report_response(report)

    @extend_schema(responses=s.FindingSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ARRAY)
    def findings(self, request, pk=None):
        """Findings of the report (the enterprise sees only those sent to it)."""
        report = self.get_object()
        return Response(
            s.FindingSerializer(vsel.findings_visible(request.user, report), many=True).data
        )

    @extend_schema(
        parameters=[FINDING_PK], request=s.FindingAnswerSerializer, responses=s.FindingSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"findings/(?P<finding_pk>[0-9]+)/answer",
        url_name="finding-answer",
    )
    def answer_finding(self, request, pk=None, finding_pk=None):
        """The enterprise answers a finding sent to it."""
        report = self.get_object()
        finding = vsel.findings_visible(request.user, report).filter(pk=finding_pk).first()
        if finding is None:
            raise Http404
        data = self._input(s.FindingAnswerSerializer)
        finding = call(
            verification.finding_answer,
            actor=request.user,
            finding=finding,
            response=data["response"],
        )
        return Response(s.FindingSerializer(finding).data)

    @extend_schema(responses=s.VerificationSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ARRAY)
    def verifications(self, request, pk=None):
        """Filed verification rounds with their figures (the enterprise: once final)."""
        report = self.get_object()
        rows = vsel.verifications_visible(request.user, report)
        return Response(s.VerificationSerializer(rows, many=True).data)


def _fresh_version(version):
    return m.ReportVersion.objects.prefetch_related("lines").get(pk=version.pk)
