"""Reporting API, monthly ledgers: save a draft month (create, then update), submit, county
return and pass, close; filters; scoping; bad input and forbidden transitions change nothing."""

from decimal import Decimal as D

import pytest

from reporting.models import MonthlyLedger
from tests import factories as f
from tests.reporting.test_api_reports import session_client, token_client
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def facility_a(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


def month(facility, **extra):
    return {
        "facility": facility.pk,
        "year": 2025,
        "month": 3,
        "purchased_electricity_mwh": "1200.500",
        "running_hours": "720",
        "lines": [{"fuel": f.ledger_fuel("raw_coal").pk, "consumption": "850.250"}],
        **extra,
    }


def test_three_tiers_end_to_end(ent_a, official_a, bureau_reviewer, facility_a):
    client = token_client(ent_a)
    r = client.post(f"{API}/ledgers/", month(facility_a), format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    pk = body["id"]
    assert (body["status"], body["purchased_electricity_mwh"]) == ("draft", "1200.500")
    assert [line["consumption"] for line in body["lines"]] == ["850.250"]
    # saving the same month again updates it; left-out lines are kept
    data = month(facility_a, running_hours="700.5")
    del data["lines"]
    r = client.post(f"{API}/ledgers/", data, format="json")
    assert r.status_code == 200 and r.json()["id"] == pk
    assert (r.json()["running_hours"], len(r.json()["lines"])) == ("700.50", 1)

    assert client.post(f"{API}/ledgers/{pk}/submit/").json()["status"] == "submitted"
    county = session_client(official_a)
    r = county.post(f"{API}/ledgers/{pk}/county-check/", {"decision": "return"}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = county.post(
        f"{API}/ledgers/{pk}/county-check/",
        {"decision": "return", "reason": "缺少盖章台账"},
        format="json",
    )
    assert (r.json()["status"], r.json()["return_reason"]) == ("returned", "缺少盖章台账")
    r = client.post(f"{API}/ledgers/", month(facility_a, note="已补盖章"), format="json")
    assert r.status_code == 200 and r.json()["note"] == "已补盖章"
    assert client.post(f"{API}/ledgers/{pk}/submit/").json()["status"] == "submitted"
    r = county.post(f"{API}/ledgers/{pk}/county-check/", {"decision": "pass"}, format="json")
    assert r.json()["status"] == "county_checked"
    r = session_client(bureau_reviewer).post(f"{API}/ledgers/{pk}/close/")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    # closed: no more changes
    r = client.post(f"{API}/ledgers/", month(facility_a, note="x"), format="json")
    assert r.status_code == 400 and MonthlyLedger.objects.get(pk=pk).note == "已补盖章"


def test_bad_input_changes_nothing(ent_a, ent_b, facility_a):
    client = token_client(ent_a)
    events = Event.objects.count()
    coal = f.ledger_fuel("raw_coal").pk
    for data, field in (
        (month(facility_a, month=13), "month"),
        (month(facility_a, load_factor="1.5"), "load_factor"),  # model validator
        (month(facility_a, purchased_electricity_mwh="abc"), "purchased_electricity_mwh"),
        (month(facility_a, lines=[{"fuel": coal, "consumption": "1"}] * 2), "lines"),
    ):
        r = client.post(f"{API}/ledgers/", data, format="json")
        assert r.status_code == 400 and field in r.json(), (field, r.content)
    # another enterprise's facility: as if it did not exist
    r = token_client(ent_b).post(f"{API}/ledgers/", month(facility_a), format="json")
    assert r.status_code == 400 and "facility" in r.json()
    assert MonthlyLedger.objects.count() == 0 and Event.objects.count() == events


def test_forbidden_transition_and_scoping(
    ent_a, ent_b, official_b, bureau_admin, agency_a_staff, facility_a
):
    ledger = f.ledger_make(facility_a, year=2025, month=1)
    r = session_client(bureau_admin).post(f"{API}/ledgers/{ledger.pk}/close/")
    assert r.status_code == 400 and "not possible" in r.json()["non_field_errors"][0]
    url = f"{API}/ledgers/{ledger.pk}/"
    assert session_client(ent_b).get(url).status_code == 404
    assert session_client(official_b).get(url).status_code == 404
    assert session_client(agency_a_staff).get(url).status_code == 403
    assert session_client(None).get(url).status_code == 401  # anonymous
    assert session_client(ent_b).post(f"{url}submit/").status_code == 404
    r = session_client(official_b).post(f"{url}county-check/", {"decision": "pass"})
    assert r.status_code == 404
    assert MonthlyLedger.objects.get(pk=ledger.pk).status == "draft"


def test_list_filters(bureau_reviewer, official_a, facility_a, enterprise_b):
    other = f.FacilityFactory(enterprise=facility_a.enterprise, name="2号机组")
    facility_b = f.FacilityFactory(enterprise=enterprise_b)
    a1 = f.ledger_make(facility_a, month=1, lines=[("raw_coal", "10")])
    a2 = f.ledger_make(facility_a, month=2, status="submitted")
    o1 = f.ledger_make(other, month=1)
    b1 = f.ledger_make(facility_b, month=1)
    client = session_client(bureau_reviewer)

    def ids(query, c=client):
        r = c.get(f"{API}/ledgers/{query}")
        assert r.status_code == 200, r.content
        return sorted(row["id"] for row in r.json()["results"])

    assert ids("?year=2025&month=1") == sorted([a1.pk, o1.pk, b1.pk])
    assert ids("?status=submitted") == [a2.pk]
    assert ids(f"?facility={facility_a.pk}") == sorted([a1.pk, a2.pk])
    assert ids(f"?enterprise={enterprise_b.pk}") == [b1.pk]
    assert ids("", session_client(official_a)) == sorted([a1.pk, a2.pk, o1.pk])
    detail = client.get(f"{API}/ledgers/{a1.pk}/").json()
    assert [line["consumption"] for line in detail["lines"]] == ["10.000"]
    assert D(detail["purchased_electricity_mwh"]) == D("0")
