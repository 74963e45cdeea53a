"""Demo data of the allowances app: compliance cycles, allocation parameters (plan settings,
benchmarks, Ff bands, intensities), accounts, allocations and CCER units.
Loaded by ``manage.py seed_demo`` after the registry and reporting demo data; idempotent
(every row is found by its natural key, a ledger entry by account, cycle and kind, or by its
reference, before anything is posted).

Dates: DOMAIN.md's "typical year (2025 cycle)" — pre-allocation 20 Apr, verification done
30 Jun, final allocation 31 Jul, issuance 20 Aug, lists 31 Oct, surrender 31 Dec. The 2025
cycle surrenders the 2025 emissions, which are reported and verified in 2026, so its
milestones fall in 2026 (and the closed 2024 cycle's in 2025).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from allowances import demo_allocation, rules
from allowances.choices import (
    CycleStatus,
    EntryKind,
    MilestoneKind,
    PowerBasis,
    UnitClass,
    UnitType,
)
from allowances.models import (
    AllocationPlan,
    CCERProject,
    ComplianceCycle,
    IntensityBenchmark,
    LedgerEntry,
    LoadFactorBand,
    Milestone,
    PowerBenchmark,
)
from allowances.services import cycles, ledger
from allowances.services import parameters as parameter_services
from registry.choices import ListStatus
from registry.models import KeyEmitterListEntry, Sector

CYCLE_YEAR = 2025
MILESTONE_DAYS = [
    (MilestoneKind.PRE_ALLOCATION, 4, 20),
    (MilestoneKind.VERIFICATION_DUE, 6, 30),
    (MilestoneKind.FINAL_ALLOCATION, 7, 31),
    (MilestoneKind.ISSUANCE, 8, 20),
    (MilestoneKind.LISTS, 10, 31),
    (MilestoneKind.SURRENDER_DEADLINE, 12, 31),
]
CYCLES = [
    (2024, "2024年度履约周期", CycleStatus.CLOSED),
    (2025, "2025年度履约周期", CycleStatus.SURRENDER),
]
# The demo's computed allocation of a year: 95 % of the verified emissions (a stand-in for the
# benchmark / intensity methods; the notice's unit data give the output that yields it).
DEMO_ALLOCATION_SHARE = demo_allocation.DEMO_ALLOWANCE_SHARE
PROJECTS = [
    # code, name, type, inside the national ETS
    ("CCER-2024-0001", "中卫沙坡头100MW光伏发电项目（演示）", "光伏", False),
    ("CCER-2024-0002", "中宁电厂余热发电项目（演示）", "余热利用", True),
]
# Allocation parameters (DOMAIN.md "Allocation and surrender"): the 2024 power benchmarks of
# 国环规气候〔2024〕1号, tCO2/MWh and heat tCO2/GJ; 2025 repeats them (the 2025 plan is not in
# DOMAIN.md, so the demo says it copies them).
BENCHMARKS = [
    (UnitClass.COAL_LARGE, "0.7910", "0.1033"),
    (UnitClass.COAL_SMALL, "0.8049", "0.1033"),
    (UnitClass.COAL_UNCONVENTIONAL, "0.8244", "0.1033"),
    (UnitClass.GAS, "0.3288", "0.0533"),
]
BENCHMARK_SOURCES = {
    2024: "国环规气候〔2024〕1号",
    2025: "演示：沿用国环规气候〔2024〕1号2024年度基准值",
}
BAND_SOURCE = "演示：负荷系数无需修正（Ff=1）"
# Plan settings: the 2023–2024 plan counts power generated as Qe; 2025 keeps it (demo).
PLANS = {
    2024: (PowerBasis.GENERATED, "国环规气候〔2024〕1号"),
    2025: (PowerBasis.GENERATED, "演示：沿用国环规气候〔2024〕1号（以发电量计）"),
}
# (year, sector code, product, unit, intensity, source): only if the sector exists (cement
# clinker is under building materials in the reference sectors).
INTENSITIES = [(2025, "building_materials", "熟料", "t", "0.8500", "演示值（非官方）")]
# (index of the listed enterprise, project code, vintage, first serial, quantity)
CCER_ISSUES = [
    (0, "CCER-2024-0001", 2024, 100000001, 1500),
    (1, "CCER-2024-0001", 2024, 100001501, 800),
    (1, "CCER-2024-0002", 2024, 200000001, 600),
]


def seed(*, actor, stdout=None) -> None:
    by_year = {year: _cycle(actor, year, name, status) for year, name, status in CYCLES}
    parameters = _parameters(actor)
    cycle = by_year[CYCLE_YEAR]
    listed = _listed_enterprises(CYCLE_YEAR)
    allocated = 0
    for enterprise in listed:
        allocated += _allocate(actor, cycle, enterprise)
    notices = demo_allocation.seed(actor=actor, cycle=cycle, enterprises=listed)
    projects = {code: _project(code, name, kind, inside) for code, name, kind, inside in PROJECTS}
    issued = 0
    for index, code, vintage, first, quantity in CCER_ISSUES:
        if index < len(listed):
            issued += _issue_ccer(actor, listed[index], projects[code], vintage, first, quantity)
    statement = demo_allocation.seed_statement(actor=actor)
    prices = _market_prices(actor)
    cases = _penalty_case(actor, by_year[CYCLE_YEAR - 1])
    if stdout is not None:
        stdout.write(
            f"Allowances: {len(by_year)} compliance cycles, {len(listed)} accounts of the "
            f"{CYCLE_YEAR} list, {allocated} allocation entries and {issued} CCER issues posted; "
            f"{parameters} allocation parameter rows added; {notices} allocation notices imported; {statement} registry statement reconciled; "
            f"{prices} market prices entered; {cases} penalty case opened."
        )


# Demo market prices (CNY/t, t): the trading days of December 2025, the month-long window
# ending on the 2024 cycle's surrender deadline (31 Dec 2025), and its published average.
# Figures are illustrative, not the market's.
PRICE_SOURCE = "全国碳市场每日成交数据（演示数据）"
DEMO_TRADING_DAYS = [(day, Decimal("68.00") + Decimal(day % 7) * Decimal("0.85"), 150000 + day * 9000)
                     for day in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19,
                                 22, 23, 24, 25, 26, 29, 30, 31)]


def _market_prices(actor) -> int:
    """The demo's trading days and monthly average (each entered once, through the services)."""
    from allowances.models import DailyPrice, MonthlyPrice
    from allowances.services import penalties

    added = 0
    for day, price, volume in DEMO_TRADING_DAYS:
        if not DailyPrice.objects.filter(day=date(2025, 12, day)).exists():
            penalties.price_day_set(actor=actor, day=date(2025, 12, day), average_price=price,
                                    volume=volume, source=PRICE_SOURCE)
            added += 1
    if not MonthlyPrice.objects.filter(month=date(2025, 12, 1)).exists():
        days = [rules.TradingDay(date(2025, 12, d), p, v) for d, p, v in DEMO_TRADING_DAYS]
        average, _count = rules.window_average(days, date(2025, 12, 1), date(2025, 12, 31))
        penalties.price_set(actor=actor, month=date(2025, 12, 1), average_price=average,
                            source=PRICE_SOURCE)
        added += 1
    return added


