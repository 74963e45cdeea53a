"""The allowances demo data: cycles with DOMAIN.md's milestones, the activity-based
pre-allocation and the final allocation by hand, CCER units with serials; a second run changes
nothing."""

from datetime import date
from decimal import Decimal

import pytest

from allowances import demo_seed
from allowances.choices import EntryKind, UnitType
from allowances.models import (
    AllocationPlan,
    CCERProject,
    ComplianceCycle,
    Holding,
    IntensityBenchmark,
    LedgerEntry,
    LoadFactorBand,
    Milestone,
    PowerBenchmark,
)
from allowances.selectors import parameters as parameter_selectors
from registry.models import KeyEmitterList, KeyEmitterListEntry, Sector
from tests import factories as f
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


def _listed(key_list, enterprise):
    KeyEmitterListEntry.objects.create(
        key_list=key_list, enterprise=enterprise, change="added", reason="emissions",
        emissions_tco2e=Decimal("30000"), enterprise_name=enterprise.name, uscc=enterprise.uscc,
        area=enterprise.area, sector=enterprise.sector,
    )


@pytest.fixture
def listed(enterprise_a, enterprise_b, bureau_admin):
    key_list = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=bureau_admin)
    for enterprise, e2024, e2025 in [
        (enterprise_a, "30000", "32000"),
        (enterprise_b, "40000", "20000"),
    ]:
        f.EmissionRecordFactory(enterprise=enterprise, year=2024, emissions_tco2e=Decimal(e2024),
                                source="verified")
        f.EmissionRecordFactory(enterprise=enterprise, year=2025, emissions_tco2e=Decimal(e2025),
                                source="verified")
        _listed(key_list, enterprise)
    KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    return sorted([enterprise_a, enterprise_b], key=lambda e: e.uscc)


def _snapshot():
    return (
        LedgerEntry.objects.count(),
        Event.objects.count(),
        list(Holding.objects.order_by("pk").values_list("pk", "quantity")),
        Milestone.objects.count(),
        ComplianceCycle.objects.count(),
        CCERProject.objects.count(),
        list(PowerBenchmark.history.values_list("id", "history_type")),
        list(LoadFactorBand.history.values_list("id", "history_type")),
        list(IntensityBenchmark.history.values_list("id", "history_type")),
        list(AllocationPlan.history.values_list("id", "history_type")),
    )


def test_demo_seed(listed, bureau_admin, enterprise_a, enterprise_b):
    demo_seed.seed(actor=bureau_admin)
    cycle = ComplianceCycle.objects.get(year=2025)
    assert cycle.name == "2025年度履约周期"
    assert ComplianceCycle.objects.get(year=2024).status == "closed"
    assert dict(cycle.milestones.values_list("kind", "due_date")) == {
        "pre_allocation": date(2026, 4, 20),
        "verification_due": date(2026, 6, 30),
        "final_allocation": date(2026, 7, 31),
        "issuance": date(2026, 8, 20),
        "lists": date(2026, 10, 31),
        "surrender_deadline": date(2026, 12, 31),
    }

    def entries(enterprise, kind):
        return list(
            LedgerEntry.objects.filter(holding__account__enterprise=enterprise, kind=kind)
            .values_list("quantity", flat=True)
        )

    # enterprise_a (power, coal < 400 MW): the demo's 2024 output is 95 % × 30,000 / 0.8049 =
    # 35,408 MWh generated; pre = 70 % × 35,408 × 0.8049 (2025) = 70 % × 28,499.9 = 19,950
    # (not 70 % of the 2024 emissions, 21,000); computed = 95 % × 32,000 = 30,400;
    # final = 30,400 − 19,950 = 10,450; shortfall 1,600 ≤ 20 % × 32,000: no top-up.
    assert entries(enterprise_a, EntryKind.PRE_ALLOCATION) == [19950]
    assert entries(enterprise_a, EntryKind.FINAL_ALLOCATION) == [10450]
    assert entries(enterprise_a, EntryKind.TOP_UP) == []
    # enterprise_b (clinker 0.85 t/t): 2024 output 95 % × 40,000 / 0.85 = 44,706 t; pre =
    # 70 % × 44,706 × 0.85 = 70 % × 38,000.1 = 26,600 ≥ computed 19,000: no final entry.
    assert entries(enterprise_b, EntryKind.PRE_ALLOCATION) == [26600]
    assert entries(enterprise_b, EntryKind.FINAL_ALLOCATION) == []
    first, second = listed
    cea = {h.account.enterprise_id: h.quantity for h in Holding.objects.filter(unit_type="cea")}
    assert cea == {enterprise_a.pk: 30400, enterprise_b.pk: 26600}

    ccer = Holding.objects.filter(unit_type=UnitType.CCER).select_related("project", "account")
    assert sorted((h.account.enterprise_id, h.project.code, h.quantity) for h in ccer) == sorted([
        (first.pk, "CCER-2024-0001", 1500),
        (second.pk, "CCER-2024-0001", 800),
        (second.pk, "CCER-2024-0002", 600),
    ])
    assert CCERProject.objects.get(code="CCER-2024-0002").inside_national_ets
    issue = LedgerEntry.objects.get(holding__account__enterprise=first, holding__unit_type="ccer")
    assert (issue.serial_start, issue.serial_end) == (100000001, 100001500)

    before = _snapshot()
    demo_seed.seed(actor=bureau_admin)
    assert _snapshot() == before


