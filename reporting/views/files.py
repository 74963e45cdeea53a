"""Checked downloads of stored files (ledger evidence, report workbooks, signed verification
reports, objection files). Files are never served from /media/: each download first finds the
owning record within the user's scope (out of scope → 404), then streams the file."""

from __future__ import annotations

import os

from django.http import Http404
from django.views.decorators.http import require_GET

from reporting.models import AnnualReport, MonthlyLedger
from reporting.selectors.verification import verifications_visible
from zhongwei_carbon import web
from zhongwei_carbon.roles import Perm

_send = web.send_file


def _ext(field, default: str) -> str:
    return os.path.splitext(field.name or "")[1].lower() or default


def _stem(report: AnnualReport) -> str:
    return f"{report.enterprise.uscc}-{report.year}"


def _report(request, pk) -> AnnualReport:
    return web.get_scoped_or_404(
        AnnualReport.objects.select_related("enterprise"), request.user, Perm.VIEW_REPORT, pk=pk
    )


@web.require(Perm.VIEW_LEDGER)
@require_GET
def ledger_evidence_download(request, pk, evidence_pk):
    ledger = web.get_scoped_or_404(MonthlyLedger.objects.all(), request.user, Perm.VIEW_LEDGER, pk=pk)
    evidence = ledger.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    name = evidence.original_name or f"ledger-{ledger.pk}-{evidence.pk}{_ext(evidence.file, '')}"
    return _send(evidence.file, name)


@web.require(Perm.VIEW_REPORT)
@require_GET
def report_version_workbook(request, pk, number):
    report = _report(request, pk)
    version = report.versions.filter(number=number).first()
    if version is None:
        raise Http404
    name = f"report-{_stem(report)}-v{version.number}{_ext(version.source_file, '.xlsx')}"
    return _send(version.source_file, name)


@web.require(Perm.VIEW_REPORT)
@require_GET
def verification_report_download(request, pk, round_number):
    """Only the rounds the verification page shows this user (an enterprise sees a round only
    after the bureau accepted it)."""
    report = _report(request, pk)
    found = [v for v in verifications_visible(request.user, report) if v.round == round_number]
    if not found:
        raise Http404
    name = f"verification-{_stem(report)}-round{round_number}{_ext(found[0].file, '.pdf')}"
    return _send(found[0].file, name)


@web.require(Perm.VIEW_REPORT)
@require_GET
def objection_file_download(request, pk, objection_pk):
    report = _report(request, pk)
    objection = report.objections.filter(pk=objection_pk).first()
    if objection is None:
        raise Http404
    name = f"objection-{_stem(report)}-{objection.pk}{_ext(objection.file, '')}"
    return _send(objection.file, name)
