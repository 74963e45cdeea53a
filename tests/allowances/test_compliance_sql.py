"""Issue 11 §2: the compliance table and its rates come from SQL (annotations per row, aggregates
per county / sector / city). Pinned here against the computation they replace — the rules
applied in Python to each enterprise's surrender entries, one by one, in ledger order — on a
mixed dataset: unknown and zero obligations, partial, full, late and surplus surrenders, CEA
with CCER, a reversal that re-opens an obligation, a surrender late by Beijing date though not
by UTC, an enterprise outside the table; every status, before, on and after the deadline, and
without one."""

from datetime import date, datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from allowances import rules
from allowances.choices import MilestoneKind, UnitType
from allowances.models import CCERProject, LedgerEntry, Milestone, PenaltyCase
from allowances.selectors import compliance as sel
from allowances.services import ledger
from registry.models import Enterprise, KeyEmitterListEntry
from tests import factories as f
from tests.allowances.dated import on

pytestmark = pytest.mark.django_db
DEADLINE = date(2025, 12, 31)
AREAS = ("640502", "640521", "640522", "640500-P01")
SECTORS = ("power", "steel", "chemical")

# name: (verified 2025 emissions or None, account, [(day, CEA t, CCER t) surrendered],
#        [(day, index of the surrender entry to reverse)])
SCENARIOS = {
    "on time": ("1000.10", True, [(date(2025, 12, 1), 1001, 0)], []),
    "late in two steps": ("2000.00", True, [(date(2025, 12, 1), 1000, 0),
                                            (date(2026, 1, 15), 1000, 0)], []),
    "partial": ("500.00", True, [(date(2025, 12, 1), 200, 0)], []),
    "nothing": ("300.00", True, [], []),
    "zero due": ("0.00", True, [], []),
    "unknown with a surrender": (None, True, [(date(2025, 12, 1), 10, 0)], []),
    "unknown": (None, True, [], []),
    "no account": ("800.00", False, [], []),
    "reversed then late": ("1000.00", True, [(date(2025, 12, 1), 1000, 0),
                                             (date(2026, 1, 5), 1000, 0)],
                           [(date(2025, 12, 10), 0)]),
    "surplus": ("1000.00", True, [(date(2025, 11, 1), 1200, 0)], []),
    "CCER on the deadline": ("1000.00", True, [(DEADLINE, 950, 50)], []),
    "reversed after the deadline": ("1000.00", True, [(date(2025, 12, 1), 1000, 0)],
                                    [(date(2026, 1, 10), 0)]),
    "crossing twice": ("1000.00", True, [(date(2025, 11, 1), 600, 0),
                                         (date(2025, 11, 2), 400, 0),
                                         (date(2025, 11, 4), 600, 0)],
                       [(date(2025, 11, 3), 0)]),
    "small steps": ("100.50", True, [(date(2025, 11, 1), 50, 0), (date(2025, 12, 30), 51, 0)],
                    []),
    "late by Beijing date": ("100.00", True, [("2025-12-31T20:00:00+00:00", 100, 0)], []),
}


def _moment(day):
    if isinstance(day, str):
        return mock.patch("django.utils.timezone.now", return_value=datetime.fromisoformat(day))
    return on(day)


@pytest.fixture
def mixed(bureau_admin):
    cycle = f.cycle_with_deadline(2025, DEADLINE)
    project = CCERProject.objects.create(code="CCER-T", name="光伏")
    for i, (name, (verified, has_account, surrenders, reversals)) in enumerate(SCENARIOS.items()):
        e = f.EnterpriseFactory(name=name, area=f.area(AREAS[i % len(AREAS)]),
                                sector=f.sector(SECTORS[i % len(SECTORS)]))
        f.EmissionRecordFactory(enterprise=e, year=2024, emissions_tco2e=Decimal("999"))
        f.listed(2025, e)
        if verified is not None:
            f.EmissionRecordFactory(enterprise=e, year=2025, emissions_tco2e=Decimal(verified))
        if not has_account:
            continue
        account = ledger.account_for(e)
        with on(date(2025, 6, 1)):
            ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2025,
                            quantity=5000)
            ledger.post(actor=bureau_admin, movements=[ledger.Movement(
                account, UnitType.CCER, 2024, 500, "transfer_in", project)])
        entries = []
        steps = [(day, "surrender", s) for day, *s in surrenders]
        steps += [(day, "reverse", r) for day, r in reversals]
        for day, kind, step in sorted(steps, key=lambda s: str(s[0])):
            with _moment(day):
                if kind == "reverse":
                    ledger.reverse(actor=bureau_admin, entry=entries[step], reason="test")
                    continue
                cea, ccer = step
                entries += ledger.surrender(
                    actor=bureau_admin, account=account, cycle=cycle, obligation=10**6,
                    cea=[(2025, cea)] if cea else [],
                    ccer=[(project, 2024, ccer)] if ccer else [],
                )
    # outside the table: no verified figure for 2025 and no account
    f.EnterpriseFactory(name="outside", area=f.area(AREAS[0]))
    # outside too: verified and holding an account, but not on the 2025 list (it owes nothing)
    off = f.EnterpriseFactory(name="off the list", area=f.area(AREAS[0]))
    f.EmissionRecordFactory(enterprise=off, year=2025, emissions_tco2e=Decimal("5000.00"))
    with on(date(2025, 6, 1)):
        ledger.allocate(actor=bureau_admin, account=ledger.account_for(off), cycle=cycle,
                        vintage=2025, quantity=100)
    return cycle


