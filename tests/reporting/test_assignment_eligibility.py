"""Issue 9, point 5: verification is assigned only to an agency whose verification
qualification is valid today and covers the enterprise's sector; a refusal says why (which
agency, until when its qualification ran / which sector it lacks) and changes nothing; the
assignment form lists only eligible agencies with their end date and open assignments."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from reporting.models import AgencyDeclaration, AnnualReport
from reporting.services import verification as svc
from tests import factories as f
from tests.reporting.test_api_reports import session_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):  # service messages follow the active language
        yield


@pytest.fixture
def report(enterprise_a, ent_a):  # enterprise_a is in the power sector (发电)
    f.verification_reporting_year(2024)
    return f.verification_report_passed(enterprise_a, ent_a)


def due():
    return timezone.localdate() + timedelta(days=30)


def expired_agency():
    agency = f.AgencyFactory(name="过期核查机构")
    q = f.AgencyQualificationFactory(
        agency=agency, valid_from="2020-01-01",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    q.sectors.set(f.Sector.objects.all())
    return agency


def unqualified_for_power():
    return f.qualified_agency(sectors=["building_materials"], name="建材核查机构")


def unchanged(report):
    fresh = AnnualReport.objects.get(pk=report.pk)
    return (fresh.status, fresh.agency_id, fresh.verification_due) == ("county_passed", None, None)


def test_service_refuses_expired_qualification_with_its_end_date(report, bureau_admin):
    agency = expired_agency()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError) as exc:
        svc.verification_assign(actor=bureau_admin, report=report, agency=agency, due=due())
    message = exc.value.message_dict["agency"][0]
    assert "过期核查机构" in message and yesterday in message and "到期" in message
    assert unchanged(report)


def test_service_refuses_sector_not_covered_naming_the_sector(report, bureau_admin):
    agency = unqualified_for_power()
    with pytest.raises(ValidationError) as exc:
        svc.verification_assign(actor=bureau_admin, report=report, agency=agency, due=due())
    message = exc.value.message_dict["agency"][0]
    assert "建材核查机构" in message and "发电" in message
    assert unchanged(report)


def test_service_refuses_agency_without_qualification(report, bureau_admin):
    agency = f.AgencyFactory(name="无资质机构")
    with pytest.raises(ValidationError) as exc:
        svc.verification_assign(actor=bureau_admin, report=report, agency=agency, due=due())
    assert "无资质机构" in exc.value.message_dict["agency"][0]
    assert unchanged(report)


def test_page_refuses_with_the_reason_and_changes_nothing(client_as, report, bureau_admin):
    url = reverse("reporting:verification_assign", kwargs={"pk": report.pk})
    for agency, words in ((expired_agency(), "到期"), (unqualified_for_power(), "发电")):
        response = client_as(bureau_admin).post(url, {"agency": agency.pk, "due": due().isoformat()})
        assert response.status_code == 200
        errors = " ".join(response.context["form"].errors["agency"])
        assert agency.name in errors and words in errors
        assert unchanged(report)


def test_api_refuses_with_the_reason_and_changes_nothing(report, bureau_admin):
    client = session_client(bureau_admin, language="zh-hans")
    url = f"/api/v1/reports/{report.pk}/assign/"
    for agency, words in ((expired_agency(), "到期"), (unqualified_for_power(), "发电")):
        r = client.post(url, {"agency": agency.pk, "due": due().isoformat()}, format="json")
        assert r.status_code == 400
        assert agency.name in r.json()["agency"][0] and words in r.json()["agency"][0]
        assert unchanged(report)


def test_form_lists_only_eligible_agencies_with_end_date_and_workload(
    client_as, report, bureau_admin, agency_a, agency_b, enterprise_b, ent_b, agency_a_staff
):
    # agency_a already has one open assignment (another enterprise's report)
    other = f.verification_report_passed(enterprise_b, ent_b)
    svc.verification_assign(actor=bureau_admin, report=other, agency=agency_a, due=due())
    # agency_b prepared this report: not offered (conflict of interest)
    AgencyDeclaration.objects.create(
        agency=agency_b, enterprise=report.enterprise, year=report.year, declared_by=agency_a_staff
    )
    expired, uncovered = expired_agency(), unqualified_for_power()
    response = client_as(bureau_admin).get(
        reverse("reporting:verification_assign", kwargs={"pk": report.pk})
    )
    assert response.status_code == 200
    offered = {value for value, _ in response.context["form"].fields["agency"].widget.choices if value}
    assert offered == {agency_a.pk}
    until = agency_a.qualifications.get().valid_until.isoformat()
    html = response.content.decode()
    select = html[html.index('name="agency"'):html.index("</select>", html.index('name="agency"'))]
    # the option names the agency, its qualification end date and its 1 open assignment
    labels = [str(label) for value, label in response.context["form"].fields["agency"].widget.choices
              if value]
    assert len(labels) == 1 and agency_a.name in labels[0] and until in labels[0]
    assert re.search(r"\b1\b", labels[0].replace(until, "")) and labels[0] in select
    assert expired.name not in select and uncovered.name not in select and agency_b.name not in select
    rows = list(response.context["agencies"])
    assert [(a.pk, a.qualification_until.isoformat(), a.open_assignments) for a in rows] == [
        (agency_a.pk, until, 1)
    ]


def test_eligible_agency_is_assigned(report, bureau_admin, agency_a):
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a, due=due())
    fresh = AnnualReport.objects.get(pk=report.pk)
    assert (fresh.status, fresh.agency_id) == ("assigned", agency_a.pk)


def test_api_lists_only_eligible_agencies(report, bureau_admin, bureau_reviewer, agency_a):
    expired, uncovered = expired_agency(), unqualified_for_power()
    url = f"/api/v1/reports/{report.pk}/assignable-agencies/"
    rows = session_client(bureau_admin).get(url).json()
    until = agency_a.qualifications.get().valid_until.isoformat()
    # advisories: what the portal advises about the agency (its credit grade; none here)
    assert rows == [{"id": agency_a.pk, "name": agency_a.name, "qualification_until": until,
                     "open_assignments": 0, "advisories": []}]
    assert expired.pk not in {r["id"] for r in rows} and uncovered.pk not in {r["id"] for r in rows}
    assert session_client(bureau_reviewer).get(url).status_code == 403
