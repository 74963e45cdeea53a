"""Concurrent appends keep one unbroken chain (issue 10 §8): 24 threads, each on its own
connection, released together, post ledger movements and write events, some writing an event
before they lock the holdings. Every transaction commits (no deadlock), each chain is one
sequence 1..N with no fork, and both verify intact."""

import pytest
from django.db import transaction

from allowances.choices import UnitType
from allowances.models import ComplianceCycle, LedgerEntry
from allowances.services import ledger
from tests import factories as f
from tests.allowances.test_concurrency import THREADS, run_at_once
from zhongwei_carbon import audit_check, events
from zhongwei_carbon.models import AuditChainHead, Event

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_postings_and_events_keep_one_unbroken_chain():
    actor = f.UserFactory(username="chain_concurrency")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    accounts = [ledger.account_for(f.EnterpriseFactory()) for _ in range(4)]
    for account in accounts:
        ledger.allocate(actor=actor, account=account, cycle=cycle, vintage=2025, quantity=1_000)

    def transfer(i):
        source, target = accounts[i % 4], accounts[(i + 1) % 4]
        return lambda: ledger.transfer(
            actor=actor, source=source, target=target, unit_type=UnitType.CEA, vintage=2025,
            quantity=10,
        )

    def event_then_transfer(i):
        # an event first, then the holdings' row locks: with the chain lock taken at the
        # insert, this order against plain transfers would deadlock
        def job():
            with transaction.atomic():
                events.record(actor=actor, verb="test.before", target=accounts[i % 4],
                              message=f"job {i}")
                transfer(i)()
        return job

    def events_only(i):
        def job():
            with transaction.atomic():
                for n in range(3):
                    events.record(actor=actor, verb="test.only", target=accounts[i % 4],
                                  message=f"job {i}.{n}")
        return job

    makers = [transfer, event_then_transfer, events_only]
    outcomes = run_at_once([makers[i % 3](i) for i in range(THREADS)])

    assert outcomes == {"ok": THREADS}
    # 4 allocations + 16 transfers × 2 entries
    assert LedgerEntry.objects.count() == 4 + 2 * 16
    for model, chain in ((LedgerEntry, "ledger"), (Event, "events")):
        seqs = list(model.objects.order_by("chain_seq").values_list("chain_seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1)), chain  # one line, no fork, no gap
        assert AuditChainHead.objects.get(chain=chain).length == len(seqs)
        report = audit_check.verify(chain)
        assert report.ok, (chain, report.broken)
        assert report.checked == model.objects.count()


def test_a_row_lock_held_into_the_commit_does_not_deadlock_with_the_chain_lock():
    """Issue 11 §1, the audit chain's side: a transaction seals its rows at commit under one
    advisory lock and only then checks the foreign keys of its later rows (``FOR KEY SHARE``
    on the rows they point to). Another transaction that locked one of those rows and commits
    next waits for the advisory lock. With ``FOR UPDATE`` the first waited for the second's
    row lock while holding the advisory lock: a deadlock. Step by step, on two connections:
    the cycle is locked by an update, a posting of that cycle (an event first) commits, then
    the update commits; both succeed."""
    import threading

    from django.db import connection

    from allowances.services import cycles

    actor = f.UserFactory(username="chain_row_lock")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    account = ledger.account_for(f.EnterpriseFactory())
    ledger.allocate(actor=actor, account=account, cycle=cycle, vintage=2025, quantity=1_000)
    locked, release = threading.Event(), threading.Event()
    outcomes, pids = {}, {}

    def in_thread(name, job):
        def run():
            try:
                job()
                outcomes[name] = "ok"
            except Exception as exc:  # a deadlock lands here
                outcomes[name] = repr(exc)
            finally:
                locked.set()  # never leave the other thread waiting
                connection.close()
        return threading.Thread(target=run)

    def update_cycle():  # locks the cycle row and keeps it until its own commit
        with transaction.atomic():
            cycles.cycle_update(actor=actor, cycle=cycle, data={"note": "locked"})
            locked.set()
            release.wait(timeout=20)

    def post_with_event():  # seals the event, then checks the entry's key to the cycle
        locked.wait(timeout=20)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids["post"] = cursor.fetchone()[0]
        with transaction.atomic():
            events.record(actor=actor, verb="test.before", target=account, message="first")
            ledger.allocate(actor=actor, account=account, cycle=cycle, vintage=2025, quantity=10)

    updater = in_thread("update", update_cycle)
    poster = in_thread("post", post_with_event)
    updater.start()
    poster.start()
    # let the posting commit, or block at its commit, before the update commits
    for _ in range(200):
        if not poster.is_alive():
            break
        if "post" in pids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pids["post"]]
                )
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                break
        poster.join(timeout=0.05)
    release.set()
    updater.join(timeout=30)
    poster.join(timeout=30)

    assert outcomes == {"update": "ok", "post": "ok"}
    cycle.refresh_from_db()
    assert cycle.note == "locked"
    assert LedgerEntry.objects.filter(cycle=cycle).count() == 2
    for chain in ("ledger", "events"):
        assert audit_check.verify(chain).ok, chain
