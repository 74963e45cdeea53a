"""Issue 9, point 8: every irreversible step of reporting asks for confirmation only after the
server has validated the input (no JavaScript confirm() before the check). Invalid input: the
form again with the reason, no confirmation step, nothing done. Valid input: a confirmation
step showing what will be done, still nothing done; confirming does it."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reporting.models import AnnualReport, Objection, Recheck, VerificationReport
from reporting.services import verification as svc
from tests import factories as f
from tests.two_step import is_confirmation, post_and_confirm

pytestmark = pytest.mark.django_db


def url(name, obj):
    return reverse(f"reporting:{name}", kwargs={"pk": obj.pk})


def pdf(body=b"%PDF-1.7\nsigned", name="signed.pdf"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def fresh(report):
    return AnnualReport.objects.get(pk=report.pk)


@pytest.fixture
def assigned(enterprise_a, ent_a, bureau_admin, agency_a):
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise_a, ent_a)
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a,
                            due=timezone.localdate() + timedelta(days=30))
    return fresh(report)


FILING = {"verified_0": "20000.00", "verified_1": "10573.36", "conclusion": "confirmed", "note": ""}


def figures(report):
    facility = report.current_version.lines.filter(source_kind="combustion").first().facility
    return [{"facility": facility, "source_kind": "combustion", "verified": Decimal("20000.00")},
            {"facility": None, "source_kind": "electricity", "verified": Decimal("10573.36")}]


@pytest.fixture
def filed(assigned, agency_a_staff):
    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=figures(assigned), file=pdf())
    return fresh(assigned)


def test_no_template_asks_before_the_server_checked():
    """No page of the portal asks in the browser before the server checked the input."""
    base = Path(__file__).resolve().parents[2]
    templates = [p for p in base.rglob("*.html")
                 if "templates" in p.parts and not {".venv", "staticfiles", "test-artifacts"} & set(p.parts)]
    assert len(templates) > 50
    offenders = [str(p.relative_to(base)) for p in templates
                 if re.search(r"confirm\(|data-confirm", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_filing_a_non_pdf_shows_the_error_and_no_confirmation(client_as, assigned, agency_a_staff):
    client = client_as(agency_a_staff)
    response = client.post(url("verification_file", assigned),
                           {**FILING, "file": pdf(b"just text", "fake.pdf")})
    assert response.status_code == 200 and not is_confirmation(response)
    assert "PDF" in " ".join(response.context["form"].errors["file"])
    assert (fresh(assigned).status, VerificationReport.objects.count()) == ("assigned", 0)


def test_filing_confirmation_shows_the_round_and_files_only_when_confirmed(
    client_as, assigned, agency_a_staff
):
    client = client_as(agency_a_staff)
    first = client.post(url("verification_file", assigned), {**FILING, "file": pdf(name="r1.pdf")})
    assert is_confirmation(first)
    html = first.content.decode()
    assert "r1.pdf" in html and "30,573.36" in html and "确认提交核查报告" in html
    assert (fresh(assigned).status, VerificationReport.objects.count()) == ("assigned", 0)
    # a token that is not this session's: nothing filed, the form asks for the file again
    forged = client_as(agency_a_staff).post(
        url("verification_file", assigned), {**FILING, "step": "confirm", "staged": "forged"}
    )
    assert forged.status_code == 200 and VerificationReport.objects.count() == 0
    done = client.post(url("verification_file", assigned),
                       {**FILING, "step": "confirm", "staged": first.context["token"]})
    assert done.status_code == 302
    assert (fresh(assigned).status, VerificationReport.objects.get().round) == ("verified", 1)
    assert VerificationReport.objects.get().file.read() == b"%PDF-1.7\nsigned"


def test_filing_form_button_reads_submit_verification_report(client_as, assigned, agency_a_staff):
    html = client_as(agency_a_staff).get(url("verification_file", assigned)).content.decode()
    assert "提交核查报告</button>" in html and ">文件</button>" not in html


def test_recheck_confirms_after_validation(client_as, filed, bureau_reviewer):
    client = client_as(bureau_reviewer)
    bad = client.post(url("recheck", filed), {"decision": "returned", "opinion": ""})
    assert not is_confirmation(bad) and "opinion" in bad.context["form"].errors
    first = client.post(url("recheck", filed), {"decision": "accepted", "opinion": ""})
    assert is_confirmation(first) and "30,573.36" in first.content.decode()
    assert (fresh(filed).status, Recheck.objects.count()) == ("verified", 0)
    post_and_confirm(client, url("recheck", filed), {"decision": "accepted", "opinion": ""})
    assert (fresh(filed).status, fresh(filed).final_emissions) == ("final", Decimal("30573.36"))


def test_objection_confirms_after_validation_and_keeps_its_file(client_as, filed, bureau_admin,
                                                                 ent_a):
    svc.recheck(actor=bureau_admin, report=filed, decision="accepted")
    client = client_as(ent_a)
    bad = client.post(url("objection_file", filed),
                      {"reasons": "计量有误", "file": pdf(b"MZ not evidence", "x.pdf")})
    assert not is_confirmation(bad) and "file" in bad.context["form"].errors
    data = {"reasons": "外购电量计量有误", "file": pdf(b"%PDF-1.4 evidence", "evidence.pdf")}
    first = client.post(url("objection_file", filed), data)
    assert is_confirmation(first) and "evidence.pdf" in first.content.decode()
    assert (fresh(filed).status, Objection.objects.count()) == ("final", 0)
    client.post(url("objection_file", filed),
                {"reasons": data["reasons"], "step": "confirm", "staged": first.context["token"]})
    objection = Objection.objects.get()
    assert fresh(filed).status == "objected" and objection.file.read() == b"%PDF-1.4 evidence"
    # deciding it: confirmation after validation too
    admin = client_as(bureau_admin)
    bad = admin.post(url("objection_decide", objection), {"decision": "rejected", "note": ""})
    assert not is_confirmation(bad) and "note" in bad.context["form"].errors
    first = admin.post(url("objection_decide", objection), {"decision": "rejected", "note": "维持"})
    assert is_confirmation(first) and Objection.objects.get().decision == "pending"
    post_and_confirm(admin, url("objection_decide", objection), {"decision": "rejected", "note": "维持"})
    assert Objection.objects.get().decision == "rejected"


def test_back_to_edit_keeps_the_entries(client_as, assigned, agency_a_staff):
    client = client_as(agency_a_staff)
    response = client.post(url("verification_file", assigned),
                           {**FILING, "verified_0": "19999.00", "conclusion": "corrected",
                            "step": "edit"})
    assert response.status_code == 200 and not is_confirmation(response)
    assert 'value="19999.00"' in response.content.decode()
    assert VerificationReport.objects.count() == 0
