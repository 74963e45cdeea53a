"""Bench: what the audit hash chains cost (issue 10 §8), on a throw-away database.

1. Events written in one transaction (as the monthly-ledger import writes them, one per
   month): the time of the inserts and of the commit, which seals every row, against the same
   transaction with the seal trigger switched off.
2. Ledger postings (``ledger.transfer``, each its own transaction, two entries and two events):
   time per posting with the seal, and with the seal switched off.
3. ``verify_audit_chain``: rows checked per second.

A throw-away database (``test_<name>``) is created, migrated and dropped again.
"""

from __future__ import annotations

import time
from contextlib import nullcontext

from django.db import transaction

from bench import in_scratch_database

EVENTS = 4_000
POSTINGS = 200
SEALS = ("core.Event:events_chain_seal", "allowances.LedgerEntry:ledger_entries_chain_seal")


def _unsealed():
    """Switch the seal triggers off for the block (the rows stay unsealed)."""
    import pgtrigger

    return pgtrigger.ignore(*SEALS)


def _events(actor, target, *, sealed: bool) -> tuple[float, float]:
    from django.contrib.contenttypes.models import ContentType

    from zhongwei_carbon.audit_chain import seal_pending
    from zhongwei_carbon.models import Event

    ct = ContentType.objects.get_for_model(target)
    rows = [
        Event(actor=actor, verb="bench.event", message=f"月度台账 {i}", data={"file": "bench.xlsx"},
              target_type=ct, target_id=str(target.pk))
        for i in range(EVENTS)
    ]
    with nullcontext() if sealed else _unsealed():
        started = time.perf_counter()
        with transaction.atomic():
            Event.objects.bulk_create(rows, batch_size=1_000)
            inserted = time.perf_counter()
            if not sealed:
                seal_pending()  # fire the (switched-off) triggers inside the block
        committed = time.perf_counter()
    return inserted - started, committed - inserted


def _postings(actor, a, b, *, sealed: bool) -> float:
    from allowances.choices import UnitType
    from allowances.services import ledger
    from zhongwei_carbon.audit_chain import seal_pending

    started = time.perf_counter()
    for i in range(POSTINGS):
        source, target = (a, b) if i % 2 else (b, a)
        with nullcontext() if sealed else _unsealed(), transaction.atomic():
            ledger.transfer(actor=actor, source=source, target=target,
                            unit_type=UnitType.CEA, vintage=2025, quantity=1)
            if not sealed:
                seal_pending()
    return (time.perf_counter() - started) / POSTINGS


def _measure() -> None:
    from accounts.models import User
    from allowances.models import ComplianceCycle
    from allowances.services import ledger
    from registry.models import Area, Enterprise, Sector
    from zhongwei_carbon import audit_check
    from zhongwei_carbon.models import Event

    actor = User.objects.create(username="bench_chain")
    area, sector = Area.objects.first(), Sector.objects.first()
    a, b = (
        ledger.account_for(Enterprise.objects.create(
            name=f"链测试企业{i}", uscc=f"91640500MA7XCH00{i}X"[:18], area=area, sector=sector))
        for i in (1, 2)
    )
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    for account in (a, b):
        ledger.allocate(actor=actor, account=account, cycle=cycle, vintage=2025, quantity=10_000)

    # sealed runs first: the unsealed rows written afterwards would break the chain check
    sealed = min((_events(actor, a, sealed=True) for _ in range(2)), key=sum)
    sealed_posting = min(_postings(actor, a, b, sealed=True) for _ in range(2))
    started = time.perf_counter()
    reports = audit_check.verify_all()
    verify_s = time.perf_counter() - started
    assert all(r.ok for r in reports), reports
    checked = sum(r.checked for r in reports)
    bare = min((_events(actor, a, sealed=False) for _ in range(2)), key=sum)
    bare_posting = min(_postings(actor, a, b, sealed=False) for _ in range(2))

    print(f"{EVENTS:,} events in one transaction: insert {sealed[0]:.2f} s, commit with seal "
          f"{sealed[1]:.2f} s ({sealed[1] / EVENTS * 1000:.2f} ms/row); seal off: insert "
          f"{bare[0]:.2f} s, commit {bare[1]:.2f} s")
    print(f"ledger transfer (2 entries + 2 events, own transaction): {sealed_posting * 1000:.1f} ms "
          f"with the seal, {bare_posting * 1000:.1f} ms without")
    print(f"verify_audit_chain: {checked:,} rows in {verify_s:.2f} s "
          f"({checked / verify_s:,.0f} rows/s); {Event.objects.count():,} events in the table")


def main() -> int:
    return in_scratch_database(_measure)


if __name__ == "__main__":
    raise SystemExit("run through `python -m bench` (it sets Django up)")
