"""Reporting API, annual reports: JSON start → lines → submit → county check end to end with
hand-computed totals, token auth, scoping (404), roles (403), bad input and forbidden
transitions (400 with the message, nothing changed)."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reporting.models import AnnualReport, FuelType, ReportingYear, ReportLine, ReportVersion
from tests import factories as f
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"
CERT = "本单位承诺所报数据真实、准确、完整。"


@pytest.fixture
def year_2023(db):
    return ReportingYear.objects.create(
        year=2023, report_due=date(2024, 3, 31), report_city_due=date(2024, 5, 31)
    )


@pytest.fixture
def facility_a(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


def token_client(user):
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def session_client(user, language="en"):
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def fresh(report_id):
    return AnnualReport.objects.select_related("current_version").get(pk=report_id)


def test_json_start_lines_submit_county_pass_end_to_end(
    ent_a, official_a, enterprise_a, facility_a, year_2023
):
    client = token_client(ent_a)  # token auth, no session
    r = client.post(f"{API}/reports/", {"year": 2023}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["version"], body["enterprise"]) == ("draft", 1, enterprise_a.pk)
    pk = body["id"]

    # DOMAIN.md: 18,540 MWh × 0.5703 = 10,573.36 t (the client's "emissions" is ignored)
    r = client.post(
        f"{API}/reports/{pk}/lines/",
        {
            "facility": facility_a.pk,
            "source_kind": "electricity",
            "activity": "18540",
            "emissions": "1",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["total_emissions"] == "10573.36"
    # raw coal, 2015 defaults: 1000 × 20.908 × 0.02637 × 0.94 × 44/12 = 1,900.2988 → 1,900.30 t
    coal = FuelType.objects.get(code="raw_coal")
    r = client.post(
        f"{API}/reports/{pk}/lines/",
        {
            "facility": facility_a.pk,
            "source_kind": "combustion",
            "fuel": coal.pk,
            "activity": "1000",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    version = r.json()
    assert version["total_emissions"] == "12473.66"  # 10,573.36 + 1,900.30
    assert sorted(line["emissions"] for line in version["lines"]) == ["10573.36", "1900.30"]

    r = client.post(f"{API}/reports/{pk}/submit/", {"certification": CERT}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["total_emissions"]) == ("submitted", "12473.66")
    v = fresh(pk).current_version
    assert v.is_frozen and v.certification == CERT and v.submitted_by == ent_a

    r = client.get(f"{API}/reports/{pk}/versions/")
    assert r.status_code == 200
    [only] = r.json()
    assert (only["number"], only["is_frozen"], len(only["lines"])) == (1, True, 2)

    r = session_client(official_a).post(
        f"{API}/reports/{pk}/county-check/", {"decision": "pass", "reason": "齐全"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert fresh(pk).status == "county_passed" and fresh(pk).county_note == "齐全"


def test_delete_line_recomputes_total(ent_a, enterprise_a, facility_a, year_2023):
    client = token_client(ent_a)
    pk = client.post(f"{API}/reports/", {"year": 2023}, format="json").json()["id"]
    for mwh in ("18540", "1000"):  # 10,573.36 t and 570.30 t
        client.post(
            f"{API}/reports/{pk}/lines/",
            {"source_kind": "electricity", "activity": mwh},
            format="json",
        )
    version = fresh(pk).current_version
    assert version.total_emissions == D("11143.66")
    line = ReportLine.objects.get(version=version, activity=D("1000"))
    assert client.delete(f"{API}/reports/{pk}/lines/{line.pk}/").status_code == 204
    assert fresh(pk).current_version.total_emissions == D("10573.36")
    assert client.delete(f"{API}/reports/{pk}/lines/{line.pk}/").status_code == 404


def test_bad_line_names_the_field_and_changes_nothing(ent_a, enterprise_a, facility_a, year_2023):
    client = token_client(ent_a)
    pk = client.post(f"{API}/reports/", {"year": 2023}, format="json").json()["id"]
    events = Event.objects.count()
    for data, field in (
        ({"source_kind": "combustion", "activity": "10"}, "fuel"),  # service: fuel required
        ({"source_kind": "electricity", "activity": "-1"}, "activity"),
        ({"source_kind": "electricity", "activity": "abc"}, "activity"),  # serializer
        ({"source_kind": "nuclear", "activity": "1"}, "source_kind"),
    ):
        r = client.post(f"{API}/reports/{pk}/lines/", data, format="json")
        assert r.status_code == 400 and field in r.json(), (data, r.content)
    assert ReportLine.objects.count() == 0 and Event.objects.count() == events


def test_start_twice_or_for_another_enterprise(ent_a, enterprise_a, enterprise_b, year_2023):
    client = token_client(ent_a)
    assert client.post(f"{API}/reports/", {"year": 2023}, format="json").status_code == 201
    r = client.post(f"{API}/reports/", {"year": 2023}, format="json")
    assert r.status_code == 400 and "year" in r.json()
    r = client.post(f"{API}/reports/", {"year": 2024, "enterprise": enterprise_b.pk}, format="json")
    assert r.status_code == 400 and "enterprise" in r.json()
    assert AnnualReport.objects.count() == 1


def test_no_report_for_a_future_or_too_early_year(ent_a, year_2023):
    client = token_client(ent_a)
    for year in (2099, 2012):
        r = client.post(f"{API}/reports/", {"year": year}, format="json")
        assert r.status_code == 400 and "year" in r.json()
    assert not AnnualReport.objects.exists()


def test_only_the_signatory_submits(enterprise_a, facility_a, ent_a, year_2023):
    clerk = f.make_member("clerk_a", Role.ENTERPRISE_USER, enterprise=enterprise_a)
    report = f.report_draft(enterprise_a, ent_a, year=2023)
    ReportLine.objects.create(
        version=report.current_version,
        source_kind="electricity",
        activity=D("1"),
        emissions=D("0.57"),
    )
    r = token_client(clerk).post(
        f"{API}/reports/{report.pk}/submit/", {"certification": CERT}, format="json"
    )
    assert r.status_code == 403 and "signatory" in r.json()["detail"]
    assert fresh(report.pk).status == "draft" and not fresh(report.pk).current_version.is_frozen


def test_forbidden_transitions_are_400_with_message(ent_a, official_a, enterprise_a, year_2023):
    report = f.report_draft(enterprise_a, ent_a, year=2023)
    r = session_client(official_a).post(
        f"{API}/reports/{report.pk}/county-check/", {"decision": "pass"}, format="json"
    )
    assert r.status_code == 400
    assert "not possible" in r.json()["non_field_errors"][0]
    report = f.verification_report_passed(enterprise_a, ent_a, year=2024)
    r = token_client(ent_a).post(
        f"{API}/reports/{report.pk}/submit/", {"certification": CERT}, format="json"
    )
    assert r.status_code == 400 and "not possible" in r.json()["non_field_errors"][0]
    assert fresh(report.pk).status == "county_passed"
    # the message is in the caller's language
    r = session_client(ent_a, "zh-hans").post(
        f"{API}/reports/{report.pk}/submit/", {"certification": CERT}, format="json"
    )
    assert r.status_code == 400 and "状态" in r.json()["non_field_errors"][0]


def test_county_return_needs_reason(ent_a, official_a, enterprise_a):
    report = f.verification_report_passed(enterprise_a, ent_a, year=2024)
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted")
    client = session_client(official_a)
    url = f"{API}/reports/{report.pk}/county-check/"
    r = client.post(url, {"decision": "return", "reason": " "}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    assert fresh(report.pk).status == "submitted"
    r = client.post(url, {"decision": "return", "reason": "缺少燃料检测报告"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "county_returned"


def test_scoping_and_roles(
    ent_a, ent_b, official_b, agency_a, agency_a_staff, agency_b_staff, bureau_admin, enterprise_a
):
    report = f.verification_report_passed(enterprise_a, ent_a, year=2024)
    AnnualReport.objects.filter(pk=report.pk).update(status="assigned", agency=agency_a)
    url = f"{API}/reports/{report.pk}/"
    assert session_client(ent_b).get(url).status_code == 404
    assert session_client(official_b).get(url).status_code == 404
    assert session_client(agency_b_staff).get(url).status_code == 404
    assert session_client(agency_a_staff).get(url).status_code == 200
    assert session_client(None).get(url).status_code == 401  # anonymous
    assert session_client(None).get(f"{API}/reports/").status_code == 401  # anonymous
    # a wrong role is refused before any lookup
    r = session_client(bureau_admin).post(f"{API}/reports/", {"year": 2023}, format="json")
    assert r.status_code == 403
    r = session_client(ent_b).post(f"{url}submit/", {"certification": CERT}, format="json")
    assert r.status_code == 404
    assert ReportVersion.objects.get(report=report).submitted_by == ent_a


def test_list_filters(bureau_reviewer, ent_a, ent_b, enterprise_a, enterprise_b):
    a23 = f.report_draft(enterprise_a, ent_a, year=2023)
    a24 = f.verification_report_passed(enterprise_a, ent_a, year=2024)
    b24 = f.report_draft(enterprise_b, ent_b, year=2024)
    client = session_client(bureau_reviewer)

    def ids(query):
        r = client.get(f"{API}/reports/{query}")
        assert r.status_code == 200, r.content
        return sorted(row["id"] for row in r.json()["results"])

    assert ids("") == sorted([a23.pk, a24.pk, b24.pk])
    assert ids("?year=2024") == sorted([a24.pk, b24.pk])
    assert ids("?status=county_passed") == [a24.pk]
    assert ids(f"?enterprise={enterprise_a.pk}&year=2023") == [a23.pk]
    assert session_client(ent_b).get(f"{API}/reports/").json()["count"] == 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_status_labels_in_the_users_language(bureau_reviewer, ent_a, enterprise_a, language,
                                             facility_a, year_2023):
    """``status_display`` and a line's ``source_kind_display`` are the model's display labels
    in the user's language (read from the choices, not through ``get_..._display``)."""
    from django.utils import translation

    draft = f.report_draft(enterprise_a, ent_a, year=2023)
    passed = f.verification_report_passed(enterprise_a, ent_a, year=2024)
    client = session_client(bureau_reviewer, language)
    rows = {r["id"]: r for r in client.get(f"{API}/reports/").json()["results"]}
    with translation.override(language):
        assert rows[draft.pk]["status_display"] == draft.get_status_display()
        assert rows[passed.pk]["status_display"] == passed.get_status_display()
    assert rows[draft.pk]["status_display"] != rows[passed.pk]["status_display"]
    line = ReportLine.objects.filter(version__report=passed).first()
    versions = client.get(f"{API}/reports/{passed.pk}/versions/").json()
    shown = [x["source_kind_display"] for v in versions for x in v["lines"]]
    with translation.override(language):
        assert line.get_source_kind_display() in shown


