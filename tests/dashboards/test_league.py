"""The bureau and county dashboards' agency league, credit grade distribution and complaints
panels (issue 16): each figure equals the list it links to (as the bureau and each county
sees it), a county sees nothing of another area and no league (it may not open the league
page), the queries do not grow, the exports, and a filer's identity never shows.

World: agency league 2025 (agency_a: one report delivered on time, one late, an inspection
that found a violation; agency_b: one on time); credit 2025 final (enterprise_a green, 沙坡头热电
(A) red, enterprise_b (B) red, agency_a green, agency_b yellow), 2024 final and 2026 open
(neither counted); complaints: in A one answered substantiated this month (filed with a name)
and one under investigation last month, one 13 months ago (outside the window); in B one
answered unsubstantiated this month; one received, not yet assigned, this month.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import selectors as complaint_sel
from complaints import services as complaint_services
from complaints.models import Complaint
from credit.choices import GradingStatus
from dashboards.selectors import complaint as complaint_panel
from dashboards.selectors import oversight_credit
from dashboards.selectors.base import AREA, ENTERPRISE, TOP, Context
from tests import factories as f
from tests.conftest import client_for
from tests.credit import grades as g
from tests.dashboards.test_dashboards import export, home_queries, panels, sheet, text
from tests.oversight.test_performance import assigned, at, inspected
from zhongwei_carbon import notifications

pytestmark = pytest.mark.django_db
FILER = "举报人李四"


def _months_ago(n: int) -> datetime:
    """Noon on the 15th of the month ``n`` months before this one, Beijing time."""
    year, month = complaint_sel.last_months(timezone.localdate(), n + 1)[0]
    return timezone.make_aware(datetime.combine(date(year, month, 15), time(12)))


def _complaint(*, area, handler=None, status="assigned", outcome="", months_ago=0, **filed):
    complaint, _secret = complaint_services.complaint_file(
        category="false_data", description="台账数据造假", target_text="某化工厂", **filed)
    Complaint.objects.filter(pk=complaint.pk).update(
        assigned_area=area, handler=handler, status=status, outcome=outcome,
        filed_at=_months_ago(months_ago))
    return complaint


@pytest.fixture
def world(bureau_admin, official_a, official_b, area_a, area_b, enterprise_a, enterprise_b,
          agency_a, agency_b):
    admin = bureau_admin
    assigned(agency_a, by=admin, status="verified", rounds=[(at(date(2026, 6, 1)), "10")])
    assigned(agency_a, by=admin, status="verified", rounds=[(at(date(2026, 7, 2)), "10")])
    inspected(agency_a, by=admin, conclusion="violation", day=date(2026, 8, 1))
    assigned(agency_b, by=admin, status="verified", rounds=[(at(date(2026, 6, 2)), "10")])
    c = f.EnterpriseFactory(name="沙坡头热电", area=area_a)
    old = g.credit_year(2024)
    for subject in (enterprise_a, c, enterprise_b, agency_a):
        g.grade(old, subject, "yellow")
    final = g.credit_year(2025)
    for subject, grade in ((enterprise_a, "green"), (c, "red"), (enterprise_b, "red"),
                           (agency_a, "green"), (agency_b, "yellow")):
        g.grade(final, subject, grade)
    g.grade(g.credit_year(2026, GradingStatus.OPEN), enterprise_a, "red")
    _complaint(area=area_a, handler=official_a, status="answered", outcome="substantiated",
               name=FILER, contact="13900001111")
    _complaint(area=area_a, handler=official_a, months_ago=1)
    _complaint(area=area_a, handler=official_a, status="answered", outcome="partly",
               months_ago=13)
    _complaint(area=area_b, handler=official_b, status="answered", outcome="unsubstantiated")
    _complaint(area=None, status="received")
    return {"c": c}


def count_of(client, path, params=None) -> int:
    response = client.get(path, params or {})
    assert response.status_code == 200, path
    return response.context["page_obj"].paginator.count


# --- agency league ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau_admin", "bureau_reviewer"])
def test_agency_league_is_the_top_of_the_league_page(world, personas, persona, agency_a,
                                                     agency_b):
    client = client_for(personas[persona])
    response = client.get("/")
    panel = panels(response)["agencies"]
    page = client.get(reverse("oversight:performance"),
                      {"year": 2025, "ordering": "-on_time_rate"}).context["rows"]
    assert [(r.agency_id, r.figure_values) for _rank, r, _g in panel.rows] == [
        (r.agency_id, r.figure_values) for r in page][:10]
    # agency_b delivered its one report on time (100 %), agency_a one of two (50 %)
    assert [(rank, r.agency_name, r.on_time_rate, grade.get_grade_display())
            for rank, r, grade in panel.rows] == [
        (1, agency_b.name, 100, "环保警示（黄牌）"), (2, agency_a.name, 50, "环保诚信（绿牌）")]
    figures = {x.key: x.value for x in panel.figures}
    assert figures == {"agencies": len(page), "assignments": sum(r.assignments for r in page),
                       "inspections": 1, "violation": 1} == {
        "agencies": 2, "assignments": 3, "inspections": 1, "violation": 1}
    html = text(response)
    assert f'href="{reverse("verifiers:agency_detail", kwargs={"pk": agency_b.pk})}"' in html
    assert 'href="/oversight/performance/?year=2025&amp;ordering=-on_time_rate"' in html


def test_county_officials_get_no_league(world, official_a, agency_a):
    client = client_for(official_a)
    assert client.get(reverse("oversight:performance")).status_code == 403
    response = client.get("/")
    assert "agencies" not in panels(response) and agency_a.name not in text(response)
    assert export(client, "agencies").status_code == 404


def test_a_role_without_the_source_list_gets_no_panel(world, official_a, ent_a, enterprise_a):
    today = timezone.localdate()
    county = Context(user=official_a, kind=AREA, subject=None, scope="沙坡头区", today=today)
    assert oversight_credit.agencies_panel(county) is None
    enterprise = Context(user=ent_a, kind=ENTERPRISE, subject=enterprise_a,
                         scope=enterprise_a.name, today=today)
    assert complaint_panel.complaints_panel(enterprise) is None  # no door into complaints
    assert oversight_credit.agencies_panel(enterprise) is None


def test_league_empty_state(bureau_admin):
    panel = panels(client_for(bureau_admin).get("/"))["agencies"]
    assert panel.rows == [] and panel.figures[0].value == 0
    assert sheet(export(client_for(bureau_admin), "agencies"))[0][0] == "技术服务机构"


# --- credit grades ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "official_b"])
def test_credit_grades_equal_the_grade_list(world, personas, persona):
    client = client_for(personas[persona])
    panel = panels(client.get("/"))["credit_grades"]
    for row, (_cells, link) in zip(panel.rows, panel.table, strict=True):
        assert link.startswith("/credit/years/2025/grades/?grade=")
        assert count_of(client, link) == sum(row[2:]), (persona, row)
    for figure in panel.figures:
        assert figure.value == count_of(client, figure.url), (persona, figure.key)


def test_credit_grades_by_hand(world, bureau_admin, official_a, official_b):
    bureau = panels(client_for(bureau_admin).get("/"))["credit_grades"]
    assert bureau.title == "2025年度信用评价结果"
    assert [r[2:] for r in bureau.rows] == [(1, 1), (0, 0), (0, 1), (2, 0)]
    assert [s["data"] for s in bureau.chart["series"]] == [[1, 0, 0, 2], [1, 0, 1, 0]]
    county_a = panels(client_for(official_a).get("/"))["credit_grades"]
    assert [r[2:] for r in county_a.rows] == [(1,), (0,), (0,), (1,)]  # no agencies
    assert [x.key for x in county_a.figures] == ["enterprise"]
    assert county_a.table[0][1] == "/credit/years/2025/grades/?grade=green&kind=enterprise"
    county_b = panels(client_for(official_b).get("/"))["credit_grades"]
    assert [r[2:] for r in county_b.rows] == [(0,), (0,), (0,), (1,)]


def test_the_grade_list_filters_by_grade_and_kind(world, bureau_admin, official_b):
    client = client_for(bureau_admin)
    listed = reverse("credit:year_grades", args=[2025])
    names = lambda **q: {r.subject.name for r in client.get(listed, q).context["page_obj"]}  # noqa: E731
    assert names(grade="red") == {"沙坡头热电", "中宁水泥有限公司"}
    assert names(grade="green", kind="agency") == {"宁夏碳核查中心"}
    assert len(names(grade="bogus")) == 5  # an unknown grade is ignored
    assert count_of(client_for(official_b), listed, {"grade": "green"}) == 0


def test_no_credit_year_yet_is_an_empty_panel(bureau_admin):
    panel = panels(client_for(bureau_admin).get("/"))["credit_grades"]
    assert panel.rows == [] and panel.chart is None
    assert panel.figures[0].url == reverse("credit:grade_index")


# --- complaints ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau_admin", "official_a", "official_b"])
def test_complaints_equal_the_complaint_list(world, personas, persona):
    client = client_for(personas[persona])
    panel = panels(client.get("/"))["complaints"]
    assert len(panel.rows) == 12
    for row, (_cells, link) in zip(panel.rows, panel.table, strict=True):
        assert count_of(client, link) == row[1], (persona, row[0])
        assert sum(row[2:]) == row[1]
    for figure in panel.figures:
        assert figure.value == count_of(client, figure.url), (persona, figure.key)


def test_complaints_by_hand_and_scoped(world, bureau_admin, official_a, official_b):
    this_month = complaint_sel.month_key(*complaint_sel.last_months(timezone.localdate())[-1])

    def shown(user):
        panel = panels(client_for(user).get("/"))["complaints"]
        return ({x.key: x.value for x in panel.figures},
                next(r[1:] for r in panel.rows if r[0] == this_month))

    # this month: filed, substantiated, partly, unsubstantiated, no outcome
    assert shown(bureau_admin) == (
        {"total": 4, "substantiated": 1, "partly": 0, "unsubstantiated": 1, "none": 2},
        (3, 1, 0, 1, 1))
    assert shown(official_a) == (
        {"total": 2, "substantiated": 1, "partly": 0, "unsubstantiated": 0, "none": 1},
        (1, 1, 0, 0, 0))
    assert shown(official_b) == (
        {"total": 1, "substantiated": 0, "partly": 0, "unsubstantiated": 1, "none": 0},
        (1, 0, 0, 1, 0))


def test_a_filers_identity_never_shows(world, bureau_admin):
    client = client_for(bureau_admin)
    assert FILER not in text(client.get("/"))
    assert all(FILER not in str(cell) for row in sheet(export(client, "complaints"))
               for cell in row)


# --- county scope, queries, exports -------------------------------------------------------------


def test_county_b_sees_nothing_of_area_a(world, official_b, enterprise_a, area_a):
    response = client_for(official_b).get("/")
    html = text(response)
    for probe in (enterprise_a.name, "沙坡头热电", str(area_a), "全市", FILER):
        assert probe not in html, probe
    for key in ("credit_grades", "complaints"):
        for row in sheet(export(client_for(official_b), key))[1:]:
            assert str(area_a) not in " ".join(str(c) for c in row)


def _grow(n, area, admin, agency, final):
    for i in range(n):
        ent = f.EnterpriseFactory(name=f"增量企业{i}", area=area)
        g.grade(final, ent, "blue")
        assigned(f.AgencyFactory(name=f"增量机构{i}"), by=admin, status="verified",
                 rounds=[(at(date(2026, 6, 1)), "10")])
        _complaint(area=area, status="answered", outcome="partly", months_ago=i % 12)


# the bureau: 30, of which the league 6, the credit grades 2, the complaints 1, the programme
# tasks 4 and the 2025 targets 1 (the rest: the other panels in a world without a compliance
# cycle)
@pytest.mark.parametrize("persona, pinned", [("bureau_admin", 30), ("official_a", None)])
def test_queries_do_not_grow(world, personas, persona, pinned, bureau_admin, area_a, agency_a):
    from credit.models import CreditYear

    user = personas[persona]
    for n in range(TOP):  # a full to-do list: its count query runs from the start
        notifications.notify(recipients=[user], key=f"t{n}", subject=f"待办{n}", todo=True)
    client = client_for(user)
    client.get("/")

    def count():
        return home_queries(client)

    few = count()
    _grow(12, area_a, bureau_admin, agency_a, CreditYear.objects.get(year=2025))
    assert count() == few
    if pinned:
        assert few == pinned


def test_exports_match_the_panels(world, bureau_admin, official_a):
    client = client_for(bureau_admin)
    shown = panels(client.get("/"))
    rows = sheet(export(client, "agencies"))
    assert rows[0][:3] == ("技术服务机构", "排名", "信用等级")
    assert [r[:3] for r in rows[1:]] == [("西北低碳技术服务公司", 1, "环保警示（黄牌）"),
                                         ("宁夏碳核查中心", 2, "环保诚信（绿牌）")]
    rows = sheet(export(client, "credit_grades"))
    assert [tuple(r[1:]) for r in rows[1:]] == [r[2:] + (sum(r[2:]),) for r in
                                                shown["credit_grades"].rows]
    rows = sheet(export(client, "complaints"))
    assert [r[0] for r in rows[1:]] == [r[0] for r in shown["complaints"].rows]
    assert sum(r[1] for r in rows[1:]) == 4
    rows = sheet(export(client_for(official_a), "credit_grades"))
    assert len(rows[0]) == 2 and [r[1] for r in rows[1:]] == [1, 0, 0, 1]
