"""The "work" panel of the bureau and county dashboards (issue 16): what waits on the desk, one
row per kind of work, each count the count of the filtered list its row links to (as each
persona that sees it), the earliest due date that list shows, nothing of another area on a
county dashboard, a constant number of queries and the export.

World: reporting year 2024 (city check of reports due 2025-06-30; a county checks a report
within 10 days, a ledger within 5); in 沙坡头区 (A) and 中宁县 (B) reports at each step,
submitted ledgers, surrender requests, complaints, inspections of a plan whose period ended,
a pending credit objection and an account application.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allowances.choices import SurrenderStatus
from allowances.models import SurrenderRequest
from allowances.services import ledger
from complaints.choices import Status as ComplaintStatus
from complaints.models import Complaint
from credit.models import CreditObjection
from dashboards.selectors.base import Context
from dashboards.selectors.work import work_rows
from oversight.choices import InspectionStatus, InspectorKind
from oversight.models import Inspection, InspectionInspector, InspectionPlan, Inspector
from registry.models import RegistrationRequest
from reporting.choices import ReportStatus
from reporting.models import AnnualReport, ReportVersion
from tests import factories as f
from tests.conftest import client_for
from tests.credit import helpers as credit
from tests.dashboards.test_dashboards import export, sheet
from zhongwei_carbon import roles

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = timezone.localdate()
_serial = itertools.count(1)

BUREAU = ["report_assign", "report_recheck", "surrender_approve", "surrender_confirm",
          "credit_objections", "complaints_triage", "complaints_reply", "inspections_overdue"]
ROWS = {
    "bureau_admin": ["inspections_mine", *BUREAU, "applications"],
    "bureau_reviewer": ["inspections_mine", "complaints_mine", *BUREAU],
    "official_a": ["ledger_check_2024", "report_check", "inspections_mine", "complaints_mine",
                   "report_assign", "report_recheck", "surrender_approve", "surrender_confirm",
                   "inspections_overdue"],
}
ROWS["official_b"] = ROWS["official_a"]


def _report(enterprise, owner, status, *, submitted: datetime | None = None):
    report = f.report_draft(enterprise, owner)
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    if submitted is not None:
        ReportVersion.objects.filter(report=report).update(submitted_at=submitted, submitted_by=owner)
    return report


def _complaint(enterprise, status, *, handler=None, area=None, due=None):
    return Complaint.objects.create(
        number=f"TS{next(_serial):06d}", secret_hash="x", category="false_data",
        target_kind="enterprise", enterprise=enterprise, area=enterprise.area, description="台账造假",
        status=status, filed_at=timezone.now(), handler=handler, assigned_area=area, reply_due=due)


def _inspection(plan, enterprise, admin, *, inspectors=(), status=InspectionStatus.OPEN):
    inspection = Inspection.objects.create(
        plan=plan, trigger="plan", target_kind="enterprise", enterprise=enterprise,
        target_name=enterprise.name, area=enterprise.area, created_by=admin,
        **({} if status == InspectionStatus.OPEN else
           {"status": status, "conclusion": "no_problem", "concluded_at": timezone.now()}))
    for inspector in inspectors:
        InspectionInspector.objects.create(inspection=inspection, inspector=inspector)
    return inspection


def _plan(admin, end: date, title: str):
    return InspectionPlan.objects.create(
        year=end.year, title=title, targets="enterprises", legal_basis="《管理办法》第三十一条",
        start_date=end - timedelta(days=90), end_date=end, created_by=admin)


@pytest.fixture
def desk(personas, enterprise_a, enterprise_b, area_a, area_b):
    admin, reviewer = personas["bureau_admin"], personas["bureau_reviewer"]
    official_a, official_b = personas["official_a"], personas["official_b"]
    f.ledger_reporting_year(2024)  # report: city due 2025-06-30, county 10 days; ledger 5 days
    a2 = f.EnterpriseFactory(name="沙坡头热电", area=area_a)
    b2 = f.EnterpriseFactory(name="中宁铝业有限公司", area=area_b)
    # reports: A submitted 3 March and 1 March (county due 13 and 11 March), B 5 March
    _report(enterprise_a, admin, ReportStatus.SUBMITTED, submitted=datetime(2025, 3, 3, 9, tzinfo=SHANGHAI))
    _report(a2, admin, ReportStatus.SUBMITTED, submitted=datetime(2025, 3, 1, 23, tzinfo=SHANGHAI))
    _report(enterprise_b, admin, ReportStatus.SUBMITTED, submitted=datetime(2025, 2, 5, 9, tzinfo=SHANGHAI))
    _report(f.EnterpriseFactory(area=area_a), admin, ReportStatus.COUNTY_PASSED)
    _report(b2, admin, ReportStatus.COUNTY_PASSED)
    _report(f.EnterpriseFactory(area=area_b), admin, ReportStatus.COUNTY_PASSED)
    _report(f.EnterpriseFactory(area=area_a), admin, ReportStatus.VERIFIED)
    # ledgers: two months of one facility in A, one in B
    fa, fb = f.FacilityFactory(enterprise=enterprise_a), f.FacilityFactory(enterprise=enterprise_b)
    for facility, month, day in ((fa, 1, 18), (fa, 2, 10), (fb, 1, 2)):
        f.ledger_make(facility, year=2024, month=month, status="submitted",
                      submitted_at=datetime(2024, month + 1, day, 10, tzinfo=SHANGHAI))
    f.ledger_make(fa, year=2024, month=3, status="county_checked")
    # surrenders: A requested, B requested and approved, A confirmed (not waiting)
    cycle = f.cycle_with_deadline(2024, date(2099, 12, 31))
    for ent, status in ((enterprise_a, SurrenderStatus.REQUESTED),
                        (enterprise_b, SurrenderStatus.REQUESTED),
                        (enterprise_b, SurrenderStatus.APPROVED),
                        (enterprise_a, SurrenderStatus.CONFIRMED)):
        SurrenderRequest.objects.create(account=ledger.account_for(ent), cycle=cycle,
                                        cea=[[2024, 10]], status=status, requested_by=admin)
    # complaints: two to triage, one reply to approve, one with each county official, one
    # with the reviewer
    _complaint(enterprise_a, ComplaintStatus.RECEIVED)
    _complaint(enterprise_b, ComplaintStatus.RECEIVED)
    _complaint(enterprise_a, ComplaintStatus.REPLY_PENDING, handler=official_a, area=area_a,
               due=date(2025, 5, 9))
    _complaint(enterprise_a, ComplaintStatus.ASSIGNED, handler=official_a, area=area_a,
               due=date(2025, 5, 20))
    _complaint(enterprise_b, ComplaintStatus.ASSIGNED, handler=official_b, area=area_b,
               due=date(2025, 5, 6))
    _complaint(enterprise_b, ComplaintStatus.ASSIGNED, handler=reviewer, due=date(2025, 6, 1))
    # inspections: a plan ended 30 days ago (overdue while open), one ending in 30 days
    ended = _plan(admin, TODAY - timedelta(days=30), "已结束的抽查")
    running = _plan(admin, TODAY + timedelta(days=30), "进行中的抽查")
    inspectors = {
        "reviewer": Inspector.objects.create(kind=InspectorKind.BUREAU, user=reviewer, name="审核员"),
        "a": Inspector.objects.create(kind=InspectorKind.COUNTY, user=official_a, name="沙坡头经办",
                                      area=area_a),
        "b": Inspector.objects.create(kind=InspectorKind.COUNTY, user=official_b, name="中宁经办",
                                      area=area_b),
    }
    _inspection(ended, enterprise_a, admin, inspectors=[inspectors["b"]])
    _inspection(ended, enterprise_b, admin, inspectors=[inspectors["a"], inspectors["reviewer"]])
    _inspection(ended, a2, admin, status=InspectionStatus.CLOSED)
    _inspection(running, b2, admin, inspectors=[inspectors["b"]])
    # a pending credit objection of enterprise_a, due 2026-01-10
    cy, grades = credit.frozen_year(2025, subjects=[enterprise_a])
    ev = credit.event(enterprise_a)
    CreditObjection.objects.create(grade=grades[enterprise_a], event=ev, reasons="事实有误",
                                   filed_by=admin, decision_due=date(2026, 1, 10))
    RegistrationRequest.objects.create(
        uscc=enterprise_a.uscc, enterprise_name=enterprise_a.name, enterprise=enterprise_a,
        applicant_name="张三", phone="13900000000", email="a@example.com", username="zhangsan",
        password_hash="x")
    return personas


def _panel(client):
    return next(p for p in client.get("/").context["panels"] if p.key == "work")


def _rows(client) -> dict:
    return {w.key: w for w in _panel(client).rows}


def listed(client, work) -> tuple[int, date | None, str]:
    """(count, earliest due date, html) of the list the row links to, as the page shows it
    (``...`` for a list that shows no due date: the ledger grid, a county's report list of
    reports waiting for assignment)."""
    response = client.get(work.url)
    assert response.status_code == 200, work.url
    context, html = response.context, response.content.decode()
    if work.key.startswith("ledger_check_"):
        cells = [c for row in context["rows"] for c in row.cells if c.status == "submitted"]
        return len(cells), ..., html
    page = context["page_obj"]
    items = list(page)
    due = {
        "report_check": lambda r: r.deadline.county_due,
        "report_assign": lambda r: r.due,
        "credit_objections": lambda o: o.decision_due,
        "complaints_triage": lambda c: c.reply_due, "complaints_reply": lambda c: c.reply_due,
        "complaints_mine": lambda c: c.reply_due,
        "inspections_overdue": lambda i: i.plan.end_date,
        "inspections_mine": lambda i: i.plan.end_date,
    }.get(work.key, lambda _r: None)
    if work.key == "report_assign" and "verification" not in work.url:
        return page.paginator.count, ..., html
    dues = [d for d in map(due, items) if d is not None]
    return page.paginator.count, min(dues) if dues else None, html


@pytest.mark.parametrize("persona", ["bureau_admin", "bureau_reviewer", "official_a", "official_b"])
def test_every_count_equals_its_list(desk, persona):
    client = client_for(desk[persona])
    rows = _panel(client).rows
    assert [w.key for w in rows] == ROWS[persona]
    for work in rows:
        count, due, _html = listed(client, work)
        assert work.count == count, (persona, work.key)
        if due is not ...:
            assert work.due == due, (persona, work.key)
    html = client.get("/").content.decode()
    for work in rows:  # each row links to its list
        assert f'href="{work.url.replace("&", "&amp;")}"' in html, work.key


def test_the_figures_by_hand(desk):
    counts = {p: {k: (w.count, w.due) for k, w in _rows(client_for(desk[p])).items()}
              for p in ("bureau_admin", "bureau_reviewer", "official_a", "official_b")}
    admin = counts["bureau_admin"]
    assert admin["report_assign"] == (3, date(2025, 6, 30))
    assert admin["report_recheck"] == (1, None)
    assert admin["surrender_approve"] == (2, None) and admin["surrender_confirm"] == (1, None)
    assert admin["credit_objections"] == (1, date(2026, 1, 10))
    assert admin["complaints_triage"] == (2, None)
    assert admin["complaints_reply"] == (1, date(2025, 5, 9))
    assert admin["inspections_overdue"] == (2, TODAY - timedelta(days=30))
    assert admin["inspections_mine"] == (0, None) and admin["applications"] == (1, None)
    assert counts["bureau_reviewer"]["complaints_mine"] == (1, date(2025, 6, 1))
    assert counts["bureau_reviewer"]["inspections_mine"] == (1, TODAY - timedelta(days=30))
    a, b = counts["official_a"], counts["official_b"]
    # A: two reports, the earlier submitted 1 March (Beijing time, 23:00) + 10 days
    assert a["report_check"] == (2, date(2025, 3, 11))
    assert b["report_check"] == (1, date(2025, 2, 15))
    assert a["ledger_check_2024"] == (2, date(2024, 2, 23)) and b["ledger_check_2024"] == (1, date(2024, 2, 7))
    assert a["report_assign"] == (1, date(2025, 6, 30)) and b["report_assign"] == (2, date(2025, 6, 30))
    assert a["report_recheck"] == (1, None) and b["report_recheck"] == (0, None)
    assert a["surrender_approve"] == (1, None) and b["surrender_approve"] == (1, None)
    assert a["surrender_confirm"] == (0, None) and b["surrender_confirm"] == (1, None)
    assert a["complaints_mine"] == (1, date(2025, 5, 20)) and b["complaints_mine"] == (1, date(2025, 5, 6))
    # drawn for B's inspection (outside his area), and his area's: both on his lists
    assert a["inspections_mine"] == (1, TODAY - timedelta(days=30))
    assert a["inspections_overdue"] == (2, TODAY - timedelta(days=30))
    assert b["inspections_mine"] == (2, TODAY - timedelta(days=30))


def test_official_b_sees_nothing_of_area_a(desk, enterprise_a, area_b):
    client = client_for(desk["official_b"])
    panel = _panel(client)
    assert panel.heading.startswith("中宁县 · ") and "全市" not in panel.heading
    for work in panel.rows:
        response = client.get(work.url)
        if work.key.startswith("inspections_"):
            # of area A only the inspection he is drawn for (enterprise_a's)
            assert all(i.area_id == area_b.pk or i.enterprise_id == enterprise_a.pk
                       for i in response.context["page_obj"]), work.key
            continue
        for name in ("沙坡头热电", enterprise_a.name):
            assert name not in response.content.decode(), (work.key, name)
    # nor does the bureau's triage or credit work reach a county
    keys = {w.key for w in panel.rows}
    assert not keys & {"complaints_triage", "complaints_reply", "credit_objections",
                       "applications"}


def test_a_county_with_no_ledgers_to_check_still_has_the_row(desk, official_a):
    from reporting.models import MonthlyLedger

    MonthlyLedger.objects.filter(status="submitted").update(status="county_checked")
    rows = _rows(client_for(official_a))
    year = TODAY.year
    work = rows[f"ledger_check_{year}"]
    assert (work.count, work.due) == (0, None)
    assert work.url == f"{reverse('reporting:ledger_index')}?year={year}&status=submitted"


def test_no_work_panel_for_enterprises_and_agencies(desk, ent_a, agency_a_staff):
    for user in (ent_a, agency_a_staff):
        client = client_for(user)
        assert "work" not in [p.key for p in client.get("/").context["panels"]]
        assert export(client, "work").status_code == 404


def test_export_is_the_table(desk, official_a):
    client = client_for(official_a)
    rows = _panel(client).rows
    got = sheet(export(client, "work"))
    assert got[0] == ("工作事项", "待处理", "最早截止日期")
    assert [r[0] for r in got[1:]] == [w.label for w in rows]
    assert [(r[1], r[2].date() if r[2] else None) for r in got[1:]] == [
        (w.count, w.due) for w in rows]  # numbers and dates, not text


def test_labels_are_chinese(desk, bureau_admin):
    html = client_for(bureau_admin).get("/").content.decode()
    assert "全市 · 待处理工作" in html
    section = html[html.index('id="panel-work"'):html.index('id="panel-pipeline"')]
    assert not re.search(r">[A-Za-z][a-z]+ [a-z]+", section)  # no English label left


# --- constant queries --------------------------------------------------------------------------


def _count(user):
    ctx = Context(user=user, kind="bureau" if user.username.startswith("bureau") else "area",
                  subject=None, scope="", today=TODAY)
    user._zw_memberships = None
    roles.memberships(user)  # read outside the count (a request has them already)
    with CaptureQueriesContext(connection) as queries:
        rows = work_rows(ctx)
    return len(queries), rows


@pytest.mark.parametrize(("persona", "queries"), [
    ("bureau_admin", 7), ("bureau_reviewer", 6), ("official_a", 6)])
def test_queries_do_not_grow_with_the_work(desk, persona, queries, area_a, area_b):
    user = desk[persona]
    few, before = _count(user)
    admin = desk["bureau_admin"]
    for area in (area_a, area_b):
        for i in range(6):
            ent = f.EnterpriseFactory(area=area)
            _report(ent, admin, (ReportStatus.SUBMITTED, ReportStatus.COUNTY_PASSED,
                                 ReportStatus.VERIFIED)[i % 3],
                    submitted=datetime(2025, 3, 2, tzinfo=SHANGHAI))
            f.ledger_make(f.FacilityFactory(enterprise=ent), year=2024 - i % 2, month=5,
                          status="submitted", submitted_at=datetime(2024, 6, 1, tzinfo=SHANGHAI))
            _complaint(ent, ComplaintStatus.ASSIGNED, handler=desk["official_a"], area=area_a)
    many, after = _count(user)
    assert many == few == queries
    assert sum(w.count for w in after) > sum(w.count for w in before)


# --- the filters the rows need ------------------------------------------------------------------


def test_complaint_list_filters_those_i_handle(desk, official_a, bureau_admin):
    url = reverse("complaints:complaint_list")
    page = client_for(official_a).get(url, {"mine": "true"})
    assert {c.handler_id for c in page.context["page_obj"]} == {official_a.pk}
    assert page.context["page_obj"].paginator.count == 2  # investigating and reply pending
    assert 'name="mine"' in page.content.decode()
    everyone = client_for(official_a).get(url).context["page_obj"].paginator.count
    assert everyone == 2  # his area's are his own here
    admin = client_for(bureau_admin).get(url, {"mine": "true"})
    assert admin.context["page_obj"].paginator.count == 0
    assert 'name="mine"' not in admin.content.decode()  # the admin handles none


def test_inspection_list_filters_the_overdue(desk, bureau_admin, official_b):
    url = reverse("oversight:inspection_list")
    page = client_for(bureau_admin).get(url, {"overdue": "true"})
    rows = list(page.context["page_obj"])
    assert len(rows) == 2 and all(i.status == InspectionStatus.OPEN for i in rows)
    assert all(i.plan.end_date < TODAY for i in rows)
    assert 'name="overdue"' in page.content.decode()
    assert client_for(bureau_admin).get(url).context["page_obj"].paginator.count == 4
    # a county: its area's and those it is drawn for
    names = {i.target_name for i in client_for(official_b).get(url, {"overdue": "true"})
             .context["page_obj"]}
    assert names == {"沙坡头发电有限公司", "中宁水泥有限公司"}
