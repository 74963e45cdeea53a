"""Reporting API, agency and objection steps: findings (add, send), filing a verification round
(multipart, PDF, sha256, hand-computed total), revise after a county return, objections within
the working-day window (CalendarDay rows) and the bureau's decision. Each: allowed persona,
wrong role 403, out of scope 404, bad input 400 with nothing changed."""

import hashlib
import json
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.models import AnnualReport, Finding, Objection, ReportVersion, VerificationReport
from reporting.services import verification as svc
from tests import factories as f
from tests.reporting.test_api_reports import session_client, token_client
from zhongwei_carbon.models import CalendarDay

pytestmark = pytest.mark.django_db

API = "/api/v1"
PDF = b"%PDF-1.4\n% signed by the agency\n"


class Today:
    value = date(2025, 9, 26)  # Friday before the National Day holidays


@pytest.fixture(autouse=True)
def today(monkeypatch):
    Today.value = date(2025, 9, 26)
    monkeypatch.setattr(svc, "_today", lambda: Today.value)
    return Today


@pytest.fixture
def facility(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


@pytest.fixture
def report(enterprise_a, ent_a, facility, bureau_admin, agency_a):
    """Assigned to agency_a; reported: combustion 20,000.00 t on ``facility`` (12,000 + 8,000),
    electricity 10,573.36 t; total 30,573.36 t."""
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise_a, ent_a, facility=facility)
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a, due=date(2025, 10, 31))
    return report


def fresh(report):
    return AnnualReport.objects.get(pk=report.pk)


def pdf(content=PDF, name="verification.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def figures(facility, combustion="20100.50", electricity="10573.36"):
    return json.dumps(
        [
            {"facility": facility.pk, "source_kind": "combustion", "verified": combustion},
            {"facility": None, "source_kind": "electricity", "verified": electricity},
        ]
    )


def file_body(facility, **kw):
    body = {"conclusion": "corrected", "figures": figures(facility), "file": pdf(), "note": "现场核查"}
    body.update(kw)
    return body


# --- findings -----------------------------------------------------------------------------------


def test_add_and_send_finding(report, agency_a_staff, agency_b_staff, ent_a, bureau_admin):
    url = f"{API}/reports/{report.pk}/findings/"
    client = token_client(agency_a_staff)
    r = client.post(url, {"text": "燃煤低位发热量缺检测报告"}, format="json")
    assert r.status_code == 201, r.content
    finding = Finding.objects.get(pk=r.json()["id"])
    assert (finding.round, finding.sent_at, r.json()["status"]) == (1, None, "open")
    assert session_client(ent_a).get(url).json() == []  # not sent yet

    send = f"{url}{finding.pk}/send/"
    assert session_client(agency_b_staff).post(send).status_code == 404
    assert session_client(ent_a).post(send).status_code == 403
    assert session_client(bureau_admin).post(send).status_code == 403
    r = client.post(send)
    assert r.status_code == 200 and r.json()["sent_at"]
    assert [row["id"] for row in session_client(ent_a).get(url).json()] == [finding.pk]
    r = client.post(send)
    assert r.status_code == 400 and "already been sent" in r.json()["non_field_errors"][0]


def test_add_finding_refused(report, agency_a_staff, agency_b_staff, ent_a, ent_b, bureau_admin):
    url = f"{API}/reports/{report.pk}/findings/"
    body = {"text": "x"}
    assert session_client(agency_b_staff).post(url, body, format="json").status_code == 404
    for user in (ent_a, ent_b, bureau_admin):
        assert session_client(user).post(url, body, format="json").status_code == 403
    r = session_client(agency_a_staff).post(url, {"text": "  "}, format="json")
    assert r.status_code == 400 and "text" in r.json()
    r = session_client(agency_a_staff).post(url, {}, format="json")
    assert r.status_code == 400 and "text" in r.json()
    assert Finding.objects.count() == 0


def test_send_finding_of_another_report_is_404(report, agency_a_staff, enterprise_b, ent_b):
    other = f.verification_report_passed(enterprise_b, ent_b)
    finding = Finding.objects.create(report=other, round=1, text="t", raised_by=agency_a_staff)
    r = session_client(agency_a_staff).post(f"{API}/reports/{report.pk}/findings/{finding.pk}/send/")
    assert r.status_code == 404
    assert Finding.objects.get(pk=finding.pk).sent_at is None


# --- filing a verification round ----------------------------------------------------------------


def test_file_verification_multipart(report, facility, agency_a_staff):
    url = f"{API}/reports/{report.pk}/verifications/"
    r = token_client(agency_a_staff).post(url, file_body(facility), format="multipart")
    assert r.status_code == 201, r.content
    body = r.json()
    # 20,100.50 + 10,573.36 = 30,673.86
    assert (body["round"], body["conclusion"], body["verified_total"]) == (1, "corrected", "30673.86")
    assert sorted((x["source_kind"], x["reported"], x["verified"]) for x in body["figures"]) == [
        ("combustion", "20000.00", "20100.50"),
        ("electricity", "10573.36", "10573.36"),
    ]
    filed = VerificationReport.objects.get()
    assert filed.sha256 == hashlib.sha256(PDF).hexdigest()
    assert filed.verified_total == D("30673.86")
    assert (fresh(report).status, fresh(report).verification_round) == ("verified", 1)


def test_file_verification_confirmed_when_figures_match(report, facility, agency_a_staff):
    url = f"{API}/reports/{report.pk}/verifications/"
    body = file_body(facility, conclusion="confirmed", figures=figures(facility, "20000.00"))
    r = session_client(agency_a_staff).post(url, body, format="multipart")
    assert r.status_code == 201, r.content
    assert r.json()["verified_total"] == "30573.36"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"file": "not-a-pdf"}, "file"),
        ({"conclusion": "maybe"}, "conclusion"),
        ({"figures": "[{bad json"}, "figures"),
        ({"figures": "[]"}, "figures"),
        ({"figures": json.dumps([{"source_kind": "combustion", "verified": "abc"}])}, "figures"),
        ({"figures": json.dumps([{"source_kind": "combustion", "verified": "-1"}])}, "figures"),
        ({"figures": json.dumps([{"source_kind": "nuclear", "verified": "1"}])}, "figures"),
        ({"conclusion": "confirmed"}, "conclusion"),  # 20,100.50 ≠ 20,000.00 reported
    ],
)
def test_file_verification_bad_input(report, facility, agency_a_staff, change, field):
    body = file_body(facility)
    if change.get("file") == "not-a-pdf":
        change = {"file": SimpleUploadedFile("fake.pdf", b"PK\x03\x04 zip", content_type="application/pdf")}
    body.update(change)
    r = session_client(agency_a_staff).post(
        f"{API}/reports/{report.pk}/verifications/", body, format="multipart"
    )
    assert r.status_code == 400 and field in r.json(), r.content
    assert VerificationReport.objects.count() == 0
    assert (fresh(report).status, fresh(report).verification_round) == ("assigned", 0)