def test_report_pages_are_read_by_ids_in_order(monkeypatch, bureau_reviewer, ent_a, ent_b,
                                               enterprise_a, enterprise_b):
    """The report list is paginated over the ids, then the page read whole (issue 11): the
    pages hold every report once, newest year first, then by enterprise name, each with its
    enterprise and current version; the query count does not grow with the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.pagination import PageNumberPagination

    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    reports = [f.report_draft(enterprise_a, ent_a, year=2023),
               f.report_draft(enterprise_b, ent_b, year=2023),
               f.verification_report_passed(enterprise_a, ent_a, year=2024),
               f.report_draft(enterprise_b, ent_b, year=2024),
               f.report_draft(enterprise_a, ent_a, year=2022)]
    client = session_client(bureau_reviewer)
    got, counts = [], []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"{API}/reports/", {"page": page}).json()
        counts.append(len(queries))
        got += [(r["year"], r["enterprise_name"], r["id"], r["version"]) for r in body["results"]]
        assert body["count"] == 5
    expected = sorted(reports, key=lambda r: (-r.year, r.enterprise.name, r.pk))
    assert [(y, n, i) for y, n, i, _v in got] == [(r.year, r.enterprise.name, r.pk) for r in expected]
    assert all(v is not None for *_rest, v in got)
    assert len(set(counts)) == 1
