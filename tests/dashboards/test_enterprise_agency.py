"""The enterprise's tasks and facilities panels, the agency's performance and inspections
panels, and the round of an agency's assignments (issue 16): each figure equals the page it
links to, another enterprise or agency sees nothing of this one, constant queries, export.

Dates are relative to today (the dashboard reads ``timezone.localdate()``): the ledger due is
last month's, the annual report last year's.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import CreditObjection
from oversight import models as om
from oversight.selectors import performance as psel
from reporting import ledger_rules as lr
from reporting.choices import ReportStatus
from reporting.models import AnnualReport, Finding
from reporting.notifications import report_for_agency
from tests import factories as f
from tests.conftest import client_for
from tests.credit import helpers as h
from tests.dashboards.test_dashboards import export, figure, home_queries, panels, sheet, text
from tests.dashboards.test_dashboards import world as world  # noqa: F401 (fixture)
from zhongwei_carbon import notifications

pytestmark = pytest.mark.django_db


def _last_month(today):
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def _inspection(*, enterprise=None, agency=None, actor, status="rectifying", deadline=None):
    target = enterprise or agency
    inspection = om.Inspection.objects.create(
        trigger="complaint", target_kind="enterprise" if enterprise else "agency",
        enterprise=enterprise, agency=agency, target_name=target.name,
        area=enterprise.area if enterprise else None, inspected_on=date(2025, 4, 10),
        status=status, conclusion={"open": "", "rectifying": "rectify"}.get(status, "no_problem"),
        created_by=actor,
    )
    if deadline is not None:
        om.Rectification.objects.create(inspection=inspection, requirements=f"整改{target.name}",
                                        ordered_on=date(2026, 4, 10), working_days=10,
                                        deadline=deadline)
    return inspection


@pytest.fixture
def tasks_world(world, enterprise_a, enterprise_b, ent_a, ent_b, bureau_admin, agency_a):
    today = timezone.localdate()
    year, month = _last_month(today)
    report_year = today.year - 1
    f.listed(year, enterprise_a, enterprise_b)
    f.listed(report_year, enterprise_a, enterprise_b)
    f.ledger_reporting_year(year, upload=20)
    if report_year != year:
        f.ledger_reporting_year(report_year, upload=20)
    kiln = f.FacilityFactory(enterprise=enterprise_a, name="一号窑")
    mill = f.FacilityFactory(enterprise=enterprise_a, name="二号磨")
    f.FacilityFactory(enterprise=enterprise_a, name="旧窑", status="retired")
    f.ledger_make(kiln, year=year, month=month, status="submitted")
    # A's report of last year: verified lines on a facility and the whole enterprise
    report = f.verification_report_passed(enterprise_a, ent_a, year=report_year, facility=kiln)
    other = f.verification_report_passed(enterprise_b, ent_b, year=report_year)
    for rep, text_ in ((report, "缺少燃煤化验记录"), (other, "别家的不符合项")):
        Finding.objects.create(report=rep, round=1, text=text_, raised_by=bureau_admin,
                               sent_at=timezone.now())
    Finding.objects.create(report=report, round=1, text="未发送", raised_by=bureau_admin)
    Finding.objects.create(report=report, round=1, text="已答复", raised_by=bureau_admin,
                           sent_at=timezone.now(), responded_at=timezone.now(), response="改了")
    _inspection(enterprise=enterprise_a, actor=bureau_admin, deadline=today + timedelta(days=5))
    _inspection(enterprise=enterprise_b, actor=bureau_admin, deadline=today - timedelta(days=1))
    h.rule_set(2024)
    ev_a, ev_b = h.event(enterprise_a, summary="甲年报逾期"), h.event(enterprise_b, summary="乙逾期")
    _cy, grades = h.frozen_year(2025, subjects=[enterprise_a, enterprise_b])
    for subject, ev, user in ((enterprise_a, ev_a, ent_a), (enterprise_b, ev_b, ent_b)):
        CreditObjection.objects.create(grade=grades[subject], event=ev, reasons="不服",
                                       filed_by=user, decision_due=today + timedelta(days=9))
    return {**world, "today": today, "year": year, "month": month, "report": report,
            "report_year": report_year, "kiln": kiln, "mill": mill}


def _tasks(client) -> dict:
    panel = panels(client.get("/"))["tasks"]
    return {t.kind: t for t in panel.rows}, panel


# --- enterprise: tasks -------------------------------------------------------------------------


def test_tasks_name_each_kind_with_its_deadline_and_link(tasks_world, ent_a, enterprise_a):
    w = tasks_world
    client = client_for(ent_a)
    by_kind, panel = _tasks(client)
    assert set(by_kind) == {"月度台账", "年度排放报告", "核查不符合项", "信用异议", "配额清缴",
                            "整改"}
    ledger = by_kind["月度台账"]
    due = lr.deadlines(w["year"], w["month"], lr.LedgerDays(20, 5, 40)).upload_due
    assert (ledger.item, ledger.deadline, ledger.days_left) == (
        f"{w['year']}-{w['month']:02d}", due, (due - w["today"]).days)
    # the grid's own cells: the kiln submitted, the mill not, the retired kiln owes nothing
    grid = client.get(ledger.url).context["rows"]
    owed = {r.facility.name for r in grid if r.cells[w["month"] - 1].status in ("missing", "draft")
            and r.facility.status == "operating"}
    assert owed == {"二号磨"} and ledger.state == "尚未提交：二号磨" and not ledger.done
    # the annual report: its status and deadline as the report page shows them
    report = by_kind["年度排放报告"]
    page = client.get(report.url).context
    assert report.state == page["report"].get_status_display()
    assert report.deadline == page["deadlines"].report_due == date(w["report_year"] + 1, 3, 31)
    assert report.done  # submitted: no days left
    assert report.days_left is None
    # the finding sent and not answered (not the unsent one, not the answered one)
    finding = by_kind["核查不符合项"]
    shown = client.get(reverse("reporting:verification_detail", args=[w["report"].pk]))
    open_findings = [x for x in shown.context["findings"] if x.responded_at is None]
    assert [x.text for x in open_findings] == ["缺少燃煤化验记录"]
    assert "缺少燃煤化验记录" in finding.item and finding.deadline is None
    assert client.get(finding.url).status_code == 200
    # the credit objection waiting for the decision, with its due date
    objection = by_kind["信用异议"]
    assert objection.days_left == 9 and "甲年报逾期" in objection.item
    assert client.get(objection.url).status_code == 200
    # the surrender: what the obligation panel (the surrender page's totals) leaves
    surrender = by_kind["配额清缴"]
    assert surrender.done and figure(panels(client.get("/"))["obligation"], "remaining") == 0
    # the rectification, answered on its page
    rect = by_kind["整改"]
    assert rect.days_left == 5 and rect.deadline == w["today"] + timedelta(days=5)
    assert client.get(rect.url).status_code == 200
    # open first by deadline; the done ones last
    kinds = [t.kind for t in panel.rows]
    assert kinds[-2:] == sorted(["年度排放报告", "配额清缴"], key=kinds.index)
    assert figure(panel, "open") == 4
    assert figure(panel, "overdue") == (1 if ledger.days_left < 0 else 0)


def test_tasks_of_another_enterprise_show_its_own(tasks_world, ent_b, enterprise_a):
    w = tasks_world
    response = client_for(ent_b).get("/")
    by_kind = {t.kind: t for t in panels(response)["tasks"].rows}
    html = text(response)
    for probe in (enterprise_a.name, "缺少燃煤化验记录", "甲年报逾期", "整改" + enterprise_a.name,
                  "二号磨"):
        assert probe not in html, probe
    assert "别家的不符合项" in by_kind["核查不符合项"].item
    assert by_kind["整改"].days_left == -1  # overdue
    surrender = by_kind["配额清缴"]
    assert not surrender.done and surrender.state == "尚需清缴：150 吨"
    assert surrender.days_left == (date(2099, 12, 31) - w["today"]).days
    # B's one facility (of its report) has not uploaded; its rectification is overdue
    ledger = by_kind["月度台账"]
    assert ledger.state.startswith("尚未提交：机组") and "二号磨" not in ledger.state
    overdue = 1 + (ledger.days_left < 0)
    assert figure(panels(response)["tasks"], "overdue") == overdue


def test_an_enterprise_not_listed_owes_no_ledger_or_report(world, ent_a):
    kinds = {t.kind for t in panels(client_for(ent_a).get("/"))["tasks"].rows}
    assert "月度台账" not in kinds and "年度排放报告" not in kinds


def test_tasks_export(tasks_world, ent_a):
    client = client_for(ent_a)
    rows = sheet(export(client, "tasks"))
    panel = panels(client.get("/"))["tasks"]
    assert rows[0] == ("类别", "事项", "状态", "期限", "剩余天数")
    assert [r[0] for r in rows[1:]] == [t.kind for t in panel.rows]


# --- enterprise: facilities --------------------------------------------------------------------


def test_facilities_equal_the_report_page(tasks_world, ent_a, ent_b):
    w = tasks_world
    client = client_for(ent_a)
    response = client.get("/")
    panel = panels(response)["facilities"]
    groups = client.get(reverse("reporting:report_detail", args=[w["report"].pk])).context["groups"]
    expected = {(g["facility"].name if g["facility"] else None): g["total"] for g in groups}
    shown = {r["facility"]: r["emissions"] for r in panel.rows}
    whole = [k for k in shown if k != "一号窑"]
    assert shown["一号窑"] == Decimal("20000.00") == expected["一号窑"]
    assert len(whole) == 1 and shown[whole[0]] == Decimal("10573.36") == expected[None]
    assert {r["year"] for r in panel.rows} == {w["report_year"]}
    assert panel.chart["categories"] == ["一号窑", whole[0]]
    assert panel.chart["series"] == [{"name": str(w["report_year"]),
                                      "data": ["20000.00", "10573.36"]}]
    assert f'href="{reverse("reporting:report_detail", args=[w["report"].pk])}"' in text(response)
    rows = sheet(export(client, "facilities"))
    assert [r[1] for r in rows[1:]] == [r["facility"] for r in panel.rows]
    other = panels(client_for(ent_b).get("/"))["facilities"]
    assert "一号窑" not in {r["facility"] for r in other.rows}


def test_facilities_without_report_lines(world, ent_a):
    panel = panels(client_for(ent_a).get("/"))["facilities"]
    assert panel.rows == [] and panel.chart is None


# --- agency: the round, performance, inspections -----------------------------------------------


def test_the_round_of_an_assignment_is_the_one_its_todo_names(world, agency_a, agency_a_staff,
                                                               enterprise_a):
    report = AnnualReport.objects.get(enterprise=enterprise_a)
    AnnualReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.ASSIGNED, agency=agency_a, verification_due=date(2099, 1, 3))
    report_for_agency(report_id=report.pk)
    todo = notifications.open_todos(agency_a_staff).get()
    assert "第 1 轮次" in todo.subject
    response = client_for(agency_a_staff).get("/")
    cells, _link = panels(response)["assignments"].table[0]
    assert cells[3] == "1"
    # a round returned after re-check: the second
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.RECHECK_RETURNED,
                                                     verification_round=1)
    report_for_agency(report_id=report.pk)
    assert any("第 2 轮次" in n.subject for n in notifications.open_todos(agency_a_staff))
    cells, _link = panels(client_for(agency_a_staff).get("/"))["assignments"].table[0]
    assert cells[3] == "2"
    assert sheet(export(client_for(agency_a_staff), "assignments"))[1][3] == 2


@pytest.fixture
def agency_world(world, agency_a, agency_b, enterprise_a, enterprise_b, bureau_admin):
    a = AnnualReport.objects.get(enterprise=enterprise_a)
    b = AnnualReport.objects.get(enterprise=enterprise_b)
    AnnualReport.objects.filter(pk=a.pk).update(
        status=ReportStatus.ASSIGNED, agency=agency_a, assigned_at=timezone.now(),
        verification_due=date(2000, 1, 3))
    AnnualReport.objects.filter(pk=b.pk).update(
        status=ReportStatus.ASSIGNED, agency=agency_b, assigned_at=timezone.now(),
        verification_due=date(2099, 1, 3))
    today = timezone.localdate()
    mine = _inspection(agency=agency_a, actor=bureau_admin, deadline=today + timedelta(days=3))
    _inspection(agency=agency_a, actor=bureau_admin, status="open")
    _inspection(agency=agency_b, actor=bureau_admin, status="closed")
    _inspection(enterprise=enterprise_a, actor=bureau_admin, status="open")
    return {**world, "mine": mine, "today": today}


def test_performance_equals_the_league_page(agency_world, agency_a_staff, agency_b_staff):
    for user in (agency_a_staff, agency_b_staff):
        client = client_for(user)
        panel = panels(client.get("/"))["performance"]
        page = client.get(reverse("oversight:performance")).context
        assert len(page["rows"]) == 1
        row = page["rows"][0]
        assert panel.title == f"{page['year']} 年度绩效"
        for f_ in psel.FIGURES:
            assert figure(panel, f_.key) == f_.value(row), f_.key
        assert all(x.url == f"{reverse('oversight:performance')}?year={page['year']}"
                   for x in panel.figures)
    panel = panels(client_for(agency_a_staff).get("/"))["performance"]
    assert (figure(panel, "assignments"), figure(panel, "on_time_rate")) == (1, Decimal("0"))
    rows = sheet(export(client_for(agency_a_staff), "performance"))
    assert len(rows) - 1 == len(psel.FIGURES)


def test_performance_before_any_assignment(world, agency_a_staff):
    panel = panels(client_for(agency_a_staff).get("/"))["performance"]
    assert figure(panel, "assignments") == 0 and figure(panel, "on_time_rate") is None


def test_inspections_equal_the_inspection_list(agency_world, agency_a_staff, agency_b_staff,
                                               agency_a, enterprise_a):
    client = client_for(agency_a_staff)
    response = client.get("/")
    panel = panels(response)["inspections"]
    listed = client.get(reverse("oversight:inspection_list")).context["page_obj"]
    assert [i.pk for i in panel.rows] == [i.pk for i in listed]
    assert figure(panel, "total") == listed.paginator.count == 2
    for key, status in (("open", "open"), ("rectifying", "rectifying")):
        page = client.get(reverse("oversight:inspection_list"), {"status": status}).context
        assert figure(panel, key) == page["page_obj"].paginator.count == 1, key
    row = next(cells for cells, _l in panel.table if cells[4] == "整改中")
    assert row[-1] == (agency_world["today"] + timedelta(days=3)).isoformat()
    assert {i.target_name for i in panel.rows} == {agency_a.name}  # not the enterprise's
    other = panels(client_for(agency_b_staff).get("/"))["inspections"]
    assert figure(other, "total") == 1 and agency_a.name not in {i.target_name for i in other.rows}
    rows = sheet(export(client, "inspections"))
    assert [r[0] for r in rows[1:]] == [agency_a.name, agency_a.name]


# --- constant queries --------------------------------------------------------------------------


def _count(client) -> int:
    return home_queries(client)


def test_enterprise_dashboard_queries_do_not_grow_with_its_tasks(tasks_world, ent_a, enterprise_a,
                                                                bureau_admin):
    w = tasks_world
    client = client_for(ent_a)
    client.get("/")
    few = _count(client)
    for n in range(5):
        Finding.objects.create(report=w["report"], round=1, text=f"问题{n}", raised_by=bureau_admin,
                               sent_at=timezone.now())
        _inspection(enterprise=enterprise_a, actor=bureau_admin,
                    deadline=w["today"] + timedelta(days=n))
        f.FacilityFactory(enterprise=enterprise_a, name=f"新机组{n}")
    f.verification_report_passed(enterprise_a, ent_a, year=w["report_year"] - 2)
    assert _count(client) == few == 30


def test_agency_dashboard_queries_do_not_grow_with_its_inspections(agency_world, agency_a,
                                                                  agency_a_staff, bureau_admin):
    client = client_for(agency_a_staff)
    client.get("/")
    few = _count(client)
    for n in range(5):
        _inspection(agency=agency_a, actor=bureau_admin,
                    deadline=agency_world["today"] + timedelta(days=n))
    assert _count(client) == few == 16
