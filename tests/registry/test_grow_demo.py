"""`manage.py grow_demo`: the seeded demo grown by 30 enterprises (issue 11 §9): counts,
proportions, scoping of the new enterprises, the ledger's balances, the audit chains, and a
second run that adds nothing."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Sum

from accounts.models import Membership, User
from allowances.models import Allocation, AllowanceAccount, Holding, LedgerEntry
from registry import demo, demo_grow
from registry.models import Area, EmissionRecord, Enterprise, Facility, KeyEmitterListEntry, Sector
from reporting.choices import ReportStatus
from reporting.models import AnnualReport, MonthlyLedger, ReportVersion
from zhongwei_carbon import audit_check, scoping
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Perm

GROWN = 30
TOTAL = 40 + GROWN


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker):
    """Seed and grow once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        out = StringIO()
        call_command("grow_demo", enterprises=TOTAL, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def new(grown, db):
    return list(demo_grow.grown_enterprises().select_related("area", "sector"))


def listed_specs(n: int) -> list:
    return [s for s in map(demo_grow.spec, range(1, n + 1)) if s.listed]


def test_refuses_an_unseeded_database(db):
    # first in the module: the module's seeded transaction is not open yet
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("grow_demo", enterprises=10, stdout=StringIO())


def test_grows_to_the_number_asked(grown, new):
    assert Enterprise.objects.count() == TOTAL
    assert len(new) == GROWN
    assert f"Grown by {GROWN} enterprises" in grown
    assert {e.uscc for e in new} == {demo_grow.uscc_of(s.n, s.area) for s in map(demo_grow.spec, range(1, 31))}


def test_every_enterprise_has_facilities_and_three_records(new):
    facilities = Counter(Facility.objects.filter(enterprise__in=new).values_list("enterprise_id", flat=True))
    assert all(facilities[e.pk] >= 1 for e in new)
    records = EmissionRecord.objects.filter(enterprise__in=new)
    assert records.count() == 3 * GROWN
    assert set(records.filter(year__lte=2024).values_list("source", flat=True)) == {"verified"}


def test_proportions_of_the_measured_copy():
    """Over 5,000 enterprises (the specs are pure): ~2 facilities each, ~40 % listed, every
    area and every sector but aviation."""
    specs = [demo_grow.spec(n) for n in range(1, 5001)]
    facilities = sum(len(s.facilities) for s in specs) / len(specs)
    listed = sum(s.listed for s in specs) / len(specs)
    assert 1.8 <= facilities <= 2.2
    assert 0.35 <= listed <= 0.45
    assert {s.area for s in specs} == {a for a in demo_grow.AREA_WEIGHTS}
    assert {s.sector for s in specs} == set(demo_grow.SECTORS)
    assert len({s.name for s in specs}) == len(specs)


def test_areas_and_sectors_are_the_seeded_ones(new):
    assert {e.area.code for e in new} <= set(Area.objects.values_list("code", flat=True))
    assert {e.sector.code for e in new} <= set(Sector.objects.values_list("code", flat=True))


def test_a_county_official_sees_the_new_enterprises_of_the_county_only(new):
    official = User.objects.get(username="zhongning")
    area = Area.objects.get(code=demo.ZHONGNING)
    seen = scoping.for_user(Enterprise.objects.filter(pk__in=[e.pk for e in new]), official,
                            Perm.VIEW_ENTERPRISE)
    expected = {e.pk for e in new if e.area_id == area.pk}
    assert expected  # the sample reaches that county
    assert set(seen.values_list("pk", flat=True)) == expected


def test_listed_enterprises_get_a_login_a_report_and_an_account(new):
    listed = {e.pk for e in new if demo_grow.spec(int(e.uscc[11:17])).listed}
    assert len(listed) == len(listed_specs(GROWN)) > 0
    members = Membership.objects.filter(enterprise__in=listed, role="enterprise_user", is_signatory=True)
    assert set(members.values_list("enterprise_id", flat=True)) == listed
    reports = AnnualReport.objects.filter(enterprise__in=new, year=2025)
    assert set(reports.values_list("enterprise_id", flat=True)) == listed
    assert not reports.filter(current_version__isnull=True).exists()
    for report in reports.select_related("current_version"):
        version = report.current_version
        assert version.total_emissions == sum(line.emissions for line in version.lines.all())
        assert (version.submitted_at is None) == (report.status == ReportStatus.DRAFT)
        if report.status in (ReportStatus.FINAL, ReportStatus.OBJECTED):
            record = EmissionRecord.objects.get(enterprise=report.enterprise, year=2025)
            assert (record.source, record.emissions_tco2e) == ("verified", report.final_emissions)
    accounts = AllowanceAccount.objects.filter(enterprise__in=new)
    assert set(accounts.values_list("enterprise_id", flat=True)) == listed
    assert Allocation.objects.filter(enterprise__in=listed, cycle__year=2025, status="issued").count() == len(listed)


def test_reports_versions_are_frozen_once_submitted(new):
    version = ReportVersion.objects.filter(report__enterprise__in=new, submitted_at__isnull=False).first()
    assert version is not None
    with pytest.raises(Exception, match="(?i)protect|cannot|frozen"), transaction.atomic():
        ReportVersion.objects.filter(pk=version.pk).update(certification="changed")


def test_balances_are_the_sums_of_the_entries(new):
    holdings = Holding.objects.filter(account__enterprise__in=new)
    assert holdings.exists()
    for holding in holdings:
        total = LedgerEntry.objects.filter(holding=holding).aggregate(t=Sum("quantity"))["t"]
        assert holding.quantity == total >= 0
    assert all(isinstance(q, int) for q in holdings.values_list("quantity", flat=True))


def test_ledgers_of_the_enterprises_that_keep_them(new):
    keeping = [e for e in new if demo_grow.spec(int(e.uscc[11:17])).listed
               and demo_grow.share(e.uscc, "ledgers") < 0.22]
    ledgers = MonthlyLedger.objects.filter(enterprise__in=new, year=2025)
    assert set(ledgers.values_list("enterprise_id", flat=True)) == {e.pk for e in keeping}


def test_the_draft_list_names_grown_enterprises(new):
    assert KeyEmitterListEntry.objects.filter(key_list__year=2026, enterprise__in=new).exists()


def test_the_audit_chains_verify(new):
    assert Event.objects.filter(verb="enterprise.created", target_id__in=[str(e.pk) for e in new]).count() == GROWN
    reports = audit_check.verify_all()
    assert all(r.ok for r in reports), [audit_check.explain(r) for r in reports]


def test_the_planner_knows_the_grown_sizes(new):
    """grow_demo ends with ANALYZE: without statistics (this server runs without autovacuum)
    the planner took the grown tables for nearly empty and chose nested loops over every row
    (a county's allocation list: ×7 its demo time at 5,000 enterprises)."""
    tables = [Enterprise, Allocation, AllowanceAccount, EmissionRecord, AnnualReport]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [[m._meta.db_table for m in tables]],
        )
        estimated = dict(cursor.fetchall())
    assert estimated == {m._meta.db_table: m.objects.count() for m in tables}


def test_a_second_run_adds_nothing(new):
    events, entries = Event.objects.count(), LedgerEntry.objects.count()
    out = StringIO()
    call_command("grow_demo", enterprises=TOTAL, stdout=out)
    call_command("grow_demo", enterprises=TOTAL - 5, stdout=out)
    assert "Nothing to grow" in out.getvalue()
    assert (Enterprise.objects.count(), Event.objects.count(), LedgerEntry.objects.count()) == (
        TOTAL, events, entries)
