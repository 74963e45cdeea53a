"""Demo allocation notices of the 2025 cycle, loaded through the real path: a notice workbook
built in memory is imported (``services.allocation.allocation_import``), notified on the
final-allocation milestone, one enterprise objects and the bureau dismisses it, and the
notices are issued on the issuance milestone. The figures equal what ``demo_seed`` already
posted to the accounts, so issuing posts nothing new; the unit data give the portal's check
value, which differs from the notice by a few tonnes where the demo's inputs are rounded.
Idempotent: nothing happens once the cycle has allocations."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from accounts.models import Membership
from allowances.choices import AllocationMethod, UnitClass
from allowances.models import Allocation, AllocationObjection, IntensityBenchmark, PowerBenchmark
from allowances.services import allocation as svc
from allowances.services.allocation_import import (
    ALLOCATION_COLUMNS,
    SHEET_ALLOCATIONS,
    SHEET_UNITS,
    UNIT_COLUMNS,
)
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

# The unit data of this enterprise give 10,000 MWh less than the region counted, so its check
# value shows a difference (10,000 × 0.8049 = 8,049 t) on the allocation table.
DEMO_DIFFERENCE = {"宁夏中宁发电有限公司": 10_000}


def seed(*, actor, cycle, enterprises) -> int:
    """Import, notify, object once, issue; returns the number of allocations created."""
    if Allocation.objects.filter(cycle=cycle).exists():
        return 0
    rows, units = [], []
    for enterprise in enterprises:
        total = svc.issued_so_far(Allocation(cycle=cycle, enterprise=enterprise))
        if total <= 0:
            continue
        pre = _pre_posted(enterprise, cycle)
        if enterprise.sector.code == "power":
            unit_class = DEMO_UNIT_CLASS.get(enterprise.name, UnitClass.COAL_SMALL)
            bench = PowerBenchmark.objects.filter(year=cycle.year, unit_class=unit_class).first()
            rows.append([enterprise.uscc, enterprise.name, AllocationMethod.POWER_BENCHMARK,
                         pre or None, total, NOTICE_REFERENCE, NOTIFIED_ON.isoformat()])
            if bench is not None:
                # supplied power that gives about 95 % of the verified emissions, in whole MWh
                mwh = round(total / bench.power_benchmark)
                if enterprise.name in DEMO_DIFFERENCE:
                    mwh -= DEMO_DIFFERENCE[enterprise.name]
                units.append([enterprise.uscc, "1号机组", unit_class, mwh, None, None, None,
                              None, None])
        else:
            rows.append([enterprise.uscc, enterprise.name, AllocationMethod.INTENSITY,
                         pre or None, total, NOTICE_REFERENCE, NOTIFIED_ON.isoformat()])
            bench = IntensityBenchmark.objects.filter(year=cycle.year, sector=enterprise.sector).first()
            if bench is not None:
                # output that gives about 95 % of the verified emissions, in whole units
                output = round(total / bench.intensity)
                units.append([enterprise.uscc, "熟料生产线", None, None, None, None, bench.product,
                              output, None])
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