def test_demo_seed_without_lists_makes_only_cycles(bureau_admin):
    demo_seed.seed(actor=bureau_admin)
    assert ComplianceCycle.objects.count() == 2
    assert Milestone.objects.count() == 12
    assert LedgerEntry.objects.count() == 0


def test_demo_seed_parameters(bureau_admin):
    demo_seed.seed(actor=bureau_admin)
    rows = PowerBenchmark.objects.values_list(
        "year", "unit_class", "power_benchmark", "heat_benchmark", "source"
    )
    demo_2025 = "演示：沿用国环规气候〔2024〕1号2024年度基准值"
    expected = []
    for year, source in ((2024, "国环规气候〔2024〕1号"), (2025, demo_2025)):
        expected += [
            (year, "coal_large", Decimal("0.7910"), Decimal("0.1033"), source),
            (year, "coal_small", Decimal("0.8049"), Decimal("0.1033"), source),
            (year, "coal_cfb", Decimal("0.8244"), Decimal("0.1033"), source),
            (year, "gas", Decimal("0.3288"), Decimal("0.0533"), source),
        ]
    assert sorted(rows) == sorted(expected)
    bands = LoadFactorBand.objects.order_by("year").values_list(
        "year", "lower", "upper", "correction", "source"
    )
    assert list(bands) == [
        (2024, None, None, Decimal("1.0000"), "演示：负荷系数无需修正（Ff=1）"),
        (2025, None, None, Decimal("1.0000"), "演示：负荷系数无需修正（Ff=1）"),
    ]
    # what the allocation check reads: DOMAIN.md's example, class I, Qe 3,000,000 MWh, Ff 1,
    # Qh 1,000,000 GJ → 3,000,000 × 0.7910 × 1 + 1,000,000 × 0.1033 = 2,373,000 + 103,300
    be = parameter_selectors.power_benchmark(2024, "coal_large")
    ff = parameter_selectors.load_factor_correction(2024, None)
    assert 3_000_000 * be.power_benchmark * ff + 1_000_000 * be.heat_benchmark == 2_476_300
    # the plan settings: Qe counts power generated (国环规气候〔2024〕1号; 2025 keeps it)
    assert list(AllocationPlan.objects.order_by("year").values_list("year", "power_basis")) == [
        (2024, "generated"), (2025, "generated")]
    # clinker (熟料) is under building materials in the reference sectors
    row = IntensityBenchmark.objects.get()
    assert (row.year, row.sector.code, row.product, row.unit, row.intensity, row.source) == (
        2025, "building_materials", "熟料", "t", Decimal("0.8500"), "演示值（非官方）"
    )


def test_demo_seed_without_the_sector_adds_no_intensity(bureau_admin):
    Sector.objects.filter(code="building_materials").update(code="bm_renamed")
    demo_seed.seed(actor=bureau_admin)
    demo_seed.seed(actor=bureau_admin)
    assert not IntensityBenchmark.objects.exists()
    assert PowerBenchmark.objects.count() == 8 and LoadFactorBand.objects.count() == 2
