"""Each role's dashboard (issue 16, first slice): who lands on which panels, that a county
official sees nothing of another area, that every figure equals the list page it links to,
constant queries, and each panel's Excel export (scoped).

World (cycle 2024, deadline far ahead), as tests/allowances/test_compliance.py:
A (沙坡头区): obligation 100, surrendered 100; B (中宁县): 200, surrendered 50;
C (沙坡头区): 300, surrendered nothing.
"""

from __future__ import annotations

import io
import pathlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allowances import rules
from allowances.choices import MilestoneKind
from allowances.models import ComplianceCycle, Milestone
from allowances.selectors import compliance as csel
from allowances.services import ledger
from dashboards.panels import percent
from reporting.choices import ReportStatus
from reporting.models import AnnualReport
from tests import factories as f
from tests.conftest import PERSONAS, client_for
from zhongwei_carbon import notifications
from zhongwei_carbon.models import Topic

pytestmark = pytest.mark.django_db

OFFICIAL = ["todo", "work", "pipeline", "ledgers", "compliance", "shortfalls", "sectors",
            "emissions", "targets"]
BUREAU = [*OFFICIAL, "agencies", "credit_grades", "complaints", "programme_tasks"]
# the agency league is the bureau's
AREA = [*OFFICIAL, "credit_grades", "complaints", "programme_tasks"]
PANELS = {
    "bureau_admin": BUREAU, "bureau_reviewer": BUREAU,
    "official_a": AREA, "official_b": AREA,
    "ent_a": ["todo", "tasks", "obligation", "credit", "emissions", "facilities", "notices"],
    "ent_b": ["todo", "tasks", "obligation", "credit", "emissions", "facilities", "notices"],
    "agency_a_staff": ["todo", "assignments", "performance", "inspections", "credit"],
    "agency_b_staff": ["todo", "assignments", "performance", "inspections", "credit"],
    "liaison_a": ["todo", "programme_tasks", "targets", "notices"],
    "liaison_b": ["todo", "programme_tasks", "targets", "notices"],
}


def _obliged(ent, verified, surrender, cycle, actor):
    f.obliged(ent, 2024, verified)
    account = ledger.account_for(ent)
    ledger.allocate(actor=actor, account=account, cycle=cycle, vintage=2024, quantity=1000)
    if surrender:
        ledger.surrender(actor=actor, account=account, cycle=cycle,
                         obligation=rules.obligation(Decimal(verified)), cea=[(2024, surrender)])


@pytest.fixture
def world(enterprise_a, enterprise_b, area_a, bureau_admin, ent_a, ent_b):
    cycle = ComplianceCycle.objects.create(year=2024, name="2024")
    Milestone.objects.create(cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE,
                             due_date=date(2099, 12, 31))
    c = f.EnterpriseFactory(name="沙坡头热电", area=area_a)
    for ent, verified, surrender in ((enterprise_a, "99.10", 100), (enterprise_b, "200.00", 50),
                                     (c, "299.01", 0)):
        _obliged(ent, verified, surrender, cycle, bureau_admin)
    f.report_draft(enterprise_a, ent_a)
    submitted = f.report_draft(enterprise_b, ent_b)
    AnnualReport.objects.filter(pk=submitted.pk).update(status=ReportStatus.SUBMITTED)
    f.report_draft(c, bureau_admin)
    return {"cycle": cycle, "c": c}


def panels(response) -> dict:
    return {p.key: p for p in response.context["panels"]}


def figure(panel, key):
    return next(x.value for x in panel.figures if x.key == key)


