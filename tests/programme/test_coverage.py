"""The sector coverage page (task 3): each sector's entry year set by the bureau admin through
the service (with an event and history), the enterprises of each sector within the user's
scope with their outlook against the listing threshold, an enterprise's own sector and what to
prepare, and the export."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from programme.selectors import coverage as sel
from programme.services import coverage as svc
from registry.models import EmissionRecord, Sector
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


def record(ent, tonnes, year=2024):
    return EmissionRecord.objects.create(enterprise=ent, year=year, emissions_tco2e=D(tonnes))


def rows(response) -> dict:
    return {r.sector.code: r for r in response.context["rows"]}


# --- the service ---------------------------------------------------------------------------------


def test_the_bureau_admin_sets_a_year_with_its_source(bureau_admin):
    paper = Sector.objects.get(code="paper")
    response = client_for(bureau_admin).post(
        reverse("programme:sector_entry_edit", kwargs={"pk": paper.pk}),
        {"national_market_entry_year": "2027", "entry_source": "生态环境部通知"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert (paper.national_market_entry_year, paper.entry_source) == (2027, "生态环境部通知")
    event = Event.objects.get(verb="sector.entry_year_set", target_id=str(paper.pk))
    assert event.data["new"] == 2027 and event.actor == bureau_admin
    assert paper.history.first().history_user == bureau_admin


def test_refusals_name_the_field_and_change_nothing(bureau_admin):
    paper = Sector.objects.get(code="paper")
    before = (paper.national_market_entry_year, paper.entry_source)
    for year, source, field in ((2027, "", "entry_source"), (1999, "x", "national_market_entry_year")):
        with pytest.raises(ValidationError) as exc:
            svc.sector_entry_set(actor=bureau_admin, sector=paper, year=year, source=source)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError, match="未作任何修改"):
        svc.sector_entry_set(actor=bureau_admin, sector=paper, year=before[0], source=before[1])
    paper.refresh_from_db()
    assert (paper.national_market_entry_year, paper.entry_source) == before


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "liaison_a"])
def test_only_the_bureau_admin_sets_it(personas, persona):
    paper = Sector.objects.get(code="paper")
    client = client_for(personas[persona])
    url = reverse("programme:sector_entry_edit", kwargs={"pk": paper.pk})
    assert client.post(url, {"national_market_entry_year": "2027", "entry_source": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        svc.sector_entry_set(actor=personas[persona], sector=paper, year=2027, source="x")
    paper.refresh_from_db()
    assert paper.national_market_entry_year is None


# --- the page ------------------------------------------------------------------------------------


@pytest.fixture
def steel(area_a, area_b):
    """Three steel works: one in each area at the threshold, one of area_a below it."""
    s = Sector.objects.get(code="steel")
    a_big = f.EnterpriseFactory(name="甲钢铁", area=area_a, sector=s)
    b_big = f.EnterpriseFactory(name="乙钢铁", area=area_b, sector=s)
    a_small = f.EnterpriseFactory(name="丙钢铁", area=area_a, sector=s)
    record(a_big, "26000"), record(b_big, "90000"), record(a_small, "25999.99")
    return {"a_big": a_big, "b_big": b_big, "a_small": a_small}


def test_the_bureau_sees_every_sector_and_every_enterprise(bureau_admin, steel):
    response = client_for(bureau_admin).get(reverse("programme:coverage"))
    r = rows(response)
    assert r["power"].state == sel.IN_MARKET and r["steel"].sector.national_market_entry_year == 2024
    assert r["paper"].state == sel.UNDECIDED
    assert (r["steel"].enterprises, r["steel"].covered) == (3, 2)
    assert response.context["can_manage"]


def test_an_official_sees_his_area_only(official_a, steel):
    response = client_for(official_a).get(reverse("programme:coverage"), {"sector": steel["a_big"].sector_id})
    assert (rows(response)["steel"].enterprises, rows(response)["steel"].covered) == (2, 1)
    names = {e.name: e.outlook for e in response.context["page_obj"]}
    assert names == {"甲钢铁": sel.COVERED, "丙钢铁": sel.BELOW}
    assert not response.context["can_manage"]


def test_an_enterprise_sees_itself_its_sector_and_what_to_prepare(ent_a, enterprise_a):
    paper = Sector.objects.get(code="paper")
    enterprise_a.sector = paper
    enterprise_a.save()
    response = client_for(ent_a).get(reverse("programme:coverage"))
    assert [e.pk for e in response.context["page_obj"]] == [enterprise_a.pk]
    assert response.context["own_sector"] == paper and response.context["own_state"] == sel.UNDECIDED
    html = response.content.decode()
    assert 'id="own-sector"' in html and 'id="prepare"' in html
    assert sum(r.enterprises for r in response.context["rows"]) == 1


def test_a_liaison_sees_the_sectors_but_no_enterprise(liaison_b, steel):
    response = client_for(liaison_b).get(reverse("programme:coverage"))
    assert response.status_code == 200
    assert all(r.enterprises == 0 for r in response.context["rows"])
    assert not list(response.context["page_obj"])
    assert b'id="no-enterprises"' in response.content


def test_an_agency_is_refused(agency_a_staff):
    assert client_for(agency_a_staff).get(reverse("programme:coverage")).status_code == 403


def test_the_announced_sector_counts_the_years_left(bureau_admin):
    paper = Sector.objects.get(code="paper")
    svc.sector_entry_set(actor=bureau_admin, sector=paper, year=2060, source="x")
    [row] = [r for r in sel.sector_rows(bureau_admin, year=2030) if r.sector == paper]
    assert (row.state, row.years_left) == (sel.ANNOUNCED, 30)


def test_the_export_is_scoped_and_filtered(official_a, steel):
    import openpyxl

    response = client_for(official_a).get(reverse("programme:coverage_export"),
                                          {"sector": steel["a_big"].sector_id})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert {r[0] for r in sheet[1:]} == {"甲钢铁", "丙钢铁"}
    assert {r[4] for r in sheet[1:]} == {2024}
    outlooks = {r[0]: r[-1] for r in sheet[1:]}
    assert outlooks["甲钢铁"] == str(sel.OUTLOOKS[sel.COVERED])
