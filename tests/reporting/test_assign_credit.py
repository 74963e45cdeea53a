"""Issue 14, use of grades: assigning a verification warns on an agency graded yellow or red in
the latest published credit evaluation (through ``zhongwei_carbon.advisories``: reporting never
imports credit). The agency list shows each grade beside the name; a red agency needs an
explicit acknowledgement (form checkbox, API ``acknowledge_credit``), kept with the event.
Without credit data nothing changes."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from credit.choices import Grade, GradingStatus
from reporting.models import AnnualReport
from reporting.services import verification as svc
from tests import factories as f
from tests.conftest import client_for
from tests.credit.grades import credit_year, grade
from tests.reporting.test_api_reports import session_client
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def report(enterprise_a, ent_a):
    f.verification_reporting_year(2024)
    return f.verification_report_passed(enterprise_a, ent_a)


def due():
    return timezone.localdate() + timedelta(days=30)


def unassigned(report):
    fresh = AnnualReport.objects.get(pk=report.pk)
    return (fresh.status, fresh.agency_id) == ("county_passed", None)


def assign_event(report):
    return Event.objects.filter(verb="report.assign", target_id=str(report.pk)).get()


def page(user, report, data=None):
    url = reverse("reporting:verification_assign", kwargs={"pk": report.pk})
    with translation.override("zh-hans"):
        client = client_for(user)
        return client.post(url, data) if data is not None else client.get(url)


def test_without_credit_data_nothing_changes(report, bureau_admin, agency_a):
    html = page(bureau_admin, report).content.decode()
    assert "acknowledge_credit" not in html and 'id="assign-warnings"' not in html
    # an open (not yet published) year's grade is not a published grade
    grade(credit_year(2025, GradingStatus.OPEN), agency_a, Grade.RED)
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a, due=due())
    data = assign_event(report).data
    assert "advisories" not in data and data["agency"] == agency_a.pk


def test_red_agency_warns_and_needs_the_acknowledgement(report, bureau_admin, agency_a, agency_b):
    grade(credit_year(2024), agency_a, Grade.RED, D("48"))
    grade(credit_year(2024 - 1), agency_b, Grade.GREEN, D("96"))
    html = page(bureau_admin, report).content.decode()
    assert 'id="assign-warnings"' in html and agency_a.name in html
    assert "环保不良" in html and "环保诚信" in html  # each grade beside its agency
    assert f"/credit/cards/agency/{agency_a.pk}/2024/" in html
    assert 'name="acknowledge_credit"' in html

    body = {"agency": agency_a.pk, "due": due().isoformat()}
    response = page(bureau_admin, report, body)
    assert response.status_code == 200  # the form again, with the error on the checkbox
    assert "环保不良" in response.content.decode()
    assert unassigned(report)

    response = page(bureau_admin, report, {**body, "acknowledge_credit": "on"})
    assert response.status_code == 302
    fresh = AnnualReport.objects.get(pk=report.pk)
    assert (fresh.status, fresh.agency_id) == ("assigned", agency_a.pk)
    event = assign_event(report)
    assert event.data["advisories"] == ["credit.red"] and event.data["acknowledged"] is True
    assert "环保不良" in event.message


def test_service_refuses_red_without_acknowledgement(report, bureau_admin, agency_a):
    grade(credit_year(2024), agency_a, Grade.RED)
    with pytest.raises(ValidationError) as exc:
        svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a, due=due())
    assert "acknowledge_credit" in exc.value.message_dict
    assert unassigned(report)


def test_yellow_agency_warns_without_blocking(report, bureau_admin, agency_a):
    grade(credit_year(2024), agency_a, Grade.YELLOW, D("65"))
    html = page(bureau_admin, report).content.decode()
    assert 'id="assign-warnings"' in html and "环保警示" in html
    assert 'name="acknowledge_credit"' not in html  # only a red grade needs it
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a, due=due())
    event = assign_event(report)
    assert event.data["advisories"] == ["credit.yellow"] and event.data["acknowledged"] is False


def test_green_agency_shows_its_grade_without_warning(report, bureau_admin, agency_a):
    grade(credit_year(2024), agency_a, Grade.GREEN, D("97"))
    html = page(bureau_admin, report).content.decode()
    assert "环保诚信" in html and 'id="assign-warnings"' not in html


def test_api_returns_the_warning_and_requires_the_flag_for_red(report, bureau_admin,
                                                               bureau_reviewer, agency_a):
    grade(credit_year(2024), agency_a, Grade.RED, D("48"))
    client = session_client(bureau_admin)
    listed = client.get(f"{API}/reports/{report.pk}/assignable-agencies/").json()
    row = next(a for a in listed if a["id"] == agency_a.pk)
    assert row["advisories"][0]["code"] == "credit.red"
    assert row["advisories"][0]["requires_ack"] is True

    url = f"{API}/reports/{report.pk}/assign/"
    body = {"agency": agency_a.pk, "due": due().isoformat()}
    # the wrong role is refused before anything else
    assert session_client(bureau_reviewer).post(url, body, format="json").status_code == 403
    r = client.post(url, body, format="json")
    assert r.status_code == 400 and "acknowledge_credit" in r.json()
    assert unassigned(report)
    r = client.post(url, {**body, "acknowledge_credit": True}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "assigned"
    assert [a["code"] for a in r.json()["advisories"]] == ["credit.red"]


def test_api_without_credit_data_answers_as_before(report, bureau_admin, agency_a):
    client = session_client(bureau_admin)
    listed = client.get(f"{API}/reports/{report.pk}/assignable-agencies/").json()
    assert all(a["advisories"] == [] for a in listed)
    r = client.post(f"{API}/reports/{report.pk}/assign/",
                    {"agency": agency_a.pk, "due": due().isoformat()}, format="json")
    assert r.status_code == 200 and r.json()["advisories"] == []
