"""Reporting API, the agency and objection steps of an annual report: findings (add, send),
filing a verification round (multipart, signed PDF), the enterprise's revise after a county
return, objections (list, file) and the bureau's decision. Every write calls a service of
``reporting.services.verification`` / ``reports``; errors come back through ``calls.call``."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from reporting import models as m
from reporting.api import agency_serializers as a
from reporting.api import serializers as s
from reporting.api import views
from reporting.api.calls import call
from reporting.services import reports, verification
from zhongwei_carbon.api import PLAIN_ARRAY
from zhongwei_carbon.roles import Perm

FINDING_PK = OpenApiParameter("finding_pk", OpenApiTypes.INT, OpenApiParameter.PATH)
OBJECTION_PK = OpenApiParameter("objection_pk", OpenApiTypes.INT, OpenApiParameter.PATH)

AGENCY_ACTION_PERMS = {
    "add_finding": Perm.VERIFY_REPORT,
    "send_finding": Perm.VERIFY_REPORT,
    "file_verification": Perm.VERIFY_REPORT,
    "revise": Perm.EDIT_REPORT,
    "file_objection": Perm.OBJECT_TO_RESULT,
    "decide_objection": Perm.DECIDE_OBJECTION,
}
UPLOAD_PARSERS = [JSONParser, MultiPartParser, FormParser]


class ReportAgencyViewSet(views.ReportViewSet):
    """The report API with the agency and objection steps (registered as ``reports``)."""

    @property
    def change_action(self):
        name = getattr(self, "action", None)
        return AGENCY_ACTION_PERMS.get(name) or views.REPORT_ACTION_PERMS.get(name)

    # --- findings ---------------------------------------------------------------------------

    @extend_schema(responses=s.FindingSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ARRAY)
    def findings(self, request, pk=None):
        """Findings of the report (the enterprise sees only those sent to it)."""
        return super().findings(request, pk=pk)

    @extend_schema(request=a.FindingInputSerializer, responses={201: s.FindingSerializer})
    @findings.mapping.post
    def add_finding(self, request, pk=None):
        """Staff of the assigned agency record a finding (hidden from the enterprise until sent)."""
        report = self.get_object()
        data = self._input(a.FindingInputSerializer)
        finding = call(verification.finding_add, actor=request.user, report=report, text=data["text"])
        return Response(s.FindingSerializer(finding).data, status=201)

    @extend_schema(parameters=[FINDING_PK], request=None, responses=s.FindingSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"findings/(?P<finding_pk>[0-9]+)/send",
        url_name="finding-send",
    )
    def send_finding(self, request, pk=None, finding_pk=None):
        """Send a recorded finding to the enterprise."""
        report = self.get_object()
        finding = m.Finding.objects.filter(report=report, pk=finding_pk).first()
        if finding is None:
            raise Http404
        finding = call(verification.finding_send, actor=request.user, finding=finding)
        return Response(s.FindingSerializer(finding).data)

    # --- verification rounds ----------------------------------------------------------------

    @extend_schema(responses=s.VerificationSerializer(many=True))
    @action(detail=True, methods=["get"], parser_classes=UPLOAD_PARSERS, **PLAIN_ARRAY)
    def verifications(self, request, pk=None):
        """Filed verification rounds with their figures (the enterprise: once final)."""
        return super().verifications(request, pk=pk)

    @extend_schema(
        request={"multipart/form-data": a.VerificationFileSerializer},
        responses={201: s.VerificationSerializer},
    )
    @verifications.mapping.post
    def file_verification(self, request, pk=None):
        """The agency files a round (multipart): conclusion, verified figures, signed PDF, note.
        The PDF is checked (signature, size) and its sha256 kept; the total is the figures' sum."""
        report = self.get_object()
        data = self._input(a.VerificationFileSerializer, enterprise=report.enterprise)
        filed = call(
            verification.verification_file,
            actor=request.user,
            report=report,
            conclusion=data["conclusion"],
            figures=[dict(row) for row in data["figures"]],
            file=data["file"],
            note=data.get("note", ""),
        )
        filed = m.VerificationReport.objects.prefetch_related("figures").get(pk=filed.pk)
        filed.figure_rows = list(filed.figures.all())
        return Response(s.VerificationSerializer(filed).data, status=201)

    # --- the enterprise after a county return -------------------------------------------------

    @extend_schema(request=None, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """After a county return: open a new draft version with the lines of the last one."""
        report = self.get_object()
        call(reports.report_revise, actor=request.user, report=report)
        return self._report_response(report)

    # --- objections -------------------------------------------------------------------------

    @extend_schema(responses=a.ObjectionSerializer(many=True))
    @action(detail=True, methods=["get"], parser_classes=UPLOAD_PARSERS, **PLAIN_ARRAY)
    def objections(self, request, pk=None):
        """Objections to the report's final result, oldest first."""
        report = self.get_object()
        rows = report.objections.order_by("filed_at", "pk")
        return Response(a.ObjectionSerializer(rows, many=True).data)

    @extend_schema(
        request={"multipart/form-data": a.ObjectionInputSerializer,
                 "application/json": a.ObjectionInputSerializer},
        responses={201: a.ObjectionSerializer},
    )
    @objections.mapping.post
    def file_objection(self, request, pk=None):
        """The enterprise objects to the final result within the window (working days)."""
        report = self.get_object()
        data = self._input(a.ObjectionInputSerializer)
        objection = call(
            verification.objection_file,
            actor=request.user,
            report=report,
            reasons=data["reasons"],
            file=data.get("file"),
        )
        return Response(a.ObjectionSerializer(objection).data, status=201)

    @extend_schema(
        parameters=[OBJECTION_PK], request=a.ObjectionDecideSerializer, responses=a.ObjectionSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"objections/(?P<objection_pk>[0-9]+)/decide",
        url_name="objection-decide",
    )
    def decide_objection(self, request, pk=None, objection_pk=None):
        """The bureau upholds (back to the agency) or rejects (the result stands) an objection."""
        report = self.get_object()
        objection = report.objections.filter(pk=objection_pk).first()
        if objection is None:
            raise Http404
        data = self._input(a.ObjectionDecideSerializer)
        objection = call(
            verification.objection_decide,
            actor=request.user,
            objection=objection,
            decision=data["decision"],
            note=data["note"],
        )
        return Response(a.ObjectionSerializer(objection).data)