def reference(cycle, deadline, today):
    """The table as it was computed before issue 11: per enterprise, its entries in ledger
    order, totals and the day met by a running sum, the status by ``rules``."""
    rows = {}
    listed = set(KeyEmitterListEntry.objects.listed().filter(
        key_list__year=cycle.year, key_list__status="published").values_list("enterprise", flat=True))
    for e in Enterprise.objects.select_related("area", "sector"):
        if e.pk not in listed:  # only the key emitters of the year's list owe
            continue
        record = e.emission_records.filter(year=cycle.year, source="verified").first()
        obligation = None if record is None else rules.obligation(record.emissions_tco2e)
        due = obligation or 0
        done = {UnitType.CEA: 0, UnitType.CCER: 0}
        met_on = None
        by_deadline = 0
        entries = (LedgerEntry.objects.filter(cycle=cycle, holding__account__enterprise=e)
                   .filter(ledger.SURRENDERED).select_related("holding")
                   .order_by("created_at", "id"))
        for entry in entries:
            done[entry.holding.unit_type] -= entry.quantity
            total = sum(done.values())
            day = timezone.localdate(entry.created_at)
            if deadline is not None and day <= deadline:
                by_deadline = total
            if total >= due and met_on is None:
                met_on = day
            elif total < due:
                met_on = None
        total = sum(done.values())
        status = rules.compliance_status(due, total, deadline, met_on, today)
        if obligation is None and status == rules.COMPLIED:
            status = rules.NOT_DUE
        rows[e.name] = {
            "obligation": obligation, "cea": done[UnitType.CEA], "ccer": done[UnitType.CCER],
            "met_on": met_on, "status": status, "area": str(e.area), "sector": str(e.sector),
            "short": (None if obligation is None or deadline is None
                      else rules.tonnes_short(obligation, by_deadline)),
        }
    return rows


def as_dict(rows):
    return {r.enterprise.name: {"obligation": r.obligation, "cea": r.cea, "ccer": r.ccer,
                                "met_on": r.met_on, "status": r.status} for r in rows}


def rate(rows):
    return rules.compliance_rate((r["obligation"] or 0, r["cea"] + r["ccer"]) for r in rows)


def grouped(rows, key):
    names = sorted({r[key] for r in rows})
    return [(n, rate([r for r in rows if r[key] == n])) for n in names]


TODAYS = [date(2025, 12, 15), DEADLINE, date(2026, 3, 1)]


@pytest.mark.parametrize("with_deadline", [True, False], ids=["deadline", "no deadline"])
@pytest.mark.parametrize("today", TODAYS, ids=["before", "on", "after"])
def test_rows_statuses_and_rates_equal_the_per_row_computation(mixed, bureau_admin, today,
                                                               with_deadline):
    deadline = DEADLINE if with_deadline else None
    if not with_deadline:
        Milestone.objects.filter(kind=MilestoneKind.SURRENDER_DEADLINE).delete()
    expected = reference(mixed, deadline, today)
    assert "outside" not in expected and "off the list" not in expected
    assert len(expected) == len(SCENARIOS)
    got = as_dict(sel.compliance_rows(bureau_admin, mixed, today=today))
    assert got == {n: {k: v for k, v in r.items() if k in ("obligation", "cea", "ccer",
                                                           "met_on", "status")}
                   for n, r in expected.items()}
    # the status filter (SQL) picks the rows whose status (rules) it names
    for status in rules.COMPLIANCE_STATUSES:
        filtered = sel.compliance_rows(bureau_admin, mixed, status=status, today=today)
        names = {n for n, r in expected.items() if r["status"] == status}
        assert {r.enterprise.name for r in filtered} == names, status
        assert filtered.count() == len(names)
    # sorted by status: in the order of the cycle
    ranks = [rules.COMPLIANCE_STATUSES.index(r.status)
             for r in sel.compliance_rows(bureau_admin, mixed, ordering="status", today=today)]
    assert ranks == sorted(ranks)
    # the rates (SQL aggregates) equal rules.compliance_rate over the rows
    summary = sel.summary(bureau_admin, mixed)
    rows = list(expected.values())
    assert summary.city == rate(rows)
    assert summary.by_area == grouped(rows, "area")
    assert summary.by_sector == grouped(rows, "sector")