def home_queries(client) -> int:
    """The queries of one request of the user's dashboard (``/``), which must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def text(response) -> str:
    return response.content.decode()


# --- who lands where ---------------------------------------------------------------------------


def test_each_persona_lands_on_its_dashboard(world, personas, area_a, area_b, enterprise_a,
                                             agency_a):
    scopes = {"bureau_admin": "全市", "bureau_reviewer": "全市", "official_a": str(area_a),
              "official_b": str(area_b), "ent_a": enterprise_a.name, "ent_b": "中宁水泥有限公司",
              "agency_a_staff": agency_a.name, "agency_b_staff": "西北低碳技术服务公司",
              "liaison_a": "市发展和改革委员会", "liaison_b": "宁夏银行中卫分行"}
    for persona in PERSONAS:
        response = client_for(personas[persona]).get("/")
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == 200, persona
        assert list(panels(response)) == PANELS[persona], persona
        html = text(response)
        scope = scopes[persona]
        assert re.search(rf'id="dashboard-title">{re.escape(scope)} · 工作台<', html), persona
        titles = re.findall(r'class="h6 mb-0 panel-title">([^<]*)<', html)
        assert titles and all(t.startswith(f"{scope} · ") for t in titles), (persona, titles)


def test_the_chart_data_is_a_json_block_and_the_script_a_static_file(world, bureau_admin):
    html = text(client_for(bureau_admin).get("/"))
    assert '<script id="dashboard-charts" type="application/json">' in html
    assert "dashboard-charts.js" in html and "echarts-6.1.0.min.js" in html
    assert not re.search(r"<script>(?!\s*</script>)", html)  # no inline script
    assert 'data-dashboard-chart="compliance"' in html and "dashboard.css" in html


def test_county_dashboard_shows_nothing_of_another_area(world, official_a, enterprise_b, area_a,
                                                       area_b):
    response = client_for(official_a).get("/")
    html = text(response)
    for probe in (enterprise_b.name, str(area_b), "全市"):
        assert probe not in html, probe
    shortfalls = panels(response)["shortfalls"]
    assert [r.enterprise.name for r in shortfalls.rows] == ["沙坡头热电"]
    assert [name for name, _rate in panels(response)["compliance"].rows] == [str(area_a)]


# --- figures equal their lists -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "official_b"])
def test_compliance_figures_equal_the_compliance_page(world, personas, persona):
    client = client_for(personas[persona])
    panel = panels(client.get("/"))["compliance"]
    page = client.get(reverse("allowances:compliance"), {"cycle": 2024}).context
    city = page["data"].city
    assert figure(panel, "rate_count") == percent(city.by_count)
    assert figure(panel, "rate_tonnes") == percent(city.by_tonnes)
    assert figure(panel, "complied") == city.complied_count
    assert figure(panel, "shortfall") == city.due_tonnes - city.surrendered_tonnes
    assert figure(panel, "days") == page["days_left"]
    assert panel.rows == page["data"].by_area
    by_remaining = client.get(reverse("allowances:compliance"),
                              {"cycle": 2024, "ordering": "-remaining"}).context["page_obj"]
    top = [(r.enterprise.pk, r.remaining) for r in by_remaining if r.remaining]
    shortfalls = panels(client.get("/"))["shortfalls"]
    assert [(r.enterprise.pk, r.remaining) for r in shortfalls.rows] == top[:10]


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a"])
def test_each_county_row_opens_the_compliance_page_of_that_county(world, personas, persona):
    client = client_for(personas[persona])
    panel = panels(client.get("/"))["compliance"]
    assert panel.rows
    for (name, rate), (_cells, link) in zip(panel.rows, panel.table, strict=True):
        assert link.startswith(reverse("allowances:compliance") + "?cycle=2024&area=")
        rows = list(client.get(link).context["data"].rows)
        assert {str(r.enterprise.area) for r in rows} == {name}
        due = [r for r in rows if r.obligation]
        assert rate.due_count == len(due)
        assert rate.complied_count == sum(r.remaining == 0 for r in due)
        assert rate.due_tonnes - rate.surrendered_tonnes == sum(r.remaining for r in due)


def test_compliance_page_filters_by_county(world, bureau_admin, official_b, area_a, area_b):
    page = reverse("allowances:compliance")
    client = client_for(bureau_admin)
    response = client.get(page, {"cycle": 2024, "area": area_a.pk})
    assert sorted(r.enterprise.name for r in response.context["page_obj"]) == [
        "沙坡头发电有限公司", "沙坡头热电"]
    assert 'name="area"' in text(response)  # the bureau picks among the counties
    # the rates above the table still cover every row in scope, not the filter
    assert response.context["data"].city.due_count == 3
    export = client.get(reverse("allowances:compliance_export"), {"cycle": 2024, "area": area_a.pk})
    assert sorted(r[1] for r in sheet(export)[1:]) == ["沙坡头发电有限公司", "沙坡头热电"]
    for junk in ("x", "-1", "9" * 30):  # not a pk: no filter
        assert len(client.get(page, {"cycle": 2024, "area": junk}).context["page_obj"]) == 3
    # another county's pk shows an official nothing of it; one area: no area picker
    response = client_for(official_b).get(page, {"cycle": 2024, "area": area_a.pk})
    assert list(response.context["page_obj"]) == []
    assert 'name="area"' not in text(response)


def test_bureau_figures_by_hand(world, bureau_admin):
    panel = panels(client_for(bureau_admin).get("/"))["compliance"]
    # due 100 + 200 + 300; surrendered 100 + 50; one of three in full
    assert figure(panel, "shortfall") == 450
    assert figure(panel, "complied") == 1
    assert figure(panel, "rate_count") == "33.33"
    assert figure(panel, "rate_tonnes") == "25.00"


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "official_b"])
def test_pipeline_equals_the_report_list(world, personas, persona):
    client = client_for(personas[persona])
    panel = panels(client.get("/"))["pipeline"]
    listed = reverse("reporting:report_list")
    for status, _label, count in panel.rows:
        page = client.get(listed, {"year": 2024, "status": status}).context["page_obj"]
        assert count == page.paginator.count, status
    total = client.get(listed, {"year": 2024}).context["page_obj"].paginator.count
    assert figure(panel, "reports") == total
    assert f'href="{listed}?year=2024&amp;status=submitted"' in text(client.get("/"))


def test_enterprise_obligation_equals_the_surrender_totals(world, ent_a, enterprise_a):
    response = client_for(ent_a).get("/")
    panel = panels(response)["obligation"]
    totals = csel.totals(ledger.account_for(enterprise_a), world["cycle"])
    assert (figure(panel, "obligation"), figure(panel, "surrendered"), figure(panel, "held"),
            figure(panel, "remaining"), figure(panel, "ccer_cap"), figure(panel, "headroom")) == (
        100, 100, 900, 0, 5, 5) == (totals.obligation, totals.done, totals.held,
                                    totals.remaining, totals.cap, totals.headroom)
    emissions = panels(response)["emissions"]
    assert [(r.year, r.emissions_tco2e) for r in emissions.rows] == [(2024, Decimal("99.10"))]
    assert ">2024</a>" in text(response)  # a year, not a figure (no "2,024")
    assert "沙坡头热电" not in text(response)


def test_tonnes_are_said_in_chinese(world, ent_a, bureau_admin):
    """Allowance figures carry the unit the lists' headers use (吨), never a bare "t"."""
    obligation = panels(client_for(ent_a).get("/"))["obligation"]
    assert {f.unit for f in obligation.figures if f.key != "days"} == {"吨"}
    assert obligation.chart["unit"] == "吨"
    compliance = panels(client_for(bureau_admin).get("/"))["compliance"]
    assert next(f for f in compliance.figures if f.key == "shortfall").unit == "吨"


