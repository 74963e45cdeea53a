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
