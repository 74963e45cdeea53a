"""The bureau's and officials' statistics panels (issue 16): monthly ledgers by month and
tier, compliance by sector, the key emitters' emissions by year and sector. Each figure
equals the list it links to, as each persona sees it; a county official sees nothing of
another area; exports match the panels.

World: tests/dashboards/test_dashboards.py's (cycle 2024, published list 2024 of A, B, C),
today 2025-06-15, ledger days 20 / 5 / 40: April's upload was due on 20 May, its close on
9 June; May's upload is due on 20 June (not yet).

April: fa (A) closed, every tier on time; fc (C, area A) uploaded and checked late, not
closed; fd (D, area A) uploaded on the due day late in the evening, never checked; fb (B, area
B) returned (not uploaded). May: fa uploaded on 1 June, unchecked past its 5 days.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.selectors import ledger_timeliness as lt
from tests import factories as f
from tests.conftest import client_for
from tests.dashboards.test_dashboards import (
    export,
    panels,
    sheet,
    text,
    world,  # noqa: F401  (the shared fixture)
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 15)
BJ = ZoneInfo("Asia/Shanghai")
GRID = reverse("reporting:ledger_index")
COMPLIANCE = reverse("allowances:compliance")
ENTERPRISES = reverse("registry:enterprise_list")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BJ)


@pytest.fixture
def today(monkeypatch):
    """Today is 2025-06-15 in Beijing (a stored time still converts to its own date)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def ledgers(world, today, enterprise_a, enterprise_b, area_a):  # noqa: F811
    f.ledger_reporting_year(2025, upload=20, county=5, close=40)
    d = f.EnterpriseFactory(name="沙坡头造纸", area=area_a)
    fa = f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    fb = f.FacilityFactory(enterprise=enterprise_b, name="2号窑")
    fc = f.FacilityFactory(enterprise=world["c"], name="3号机组")
    fd = f.FacilityFactory(enterprise=d, name="4号锅炉")
    f.ledger_make(fa, month=4, status="closed", submitted_at=at(2025, 5, 10, 9),
                  county_checked_at=at(2025, 5, 12, 9), closed_at=at(2025, 6, 1, 9))
    f.ledger_make(fc, month=4, status="county_checked", submitted_at=at(2025, 5, 25, 9),
                  county_checked_at=at(2025, 6, 5, 9))
    # 23:30 in Beijing is 15:30 UTC the same day: on the due day, on time
    f.ledger_make(fd, month=4, status="submitted", submitted_at=at(2025, 5, 20, 23, 30))
    f.ledger_make(fb, month=4, status="returned", submitted_at=at(2025, 5, 8, 9))
    f.ledger_make(fa, month=5, status="submitted", submitted_at=at(2025, 6, 1, 9))
    return {"fa": fa, "fb": fb, "fc": fc, "fd": fd, "d": d}


def figure(panel, key):
    return next(x.value for x in panel.figures if x.key == key)


def month_row(panel, month):
    return next(r for r in panel.rows if r.month == month)


# --- ledgers ---------------------------------------------------------------------------------


def test_in_january_the_ledgers_are_last_years(ledgers, official_a, monkeypatch):
    """Before January's upload is due the panel shows last year, whose last months are due,
    rather than an empty year."""
    f.ledger_reporting_year(2026, upload=20, county=5, close=40)
    real = timezone.localdate
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda value=None, timezone=None: date(2026, 1, 10) if value is None
                        else real(value, timezone))
    panel = panels(client_for(official_a).get("/"))["ledgers"]
    assert "2025" in panel.title
    assert [r.month for r in panel.rows] == list(range(1, 13))
    assert figure(panel, "upload_missing") == 3  # November (due 20 December): nothing filed
    assert all("year=2025" in href for cells, _l in panel.linked_table for _v, href in cells[1:])
    # once January is due, the new year
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda value=None, timezone=None: date(2026, 2, 25) if value is None
                        else real(value, timezone))
    panel = panels(client_for(official_a).get("/"))["ledgers"]
    assert "2026" in panel.title and [r.month for r in panel.rows] == [1, 2]


def test_ledgers_by_hand(ledgers, bureau_admin, official_a):
    panel = panels(client_for(official_a).get("/"))["ledgers"]
    assert [r.month for r in panel.rows] == [1, 2, 3, 4, 5, 6]
    april = month_row(panel, 4)
    assert [april[(lt.UPLOAD, s)] for s in lt.STATES] == [2, 1, 0]  # fa, fd / fc
    assert [april[(lt.COUNTY, s)] for s in lt.STATES] == [1, 1, 1]  # fa / fc / fd
    assert [april[(lt.CLOSE, s)] for s in lt.STATES] == [1, 0, 2]  # fa / fc, fd
    may = month_row(panel, 5)
    assert may[(lt.UPLOAD, lt.ON_TIME)] == 1 and may[(lt.COUNTY, lt.MISSING)] == 1
    assert may[(lt.UPLOAD, lt.MISSING)] == 0  # not due before 20 June
    assert month_row(panel, 3)[(lt.UPLOAD, lt.MISSING)] == 3  # nothing filed for March
    # the figures are April's, the latest month whose upload is due
    assert (figure(panel, "upload_on_time"), figure(panel, "upload_late"),
            figure(panel, "upload_missing"), figure(panel, "county_missing"),
            figure(panel, "close_missing")) == (2, 1, 0, 1, 2)
    bureau = panels(client_for(bureau_admin).get("/"))["ledgers"]
    assert figure(bureau, "upload_missing") == 1 and figure(bureau, "close_missing") == 3
    assert bureau.chart["stack"] is True and bureau.chart["categories"][3] == "4月"


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "official_b"])
def test_ledger_figures_equal_the_grid(ledgers, personas, persona):
    client = client_for(personas[persona])
    response = client.get("/")
    panel = panels(response)["ledgers"]
    html = text(response)
    for row in panel.rows[2:5]:  # March (nothing filed), April, May (not due)
        for tier in lt.TIERS:
            for state in lt.STATES:
                query = {"year": 2025, "month": row.month, "tier": tier, "timeliness": state}
                page = client.get(GRID, query).context["page_obj"]
                assert row[(tier, state)] == page.paginator.count, (row.month, tier, state)
    for fig in panel.figures:
        params = dict(re.findall(r"(\w+)=(\w+)", fig.url.split("?")[1]))
        page = client.get(GRID, params).context["page_obj"]
        assert fig.value == page.paginator.count, fig.key
    link = f'{GRID}?year=2025&amp;month=4&amp;tier=upload&amp;timeliness=late'
    assert link in html  # a figure of the table is a link too


def test_ledger_export(ledgers, official_a):
    rows = sheet(export(client_for(official_a), "ledgers"))
    assert rows[0][0] == "月份" and len(rows) == 1 + 6
    april = rows[4]
    assert april[0] == "4月" and april[1:4] == (2, 1, 0)


def test_ledgers_without_deadlines_say_so(world, today, official_a):  # noqa: F811
    panel = panels(client_for(official_a).get("/"))["ledgers"]
    assert panel.rows == [] and panel.figures == [] and panel.chart is None
    assert "尚未设置" in panel.empty


# --- compliance by sector --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "official_b"])
def test_sector_rates_equal_the_compliance_page_filtered(world, personas, persona):  # noqa: F811
    client = client_for(personas[persona])
    response = client.get("/")
    panel = panels(response)["sectors"]
    page = client.get(COMPLIANCE, {"cycle": 2024}).context
    assert panel.rows == page["data"].by_sector
    for (name, rate), (_cells, link) in zip(panel.rows, panel.linked_table, strict=True):
        assert link.startswith(f"{COMPLIANCE}?cycle=2024&sector=")
        rows = list(client.get(link).context["data"].rows)
        assert {str(r.enterprise.sector) for r in rows} == {name}
        due = [r for r in rows if r.obligation]
        assert rate.due_count == len(due)
        assert rate.complied_count == sum(r.remaining == 0 for r in due)
        assert rate.due_tonnes - rate.surrendered_tonnes == sum(r.remaining for r in due)


def test_sector_rates_by_hand(world, bureau_admin, official_a, official_b):  # noqa: F811
    rows = panels(client_for(bureau_admin).get("/"))["sectors"].rows
    assert {n: (r.due_count, r.complied_count, r.due_tonnes - r.surrendered_tonnes)
            for n, r in rows} == {"发电": (2, 1, 300), "建材": (1, 0, 150)}
    rows = panels(client_for(official_a).get("/"))["sectors"].rows
    assert [(n, r.due_tonnes) for n, r in rows] == [("发电", 400)]
    rows = sheet(export(client_for(official_b), "sectors"))
    assert [r[0] for r in rows[1:]] == ["建材"] and rows[1][-1] == 150