def _cycle(actor, year: int, name: str, status: str) -> ComplianceCycle:
    cycle = ComplianceCycle.objects.filter(year=year).first()
    if cycle is None:
        cycle = cycles.cycle_create(actor=actor, data={"year": year, "name": name, "status": status})
    for kind, month, day in MILESTONE_DAYS:
        if not Milestone.objects.filter(cycle=cycle, kind=kind).exists():
            cycles.milestone_create(
                actor=actor, cycle=cycle, data={"kind": kind, "due_date": date(year + 1, month, day)}
            )
    return cycle


def _parameters(actor) -> int:
    """Plan settings, benchmarks, one open Ff band per year and the intensity rows, through
    the services; a row already there (by year; year and unit class; any band of the year; or
    year, sector and product) is left as it is. Returns the number of rows added."""
    added = 0
    for year, (basis, source) in PLANS.items():
        if not AllocationPlan.objects.filter(year=year).exists():
            parameter_services.plan_create(
                actor=actor, data={"year": year, "power_basis": basis, "source": source}
            )
            added += 1
    for year, source in BENCHMARK_SOURCES.items():
        for unit_class, power, heat in BENCHMARKS:
            if not PowerBenchmark.objects.filter(year=year, unit_class=unit_class).exists():
                parameter_services.benchmark_create(actor=actor, data={
                    "year": year, "unit_class": unit_class, "power_benchmark": Decimal(power),
                    "heat_benchmark": Decimal(heat), "source": source,
                })
                added += 1
        if not LoadFactorBand.objects.filter(year=year).exists():
            parameter_services.band_create(actor=actor, data={
                "year": year, "lower": None, "upper": None, "correction": Decimal("1.0000"),
                "source": BAND_SOURCE,
            })
            added += 1
    for year, sector_code, product, unit, intensity, source in INTENSITIES:
        sector = Sector.objects.filter(code=sector_code).first()
        if sector is None:
            continue
        if not IntensityBenchmark.objects.filter(year=year, sector=sector, product=product).exists():
            parameter_services.intensity_create(actor=actor, data={
                "year": year, "sector": sector, "product": product, "unit": unit,
                "intensity": Decimal(intensity), "source": source,
            })
            added += 1
    return added


