"""The allowances part of ``manage.py grow_demo`` (issue 11 §9; see ``registry/demo_grow.py``):
an allowance account for every listed grown enterprise, with what the seed's accounts hold
(``allowances.demo_seed``), in whole tonnes by the same rules:

- cycle 2024 (closed): the final allocation of the 2024 verified emissions (95 %, the seed's
  stand-in, ``demo_allocation.DEMO_ALLOWANCE_SHARE``, with the 20 % shortfall cap), what was
  bought to cover the rest, and the surrender of the obligation, confirmed through a request;
  about 4 % surrendered only what they held, so they are short (the penalty list's rows);
- cycle 2025 (surrender under way): the pre-allocation (70 % of the allowance on the 2024
  figure), the final allocation on the 2025 figure (verified where the report is final) and any
  top-up; the notified allocation, issued; a few open surrender requests.

Ledger entries are bulk-inserted with their holdings' balances (the sum of the entries, as the
ledger service keeps them); the audit chain seals them at commit. One event per account and
cycle, as ``ledger.post`` writes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from allowances import demo_allocation, rules
from allowances.choices import (
    AllocationMethod,
    AllocationStatus,
    EntryKind,
    SurrenderStatus,
    UnitType,
)
from allowances.models import (
    Allocation,
    AllowanceAccount,
    ComplianceCycle,
    Holding,
    LedgerEntry,
    SurrenderRequest,
)
from registry.choices import RecordSource
from registry.demo_grow import Grown, bulk, share
from registry.models import EmissionRecord
from zhongwei_carbon.models import Event

SHANGHAI = demo_allocation.SHANGHAI
SHORT_SHARE = 0.04  # accounts short at the 2024 deadline
OPEN_REQUEST_SHARE = 0.30  # of the accounts with a verified 2025 figure: a request under way
BOUGHT = "演示：市场购入（注册登记系统）"


def grow(*, actor, grown: Grown, stdout=None) -> None:
    listed = grown.listed
    cycles = {c.year: c for c in ComplianceCycle.objects.filter(year__in=[2024, 2025])}
    if not listed or set(cycles) != {2024, 2025}:
        return
    figures = _figures(listed)
    accounts = bulk(AllowanceAccount, [AllowanceAccount(enterprise=e) for e in listed])
    plans = [_plan(a, figures[a.enterprise_id]) for a in accounts]
    holdings = bulk(Holding, [
        Holding(account=a, unit_type=UnitType.CEA, vintage=year, quantity=sum(q for _k, q in plan[year]))
        for a, plan in zip(accounts, plans, strict=True)
        for year in (2024, 2025)
    ])
    by_key = {(h.account_id, h.vintage): h for h in holdings}
    entries = []
    for account, plan in zip(accounts, plans, strict=True):
        for year in (2024, 2025):
            for kind, quantity in plan[year]:
                entries.append(LedgerEntry(
                    holding=by_key[(account.pk, year)], cycle=cycles[year], kind=kind,
                    quantity=quantity, actor=actor,
                    reference=BOUGHT if kind == EntryKind.TRANSFER_IN else f"{kind}:{year}",
                ))
    bulk(LedgerEntry, entries)
    allocations = _allocations(accounts, plans, cycles[2025])
    requests = _requests(grown, accounts, plans, figures, cycles)
    _events(accounts, plans, actor)
    if stdout is not None:
        short = sum(1 for plan in plans if plan["short"])
        stdout.write(
            f"Allowances: {len(accounts)} accounts, {len(holdings)} holdings, {len(entries)} ledger "
            f"entries, {allocations} allocations 2025, {requests} surrender requests; "
            f"{short} accounts short for 2024."
        )


def _figures(listed) -> dict[int, dict]:
    """{enterprise pk: {year: (emissions, verified?)}} of 2024 and 2025."""
    out: dict[int, dict] = {}
    rows = EmissionRecord.objects.filter(enterprise__in=listed, year__in=[2024, 2025])
    for enterprise_id, year, emissions, source in rows.values_list(
        "enterprise_id", "year", "emissions_tco2e", "source"
    ):
        out.setdefault(enterprise_id, {})[year] = (emissions, source == RecordSource.VERIFIED)
    return out


def _final(emissions: Decimal) -> rules.FinalAllocation:
    allowance = rules.round_allowance(emissions * demo_allocation.DEMO_ALLOWANCE_SHARE)
    return rules.final_allocation([rules.UnitAllocation(allowance, emissions)])


def _plan(account, figures) -> dict:
    """The entries of each cycle ((kind, signed tonnes), in order) and the figures they rest on."""
    e2024, _verified = figures[2024]
    e2025, verified_2025 = figures[2025]
    final = _final(e2024)
    obligation = rules.obligation(e2024)
    short = share(str(account.enterprise_id), "short") < SHORT_SHARE
    y2024 = [(EntryKind.FINAL_ALLOCATION, final.computed)]
    if final.top_up:
        y2024.append((EntryKind.TOP_UP, final.top_up))
    held = final.allocation
    if not short and obligation > held:
        y2024.append((EntryKind.TRANSFER_IN, obligation - held))
        held = obligation
    y2024.append((EntryKind.SURRENDER, -min(held, obligation)))
    pre = rules.pre_allocation([e2024 * demo_allocation.DEMO_ALLOWANCE_SHARE])
    final_2025 = _final(e2025)
    y2025 = [(EntryKind.PRE_ALLOCATION, pre)]
    if final_2025.computed > pre:
        y2025.append((EntryKind.FINAL_ALLOCATION, final_2025.computed - pre))
    if final_2025.top_up:
        y2025.append((EntryKind.TOP_UP, final_2025.top_up))
    return {2024: y2024, 2025: y2025, "short": short, "pre": pre,
            "notified": max(pre, final_2025.computed) + final_2025.top_up,
            "obligation_2024": obligation, "surrendered_2024": min(held, obligation),
            "obligation_2025": rules.obligation(e2025) if verified_2025 else None}


def _allocations(accounts, plans, cycle) -> int:
    notified = demo_allocation.NOTIFIED_ON
    rows = bulk(Allocation, [
        Allocation(
            cycle=cycle, enterprise_id=a.enterprise_id,
            method=(AllocationMethod.POWER_BENCHMARK if a.enterprise.sector.code == "power"
                    else AllocationMethod.INTENSITY),
            pre_allocation=plan["pre"], notified=plan["notified"], status=AllocationStatus.ISSUED,
            notice_reference=demo_allocation.NOTICE_REFERENCE, notice_date=notified,
            notified_on=notified, notice_number=1, objection_deadline=date(2026, 8, 11),
        )
        for a, plan in zip(accounts, plans, strict=True)
    ])
    return len(rows)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _requests(grown: Grown, accounts, plans, figures, cycles) -> int:
    admin, reviewer = grown.people["admin"], grown.people["reviewer"]
    rows = []
    for account, plan in zip(accounts, plans, strict=True):
        user = grown.users[account.enterprise_id]
        rows.append(SurrenderRequest(
            account=account, cycle=cycles[2024], cea=[[2024, plan["surrendered_2024"]]],
            status=SurrenderStatus.CONFIRMED, requested_by=user,
            approved_by=admin, approved_at=_at(date(2025, 12, 10), 10),
            confirmed_by=reviewer, confirmed_at=_at(date(2025, 12, 11), 15),
        ))
        due = plan["obligation_2025"]
        if due is not None and share(str(account.pk), "request") < OPEN_REQUEST_SHARE:
            approved = share(str(account.pk), "approved") < 0.5
            rows.append(SurrenderRequest(
                account=account, cycle=cycles[2025], cea=[[2025, min(due, plan["notified"])]],
                status=SurrenderStatus.APPROVED if approved else SurrenderStatus.REQUESTED,
                requested_by=user, approved_by=admin if approved else None,
                approved_at=_at(date(2026, 12, 1), 10) if approved else None,
            ))
    return len(bulk(SurrenderRequest, rows))


def _events(accounts, plans, actor) -> None:
    target_type = ContentType.objects.get_for_model(AllowanceAccount)
    rows = []
    for account, plan in zip(accounts, plans, strict=True):
        for year in (2024, 2025):
            moved = plan[year]
            kinds = ", ".join(sorted({str(EntryKind(k).label) for k, _q in moved}))
            rows.append(Event(
                actor=actor, verb="allowances.posted", target_type=target_type,
                target_id=str(account.pk),
                message=_("%(n)d ledger entries posted (%(kinds)s).") % {"n": len(moved), "kinds": kinds},
                data={"reference": f"grow_demo:{year}", "net": sum(q for _k, q in moved)},
            ))
    bulk(Event, rows)
