"""Demo allocation notices of the 2025 cycle, loaded through the real path: a notice workbook
built in memory is imported (``services.allocation.allocation_import``), notified on the
final-allocation milestone, one enterprise objects and the bureau dismisses it, and the
notices are issued on the issuance milestone. The figures equal what ``demo_seed`` already
posted to the accounts, so issuing posts nothing new.

The unit data carry each unit's activity of 2025 (final allocation) and of 2024 (the
pre-allocation: 70 % of the allowance on 2024's verified activity with 2025's benchmarks,
DOMAIN.md). The demo derives a unit's output from the enterprise's emissions (an output whose
allowance is about 95 % of the emissions, in whole MWh or tonnes of product); ``demo_seed``
pre-allocates from the same 2024 activity, so the check values equal the notice except where
the story wants a difference. Idempotent: nothing happens once the cycle has allocations."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import Membership
from allowances import rules
from allowances.choices import AllocationMethod, UnitClass
from allowances.models import Allocation, AllocationObjection, IntensityBenchmark, PowerBenchmark
from allowances.services import allocation as svc
from allowances.services.allocation_import import (
    ALLOCATION_COLUMNS,
    SHEET_ALLOCATIONS,
    SHEET_UNITS,
    UNIT_COLUMNS,
)
from registry.choices import RecordSource
from registry.models import EmissionRecord
from zhongwei_carbon.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTICE_REFERENCE = "宁环办发〔2026〕演示1号"
NOTIFIED_ON = date(2026, 7, 31)  # final allocation milestone of the 2025 cycle
OBJECTED_ON = date(2026, 8, 3)
ISSUED_ON = date(2026, 8, 20)  # issuance milestone
# The unit class of the demo's power enterprises' first unit, by the facility fuel mix.
DEMO_UNIT_CLASS = {
    "宁夏海原热电有限公司": UnitClass.COAL_UNCONVENTIONAL,
    "宁夏中宁新能源发电有限公司": UnitClass.GAS,
}
# Demo stand-ins: a unit's output gives an allowance of about 95 % of its emissions; power
# supplied is 94 % of power generated (the rest is the plant's own use).
DEMO_ALLOWANCE_SHARE = Decimal("0.95")
DEMO_SUPPLIED_SHARE = Decimal("0.94")

# The unit data of this enterprise give 10,000 MWh less than the region counted, so its check
# value shows a difference (10,000 × 0.8049 = 8,049 t) on the allocation table.
DEMO_DIFFERENCE = {"宁夏中宁发电有限公司": 10_000}


def emissions(enterprise, year: int) -> Decimal | None:
    """The year's verified emissions, or (demo only, before verification) the best figure."""
    records = EmissionRecord.objects.filter(enterprise=enterprise, year=year)
    verified = records.filter(source=RecordSource.VERIFIED).first()
    record = verified or records.first()
    return record.emissions_tco2e if record else None


@dataclass(frozen=True)
class DemoUnit:
    """The demo's one unit of an enterprise, with the year's parameter it is computed with."""

    name: str
    method: str
    factor: Decimal  # Be (tCO2/MWh) or the intensity (tCO2/unit) of the cycle year
    unit_class: str | None = None
    product: str | None = None

    def output(self, tonnes: Decimal | int) -> int:
        """Whole MWh (or product units) whose allowance is ``tonnes``."""
        return rules.round_allowance(Decimal(tonnes) / self.factor)

    def row(self, uscc: str, *, output: int | None, prior: int | None) -> list:
        """A row of sheet 机组 (UNIT_COLUMNS order)."""
        supplied = _supplied(output)
        if self.method == AllocationMethod.POWER_BENCHMARK:
            return [uscc, self.name, self.unit_class, output, supplied, None, None, None, None,
                    None, prior, _supplied(prior), None, None, None]
        return [uscc, self.name, None, None, None, None, None, self.product, output, None,
                None, None, None, None, prior]


def _supplied(generated: int | None) -> int | None:
    return None if generated is None else rules.round_allowance(generated * DEMO_SUPPLIED_SHARE)


def demo_unit(enterprise, year: int) -> DemoUnit | None:
    """The enterprise's unit in the demo, or ``None`` where the demo has no plan data for its
    sector (no pre-allocation, no unit data)."""
    if enterprise.sector.code == "power":
        unit_class = DEMO_UNIT_CLASS.get(enterprise.name, UnitClass.COAL_SMALL)
        bench = PowerBenchmark.objects.filter(year=year, unit_class=unit_class).first()
        if bench is None:
            return None
        return DemoUnit("1号机组", AllocationMethod.POWER_BENCHMARK, bench.power_benchmark,
                        unit_class=unit_class)
    bench = IntensityBenchmark.objects.filter(year=year, sector=enterprise.sector).first()
    if bench is None:
        return None
    return DemoUnit("熟料生产线", AllocationMethod.INTENSITY, bench.intensity, product=bench.product)


def prior_output(enterprise, cycle) -> int | None:
    """The unit's verified output of the year before the cycle (MWh generated or product)."""
    unit = demo_unit(enterprise, cycle.year)
    prior = emissions(enterprise, cycle.year - 1)
    if unit is None or not prior:
        return None
    return unit.output(prior * DEMO_ALLOWANCE_SHARE)