def test_agency_sees_its_open_assignments_only(world, agency_a, agency_a_staff, agency_b_staff,
                                               enterprise_a):
    report = AnnualReport.objects.get(enterprise=enterprise_a)
    AnnualReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RECHECK_RETURNED, agency=agency_a, verification_due=date(2000, 1, 3),
        verification_round=1)
    panel = panels(client_for(agency_a_staff).get("/"))["assignments"]
    assert [r.pk for r in panel.rows] == [report.pk]
    assert (figure(panel, "open"), figure(panel, "returned"), figure(panel, "overdue")) == (1, 1, 1)
    other = client_for(agency_b_staff).get("/")
    assert panels(other)["assignments"].rows == [] and enterprise_a.name not in text(other)


def test_assignment_figures_equal_the_queue_they_open(world, agency_a, agency_a_staff,
                                                      enterprise_a, enterprise_b):
    """The queue also lists the agency's verified reports (waiting for the bureau's re-check):
    each figure opens the queue narrowed to what it counts, never the whole queue."""
    c = world["c"]
    due = {enterprise_a: date(2000, 1, 3), enterprise_b: date(2099, 1, 3), c: date(2000, 1, 3)}
    status = {enterprise_a: ReportStatus.ASSIGNED, enterprise_b: ReportStatus.RECHECK_RETURNED,
              c: ReportStatus.VERIFIED}
    for ent in (enterprise_a, enterprise_b, c):
        AnnualReport.objects.filter(enterprise=ent).update(
            status=status[ent], agency=agency_a, verification_due=due[ent])
    client = client_for(agency_a_staff)
    panel = panels(client.get("/"))["assignments"]
    assert (figure(panel, "open"), figure(panel, "overdue")) == (2, 1)
    for key in ("open", "overdue", "returned"):
        fig = next(f for f in panel.figures if f.key == key)
        page = client.get(fig.url).context["page_obj"]
        assert page.paginator.count == fig.value, key
    overdue = next(f for f in panel.figures if f.key == "overdue")
    assert [r.report.enterprise for r in client.get(overdue.url).context["page_obj"]] == [
        enterprise_a]
    # the unfiltered queue has the verified report too; junk in ?show= filters nothing
    assert client.get(reverse("reporting:verification_queue"),
                      {"show": "junk"}).context["page_obj"].paginator.count == 3


