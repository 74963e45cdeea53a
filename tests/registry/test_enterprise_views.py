"""Enterprise pages: list filters, pagination, export, detail, forms and scoping."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import (
    KeyEmitterList,
    KeyEmitterListEntry,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("registry:enterprise_list")
EXPORT = reverse("registry:enterprise_export")


def _names(response):
    return [e.name for e in response.context["page_obj"]]


def _list_entry(key_list, ent, change="added"):
    return KeyEmitterListEntry.objects.create(
        key_list=key_list, enterprise=ent, change=change, reason="emissions",
        emissions_tco2e=Decimal("30000"), enterprise_name=ent.name, uscc=ent.uscc,
        area=ent.area, sector=ent.sector,
    )


@pytest.fixture
def several(enterprise_a, enterprise_b, bureau_admin):
    """enterprise_a (沙坡头区, power), enterprise_b (中宁县, building materials) and:"""
    c = f.EnterpriseFactory(
        name="海原铝业有限公司", area=f.area("640522"), sector=f.sector("nonferrous"), status="closed"
    )
    d = f.EnterpriseFactory(name="沙坡头造纸厂", area=f.area("640502"), sector=f.sector("paper"))
    key_list = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=bureau_admin)
    _list_entry(key_list, enterprise_a)
    _list_entry(key_list, enterprise_b)
    _list_entry(key_list, c, change="removed")
    return {"a": enterprise_a, "b": enterprise_b, "c": c, "d": d}


# --- list and filters -------------------------------------------------------------------


def test_list_columns_latest_emissions(client_as, bureau_admin, enterprise_a):
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2022, emissions_tco2e=Decimal("1.00"))
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2024, emissions_tco2e=Decimal("27000.50"))
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2023, emissions_tco2e=Decimal("5.00"))
    response = client_as(bureau_admin).get(LIST)
    assert response.status_code == 200
    (row,) = response.context["page_obj"]
    assert (row.latest_year, row.latest_emissions) == (2024, Decimal("27000.50"))
    assert enterprise_a.uscc in response.content.decode()


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, {"a", "b", "c", "d"}),
        ({"area": "AREA_A"}, {"a", "d"}),
        ({"sector": "SECTOR_B"}, {"b"}),
        ({"status": "closed"}, {"c"}),
        ({"status": "operating"}, {"a", "b", "d"}),
        ({"listed_in": "2025"}, {"a", "b"}),  # c was removed from the 2025 list
        ({"listed_in": "2024"}, set()),
        ({"q": "沙坡头"}, {"a", "d"}),  # partial name
        ({"q": "铝业"}, {"c"}),
        ({"area": "AREA_A", "q": "造纸"}, {"d"}),
    ],
)
def test_filters_narrow(client_as, bureau_admin, several, params, expected):
    params = dict(params)
    if params.get("area") == "AREA_A":
        params["area"] = several["a"].area_id
    if params.get("sector") == "SECTOR_B":
        params["sector"] = several["b"].sector_id
    response = client_as(bureau_admin).get(LIST, params)
    assert set(_names(response)) == {several[k].name for k in expected}


def test_search_by_uscc_full_and_partial_lower_case(client_as, bureau_admin, several):
    b = several["b"]
    for term in (b.uscc, b.uscc[-6:].lower()):
        assert _names(client_as(bureau_admin).get(LIST, {"q": term})) == [b.name]


def test_pagination_25_per_page(client_as, bureau_admin):
    for i in range(27):
        f.EnterpriseFactory(name=f"企业{i:02d}")
    client = client_as(bureau_admin)
    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})
    assert len(first.context["page_obj"]) == 25
    assert len(second.context["page_obj"]) == 2
    assert first.context["page_obj"].paginator.count == 27
    assert set(_names(first)).isdisjoint(_names(second))


def test_list_query_count_does_not_grow_with_rows(client_as, bureau_admin, django_assert_max_num_queries):
    for i in range(30):
        ent = f.EnterpriseFactory(name=f"企业{i:02d}")
        f.EmissionRecordFactory(enterprise=ent, year=2024)
    client = client_as(bureau_admin)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == 25


def test_area_official_and_enterprise_user_see_only_their_scope(client_as, official_b, ent_a, several):
    assert set(_names(client_as(official_b).get(LIST))) == {several["b"].name}
    assert _names(client_as(ent_a).get(LIST)) == [several["a"].name]
    # a filter cannot widen the scope
    assert _names(client_as(official_b).get(LIST, {"area": several["a"].area_id})) == []


def test_agency_staff_and_anonymous_refused(client_as, agency_a_staff):
    assert client_as(agency_a_staff).get(LIST).status_code == 403
    assert client_as(agency_a_staff).get(EXPORT).status_code == 403
    response = client_as(None).get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- export -----------------------------------------------------------------------------


def _sheet_rows(response):
    wb = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    width = len(rows[0])
    return [r + [None] * (width - len(r)) for r in rows]  # read-only mode drops empty tail cells


def test_export_rows_equal_the_filtered_list(client_as, bureau_admin, several):
    f.EmissionRecordFactory(enterprise=several["a"], year=2024, emissions_tco2e=Decimal("31000.25"))
    client = client_as(bureau_admin)
    params = {"area": several["a"].area_id}
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = _sheet_rows(response)
    assert len(header) == 12
    listed = _names(client.get(LIST, params))
    assert [r[1] for r in rows] == listed
    by_name = {r[1]: r for r in rows}
    a = by_name[several["a"].name]
    assert a[0] == several["a"].uscc
    assert a[10] == 2024
    assert Decimal(str(a[11])) == Decimal("31000.25")
    assert by_name[several["d"].name][10] is None


def test_export_respects_scope(client_as, official_b, several):
    _, *rows = _sheet_rows(client_as(official_b).get(EXPORT))
    assert [r[0] for r in rows] == [several["b"].uscc]
    _, *rows = _sheet_rows(client_as(official_b).get(EXPORT, {"q": several["a"].uscc}))
    assert rows == []


# --- detail -----------------------------------------------------------------------------


def test_detail_shows_facilities_records_chart_listing_events(client_as, bureau_admin, several):
    from registry.services import enterprises as svc

    a = several["a"]
    svc.facility_create(actor=bureau_admin, enterprise=a, data={"name": "1号机组", "facility_type": "coal_unit"})
    svc.emission_record_upsert(
        actor=bureau_admin, enterprise=a, year=2023, emissions_tco2e=Decimal("28000.10"),
        energy_tce=None, source="verified",
    )
    svc.emission_record_upsert(
        actor=bureau_admin, enterprise=a, year=2024, emissions_tco2e=Decimal("26500"),
        energy_tce=Decimal("11000"), source="self_reported",
    )
    svc.enterprise_update(actor=bureau_admin, enterprise=a, data={"contact_phone": "0955-1234567"})
    response = client_as(bureau_admin).get(reverse("registry:enterprise_detail", args=[a.pk]))
    assert response.status_code == 200
    ctx = response.context
    assert [fac.name for fac in ctx["facilities"]] == ["1号机组"]
    assert [r.year for r in ctx["records"]] == [2024, 2023]
    assert ctx["series"] == {
        "years": [2023, 2024],
        "emissions": ["28000.10", "26500.00"],
        "energy": [None, "11000.00"],
    }
    assert [(e.key_list.year, e.change) for e in ctx["listing"]] == [(2025, "added")]
    verbs = {e.verb for e in ctx["events"]}
    assert verbs == {"facility.created", "emission_record.created", "enterprise.updated"}
    html = response.content.decode()
    assert 'id="emission-series"' in html
    assert "echarts-6.1.0.min.js" in html
    assert "0955-1234567" in html
    # change history: the update row names the changed field with old → new
    changes = ctx["history"][0]["changes"]
    assert [(c["old"], c["new"]) for c in changes] == [("—", "0955-1234567")]


def test_draft_list_entries_hidden_from_enterprise(client_as, ent_a, bureau_admin, several):
    # the 2025 list of `several` is a draft: the bureau sees it, the enterprise does not
    url = reverse("registry:enterprise_detail", args=[several["a"].pk])
    assert list(client_as(ent_a).get(url).context["listing"]) == []
    KeyEmitterList.objects.filter(year=2025).update(status="published")
    assert [e.key_list.year for e in client_as(ent_a).get(url).context["listing"]] == [2025]


@pytest.mark.parametrize(
    "persona,status",
    [("official_a", 200), ("ent_a", 200), ("official_b", 404), ("ent_b", 404), ("agency_a_staff", 403)],
)
def test_detail_scoping(client_as, request, enterprise_a, enterprise_b, persona, status):
    user = request.getfixturevalue(persona)
    response = client_as(user).get(reverse("registry:enterprise_detail", args=[enterprise_a.pk]))
    assert response.status_code == status


def test_detail_query_count_does_not_grow(client_as, official_a, enterprise_a, bureau_admin,
                                          django_assert_max_num_queries):
    from registry.services import enterprises as svc

    for i in range(12):
        svc.facility_create(
            actor=bureau_admin, enterprise=enterprise_a,
            data={"name": f"{i}号炉", "facility_type": "boiler"},
        )
        svc.emission_record_upsert(
            actor=bureau_admin, enterprise=enterprise_a, year=2010 + i,
            emissions_tco2e=Decimal(1000 * i), energy_tce=None, source="statistics",
        )
    client = client_as(official_a)
    url = reverse("registry:enterprise_detail", args=[enterprise_a.pk])
    # +1 since issue 17: the training section (programme) reads the enterprise's attendance;
    # +1 for the content-type lookup when this test runs alone (a warm process caches it)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert len(response.context["records"]) == 12
    assert len(response.context["events"]) == 24


def test_listed_in_a_draft_year_lists_nobody_outside_the_bureau(
    client_as, bureau_admin, official_a, ent_a, several
):
    """The 2025 list of ``several`` is a draft: the bureau may filter by it, a county official
    or an enterprise may not learn who is on it (neither on the page nor through the API)."""
    assert set(_names(client_as(bureau_admin).get(LIST, {"listed_in": "2025"}))) == {
        several["a"].name, several["b"].name
    }
    for user in (official_a, ent_a):
        assert _names(client_as(user).get(LIST, {"listed_in": "2025"})) == []
        api = client_as(user).get(reverse("api:enterprise-list"), {"listed_in": "2025"}).json()
        assert api["results"] == []
    KeyEmitterList.objects.filter(year=2025).update(status="published")
    assert _names(client_as(official_a).get(LIST, {"listed_in": "2025"})) == [several["a"].name]