def pre_allocation(enterprise, cycle) -> int:
    """The demo's pre-allocation: 70 % of the allowance on last year's output with the cycle
    year's parameter (``rules.pre_allocation``); 0 where the demo has no plan data."""
    unit, output = demo_unit(enterprise, cycle.year), prior_output(enterprise, cycle)
    if unit is None or output is None:
        return 0
    return rules.pre_allocation([Decimal(output) * unit.factor])


def seed(*, actor, cycle, enterprises) -> int:
    """Import, notify, object once, issue; returns the number of allocations created."""
    if Allocation.objects.filter(cycle=cycle).exists():
        return 0
    rows, units = [], []
    for enterprise in enterprises:
        total = svc.issued_so_far(Allocation(cycle=cycle, enterprise=enterprise))
        if total <= 0:
            continue
        unit = demo_unit(enterprise, cycle.year)
        method = unit.method if unit else (
            AllocationMethod.POWER_BENCHMARK if enterprise.sector.code == "power"
            else AllocationMethod.INTENSITY
        )
        rows.append([enterprise.uscc, enterprise.name, method, _pre_posted(enterprise, cycle) or None,
                     total, NOTICE_REFERENCE, NOTIFIED_ON.isoformat()])
        if unit is not None:
            output = unit.output(total) - DEMO_DIFFERENCE.get(enterprise.name, 0)
            units.append(unit.row(enterprise.uscc, output=output,
                                  prior=prior_output(enterprise, cycle)))
    if not rows:
        return 0
    outcome = svc.allocation_import(
        actor=actor, cycle=cycle, data=_workbook(rows, units), filename="demo-notice.xlsx"
    )
    if not outcome.ok:
        raise RuntimeError(f"demo allocation notice refused: {outcome.errors[:3]}")
    svc.notify_all(actor=actor, cycle=cycle, today=NOTIFIED_ON)
    _one_objection(actor, cycle)
    svc.issue_all(actor=actor, cycle=cycle, today=ISSUED_ON)
    return outcome.created


def _pre_posted(enterprise, cycle) -> int:
    from django.db.models import Sum

    from allowances.choices import EntryKind
    from allowances.models import LedgerEntry

    return LedgerEntry.objects.filter(
        holding__account__enterprise=enterprise, cycle=cycle, kind=EntryKind.PRE_ALLOCATION
    ).aggregate(t=Sum("quantity"))["t"] or 0


def _one_objection(actor, cycle) -> None:
    """The first power enterprise with a user objects; the bureau dismisses it."""
    for allocation in Allocation.objects.filter(
        cycle=cycle, method=AllocationMethod.POWER_BENCHMARK
    ).select_related("enterprise"):
        member = Membership.objects.filter(
            enterprise=allocation.enterprise, role=Role.ENTERPRISE_USER, is_active=True
        ).select_related("user").first()
        if member is None:
            continue
        objection = svc.objection_file(
            actor=member.user, allocation=allocation, today=OBJECTED_ON,
            reasons="演示：我厂2025年供热量统计口径与通知不一致，请复核。",
        )
        svc.objection_decide(
            actor=actor, objection=objection, decision="dismissed",
            note="演示：经核对，供热量按核查报告确认数据计算，通知数据无误。",
        )
        # the demo replays the past: the times of the objection are those of its story
        AllocationObjection.objects.filter(pk=objection.pk).update(
            filed_at=datetime(2026, 8, 3, 9, 30, tzinfo=SHANGHAI),
            decided_at=datetime(2026, 8, 10, 15, 0, tzinfo=SHANGHAI),
        )
        return


def _workbook(rows, units) -> bytes:
    from openpyxl import Workbook  # not at module level: issue 11 §8

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_ALLOCATIONS
    ws.append([c.header for c in ALLOCATION_COLUMNS])
    for row in rows:
        ws.append([str(v) if hasattr(v, "value") else v for v in row])
    us = wb.create_sheet(SHEET_UNITS)
    us.append([c.header for c in UNIT_COLUMNS])
    for row in units:
        us.append([str(v) if hasattr(v, "value") else v for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


STATEMENT_DATE = date(2026, 9, 30)
STATEMENT_NAME = "注册登记系统持仓对账单-2026Q3（演示）.csv"


def seed_statement(*, actor) -> int:
    """A registry statement of 30 Sep 2026 as Chinese Excel saves a CSV (GB18030): every
    holding of the portal, except that the first account shows 500 t more CEA (a trade the
    portal has not recorded) and the last holding is missing. Returns 1 when imported."""
    from allowances.models import Holding, RegistryStatement
    from allowances.services import statements
    from allowances.services.statement_file import COLUMNS

    if RegistryStatement.objects.filter(file_name=STATEMENT_NAME).exists():
        return 0
    holdings = list(
        Holding.objects.exclude(quantity=0)
        .select_related("account__enterprise", "project")
        .order_by("account__enterprise__uscc", "unit_type", "vintage", "pk")
    )
    if len(holdings) < 2:
        return 0
    lines = [",".join(header for _key, header in COLUMNS)]
    for index, h in enumerate(holdings[:-1]):
        quantity = h.quantity + (500 if index == 0 else 0)
        unit = "配额" if h.unit_type == "cea" else "CCER"
        code = h.project.code if h.project else ""
        lines.append(f"{h.account.enterprise.uscc},{unit},{h.vintage},{code},{quantity}")
    data = ("\r\n".join(lines) + "\r\n").encode("gb18030")
    statements.statement_import(
        actor=actor, as_of=STATEMENT_DATE, upload_name=STATEMENT_NAME, data=data,
        note="演示：一笔交易未登记，一项持仓未列入",
    )
    return 1