def test_todo_is_the_users_own_newest_first(world, official_a, official_b):
    for n in range(12):
        notifications.notify(recipients=[official_a], key=f"t{n}", subject=f"待办事项{n:02d}",
                             link="/reporting/reports/", topic=Topic.OTHER, todo=True)
    notifications.notify(recipients=[official_b], key="b", subject="别区的待办", todo=True)
    response = client_for(official_a).get("/")
    panel = panels(response)["todo"]
    assert figure(panel, "open") == 12
    assert [n.subject for n in panel.rows] == [f"待办事项{n:02d}" for n in range(11, 1, -1)]
    html = text(response)
    assert "别区的待办" not in html and 'href="/notifications/?show=todo"' in html


def test_notices_are_the_enterprises_unread_as_the_inbox_counts_them(world, ent_a, ent_b):
    for n in range(11):
        notifications.notify(recipients=[ent_a], key=f"n{n}", subject=f"通知事项{n:02d}",
                             todo=n % 2 == 0)
    notifications.notify(recipients=[ent_b], key="b", subject="别家企业的通知")
    read = notifications.notify(recipients=[ent_a], key="r", subject="已读的通知")
    read[0].__class__.objects.filter(pk=read[0].pk).update(read_at=read[0].created_at)
    client = client_for(ent_a)
    response = client.get("/")
    panel = panels(response)["notices"]
    inbox = client.get(reverse("notifications"), {"show": "unread"})
    assert figure(panel, "unread") == inbox.context["page_obj"].paginator.count == 11
    assert [n.subject for n in panel.rows] == [f"通知事项{n:02d}" for n in range(10, 0, -1)]
    html = text(response)
    assert "别家企业的通知" not in html and "已读的通知" not in html
    assert 'href="/notifications/?show=unread"' in html
    rows = sheet(export(client, "notices"))
    assert len(rows) == 1 + 11 and rows[1][0] == "通知事项10"


# --- constant queries --------------------------------------------------------------------------


def _grow(n, area, cycle, actor, owner):
    """``n`` more enterprises in ``area``: each obliged, with a report, a facility and a
    monthly ledger of this year (the ledger panel counts them)."""
    year = timezone.localdate().year
    f.ledger_reporting_year(year)
    for i in range(n):
        ent = f.EnterpriseFactory(name=f"增量企业{i}", area=area)
        _obliged(ent, "10.00", 5 if i % 2 else 0, cycle, actor)
        f.report_draft(ent, owner)
        f.ledger_make(f.FacilityFactory(enterprise=ent), year=year, month=1,
                      status="submitted", submitted_at=timezone.now())


