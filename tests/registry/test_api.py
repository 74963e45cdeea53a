"""Registry REST API: scoping, filters, token auth, decimals as strings."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from registry.models import KeyEmitterList, KeyEmitterListEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

API = "/api/v1"


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def records(enterprise_a, enterprise_b):
    return (
        f.EmissionRecordFactory(
            enterprise=enterprise_a, year=2024, emissions_tco2e=Decimal("30123.45"), energy_tce=None
        ),
        f.EmissionRecordFactory(enterprise=enterprise_b, year=2024, emissions_tco2e=Decimal("9.10")),
    )


def make_list(year, status, actor, enterprises):
    key_list = KeyEmitterList.objects.create(year=year, basis_year=year - 1, drafted_by=actor)
    for e in enterprises:
        KeyEmitterListEntry.objects.create(
            key_list=key_list,
            enterprise=e,
            change="added",
            reason="emissions",
            emissions_tco2e=Decimal("30000.50"),
            enterprise_name=e.name,
            uscc=e.uscc,
            area=e.area,
            sector=e.sector,
        )
    if status == "published":
        KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    return key_list


# --- enterprises -------------------------------------------------------------------------


def test_bureau_lists_every_enterprise(client_as, bureau_reviewer, enterprise_a, enterprise_b):
    assert ids(client_as(bureau_reviewer).get(f"{API}/enterprises/")) == sorted(
        [enterprise_a.pk, enterprise_b.pk]
    )


def test_official_b_gets_only_own_area(client_as, official_b, enterprise_a, enterprise_b):
    client = client_as(official_b)
    assert ids(client.get(f"{API}/enterprises/")) == [enterprise_b.pk]
    assert client.get(f"{API}/enterprises/{enterprise_a.pk}/").status_code == 404


def test_enterprise_user_cannot_retrieve_other_enterprise(client_as, ent_a, enterprise_a, enterprise_b):
    client = client_as(ent_a)
    assert client.get(f"{API}/enterprises/{enterprise_b.pk}/").status_code == 404
    body = client.get(f"{API}/enterprises/{enterprise_a.pk}/").json()
    assert body["uscc"] == enterprise_a.uscc
    assert body["area_code"] == "640502"
    assert body["area_name"] == "沙坡头区"
    assert body["sector_code"] == "power"


def test_agency_staff_forbidden_on_enterprises(client_as, agency_a_staff, enterprise_a):
    client = client_as(agency_a_staff)
    assert client.get(f"{API}/enterprises/").status_code == 403
    assert client.get(f"{API}/enterprises/{enterprise_a.pk}/").status_code == 403
    assert client.get(f"{API}/emission-records/").status_code == 403


@pytest.mark.parametrize(
    "path", ["areas/", "sectors/", "enterprises/", "facilities/", "emission-records/", "key-emitter-lists/"]
)
def test_anonymous_is_refused(path, enterprise_a):
    assert Client().get(f"{API}/{path}").status_code == 401


def test_enterprise_filterset_applies(client_as, bureau_admin, enterprise_a, enterprise_b, area_b):
    client = client_as(bureau_admin)
    assert ids(client.get(f"{API}/enterprises/", {"area": area_b.pk})) == [enterprise_b.pk]
    assert ids(client.get(f"{API}/enterprises/", {"sector": f.sector("building_materials").pk})) == [
        enterprise_b.pk
    ]
    assert ids(client.get(f"{API}/enterprises/", {"q": enterprise_a.uscc.lower()})) == [enterprise_a.pk]
    assert ids(client.get(f"{API}/enterprises/", {"q": "水泥"})) == [enterprise_b.pk]


def test_enterprise_filterset_rejects_bad_value(client_as, bureau_admin, enterprise_a):
    response = client_as(bureau_admin).get(f"{API}/enterprises/", {"status": "flying"})
    assert response.status_code == 400
    assert "status" in response.json()


# --- token auth --------------------------------------------------------------------------


def test_token_auth(official_a, enterprise_a, enterprise_b):
    token = Token.objects.create(user=official_a)
    client = Client()
    response = client.get(f"{API}/enterprises/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert ids(response) == [enterprise_a.pk]
    bad = client.get(f"{API}/enterprises/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.status_code == 401
    assert bad["WWW-Authenticate"] == "Token"


# --- facilities and emission records -----------------------------------------------------


def test_facilities_scoped_and_filtered(client_as, official_a, bureau_admin, enterprise_a, enterprise_b):
    fa = f.FacilityFactory(enterprise=enterprise_a, capacity_mw=Decimal("660.50"))
    fb = f.FacilityFactory(enterprise=enterprise_b, facility_type="kiln")
    assert ids(client_as(official_a).get(f"{API}/facilities/")) == [fa.pk]
    assert client_as(official_a).get(f"{API}/facilities/{fb.pk}/").status_code == 404
    admin = client_as(bureau_admin)
    assert ids(admin.get(f"{API}/facilities/", {"facility_type": "kiln"})) == [fb.pk]
    assert ids(admin.get(f"{API}/facilities/", {"enterprise": enterprise_a.pk})) == [fa.pk]
    assert admin.get(f"{API}/facilities/{fa.pk}/").json()["capacity_mw"] == "660.50"


def test_emission_records_decimals_are_strings(client_as, ent_a, records):
    rec_a, rec_b = records
    client = client_as(ent_a)
    assert ids(client.get(f"{API}/emission-records/")) == [rec_a.pk]
    body = client.get(f"{API}/emission-records/{rec_a.pk}/").json()
    assert body["emissions_tco2e"] == "30123.45"
    assert body["energy_tce"] is None
    assert client.get(f"{API}/emission-records/{rec_b.pk}/").status_code == 404


def test_emission_records_filter_by_area_and_year(client_as, bureau_reviewer, records, area_b):
    rec_a, rec_b = records
    older = f.EmissionRecordFactory(enterprise=rec_a.enterprise, year=2023)
    client = client_as(bureau_reviewer)
    assert ids(client.get(f"{API}/emission-records/", {"area": area_b.pk})) == [rec_b.pk]
    assert ids(client.get(f"{API}/emission-records/", {"year": 2023})) == [older.pk]


# --- reference data ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agency_a_staff", "official_b", "ent_b"])
def test_areas_and_sectors_for_every_logged_in_role(request, client_as, persona):
    client = client_as(request.getfixturevalue(persona))
    areas = client.get(f"{API}/areas/").json()
    assert areas["count"] == 5
    assert {"640502", "640521", "640522"} <= {row["code"] for row in areas["results"]}
    assert client.get(f"{API}/sectors/").json()["count"] == 9


# --- key-emitter lists -------------------------------------------------------------------


def test_draft_list_only_for_bureau(client_as, bureau_admin, official_a, enterprise_a):
    make_list(2026, "draft", bureau_admin, [enterprise_a])
    published = make_list(2025, "published", bureau_admin, [enterprise_a])
    admin = client_as(bureau_admin)
    assert sorted(r["year"] for r in admin.get(f"{API}/key-emitter-lists/").json()["results"]) == [
        2025,
        2026,
    ]
    official = client_as(official_a)
    assert ids(official.get(f"{API}/key-emitter-lists/")) == [published.pk]
    assert official.get(f"{API}/key-emitter-lists/2026/").status_code == 404
    assert official.get(f"{API}/key-emitter-lists/2026/entries/").status_code == 404
    assert official.get(f"{API}/key-emitter-lists/2025/").json()["status"] == "published"


def test_list_entries_by_year(client_as, bureau_admin, ent_b, enterprise_a, enterprise_b, area_b):
    make_list(2025, "published", bureau_admin, [enterprise_a, enterprise_b])
    make_list(2024, "published", bureau_admin, [enterprise_a])
    admin = client_as(bureau_admin)
    rows = admin.get(f"{API}/key-emitter-lists/2025/entries/").json()["results"]
    assert sorted(r["uscc"] for r in rows) == sorted([enterprise_a.uscc, enterprise_b.uscc])
    assert {r["year"] for r in rows} == {2025}
    assert rows[0]["emissions_tco2e"] == "30000.50"
    filtered = admin.get(f"{API}/key-emitter-lists/2025/entries/", {"area": area_b.pk}).json()
    assert [r["uscc"] for r in filtered["results"]] == [enterprise_b.uscc]
    assert admin.get(f"{API}/key-emitter-lists/2023/entries/").status_code == 404
    # A published list is public information: an enterprise sees it too.
    assert client_as(ent_b).get(f"{API}/key-emitter-lists/2024/entries/").json()["count"] == 1


def test_agency_forbidden_on_lists(client_as, agency_b_staff, bureau_admin, enterprise_a):
    make_list(2025, "published", bureau_admin, [enterprise_a])
    client = client_as(agency_b_staff)
    assert client.get(f"{API}/key-emitter-lists/").status_code == 403
    assert client.get(f"{API}/key-emitter-lists/2025/entries/").status_code == 403


def test_api_is_read_only(client_as, bureau_admin, enterprise_a):
    response = client_as(bureau_admin).patch(
        f"{API}/enterprises/{enterprise_a.pk}/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 405  # an undocumented method, whatever the role
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "沙坡头发电有限公司"


def test_no_n_plus_one_on_enterprise_list(client_as, bureau_admin, django_assert_max_num_queries):
    for _ in range(12):
        f.EnterpriseFactory()
    client = client_as(bureau_admin)
    client.get(f"{API}/enterprises/")  # warm up session and membership queries
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/enterprises/")
    assert response.json()["count"] == 12
