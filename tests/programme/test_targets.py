"""The city's statistics and the 2025 targets page: who enters and revises (the bureau admin,
a liaison with the statistics_entry grant), validation with clear messages and nothing
changed, the revision history, the progress figures (the demo's −13 % / −16.5 %), the page's
missing-base explanation, the export and the dashboards' targets panel."""

import io
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from programme.models import CityStatistic
from programme.selectors import targets as sel
from programme.services import targets as svc
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


def data(year, gdp="400.00", energy="1000.00", co2="2000.00", **more):
    return {"year": year, "gdp": D(gdp), "gdp_source": f"统计公报{year}",
            "energy": D(energy), "energy_source": f"能源平衡表{year}",
            "co2": D(co2), "co2_source": f"温室气体清单{year}", **more}


def form(year, gdp="400.00", energy="1000.00", co2="2000.00", **more):
    return {k: str(v) for k, v in data(year, gdp, energy, co2, **more).items()}


@pytest.fixture
def stats_liaison(department_a, liaison_a):
    """liaison_a's unit (development-reform) granted the statistics entry for the test."""
    f.grant(department_a, "statistics_entry")
    return liaison_a


@pytest.fixture
def years(bureau_admin):
    """The worked example of tests/programme/test_targets_rules.py: 2020, 2023, 2025."""
    return [svc.statistic_create(actor=bureau_admin, data=data(2020)),
            svc.statistic_create(actor=bureau_admin, data=data(2023, "450.00", "1035.00", "2016.00")),
            svc.statistic_create(actor=bureau_admin, data=data(2025, "500.00", "1062.50", "2100.00"))]


# --- who enters ------------------------------------------------------------------------------


def test_the_granted_liaison_enters_a_year(stats_liaison):
    response = client_for(stats_liaison).post(reverse("programme:statistic_create"), form(2020))
    assert response.status_code == 302
    stat = CityStatistic.objects.get(year=2020)
    assert stat.entered_by == stats_liaison and stat.gdp == D("400.00")
    assert Event.objects.filter(verb="statistics.entered", target_id=str(stat.pk)).exists()
    assert stat.history.get().history_user == stats_liaison


@pytest.mark.parametrize("persona", ["liaison_a", "liaison_b", "bureau_reviewer", "official_a",
                                     "ent_a"])
def test_without_the_grant_or_the_role_entry_is_403_and_nothing_saved(personas, persona, years):
    client = client_for(personas[persona])
    assert client.post(reverse("programme:statistic_create"), form(2021)).status_code == 403
    revise = reverse("programme:statistic_revise", kwargs={"year": 2020})
    assert client.post(revise, {**form(2020, gdp="1.00"), "reason": "x"}).status_code == 403
    assert not CityStatistic.objects.filter(year=2021).exists()
    assert CityStatistic.objects.get(year=2020).gdp == D("400.00")
    with pytest.raises(PermissionDenied):
        svc.statistic_create(actor=personas[persona], data=data(2021))


def test_a_revoked_grant_stops_the_entry(department_a, liaison_a, bureau_admin):
    from registry.services import departments

    grant = f.grant(department_a, "statistics_entry")
    assert svc.may_enter(liaison_a)
    departments.grant_revoke(actor=bureau_admin, grant=grant)
    liaison_a._zw_grants = None
    assert not svc.may_enter(liaison_a)


def test_an_official_reads_but_does_not_enter(official_a, years):
    client = client_for(official_a)
    page = client.get(reverse("programme:target_index"))
    assert page.status_code == 200 and b"2023" in page.content
    assert reverse("programme:statistic_create").encode() not in page.content
    detail = client.get(reverse("programme:statistic_detail", kwargs={"year": 2023}))
    assert reverse("programme:statistic_revise", kwargs={"year": 2023}).encode() not in detail.content


# --- validation -------------------------------------------------------------------------------


def test_a_year_entered_twice_is_refused_with_a_clear_message(bureau_admin, years):
    response = client_for(bureau_admin).post(reverse("programme:statistic_create"), form(2020, gdp="1.00"))
    assert response.status_code == 200
    assert "已录入" in str(response.context["form"].errors["year"])
    assert CityStatistic.objects.get(year=2020).gdp == D("400.00")


@pytest.mark.parametrize("field", ["gdp", "energy", "co2"])
def test_negative_or_zero_figures_are_refused_on_their_field(bureau_admin, field):
    for bad in ("-1.00", "0"):
        with pytest.raises(ValidationError) as exc:
            svc.statistic_create(actor=bureau_admin, data={**data(2021), field: D(bad)})
        assert field in exc.value.message_dict
    assert not CityStatistic.objects.exists()


def test_a_source_is_required_and_a_future_year_refused(bureau_admin):
    with pytest.raises(ValidationError) as exc:
        svc.statistic_create(actor=bureau_admin, data={**data(2021), "co2_source": "  "})
    assert "co2_source" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        svc.statistic_create(actor=bureau_admin, data=data(2999))
    assert "尚未开始" in exc.value.message_dict["year"][0]
    assert not CityStatistic.objects.exists()


def test_a_revision_needs_a_reason_and_a_change(bureau_admin, years):
    stat = years[0]
    with pytest.raises(ValidationError) as exc:
        svc.statistic_revise(actor=bureau_admin, statistic=stat, data={"gdp": D("401")}, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError, match="未作任何修改"):
        svc.statistic_revise(actor=bureau_admin, statistic=stat, data={"gdp": D("400.00")}, reason="r")
    stat.refresh_from_db()
    assert stat.gdp == D("400.00") and stat.history.count() == 1


def test_missing_base_year_is_explained_on_the_page(bureau_admin):
    svc.statistic_create(actor=bureau_admin, data=data(2023, "450.00", "1035.00", "2016.00"))
    response = client_for(bureau_admin).get(reverse("programme:target_index"))
    assert b'id="missing-base"' in response.content
    row = response.context["progress"].rows[0]
    assert row.energy.intensity == D("2.3000") and row.energy.change is None
    assert response.context["progress"].missing_base


def test_empty_page_says_who_enters(official_a):
    response = client_for(official_a).get(reverse("programme:target_index"))
    assert response.status_code == 200 and response.context["chart"] is None
    assert b'id="missing-base"' not in response.content


# --- revision history ---------------------------------------------------------------------------


def test_the_revision_history_shows_who_when_old_new_source_and_reason(stats_liaison, years):
    client = client_for(stats_liaison)
    response = client.post(reverse("programme:statistic_revise", kwargs={"year": 2023}), {
        **form(2023, "452.00", "1035.00", "2016.00", gdp_source="统计年鉴2024"),
        "reason": "GDP最终核实"})
    assert response.status_code == 302
    stat = CityStatistic.objects.get(year=2023)
    assert (stat.gdp, stat.reason, stat.entered_by) == (D("452.00"), "GDP最终核实", stats_liaison)
    revs = sel.revisions(stat)
    assert len(revs) == 2
    newest, first = revs
    assert newest["user"] == stats_liaison.full_name and newest["reason"] == "GDP最终核实"
    [change] = newest["changes"]  # only GDP changed
    assert (change["old"], change["new"], change["source"], change["old_source"]) == (
        "450", "452", "统计年鉴2024", "统计公报2023")
    assert first["first"] and len(first["changes"]) == 3
    page = client.get(reverse("programme:statistic_detail", kwargs={"year": 2023})).content.decode()
    assert "GDP最终核实" in page and "450 → 452" in page and "统计年鉴2024" in page
    assert Event.objects.filter(verb="statistics.revised", target_id=str(stat.pk)).exists()


# --- the progress figures -------------------------------------------------------------------------


def test_the_table_follows_the_worked_example(bureau_admin, years):
    p = sel.progress(bureau_admin)
    by = {r.year: r for r in p.rows}
    assert by[2020].energy.on_track is None  # the base year is not "on track", it is the base
    assert (by[2023].energy.change, by[2023].energy.target, by[2023].energy.on_track) == (
        D("-8.00"), D("-9.00"), False)
    assert (by[2023].co2.change, by[2023].co2.on_track) == (D("-10.40"), True)
    assert (by[2025].energy.progress, by[2025].co2.progress) == (D("100.00"), D("100.00"))


def test_the_demo_reaches_minus_13_and_minus_16_5(bureau_admin):
    from programme.demo import targets as demo

    demo.seed(actor=bureau_admin, stdout=StringIO())
    demo.seed(actor=bureau_admin, stdout=StringIO())  # idempotent
    p = sel.progress(bureau_admin)
    assert [r.year for r in p.rows] == [2020, 2021, 2022, 2023, 2024, 2025]
    latest = p.latest
    assert (latest.energy.change, latest.energy.on_track, latest.energy.progress) == (
        D("-13.00"), False, D("86.67"))
    assert (latest.co2.change, latest.co2.on_track, latest.co2.progress) == (
        D("-16.50"), True, D("103.13"))
    y2024 = CityStatistic.objects.get(year=2024)
    assert y2024.history.count() == 2 and y2024.gdp == D("545.53") and "最终核实" in y2024.reason


# --- export and chart -----------------------------------------------------------------------------


def test_export_has_every_year_with_sources_and_intensities(liaison_b, years):
    import openpyxl

    response = client_for(liaison_b).get(reverse("programme:target_export"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert len(rows) == 4  # header + 3 years
    y2023 = rows[2]
    assert y2023[0] == 2023 and y2023[2] == "统计公报2023"
    assert D(str(y2023[7])) == D("2.3") and D(str(y2023[8])) == D("-8")


def test_the_chart_is_a_json_block_and_a_static_script(bureau_admin, years):
    response = client_for(bureau_admin).get(reverse("programme:target_index"))
    html = response.content.decode()
    assert 'id="targets-chart-data"' in html and "js/targets-chart.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    chart = response.context["chart"]
    assert chart["categories"][:6] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert chart["series"][0]["data"][3] == "-8.00" and chart["series"][0]["data"][1] is None
    assert [t["value"] for t in chart["targets"]] == ["-15", "-16"]


# --- dashboards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "liaison_b"])
def test_the_targets_panel_shows_the_latest_year_and_links_to_the_page(personas, persona, years):
    response = client_for(personas[persona]).get("/")
    panel = next(p for p in response.context["panels"] if p.key == "targets")
    figures = {fig.key: fig.value for fig in panel.figures}
    assert figures == {"energy": D("-15.00"), "energy_target": D("-15"),
                       "co2": D("-16.00"), "co2_target": D("-16")}
    assert panel.more_url == reverse("programme:target_index")
    assert [r.year for r in panel.rows] == [2025, 2023, 2020]


def test_enterprises_and_agencies_have_no_targets_panel(personas, years):
    for persona in ("ent_a", "agency_a_staff"):
        response = client_for(personas[persona]).get("/")
        assert "targets" not in [p.key for p in response.context["panels"]]


def test_the_emissions_chart_gets_the_city_co2_beside_the_key_emitters(bureau_admin, years,
                                                                      enterprise_a):
    from dashboards.selectors.base import Context
    from dashboards.selectors.stats import target_series

    ctx = Context(user=bureau_admin, kind="bureau", subject=None, scope="", today=None)
    [series] = target_series(ctx, [2023, 2024])
    assert series["alone"] and series["data"] == ["20160000.00", None]  # 2016 万吨 in t
    assert target_series(ctx, [2019]) == []


def test_the_targets_panel_exports(bureau_admin, years):
    response = client_for(bureau_admin).get(reverse("dashboard_export", kwargs={"panel": "targets"}))
    assert response.status_code == 200