def test_bureau_dashboard_queries_do_not_grow_with_enterprises(world, bureau_admin, area_a,
                                                               area_b):
    client = client_for(bureau_admin)
    f.ledger_reporting_year(timezone.localdate().year)  # the ledger panel reads its counts
    client.get("/")  # warm the session and caches

    def count():
        return home_queries(client)

    few = count()
    _grow(12, area_a, world["cycle"], bureau_admin, bureau_admin)
    _grow(12, area_b, world["cycle"], bureau_admin, bureau_admin)
    # 12; the work panel 7 (tests/dashboards/test_work.py); the ledgers 3 (days, facilities,
    # counts) and the key emitters' emissions 4; the 2025 targets 1 (the city's statistics,
    # shared with the emissions chart); the league, grades and complaints 3 (no league or
    # credit year here: tests/dashboards/test_league.py pins them with data); the programme
    # tasks 4 (no task here: tasks by status, units owed, late milestones, reports to review;
    # tests/programme/test_tasks_pages.py checks them with tasks)
    assert count() == few == 34


@pytest.mark.parametrize("persona", ["official_a", "ent_a", "agency_a_staff"])
def test_other_dashboards_queries_do_not_grow_with_enterprises(world, personas, persona,
                                                               bureau_admin, area_a, agency_a):
    client = client_for(personas[persona])
    f.ledger_reporting_year(timezone.localdate().year)
    # one assignment already: the queue's prefetch runs from the first row on
    AnnualReport.objects.filter(enterprise__name="沙坡头发电有限公司").update(
        status=ReportStatus.ASSIGNED, agency=agency_a, verification_due=date(2099, 1, 1))
    client.get("/")

    def count():
        return home_queries(client)

    few = count()
    _grow(12, area_a, world["cycle"], bureau_admin, bureau_admin)
    AnnualReport.objects.filter(enterprise__name__startswith="增量企业").update(
        status=ReportStatus.ASSIGNED, agency=agency_a, verification_due=date(2099, 1, 1))
    assert count() == few


# --- exports -----------------------------------------------------------------------------------


def sheet(response) -> list[tuple]:
    import openpyxl

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return [tuple(r) for r in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(
        values_only=True)]


def export(client, key):
    return client.get(reverse("dashboard_export", kwargs={"panel": key}))


def test_compliance_exports_are_scoped(world, bureau_admin, official_a, area_a, area_b):
    rows = sheet(export(client_for(bureau_admin), "compliance"))
    assert sorted(r[0] for r in rows[1:]) == sorted([str(area_a), str(area_b)])
    rows = sheet(export(client_for(official_a), "compliance"))
    assert [r[0] for r in rows[1:]] == [str(area_a)]
    assert rows[1][1:3] == (2, 1) and rows[1][-1] == 300  # A in full, C 300 short
    rows = sheet(export(client_for(official_a), "shortfalls"))
    assert [r[0] for r in rows[1:]] == ["沙坡头热电"]
    rows = sheet(export(client_for(bureau_admin), "shortfalls"))
    assert [r[0] for r in rows[1:]] == ["沙坡头热电", "中宁水泥有限公司"]


def test_every_panel_exports_what_it_shows(world, personas):
    for persona, keys in PANELS.items():
        client = client_for(personas[persona])
        shown = panels(client.get("/"))
        for key in keys:
            rows = sheet(export(client, key))
            panel = shown[key]
            expected = len(panel.rows) if panel.columns else len(panel.figures)
            if key != "todo":
                assert len(rows) - 1 == expected, (persona, key)


def test_pipeline_export_counts(world, official_a):
    rows = dict(sheet(export(client_for(official_a), "pipeline"))[1:])
    assert rows[str(ReportStatus.DRAFT.label)] == 2 and rows[str(ReportStatus.SUBMITTED.label)] == 0


def test_a_panel_not_on_the_users_dashboard_is_404(world, personas):
    for persona, key in (("ent_a", "compliance"), ("ent_a", "assignments"),
                         ("agency_a_staff", "obligation"), ("official_a", "obligation"),
                         ("bureau_admin", "obligation"), ("bureau_admin", "nope")):
        assert export(client_for(personas[persona]), key).status_code == 404, (persona, key)
    response = export(client_for(None), "todo")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- layering ----------------------------------------------------------------------------------


def test_nothing_imports_dashboards():
    from django.conf import settings

    assert settings.INSTALLED_APPS[-1] == "dashboards"
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(root))
        for app in ("zhongwei_carbon", "accounts", "registry", "verifiers", "reporting",
                    "allowances", "oversight", "complaints", "credit")
        for p in (root / app).rglob("*.py")
        if re.search(r"^\s*(from|import) dashboards\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []
