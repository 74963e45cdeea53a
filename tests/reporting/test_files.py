"""Checked file downloads: the owning record is found within the user's scope first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from reporting.models import LedgerEvidence, Objection, Recheck, VerificationReport
from tests import factories as f

pytestmark = pytest.mark.django_db


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def stored(enterprise_a, agency_a, ent_a, agency_a_staff, bureau_admin):
    """enterprise_a: a ledger with evidence, a report (assigned to agency_a) whose version 1
    has its uploaded workbook, round 1 filed (not yet accepted), an objection with a file."""
    facility = f.FacilityFactory(enterprise=enterprise_a)
    ledger = f.ledger_make(facility, year=2025, month=3)
    evidence = LedgerEvidence(
        ledger=ledger, original_name="三月台账.pdf", sha256="0" * 64, uploaded_by=ent_a
    )
    evidence.file.save("x.pdf", ContentFile(b"%PDF-ledger"), save=True)
    report = f.verification_report_passed(enterprise_a, ent_a, year=2023, facility=facility)
    report.status, report.agency, report.verification_due = "assigned", agency_a, date(2030, 1, 1)
    report.save()
    draft = f.report_draft(enterprise_a, ent_a, year=2024)  # a submitted version is frozen
    draft.current_version.source_file.save("r.xlsx", ContentFile(b"PK-workbook"), save=True)
    round1 = VerificationReport(
        report=report, round=1, agency=agency_a, filed_by=agency_a_staff,
        conclusion="confirmed", verified_total=Decimal("30573.36"), sha256="1" * 64,
    )
    round1.file.save("signed.pdf", ContentFile(b"%PDF-round1"), save=True)
    objection = Objection.objects.create(
        report=report, reasons="r", filed_by=ent_a, decision_due=date(2030, 1, 1)
    )
    objection.file.save("proof.png", ContentFile(b"PNG-objection"), save=True)
    urls = {
        "evidence": reverse(
            "reporting:ledger_evidence_download",
            kwargs={"pk": ledger.pk, "evidence_pk": evidence.pk},
        ),
        "workbook": reverse(
            "reporting:report_version_workbook", kwargs={"pk": draft.pk, "number": 1}
        ),
        "pdf": reverse(
            "reporting:verification_report_download",
            kwargs={"pk": report.pk, "round_number": 1},
        ),
        "objection": reverse(
            "reporting:objection_file_download",
            kwargs={"pk": report.pk, "objection_pk": objection.pk},
        ),
    }
    return {"ledger": ledger, "report": report, "draft": draft, "urls": urls, "uscc": enterprise_a.uscc}


def test_enterprise_gets_its_files_with_clear_names(stored, ent_a, client_as):
    client = client_as(ent_a)
    urls, uscc = stored["urls"], stored["uscc"]
    expected = {
        "evidence": (b"%PDF-ledger", "三月台账.pdf"),
        "workbook": (b"PK-workbook", f"report-{uscc}-2024-v1.xlsx"),
        "objection": (b"PNG-objection", f"objection-{uscc}-2023-"),
    }
    for key, (content, name) in expected.items():
        response = client.get(urls[key])
        assert response.status_code == 200, key
        assert _bytes(response) == content
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        if key == "evidence":  # non-ASCII name: RFC 5987 form
            assert "filename*=utf-8''" in disposition
        else:
            assert name in disposition


def test_enterprise_sees_round_pdf_only_after_acceptance(stored, ent_a, bureau_admin, client_as):
    client = client_as(ent_a)
    assert client.get(stored["urls"]["pdf"]).status_code == 404
    Recheck.objects.create(
        report=stored["report"], round=1, decision="accepted", decided_by=bureau_admin
    )
    response = client.get(stored["urls"]["pdf"])
    assert response.status_code == 200
    assert _bytes(response) == b"%PDF-round1"
    assert f"verification-{stored['uscc']}-2023-round1.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "agency_a_staff"])
def test_bureau_county_and_agency_get_the_round_pdf(stored, persona, request, client_as):
    response = client_as(request.getfixturevalue(persona)).get(stored["urls"]["pdf"])
    assert response.status_code == 200
    assert _bytes(response) == b"%PDF-round1"


@pytest.mark.parametrize("persona", ["ent_b", "official_b", "agency_b_staff"])
def test_other_scope_gets_404(stored, persona, request, client_as):
    client = client_as(request.getfixturevalue(persona))
    for key in ("workbook", "pdf", "objection"):
        assert client.get(stored["urls"][key]).status_code == 404, key
    expected = 403 if persona == "agency_b_staff" else 404  # agencies read no ledgers
    assert client.get(stored["urls"]["evidence"]).status_code == expected


def test_anonymous_goes_to_login(stored, client):
    for url in stored["urls"].values():
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_missing_file_or_record_is_404(stored, enterprise_a, ent_a, client_as):
    client = client_as(ent_a)
    report, ledger = stored["report"], stored["ledger"]
    assert client.get(
        reverse("reporting:report_version_workbook", kwargs={"pk": report.pk, "number": 9})
    ).status_code == 404
    bare = Objection.objects.create(
        report=report, reasons="no file", filed_by=ent_a, decision_due=date(2030, 1, 1)
    )
    assert client.get(
        reverse(
            "reporting:objection_file_download", kwargs={"pk": report.pk, "objection_pk": bare.pk}
        )
    ).status_code == 404
    other_ledger = f.ledger_make(f.FacilityFactory(enterprise=enterprise_a), year=2025, month=4)
    evidence = ledger.evidence.get()
    assert client.get(
        reverse(
            "reporting:ledger_evidence_download",
            kwargs={"pk": other_ledger.pk, "evidence_pk": evidence.pk},
        )
    ).status_code == 404


def test_pages_link_to_checked_downloads(stored, ent_a, bureau_admin, client_as):
    client = client_as(bureau_admin)
    report, urls = stored["report"], stored["urls"]
    ledger_page = client.get(reverse("reporting:ledger_detail", kwargs={"pk": stored["ledger"].pk}))
    assert urls["evidence"] in ledger_page.content.decode()
    assert "/media/" not in ledger_page.content.decode()
    version_page = client.get(
        reverse("reporting:report_detail", kwargs={"pk": stored["draft"].pk})
    )
    assert urls["workbook"] in version_page.content.decode()
    verification = client.get(reverse("reporting:verification_detail", kwargs={"pk": report.pk}))
    body = verification.content.decode()
    assert urls["pdf"] in body and urls["objection"] in body
    # the enterprise's page does not link the round it cannot see yet
    body = client_as(ent_a).get(
        reverse("reporting:verification_detail", kwargs={"pk": report.pk})
    ).content.decode()
    assert urls["pdf"] not in body and urls["objection"] in body
