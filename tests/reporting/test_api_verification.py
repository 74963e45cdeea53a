"""Reporting API, verification: assign (conflict of interest), findings (the enterprise sees
only sent ones) and answers, filed rounds with figures, re-check return and accept."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reporting.models import AgencyDeclaration, AnnualReport, Finding, Recheck
from reporting.services import verification as svc
from tests import factories as f
from tests.reporting.test_api_reports import session_client, token_client

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def report(enterprise_a, ent_a):
    f.verification_reporting_year(2024)
    return f.verification_report_passed(enterprise_a, ent_a)  # reported 30,573.36 t


def fresh(report):
    return AnnualReport.objects.get(pk=report.pk)


def due():
    return (timezone.localdate() + timedelta(days=30)).isoformat()


def assign(report, bureau_admin, agency):
    return svc.verification_assign(
        actor=bureau_admin, report=report, agency=agency, due=timezone.localdate()
    )


def file_round(report, staff, combustion="20100.50", electricity="10573.36"):
    figures = [
        {
            "facility": None,
            "source_kind": "combustion",
            "reported": D("20000.00"),
            "verified": D(combustion),
        },
        {
            "facility": None,
            "source_kind": "electricity",
            "reported": D("10573.36"),
            "verified": D(electricity),
        },
    ]
    pdf = SimpleUploadedFile("v.pdf", b"%PDF-1.4\n% signed\n", content_type="application/pdf")
    return svc.verification_file(
        actor=staff, report=report, conclusion="corrected", figures=figures, file=pdf
    )


def test_assign_by_bureau_admin(report, bureau_admin, bureau_reviewer, agency_a):
    url = f"{API}/reports/{report.pk}/assign/"
    body = {"agency": agency_a.pk, "due": due()}
    assert session_client(bureau_reviewer).post(url, body, format="json").status_code == 403
    r = token_client(bureau_admin).post(url, body, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["agency"], r.json()["verification_due"]) == (
        "assigned",
        agency_a.pk,
        body["due"],
    )


def test_assign_conflict_of_interest_and_past_due(report, bureau_admin, agency_a, agency_a_staff):
    AgencyDeclaration.objects.create(
        agency=agency_a, enterprise=report.enterprise, year=2024, declared_by=agency_a_staff
    )
    client = session_client(bureau_admin)
    url = f"{API}/reports/{report.pk}/assign/"
    r = client.post(url, {"agency": agency_a.pk, "due": due()}, format="json")
    assert r.status_code == 400 and "Art. 13" in r.json()["agency"][0]
    agency_c = f.qualified_agency()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    r = client.post(url, {"agency": agency_c.pk, "due": yesterday}, format="json")
    assert r.status_code == 400 and "due" in r.json()
    assert (fresh(report).status, fresh(report).agency_id) == ("county_passed", None)


def test_findings_enterprise_sees_only_sent_and_answers(
    report, bureau_admin, agency_a, agency_a_staff, agency_b_staff, ent_a, ent_b
):
    assign(report, bureau_admin, agency_a)
    unsent = Finding.objects.create(report=report, round=1, text="未发送", raised_by=agency_a_staff)
    sent = Finding.objects.create(
        report=report,
        round=1,
        text="燃煤低位发热量缺检测报告",
        raised_by=agency_a_staff,
        sent_at=timezone.now(),
    )
    url = f"{API}/reports/{report.pk}/findings/"

    def ids(user):
        r = session_client(user).get(url)
        return r.status_code, sorted(
            row["id"] for row in r.json()
        ) if r.status_code == 200 else None

    assert ids(ent_a) == (200, [sent.pk])
    assert ids(agency_a_staff) == (200, sorted([unsent.pk, sent.pk]))
    assert ids(bureau_admin) == (200, sorted([unsent.pk, sent.pk]))
    assert ids(agency_b_staff)[0] == 404
    assert ids(ent_b)[0] == 404

    client = token_client(ent_a)
    r = client.post(f"{url}{unsent.pk}/answer/", {"response": "x"}, format="json")
    assert r.status_code == 404  # hidden from the enterprise
    r = client.post(f"{url}{sent.pk}/answer/", {"response": " "}, format="json")
    assert r.status_code == 400 and "response" in r.json()
    r = client.post(f"{url}{sent.pk}/answer/", {"response": "已补充检测报告"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    r = client.post(f"{url}{sent.pk}/answer/", {"response": "again"}, format="json")
    assert r.status_code == 400  # already answered
    r = session_client(agency_a_staff).post(f"{url}{sent.pk}/answer/", {"response": "x"})
    assert r.status_code == 403
    assert Finding.objects.get(pk=sent.pk).response == "已补充检测报告"


def test_recheck_return_then_accept_with_rounds(
    report, bureau_admin, bureau_reviewer, agency_a, agency_a_staff, ent_a
):
    assign(report, bureau_admin, agency_a)
    url = f"{API}/reports/{report.pk}/recheck/"
    client = session_client(bureau_reviewer)
    # nothing filed yet: a forbidden transition
    r = client.post(url, {"decision": "accepted"}, format="json")
    assert r.status_code == 400 and "not possible" in r.json()["non_field_errors"][0]
    file_round(report, agency_a_staff)  # 20,100.50 + 10,573.36 = 30,673.86
    r = client.post(url, {"decision": "returned", "opinion": ""}, format="json")
    assert r.status_code == 400 and "opinion" in r.json()
    assert session_client(agency_a_staff).post(url, {"decision": "accepted"}).status_code == 403
    r = client.post(url, {"decision": "returned", "opinion": "电力排放因子有误"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "recheck_returned"
    # the enterprise does not see rounds before the result is final
    rounds_url = f"{API}/reports/{report.pk}/verifications/"
    assert session_client(ent_a).get(rounds_url).json() == []
    file_round(report, agency_a_staff, electricity="10600.00")  # 30,700.50
    r = client.post(url, {"decision": "accepted"}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["final_emissions"]) == ("final", "30700.50")
    assert list(Recheck.objects.filter(report=report).values_list("round", "decision")) == [
        (1, "returned"),
        (2, "accepted"),
    ]
    rounds = session_client(ent_a).get(rounds_url).json()
    assert [(x["round"], x["verified_total"]) for x in rounds] == [
        (1, "30673.86"),
        (2, "30700.50"),
    ]
    assert sorted(fig["verified"] for fig in rounds[1]["figures"]) == ["10600.00", "20100.50"]


def test_agency_scoping(report, bureau_admin, agency_a, agency_b_staff, agency_a_staff):
    assign(report, bureau_admin, agency_a)
    for path in ("", "findings/", "verifications/", "versions/"):
        url = f"{API}/reports/{report.pk}/{path}"
        assert session_client(agency_b_staff).get(url).status_code == 404, path
        assert session_client(agency_a_staff).get(url).status_code == 200, path
    anonymous = session_client(None).get(f"{API}/reports/{report.pk}/findings/")
    assert anonymous.status_code == 401