def test_compliance_page_filters_by_sector(world, official_a):  # noqa: F811
    client = client_for(official_a)
    power = f.sector("power").pk
    rows = client.get(COMPLIANCE, {"cycle": 2024, "sector": power}).context["page_obj"]
    assert sorted(r.enterprise.name for r in rows) == ["沙坡头发电有限公司", "沙坡头热电"]
    building = f.sector("building_materials").pk
    rows = client.get(COMPLIANCE, {"cycle": 2024, "sector": building}).context["page_obj"]
    assert list(rows) == []  # B's cement works is not the official's
    response = client.get(reverse("allowances:compliance_export"),
                          {"cycle": 2024, "sector": power})
    assert sorted(r[1] for r in sheet(response)[1:]) == ["沙坡头发电有限公司", "沙坡头热电"]
    rows = client.get(COMPLIANCE, {"cycle": 2024, "sector": "x"}).context["page_obj"]
    assert len(rows) == 2  # a sector that is no pk: no filter


# --- emissions of the key emitters -----------------------------------------------------------


@pytest.fixture
def trend(world, enterprise_a, enterprise_b, area_a):  # noqa: F811
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2023, emissions_tco2e=Decimal("80.50"))
    f.EmissionRecordFactory(enterprise=enterprise_b, year=2023, emissions_tco2e=Decimal("150.00"))
    outsider = f.EnterpriseFactory(name="未列入名录企业", area=area_a)
    f.EmissionRecordFactory(enterprise=outsider, year=2024, emissions_tco2e=Decimal("7777.00"))
    return world


def _listed_sum(client, year, **query) -> tuple[int, Decimal]:
    """The enterprise list of the key emitters (every page) and the sum of their records of
    ``year`` as each enterprise's page shows them."""
    page = client.get(ENTERPRISES, {"listed_in": 2024, **query}).context["page_obj"]
    total = Decimal(0)
    for e in page.paginator.object_list:
        records = client.get(reverse("registry:enterprise_detail", kwargs={"pk": e.pk})).context
        total += sum((r.emissions_tco2e for r in records["records"] if r.year == year),
                     Decimal(0))
    return page.paginator.count, total


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "official_b"])
def test_emissions_equal_the_enterprise_list(trend, personas, persona):
    client = client_for(personas[persona])
    panel = panels(client.get("/"))["emissions"]
    count, total = _listed_sum(client, 2024)
    assert figure(panel, "emitters") == count
    assert figure(panel, "latest") == total
    for year, year_total, _by_sector in panel.rows:
        assert year_total == _listed_sum(client, year)[1], year
    for (_y, _t, by_sector), (cells, _link) in zip(panel.rows, panel.linked_table, strict=True):
        for (_value, link), tonnes in zip(cells[2:], by_sector, strict=True):
            sector = re.search(r"sector=(\d+)", link).group(1)
            assert (tonnes or 0) == _listed_sum(client, _y, sector=sector)[1]


def test_emissions_by_hand(trend, bureau_admin, official_a, official_b):
    panel = panels(client_for(bureau_admin).get("/"))["emissions"]
    assert [c.header for c in panel.columns] == ["年度", "排放量（tCO2e）", "发电", "建材"]
    assert [(y, t, s) for y, t, s in panel.rows] == [
        (2024, Decimal("598.11"), [Decimal("398.11"), Decimal("200.00")]),
        (2023, Decimal("230.50"), [Decimal("80.50"), Decimal("150.00")])]
    assert panel.chart["categories"] == ["2023", "2024"] and panel.chart["stack"] is True
    assert panel.chart["series"][0]["data"] == ["80.50", "398.11"]
    panel = panels(client_for(official_a).get("/"))["emissions"]
    assert figure(panel, "emitters") == 2 and figure(panel, "latest") == Decimal("398.11")
    rows = sheet(export(client_for(official_b), "emissions"))
    assert [(y, Decimal(str(t)), Decimal(str(b))) for y, t, b in rows[1:]] == [
        ("2024", 200, 200), ("2023", 150, 150)]


def test_emissions_without_a_published_list(db, bureau_admin):
    panel = panels(client_for(bureau_admin).get("/"))["emissions"]
    assert panel.rows == [] and panel.chart is None and "名录" in panel.empty


# --- a county official sees nothing of another area ------------------------------------------


def test_county_b_sees_nothing_of_area_a(ledgers, trend, official_b, area_a, enterprise_a):
    response = client_for(official_b).get("/")
    html = text(response)
    for probe in (str(area_a), enterprise_a.name, "沙坡头热电", "沙坡头造纸", "发电", "398.11"):
        assert probe not in html, probe
    panel = panels(response)["ledgers"]
    assert figure(panel, "upload_missing") == 1 and figure(panel, "upload_on_time") == 0
    for key in ("ledgers", "sectors", "emissions"):
        assert "沙坡头" not in str(sheet(export(client_for(official_b), key))), key