def _listed_enterprises(year: int) -> list:
    entries = (
        KeyEmitterListEntry.objects.filter(
            key_list__year=year, key_list__status=ListStatus.PUBLISHED
        )
        .listed()
        .select_related("enterprise")
        .order_by("enterprise__uscc")
    )
    return [e.enterprise for e in entries]


def _posted(account, cycle, kind) -> bool:
    return LedgerEntry.objects.filter(holding__account=account, cycle=cycle, kind=kind).exists()


def _allocate(actor, cycle, enterprise) -> int:
    """Pre-allocation (70 % of the allowance on the prior year's verified activity with the
    year's parameters, ``demo_allocation.pre_allocation``; none where the demo has no plan data
    for the sector), then the final allocation (what the method gives less the
    pre-allocation) and any top-up (20 % shortfall cap)."""
    account = ledger.account_for(enterprise)
    posted = 0
    pre = demo_allocation.pre_allocation(enterprise, cycle)
    if pre and not _posted(account, cycle, EntryKind.PRE_ALLOCATION):
        ledger.allocate(
            actor=actor, account=account, cycle=cycle, vintage=cycle.year, quantity=pre,
            kind=EntryKind.PRE_ALLOCATION,
        )
        posted += 1
    verified = demo_allocation.emissions(enterprise, cycle.year)
    if verified is None:
        return posted
    final = rules.final_allocation(
        [rules.UnitAllocation(rules.round_allowance(verified * DEMO_ALLOCATION_SHARE), verified)]
    )
    rest = final.computed - pre
    if rest > 0 and not _posted(account, cycle, EntryKind.FINAL_ALLOCATION):
        ledger.allocate(actor=actor, account=account, cycle=cycle, vintage=cycle.year, quantity=rest)
        posted += 1
    if final.top_up > 0 and not _posted(account, cycle, EntryKind.TOP_UP):
        ledger.allocate(
            actor=actor, account=account, cycle=cycle, vintage=cycle.year,
            quantity=final.top_up, kind=EntryKind.TOP_UP,
        )
        posted += 1
    return posted


def _project(code: str, name: str, project_type: str, inside: bool) -> CCERProject:
    project, _created = CCERProject.objects.get_or_create(
        code=code,
        defaults={"name": name, "project_type": project_type, "inside_national_ets": inside},
    )
    return project


def _issue_ccer(actor, enterprise, project, vintage: int, first: int, quantity: int) -> int:
    """CCER units arriving in the enterprise's account with their serial range."""
    account = ledger.account_for(enterprise)
    reference = f"CCER {project.code} {first}-{first + quantity - 1}"
    if LedgerEntry.objects.filter(holding__account=account, reference=reference).exists():
        return 0
    ledger.post(
        actor=actor,
        movements=[
            ledger.Movement(
                account, UnitType.CCER, vintage, quantity, EntryKind.TRANSFER_IN, project,
                serial_start=first, serial_end=first + quantity - 1,
            )
        ],
        reference=reference,
    )
    return 1


def _penalty_case(actor, cycle) -> int:
    """One short-surrender case of the closed cycle (Art. 24), for the first enterprise short
    at its deadline, with a correction deadline 30 days ahead: the case page shows the fine
    range with its window and average, and the cut "to be determined" until that day."""
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from allowances.models import PenaltyCase
    from allowances.selectors import compliance
    from allowances.services import penalties

    if PenaltyCase.objects.filter(cycle=cycle).exists():
        return 0
    short = compliance.compliance_rows(actor, cycle, status=rules.SHORT)[:1]
    if not short:
        return 0
    try:
        penalties.penalty_open(
            actor=actor, cycle=cycle, enterprise=short[0].enterprise,
            correction_deadline=timezone.localdate() + timedelta(days=30),
        )
    except ValidationError:
        return 0
    return 1
