"""`manage.py seed_demo`: the reporting demo data (ledgers 2025, annual reports 2025 in every
status), replayed through the services; a second run adds nothing."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from registry.models import EmissionRecord
from reporting import ledger_rules
from reporting.choices import LedgerStatus, ReportStatus
from reporting.models import (
    AgencyDeclaration,
    AnnualReport,
    Finding,
    MonthlyLedger,
    MonthlyLedgerLine,
    Objection,
    Recheck,
    ReportLine,
    ReportVersion,
    VerificationReport,
)
from reporting.selectors.ledgers import flags_of, ledger_days
from zhongwei_carbon.models import Event

TODAY = date(2026, 11, 25)
MODELS = [MonthlyLedger, MonthlyLedgerLine, AnnualReport, ReportVersion, ReportLine,
          VerificationReport, Recheck, Finding, Objection, AgencyDeclaration, EmissionRecord, Event]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes seconds) inside a transaction rolled back at the
    end; each test runs in a savepoint within it, as the tests only read (and re-seed)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def out(seeded, db):
    return seeded


def report(name: str) -> AnnualReport:
    return AnnualReport.objects.select_related("current_version").get(enterprise__name=name, year=2025)


def test_every_status_of_the_workflow(out):
    statuses = dict.fromkeys(ReportStatus.values, 0)
    for status in AnnualReport.objects.filter(year=2025).values_list("status", flat=True):
        statuses[status] += 1
    assert statuses == {
        "draft": 1, "submitted": 1, "county_returned": 1, "county_passed": 1, "assigned": 1,
        "verified": 1, "recheck_returned": 1, "final": 2, "objected": 1,
    }
    assert "2025 reports 10 (draft 1, submitted 1, county_returned 1, county_passed 1, assigned 1, " \
        "verified 1, recheck_returned 1, final 2, objected 1)" in out


def test_ledger_months_by_status(out):
    # 8 enterprises; plan letters × facilities (see reporting/demo_ledgers.LEDGER_PLAN)
    by_status = {s: MonthlyLedger.objects.filter(year=2025, status=s).count() for s in LedgerStatus.values}
    # 6 enterprises × 2 facilities; closed months: zwrd, spt_cement, znfd 12, shikong 10,
    # zn_heat 9, yingshui 8 → 63 × 2
    assert by_status == {"closed": 126, "county_checked": 8, "submitted": 4, "returned": 2, "draft": 2}
    assert MonthlyLedger.objects.filter(year=2025).values("enterprise").distinct().count() == 6
    assert MonthlyLedger.objects.filter(year=2025).values("enterprise__area").distinct().count() == 2
    # a missing month: yingshui December
    assert not MonthlyLedger.objects.filter(enterprise__name="中卫市迎水铁合金有限公司", month=12).exists()
    returned = MonthlyLedger.objects.filter(status="returned")
    assert all(ledger.return_reason for ledger in returned)


def test_coal_unit_values_are_realistic(out):
    ledger = MonthlyLedger.objects.get(enterprise__name="宁夏中卫热电有限公司", facility__name="1号机组",
                                       year=2025, month=1)
    coal = ledger.lines.get(fuel__code="raw_coal")
    assert Decimal("150000") <= ledger.generation_mwh <= Decimal("200000")
    assert Decimal("60000") <= coal.consumption <= Decimal("85000")
    assert Decimal("19.5") <= coal.measured_ncv <= Decimal("20.5")
    assert ledger.load_factor == (ledger.generation_mwh / (Decimal("330") * ledger.running_hours)).quantize(
        Decimal("0.0001"))


def test_late_flags_follow_the_replayed_dates(out):
    days = ledger_days(2025)

    def flags(name, month):
        ledger = MonthlyLedger.objects.filter(enterprise__name=name, year=2025, month=month).order_by(
            "facility_id").first()
        return flags_of(ledger, year=2025, month=month, days=days, today=TODAY)

    assert flags("宁夏中卫热电有限公司", 5) == ledger_rules.LateFlags()  # on time at every tier
    assert flags("中卫市沙坡头水泥有限公司", 3).upload  # uploaded 27 days after the month
    assert flags("宁夏中宁发电有限公司", 7).county  # checked 8 days after the upload
    assert flags("中宁县石空水泥有限公司", 12).close  # county-checked, never closed
    ledger = MonthlyLedger.objects.get(enterprise__name="宁夏中卫热电有限公司", facility__name="1号机组",
                                       year=2025, month=5)
    # 31 May + 8 + (facility 0 × 3 + month 5) mod 9 days = 13 June, within the 20 days
    assert timezone.localdate(ledger.submitted_at) == date(2025, 6, 13)


def test_every_total_is_the_sum_of_its_lines(out):
    for version in ReportVersion.objects.filter(report__year=2025):
        assert version.total_emissions == sum((line.emissions for line in version.lines.all()), Decimal("0"))
        assert version.lines.exists()


def test_lines_from_the_ledgers(out):
    r = report("宁夏中卫热电有限公司")
    coal = r.current_version.lines.filter(source_kind="combustion")
    ledger_coal = MonthlyLedgerLine.objects.filter(ledger__enterprise=r.enterprise, ledger__year=2025)
    assert sum(line.activity for line in coal) == sum(line.consumption for line in ledger_coal)
    assert r.current_version.lines.filter(source_kind="electricity").count() == 2
    # the cement enterprise has a clinker process line: 780,000 × (0.652 × 44/56 + 0.018 × 44/40.3)
    # = 780,000 × (0.5122857 + 0.0196526) = 414,911.889 → 414,911.89
    process = report("中卫市沙坡头水泥有限公司").current_version.lines.get(source_kind="process")
    assert process.emissions == Decimal("414911.89")


def test_final_reports_and_registry(out):
    for name in ("宁夏中卫热电有限公司", "中卫市沙坡头水泥有限公司", "宁夏中宁发电有限公司"):
        r = report(name)
        assert r.final_emissions == r.verifications.order_by("-round").first().verified_total
        record = EmissionRecord.objects.get(enterprise=r.enterprise, year=2025)
        assert (record.source, record.emissions_tco2e) == ("verified", r.final_emissions)
    zwrd = report("宁夏中卫热电有限公司")
    assert zwrd.verification_round == 2 and zwrd.notice_date == date(2026, 5, 12)
    assert zwrd.objection_deadline < TODAY
    cement = report("中卫市沙坡头水泥有限公司")
    # notice Friday 20 Nov 2026 + 7 working days: 1 Dec (the window is still open "today")
    assert (cement.notice_date, cement.objection_deadline) == (date(2026, 11, 20), date(2026, 12, 1))
    objection = Objection.objects.get(report__enterprise__name="宁夏中宁发电有限公司")
    # filed Friday 20 Nov + 10 working days
    assert objection.decision == "pending" and objection.decision_due == date(2026, 12, 4)


def test_conflict_declaration_and_versions(out):
    assigned = report("宁夏中宁热力有限公司")
    declaration = AgencyDeclaration.objects.get(enterprise=assigned.enterprise, year=2025)
    assert declaration.agency != assigned.agency
    assert assigned.verification_due == date(2026, 11, 20)  # overdue "today"
    shikong = report("中宁县石空水泥有限公司")
    assert shikong.current_version.number == 2 and shikong.versions.count() == 2
    assert report("中卫市东园建材有限公司").county_note


def test_second_run_adds_nothing(out, seeded):
    first = counts()
    again = seed()
    assert counts() == first
    assert "2025 reports 10" in again
    # how long seeding takes is a figure of `make bench` (bench/seed_demo.py), not a test
