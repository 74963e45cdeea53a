"""Ledger pages: the grid for each persona, scoping (404/403), form, actions, evidence."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import LedgerEvidence, MonthlyLedger
from tests import factories as f
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
INDEX = reverse("reporting:ledger_index")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def grid(enterprise_a, enterprise_b):
    fa = f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    fb = f.FacilityFactory(enterprise=enterprise_b, name="2号窑")
    f.ledger_reporting_year(2025)
    return {
        "fa": fa,
        "fb": fb,
        "a1": f.ledger_make(fa, month=1, status="closed"),
        "a2": f.ledger_make(fa, month=2, status="submitted"),
        "b1": f.ledger_make(fb, month=1, status="returned"),
    }


def _grid(response):
    return {
        r.facility.name: [c.status for c in r.cells] for r in response.context["rows"]
    }


MISSING = ["missing"] * 10


def test_grid_bureau_sees_all(client_as, bureau_reviewer, grid):
    got = _grid(client_as(bureau_reviewer).get(INDEX + "?year=2025"))
    assert got == {
        "1号机组": ["closed", "submitted"] + MISSING,
        "2号窑": ["returned", "missing"] + MISSING,
    }


@pytest.mark.parametrize(
    "persona,expected",
    [("official_a", {"1号机组"}), ("official_b", {"2号窑"}), ("ent_a", {"1号机组"}), ("ent_b", {"2号窑"})],
)
def test_grid_scope(client_as, request, grid, persona, expected):
    response = client_as(request.getfixturevalue(persona)).get(INDEX + "?year=2025")
    assert set(_grid(response)) == expected


def test_grid_other_year_is_all_missing(client_as, bureau_admin, grid):
    got = _grid(client_as(bureau_admin).get(INDEX + "?year=2024"))
    assert got["1号机组"] == ["missing"] * 12


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"status": "closed"}, {"1号机组"}),
        ({"status": "returned"}, {"2号窑"}),
        ({"status": "missing"}, {"1号机组", "2号窑"}),
        ({"area": "A"}, {"1号机组"}),
        ({"sector": "B"}, {"2号窑"}),
    ],
)
def test_grid_filters(client_as, bureau_admin, grid, params, expected):
    params = dict(params, year=2025)
    if params.get("area") == "A":
        params["area"] = grid["fa"].enterprise.area_id
    if params.get("sector") == "B":
        params["sector"] = grid["fb"].enterprise.sector_id
    assert set(_grid(client_as(bureau_admin).get(INDEX, params))) == expected


def _bj(*args):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    "params,expected",
    [
        # January: 1号机组 uploaded 20 Feb 23:30 in Beijing (the due day: on time), checked
        # and closed in time; 2号窑 returned (not uploaded: missing)
        ({"month": 1, "tier": "upload", "timeliness": "on_time"}, {"1号机组"}),
        ({"month": 1, "tier": "upload", "timeliness": "missing"}, {"2号窑"}),
        ({"month": 1, "tier": "county", "timeliness": "on_time"}, {"1号机组"}),
        ({"month": 1, "tier": "close", "timeliness": "on_time"}, {"1号机组"}),
        ({"month": 1, "tier": "close", "timeliness": "missing"}, {"2号窑"}),
        # February: 1号机组 uploaded 21 Mar 00:30 in Beijing (20 Mar in UTC): a day late,
        # never checked; nobody closed
        ({"month": 2, "tier": "upload", "timeliness": "late"}, {"1号机组"}),
        ({"month": 2, "tier": "upload", "timeliness": "on_time"}, set()),
        ({"month": 2, "tier": "county", "timeliness": "missing"}, {"1号机组"}),
        ({"month": 2, "tier": "county", "timeliness": "late"}, set()),
        ({"month": 2, "tier": "close", "timeliness": "missing"}, {"1号机组", "2号窑"}),
        # the month narrows the status filter
        ({"month": 1, "status": "returned"}, {"2号窑"}),
        ({"month": 2, "status": "returned"}, set()),
        ({"month": 2, "status": "missing"}, {"2号窑"}),
        # out of range: left out
        ({"month": 2, "tier": "nope", "timeliness": "late"}, {"1号机组", "2号窑"}),
        ({"month": 13, "tier": "upload", "timeliness": "late"}, {"1号机组", "2号窑"}),
        ({"tier": "upload", "timeliness": "late"}, {"1号机组", "2号窑"}),
    ],
)
def test_grid_filters_by_month_tier_and_timeliness(client_as, bureau_admin, grid, params,
                                                   expected):
    MonthlyLedger.objects.filter(pk=grid["a1"].pk).update(
        submitted_at=_bj(2025, 2, 20, 23, 30), county_checked_at=_bj(2025, 2, 24, 9),
        closed_at=_bj(2025, 3, 12, 9))
    MonthlyLedger.objects.filter(pk=grid["a2"].pk).update(submitted_at=_bj(2025, 3, 21, 0, 30))
    response = client_as(bureau_admin).get(INDEX, dict(params, year=2025))
    assert set(_grid(response)) == expected


def test_grid_timeliness_is_scoped(client_as, official_b, grid):
    params = {"year": 2025, "month": 2, "tier": "close", "timeliness": "missing"}
    assert set(_grid(client_as(official_b).get(INDEX, params))) == {"2号窑"}


def test_grid_late_flags_and_gaps_for_the_enterprise(client_as, ent_a, grid):
    response = client_as(ent_a).get(INDEX + "?year=2025")
    (row,) = response.context["rows"]
    # today is after 2025: every month's upload deadline has passed
    assert row.cells[2].status == "missing" and row.cells[2].gap and row.cells[2].late.upload
    assert response.context["gaps"] == 10


def test_grid_export(client_as, official_a, grid):
    response = client_as(official_a).get(reverse("reporting:ledger_grid_export") + "?year=2025")
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(response.getvalue()), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "1号机组"


def test_agency_and_anonymous(client_as, agency_a_staff, anonymous):
    assert client_as(agency_a_staff).get(INDEX).status_code == 403
    assert "/accounts/login/" in client_as(anonymous).get(INDEX)["Location"]


def test_detail_scope(client_as, grid, ent_b, official_b, ent_a, agency_a_staff):
    url = reverse("reporting:ledger_detail", kwargs={"pk": grid["a1"].pk})
    assert client_as(ent_a).get(url).status_code == 200
    assert client_as(ent_b).get(url).status_code == 404
    assert client_as(official_b).get(url).status_code == 404
    assert client_as(agency_a_staff).get(url).status_code == 403


def test_official_b_cannot_check_area_a(client_as, grid, official_b, official_a):
    url = reverse("reporting:ledger_county_check", kwargs={"pk": grid["a2"].pk})
    assert client_as(official_b).post(url, {"decision": "pass"}).status_code == 404
    grid["a2"].refresh_from_db()
    assert grid["a2"].status == "submitted"
    response = client_as(official_a).post(url, {"decision": "return", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client_as(official_a).post(url, {"decision": "return", "reason": "缺少计量凭证"})
    assert response.status_code == 302
    grid["a2"].refresh_from_db()
    assert (grid["a2"].status, grid["a2"].return_reason) == ("returned", "缺少计量凭证")


def test_new_ledger_form_saves_lines(client_as, ent_a, grid):
    url = reverse("reporting:ledger_new") + f"?facility={grid['fa'].pk}&year=2025&month=3"
    assert client_as(ent_a).get(url).status_code == 200
    coal = f.ledger_fuel("raw_coal")
    data = {
        "purchased_electricity_mwh": "18540", "generation_mwh": "0", "power_supplied_mwh": "0",
        "heat_supplied_gj": "0", "running_hours": "744", "load_factor": "0.8", "note": "",
        "lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "5",
        "lines-MAX_NUM_FORMS": "20", "lines-0-fuel": coal.pk, "lines-0-consumption": "1200.5",
    }
    response = client_as(ent_a).post(url, data)
    assert response.status_code == 302
    led = MonthlyLedger.objects.get(month=3, facility=grid["fa"])
    assert led.purchased_electricity_mwh == Decimal("18540.000")
    assert led.lines.get().consumption == Decimal("1200.500")


def test_new_ledger_bad_input_changes_nothing(client_as, ent_a, grid):
    url = reverse("reporting:ledger_new") + f"?facility={grid['fa'].pk}&year=2025&month=3"
    data = {
        "purchased_electricity_mwh": "abc", "generation_mwh": "-1", "power_supplied_mwh": "0",
        "heat_supplied_gj": "0", "running_hours": "0", "load_factor": "1.5",
        "lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0", "lines-0-consumption": "3",
    }
    response = client_as(ent_a).post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"purchased_electricity_mwh", "generation_mwh", "load_factor"} <= set(errors)
    assert "fuel" in response.context["formset"].forms[0].errors
    assert not MonthlyLedger.objects.filter(month=3).exists()


def test_ent_b_cannot_use_facility_of_a(client_as, ent_b, grid):
    url = reverse("reporting:ledger_new") + f"?facility={grid['fa'].pk}&year=2025&month=3"
    response = client_as(ent_b).get(url)
    assert response.status_code == 200 and "facility" in response.context["form"].errors


def test_submit_and_close_pages(client_as, ent_a, bureau_admin, official_a, grid):
    led = f.ledger_make(grid["fa"], month=4)
    client_as(ent_a).post(reverse("reporting:ledger_submit", kwargs={"pk": led.pk}))
    client_as(official_a).post(reverse("reporting:ledger_county_check", kwargs={"pk": led.pk}), {"decision": "pass"})
    client_as(bureau_admin).post(reverse("reporting:ledger_close", kwargs={"pk": led.pk}))
    led.refresh_from_db()
    assert led.status == "closed"
    # closing again is a clear error, nothing changes
    response = client_as(bureau_admin).post(reverse("reporting:ledger_close", kwargs={"pk": led.pk}), follow=True)
    assert response.status_code == 200
    assert Event.objects.filter(verb="ledger.close", target_id=str(led.pk)).count() == 1


def test_evidence_upload_refuses_wrong_type(client_as, ent_a, grid):
    led = f.ledger_make(grid["fa"], month=5)
    url = reverse("reporting:ledger_evidence_upload", kwargs={"pk": led.pk})
    bad = SimpleUploadedFile("ledger.pdf", b"<html>not a pdf</html>")
    response = client_as(ent_a).post(url, {"file": bad})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    good = SimpleUploadedFile("ledger.pdf", b"%PDF-1.7 stamped")
    assert client_as(ent_a).post(url, {"file": good}).status_code == 302
    assert LedgerEvidence.objects.get().ledger == led


def test_grid_pages_keep_the_county_enterprise_name_order(client_as, bureau_admin, grid):
    """The grid is paginated over the facilities' ids, then the page read whole (issue 11):
    every facility once, in county, enterprise and name order across pages, with its
    enterprise; a filter still narrows the pages."""
    parks = f.area("640500-P01")  # a park's code sorts before the counties'
    for i in range(28):  # two pages (25 a page), same-named enterprises in both areas
        e = f.EnterpriseFactory(name=f"企业{i % 7:02d}", area=parks if i % 2 else f.area("640521"))
        f.FacilityFactory(enterprise=e, name=f"{(i * 5) % 3}号炉")
    rows = []
    for page in (1, 2):
        response = client_as(bureau_admin).get(INDEX, {"year": 2025, "page": page})
        rows += [(r.facility.enterprise.area.code, r.facility.enterprise.name, r.facility.name,
                  r.facility.pk) for r in response.context["rows"]]
    assert len(rows) == 30 and len({pk for *_, pk in rows}) == 30
    keys = [row[:3] for row in rows]
    assert keys == sorted(keys) and keys[0][0] == "640500-P01"
    response = client_as(bureau_admin).get(INDEX, {"year": 2025, "area": parks.pk, "page": 1})
    assert {r.facility.enterprise.area for r in response.context["rows"]} == {parks}
    assert response.context["page_obj"].paginator.count == 14
