"""Agency performance (issue 12, seed task 7): the league table's figures, hand-computed from
the rows made here; the query count does not grow with agencies and reports; who sees what
(bureau all, an agency its own, county officials / enterprises / public refused); the page,
the Excel export, the API and the section on the agency's page."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from oversight import rules
from oversight.models import Inspection, ViolationCase
from oversight.selectors import performance
from reporting.models import AnnualReport, Recheck, VerificationReport
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon import roles

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 25)
D = Decimal


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def assigned(agency, *, by, year=2025, due=date(2026, 6, 30), status="assigned", rounds=(),
             rechecks=(), final=None) -> AnnualReport:
    """A report assigned to ``agency`` (made with the ORM): ``rounds`` (filed at, verified
    total) in order, ``rechecks`` decisions in round order, ``final`` the accepted figure."""
    report = AnnualReport.objects.create(
        enterprise=f.EnterpriseFactory(), year=year, status=status, agency=agency,
        verification_due=due, assigned_at=at(date(2026, 3, 1)), assigned_by=by,
        verification_round=len(rounds), final_emissions=final,
    )
    for number, (filed, total) in enumerate(rounds, start=1):
        verification = VerificationReport.objects.create(
            report=report, round=number, agency=agency, filed_by=by, conclusion="corrected",
            verified_total=D(total), file="verification/x.pdf", sha256="0" * 64,
        )
        VerificationReport.objects.filter(pk=verification.pk).update(filed_at=filed)
    for number, decision in enumerate(rechecks, start=1):
        Recheck.objects.create(report=report, round=number, decision=decision, decided_by=by)
    return report


def inspected(agency, *, by, conclusion, day, plan=None, status="closed") -> Inspection:
    return Inspection.objects.create(
        trigger="complaint", target_kind="agency", agency=agency, target_name=agency.name,
        inspected_on=day, status=status, conclusion=conclusion, created_by=by,
    )


@pytest.fixture
def league(bureau_admin, agency_a, agency_b):
    """agency_a (宁夏碳核查中心), 2025:
      r1 final: round 1 on 2026-06-30 (the due day: on time) 1000.00, returned; round 2
         980.00, accepted 980.00                 -> deviation |1000-980|/980 = 2.0408…%
      r2 final: round 1 on 2026-07-01 (a day late) 500.00, accepted 500.00 -> deviation 0 %
      r3 verified: round 1 late (2026-07-05), not re-checked yet
      r4 assigned, due 2026-12-31: not due yet, left out of the on-time rate
      r5 assigned, due 2026-11-20, nothing filed by TODAY: late
      a 2024 report (not in 2025's row) and an enterprise's unassigned report (no agency)
      inspections held in 2026 (look at 2025): rectify, violation; one still open (not
      counted); one held in 2025 (looks at 2024)
    agency_b, 2025: one report filed on time (2026-06-01), re-checked and returned; one
      inspection in 2026 with no problem.
    """
    admin = bureau_admin
    jun30, jul1 = at(date(2026, 6, 30), 23), at(date(2026, 7, 1), 0)  # around midnight, local
    assigned(agency_a, by=admin, status="final", rounds=[(jun30, "1000.00"),
             (at(date(2026, 7, 20)), "980.00")], rechecks=["returned", "accepted"],
             final=D("980.00"))
    assigned(agency_a, by=admin, status="final", rounds=[(jul1, "500.00")],
             rechecks=["accepted"], final=D("500.00"))
    assigned(agency_a, by=admin, status="verified", rounds=[(at(date(2026, 7, 5)), "700.00")])
    assigned(agency_a, by=admin, due=date(2026, 12, 31))
    assigned(agency_a, by=admin, due=date(2026, 11, 20))
    assigned(agency_a, by=admin, year=2024, status="final", rounds=[(at(date(2025, 5, 1)), "9")],
             rechecks=["accepted"], final=D("9"))
    AnnualReport.objects.create(enterprise=f.EnterpriseFactory(), year=2025, status="submitted")
    inspected(agency_a, by=admin, conclusion="rectify", day=date(2026, 5, 10), status="rectifying")
    inspected(agency_a, by=admin, conclusion="violation", day=date(2026, 8, 1))
    inspected(agency_a, by=admin, conclusion="", day=date(2026, 9, 1), status="open")
    inspected(agency_a, by=admin, conclusion="no_problem", day=date(2025, 9, 1))
    assigned(agency_b, by=admin, status="recheck_returned", rounds=[(at(date(2026, 6, 1)), "10")],
             rechecks=["returned"])
    inspected(agency_b, by=admin, conclusion="no_problem", day=date(2026, 4, 1))
    # Art. 23 cases opened in 2026 (they look at 2025): a's decided one counts, its open one
    # and b's open one do not
    case(agency_a, by=admin, decided=True)
    case(agency_a, by=admin, decided=False)
    case(agency_b, by=admin, decided=False)
    return {"a": agency_a, "b": agency_b}


def case(agency, *, by, decided: bool, year: int = 2026) -> ViolationCase:
    return ViolationCase.objects.create(
        target_kind="agency", agency=agency, target_name=agency.name, year=year, article="23",
        trigger_note="投诉举报", opened_by=by, decided_by=by if decided else None,
        facts="核查报告与原始凭证不符", status="decided" if decided else "open",
        fine=300_000 if decided else None, decided_on=date(2026, 10, 1) if decided else None,
        decided_at=at(date(2026, 10, 1)) if decided else None,
    )


def _by_agency(rows):
    return {r.agency_id: r for r in rows}


def test_figures_are_those_computed_by_hand(league, bureau_admin):
    rows = _by_agency(performance.rows(bureau_admin, year=2025, today=TODAY))
    a, b = rows[league["a"].pk], rows[league["b"].pk]
    assert (a.assignments, a.on_time, a.late) == (5, 1, 3)  # r1 on time; r2, r3, r5 late
    assert a.on_time_rate == D("25.0")  # 1 / 4
    assert a.rounds_per_report == D("1.33")  # (2 + 1 + 1) / 3
    assert (a.rechecked, a.returned, a.returned_share) == (2, 1, D("50.0"))
    # (|1000 - 980| / 980 × 100 + 0) / 2 = 2.040816… / 2 = 1.020408… -> 1.02
    assert a.compared == 2 and a.deviation == D("1.02")
    assert isinstance(a.deviation, Decimal)
    assert (a.inspections, a.no_problem, a.rectify, a.violation) == (2, 0, 1, 1)
    assert (a.violations_decided, b.violations_decided) == (1, 0)
    assert (b.assignments, b.on_time_rate, b.rounds_per_report, b.returned_share) == (
        1, D("100.0"), D("1.00"), D("100.0"))
    assert b.deviation is None  # nothing final: no figure, not 0
    assert (b.inspections, b.no_problem) == (1, 1)

    earlier = _by_agency(performance.rows(bureau_admin, year=2024, today=TODAY))
    assert set(earlier) == {league["a"].pk}
    assert (earlier[league["a"].pk].assignments, earlier[league["a"].pk].no_problem) == (1, 1)
    assert performance.years(bureau_admin) == [2025, 2024]


def test_the_rules_state_the_same_formulas():
    assert rules.delivered_on_time(filed_on=date(2026, 6, 30), due=date(2026, 6, 30)) is True
    assert rules.delivered_on_time(filed_on=date(2026, 7, 1), due=date(2026, 6, 30)) is False
    assert rules.delivered_on_time(filed_on=None, due=date(2026, 6, 30)) is None
    assert rules.counts_as_late(filed_on=None, due=date(2026, 11, 20), today=TODAY)
    assert not rules.counts_as_late(filed_on=None, due=TODAY, today=TODAY)
    assert rules.share_percent(1, 3) == D("33.3") and rules.share_percent(2, 3) == D("66.7")
    assert rules.share_percent(0, 0) is None
    assert rules.rounds_per_report(4, 3) == D("1.33") and rules.rounds_per_report(0, 0) is None
    assert rules.deviation_percent(D("1000"), D("980")).quantize(D("0.0001")) == D("2.0408")
    assert rules.deviation_percent(D("1"), D("0")) is None
    with pytest.raises(TypeError):
        rules.deviation_percent(1.0, D("1"))
    assert rules.mean_deviation(D("2.0408163"), 2) == D("1.02")
    assert rules.work_year(2026) == 2025


def test_sorting_by_a_figure_puts_blank_figures_last(league, bureau_admin):
    names = lambda o: [r.agency_id for r in performance.rows(  # noqa: E731
        bureau_admin, year=2025, ordering=o, today=TODAY)]
    a, b = league["a"].pk, league["b"].pk
    assert names("on_time_rate") == [a, b] and names("-on_time_rate") == [b, a]
    assert names("deviation") == [a, b] and names("-deviation") == [a, b]  # b: no figure
    assert names("-assignments") == [a, b] and names("bogus") == names(None)


def _world(admin, agencies: int, reports: int):
    for _ in range(agencies):
        agency = f.AgencyFactory()
        for i in range(reports):
            assigned(agency, by=admin, status="final", rounds=[(at(date(2026, 6, 1)), "10")],
                     rechecks=["returned" if i % 2 else "accepted"], final=D("10"))
        inspected(agency, by=admin, conclusion="rectify", day=date(2026, 5, 1))


@pytest.mark.parametrize("agencies, reports", [(2, 1), (12, 4)])
def test_query_count_does_not_grow_with_agencies_and_reports(
    bureau_admin, agencies, reports, django_assert_num_queries
):
    _world(bureau_admin, agencies, reports)
    roles.memberships(bureau_admin)  # the user's memberships, read once per request
    with django_assert_num_queries(3):  # the reports' sums, the inspections', the cases' counts
        rows = performance.rows(bureau_admin, year=2025, ordering="-returned_share",
                                today=TODAY)
    assert len(rows) == agencies and all(r.assignments == reports for r in rows)
    with django_assert_num_queries(3):  # every year: still the same three queries
        performance.rows(bureau_admin, today=TODAY)


# --- who sees what ------------------------------------------------------------------------


def test_an_agency_sees_only_its_own_figures(league, agency_a_staff, agency_b_staff):
    assert {r.agency_id for r in performance.rows(agency_a_staff, year=2025)} == {
        league["a"].pk}
    response = client_for(agency_b_staff).get(reverse("oversight:performance"), {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert league["b"].name in html and league["a"].name not in html
    api = client_for(agency_b_staff).get(reverse("api:agency-performance-list"), {"year": 2025})
    assert [r["agency"] for r in api.json()["results"]] == [league["b"].pk]


@pytest.mark.parametrize("persona, status", [
    ("official_a", 403), ("ent_a", 403), ("anonymous", 302),
])
def test_other_roles_are_refused(league, personas, persona, status):
    for name in ("oversight:performance", "oversight:performance_export"):
        response = client_for(personas[persona]).get(reverse(name))
        assert response.status_code == status, (name, persona)
    api = client_for(personas[persona]).get(reverse("api:agency-performance-list"))
    assert api.status_code == (401 if persona == "anonymous" else 403)


# --- the page, the export, the API, the agency's page ---------------------------------------


def test_league_page_in_chinese_with_explanations_and_sorting(league, bureau_admin):
    client = client_for(bureau_admin)
    html = client.get(reverse("oversight:performance"), {"ordering": "-on_time_rate"}
                      ).content.decode()
    for label in ("核查机构履职情况", "按时率（%）", "每份报告核查轮次", "复查退回比例（%）",
                  "核查与最终认定偏差（%）", "已办结检查", "各项指标的计算方法", "2025"):
        assert label in html, label
    assert html.index(league["b"].name) < html.index(league["a"].name)  # 100 % before 25 %
    assert 'aria-sort="descending"' in html


def test_league_page_empty_state_and_bad_year(league, bureau_admin):
    client = client_for(bureau_admin)
    html = client.get(reverse("oversight:performance"), {"year": 2019}).content.decode()
    assert "该年度没有核查机构的核查任务或已办结的检查" in html
    assert client.get(reverse("oversight:performance"), {"year": "二〇二五"}).status_code == 200
    api = client.get(reverse("api:agency-performance-list"), {"year": "-1"})
    assert api.status_code == 400 and "year" in api.json()


def test_nothing_at_all_is_an_empty_page_not_an_error(bureau_admin):
    response = client_for(bureau_admin).get(reverse("oversight:performance"))
    assert response.status_code == 200
    assert "该年度没有核查机构的核查任务或已办结的检查" in response.content.decode()
    api = client_for(bureau_admin).get(reverse("api:agency-performance-list")).json()
    assert api["count"] == 0 and api["results"] == []


def test_export_streams_the_sorted_league(league, bureau_admin):
    response = client_for(bureau_admin).get(reverse("oversight:performance_export"),
                                            {"year": 2025, "ordering": "-on_time_rate"})
    assert response.status_code == 200 and response.streaming
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("技术服务机构", "统一社会信用代码", "报告年度", "核查任务数")
    assert [r[0] for r in rows[1:]] == [league["b"].name, league["a"].name]
    a = rows[2]
    assert a[2:8] == (2025, 5, 25, 1.33, 50, 1.02)


def test_api_documents_and_returns_the_figures(league, bureau_admin):
    data = client_for(bureau_admin).get(reverse("api:agency-performance-list"),
                                        {"year": 2025}).json()
    row = next(r for r in data["results"] if r["agency"] == league["a"].pk)
    assert (row["on_time_rate"], row["rounds_per_report"], row["returned_share"],
            row["deviation"]) == ("25.0", "1.33", "50.0", "1.02")
    assert (row["inspections"], row["rectify"], row["violation"]) == (2, 1, 1)
    schema = client_for(bureau_admin).get(reverse("api-schema")).content.decode()
    assert "/api/v1/agency-performance/" in schema and "on_time_rate" in schema


def test_agency_page_shows_its_figures_by_year(league, bureau_admin, agency_a_staff):
    url = reverse("verifiers:agency_detail", kwargs={"pk": league["a"].pk})
    for user in (bureau_admin, agency_a_staff):
        html = client_for(user).get(url).content.decode()
        assert 'id="agency-performance"' in html and "按报告年度的履职情况" in html
        assert html.count(f'data-agency="{league["a"].pk}"') == 2  # 2025 and 2024