def test_file_verification_other_enterprise_facility_and_size(
    report, facility, agency_a_staff, enterprise_b, settings
):
    url = f"{API}/reports/{report.pk}/verifications/"
    foreign = f.FacilityFactory(enterprise=enterprise_b)
    client = session_client(agency_a_staff)
    r = client.post(url, file_body(facility, figures=figures(foreign)), format="multipart")
    assert r.status_code == 400 and "figures" in r.json()
    settings.UPLOAD_MAX_BYTES = 10
    r = client.post(url, file_body(facility), format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    r = client.post(url, {"conclusion": "corrected"}, format="json")  # JSON: no file, no figures
    assert r.status_code == 400 and {"figures", "file"} <= set(r.json())
    assert VerificationReport.objects.count() == 0
    assert fresh(report).status == "assigned"


def test_file_verification_roles_and_scope(report, facility, agency_b_staff, ent_a, bureau_admin):
    url = f"{API}/reports/{report.pk}/verifications/"
    r = session_client(agency_b_staff).post(url, file_body(facility), format="multipart")
    assert r.status_code == 404
    for user in (ent_a, bureau_admin):
        assert session_client(user).post(url, file_body(facility), format="multipart").status_code == 403
    anonymous = session_client(None).post(url, file_body(facility), format="multipart")
    assert anonymous.status_code == 401
    assert VerificationReport.objects.count() == 0


# --- revise after a county return ----------------------------------------------------------------


def test_revise_after_county_return(enterprise_a, ent_a, ent_b, official_a, facility):
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise_a, ent_a, facility=facility)
    AnnualReport.objects.filter(pk=report.pk).update(status="county_returned")
    url = f"{API}/reports/{report.pk}/revise/"
    assert session_client(ent_b).post(url).status_code == 404
    assert session_client(official_a).post(url).status_code == 403
    client = token_client(ent_a)
    r = client.post(url)
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["version"], r.json()["total_emissions"]) == (
        "draft",
        2,
        "30573.36",
    )
    new = ReportVersion.objects.get(report=report, number=2)
    assert new.lines.count() == 3 and new.submitted_at is None
    # a draft cannot be revised again: forbidden transition, nothing changed
    r = client.post(url)
    assert r.status_code == 400 and "not possible" in r.json()["non_field_errors"][0]
    assert ReportVersion.objects.filter(report=report).count() == 2


# --- objections ------------------------------------------------------------------------------


def national_day():
    """1–8 Oct 2025 holidays, Sunday 28 Sep and Saturday 11 Oct worked."""
    for d in range(1, 9):
        CalendarDay.objects.create(date=date(2025, 10, d), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=date(2025, 9, 28), kind="workday", name="调休")
    CalendarDay.objects.create(date=date(2025, 10, 11), kind="workday", name="调休")


@pytest.fixture
def final(report, facility, agency_a_staff, bureau_admin):
    """Final on Friday 2025-09-26 at 30,673.86 t; objection deadline (7 working days across
    the National Day holidays) Monday 2025-10-13."""
    national_day()
    svc.verification_file(
        actor=agency_a_staff, report=report, conclusion="corrected", file=pdf(),
        figures=[
            {"facility": facility, "source_kind": "combustion", "verified": D("20100.50")},
            {"facility": None, "source_kind": "electricity", "verified": D("10573.36")},
        ],
    )
    svc.recheck(actor=bureau_admin, report=report, decision="accepted")
    report = fresh(report)
    assert (report.final_emissions, report.objection_deadline) == (D("30673.86"), date(2025, 10, 13))
    return report


def test_objection_on_the_last_day_and_list(final, ent_a, ent_b, agency_b_staff, agency_a_staff,
                                            official_a, today):
    today.value = date(2025, 10, 13)
    url = f"{API}/reports/{final.pk}/objections/"
    assert session_client(ent_b).post(url, {"reasons": "x"}).status_code == 404
    for user in (official_a, agency_a_staff):
        assert session_client(user).post(url, {"reasons": "x"}).status_code == 403
    evidence = SimpleUploadedFile("检测报告.pdf", b"%PDF-1.7 evidence", content_type="application/pdf")
    r = token_client(ent_a).post(url, {"reasons": "电力排放因子适用有误", "file": evidence},
                                 format="multipart")
    assert r.status_code == 201, r.content
    # 10 working days after Monday 13 Oct: Monday 27 Oct
    assert (r.json()["decision_due"], r.json()["decision"]) == ("2025-10-27", "pending")
    assert r.json()["file_name"].endswith(".pdf")
    assert fresh(final).status == "objected"
    rows = session_client(ent_a).get(url).json()
    assert [(x["reasons"], x["decision"]) for x in rows] == [("电力排放因子适用有误", "pending")]
    assert session_client(ent_b).get(url).status_code == 404
    assert session_client(agency_b_staff).get(url).status_code == 404


def test_objection_after_deadline_and_bad_input(final, ent_a, today):
    url = f"{API}/reports/{final.pk}/objections/"
    client = session_client(ent_a)
    r = client.post(url, {"reasons": " "}, format="json")
    assert r.status_code == 400 and "reasons" in r.json()
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    r = client.post(url, {"reasons": "r", "file": bad}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    today.value = date(2025, 10, 14)  # the day after the deadline
    r = client.post(url, {"reasons": "太晚了"}, format="json")
    assert r.status_code == 400 and "2025-10-13" in r.json()["non_field_errors"][0]
    assert Objection.objects.count() == 0
    assert fresh(final).status == "final"


@pytest.fixture
def objection(final, ent_a, today):
    today.value = date(2025, 10, 9)
    return svc.objection_file(actor=ent_a, report=final, reasons="因子有误")


def test_decide_reject_then_twice(objection, bureau_admin, bureau_reviewer, ent_a, agency_a_staff):
    report = objection.report
    url = f"{API}/reports/{report.pk}/objections/{objection.pk}/decide/"
    body = {"decision": "rejected", "note": "因子适用正确"}
    for user in (bureau_reviewer, ent_a, agency_a_staff):
        assert session_client(user).post(url, body, format="json").status_code == 403
    client = token_client(bureau_admin)
    for bad, field in (({"decision": "pending", "note": "n"}, "decision"),
                       ({"decision": "rejected", "note": " "}, "note"), ({}, "decision")):
        r = client.post(url, bad, format="json")
        assert r.status_code == 400 and field in r.json(), bad
    assert Objection.objects.get(pk=objection.pk).decision == "pending"
    r = client.post(url, body, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["decision"], r.json()["decision_note"]) == ("rejected", "因子适用正确")
    assert (fresh(report).status, fresh(report).final_emissions) == ("final", D("30673.86"))
    r = client.post(url, {"decision": "upheld", "note": "again"}, format="json")
    assert r.status_code == 400 and "already been decided" in r.json()["non_field_errors"][0]
    assert Objection.objects.get(pk=objection.pk).decision == "rejected"


def test_decide_uphold_back_to_agency(objection, bureau_admin):
    report = objection.report
    url = f"{API}/reports/{report.pk}/objections/{objection.pk}/decide/"
    r = session_client(bureau_admin).post(url, {"decision": "upheld", "note": "请复核电力"}, format="json")
    assert r.status_code == 200 and r.json()["decision"] == "upheld"
    assert fresh(report).status == "recheck_returned"


def test_decide_objection_of_another_report_is_404(objection, bureau_admin, enterprise_b, ent_b):
    other = f.verification_report_passed(enterprise_b, ent_b)
    url = f"{API}/reports/{other.pk}/objections/{objection.pk}/decide/"
    r = session_client(bureau_admin).post(url, {"decision": "rejected", "note": "n"}, format="json")
    assert r.status_code == 404
    assert Objection.objects.get(pk=objection.pk).decision == "pending"