def test_the_dataset_covers_every_status(mixed, bureau_admin):
    seen = set()
    for today in TODAYS:
        seen |= {r["status"] for r in reference(mixed, DEADLINE, today).values()}
    assert seen == set(rules.COMPLIANCE_STATUSES)
    after = reference(mixed, DEADLINE, date(2026, 3, 1))
    assert after["late by Beijing date"]["status"] == rules.COMPLIED_LATE
    assert after["CCER on the deadline"]["status"] == rules.COMPLIED
    assert after["reversed then late"]["met_on"] == date(2026, 1, 5)
    assert after["crossing twice"]["met_on"] == date(2025, 11, 4)


def test_sorted_figures_equal_the_rows(mixed, bureau_admin):
    today = date(2026, 3, 1)
    for key, value in (("obligation", lambda r: r.obligation),
                       ("surrendered", lambda r: r.surrendered),
                       ("ccer", lambda r: r.ccer), ("remaining", lambda r: r.remaining)):
        for descending in (False, True):
            rows = list(sel.compliance_rows(bureau_admin, mixed, today=today,
                                            ordering=("-" if descending else "") + key))
            values = [value(r) for r in rows]
            present = [v for v in values if v is not None]
            assert values == sorted(present, reverse=descending) + [None] * (
                len(values) - len(present)), key


def test_scoped_rates_cover_the_officials_area_only(mixed, official_b):
    expected = [r for r in reference(mixed, DEADLINE, date(2026, 3, 1)).values()
                if r["area"] == str(f.area("640521"))]
    summary = sel.summary(official_b, mixed)
    assert summary.city == rate(expected)
    assert [name for name, _rate in summary.by_area] == [str(f.area("640521"))]
    assert {r.enterprise.area.code for r in sel.compliance_rows(official_b, mixed)} == {"640521"}


def test_short_at_the_deadline_equals_the_per_row_computation(mixed, bureau_admin):
    today = date(2026, 3, 1)
    expected = {n: r["short"] for n, r in reference(mixed, DEADLINE, today).items()
                if r["status"] in (rules.SHORT, rules.COMPLIED_LATE) and r["short"]}
    assert set(expected) == {"late in two steps", "partial", "nothing", "no account",
                             "reversed then late", "late by Beijing date"}
    got = {r.enterprise.name: r.short_at_deadline
           for r in sel.openable(bureau_admin, mixed, today=today)}
    assert got == expected
    # an enterprise with a case is no longer listed; before the deadline nobody is
    e = Enterprise.objects.get(name="partial")
    PenaltyCase.objects.create(cycle=mixed, enterprise=e, tonnes_short=300,
                               price=Decimal("80"), fine_min=0, fine_max=0,
                               opened_by=bureau_admin)
    assert "partial" not in {r.enterprise.name
                             for r in sel.openable(bureau_admin, mixed, today=today)}
    assert list(sel.openable(bureau_admin, mixed, today=DEADLINE)) == []


def test_row_of_one_enterprise_is_its_row_in_the_table(mixed, bureau_admin):
    today = date(2026, 3, 1)
    table = as_dict(sel.compliance_rows(bureau_admin, mixed, today=today))
    for e in Enterprise.objects.exclude(name__in=["outside", "off the list"]):
        assert as_dict([sel.row_of(e, mixed, today=today)]) == {e.name: table[e.name]}


def test_complied_in_full_counts_as_the_rows(mixed, bureau_admin):
    from registry.models import EmissionRecord

    verified = dict(EmissionRecord.objects.filter(year=2025, source="verified")
                    .values_list("enterprise_id", "emissions_tco2e"))
    expected = {r.enterprise.pk for r in sel.compliance_rows(bureau_admin, mixed)
                if r.obligation is not None and r.surrendered >= r.obligation}
    assert sel.complied_in_full(mixed, verified) == expected


def test_a_surrender_on_the_deadline_evening_in_utc_is_late_in_beijing(mixed, bureau_admin):
    row = next(r for r in sel.compliance_rows(bureau_admin, mixed, today=date(2026, 3, 1))
               if r.enterprise.name == "late by Beijing date")
    assert row.met_on == date(2026, 1, 1)
    assert timezone.localdate(
        LedgerEntry.objects.filter(holding__account__enterprise=row.enterprise,
                                   kind="surrender").get().created_at
    ) == date(2026, 1, 1)
    assert datetime(2025, 12, 31, 20, tzinfo=ZoneInfo("UTC")).date() == DEADLINE
