"""Concurrency on PostgreSQL (issue 5, "Done when"): 24 threads, each on its own connection,
start together (a barrier) and try to move the same allowances. Exactly the feasible ones
succeed, the others get a ValidationError, nothing is double-spent, no deadlock, and every
holding equals the sum of its entries."""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, ComplianceCycle, Holding, LedgerEntry
from allowances.services import ledger
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 24


def run_at_once(jobs):
    """Run each callable in its own thread, all released together; return the outcomes:
    "ok", "refused" (ValidationError) or the repr of any other exception."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait(timeout=30)
            job()
            outcomes[i] = "ok"
        except ValidationError:
            outcomes[i] = "refused"
        except Exception as exc:  # a deadlock or an IntegrityError would land here
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return Counter(outcomes)


def assert_ledger_consistent():
    for h in Holding.objects.all():
        total = h.entries.aggregate(s=Sum("quantity"))["s"] or 0
        assert h.quantity == total
        assert h.quantity >= 0


def cea(account):
    return (
        Holding.objects.filter(account=account, unit_type=UnitType.CEA).aggregate(
            s=Sum("quantity")
        )["s"]
        or 0
    )


@pytest.fixture
def world():
    actor = f.UserFactory(username="ledger_concurrency")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    a = ledger.account_for(f.EnterpriseFactory())
    b = ledger.account_for(f.EnterpriseFactory())
    return actor, cycle, a, b


def test_24_threads_spend_the_same_1000_tonnes(world):
    actor, cycle, a, b = world
    ledger.allocate(actor=actor, account=a, cycle=cycle, vintage=2025, quantity=1_000)

    def surrender():
        ledger.surrender(actor=actor, account=a, cycle=cycle, obligation=5_000, cea=[(2025, 100)])

    def transfer():
        ledger.transfer(
            actor=actor, source=a, target=b, unit_type=UnitType.CEA, vintage=2025, quantity=100
        )

    outcomes = run_at_once([surrender if i % 2 else transfer for i in range(THREADS)])

    assert outcomes == Counter({"ok": 10, "refused": 14})  # 1,000 t / 100 t = 10
    assert cea(a) == 0
    # Which kinds win the race varies: all ten successes may be transfers (sum is None).
    surrendered = -(
        LedgerEntry.objects.filter(kind=EntryKind.SURRENDER).aggregate(s=Sum("quantity"))["s"] or 0
    )
    transferred = cea(b)
    assert surrendered % 100 == 0 and transferred % 100 == 0
    assert surrendered + transferred == 1_000  # nothing double-spent
    assert LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_IN).count() * 100 == transferred
    assert_ledger_consistent()


def test_opposite_transfers_do_not_deadlock(world):
    actor, cycle, a, b = world
    ledger.allocate(actor=actor, account=a, cycle=cycle, vintage=2025, quantity=1_000)
    ledger.allocate(actor=actor, account=b, cycle=cycle, vintage=2025, quantity=1_000)

    def move(source, target):
        return lambda: ledger.transfer(
            actor=actor,
            source=source,
            target=target,
            unit_type=UnitType.CEA,
            vintage=2025,
            quantity=50,
        )

    outcomes = run_at_once([move(a, b) if i % 2 else move(b, a) for i in range(THREADS)])

    assert outcomes == Counter({"ok": THREADS})  # 12 each way: 1,000 − 600 + 600
    assert (cea(a), cea(b)) == (1_000, 1_000)
    assert LedgerEntry.objects.count() == 2 + 2 * THREADS
    assert_ledger_consistent()


def test_concurrent_ccer_surrenders_respect_the_cap(world):
    # obligation 20,019 t → cap 1,000 t (5 %, rounded down); 5,000 t CCER held
    actor, cycle, a, _b = world
    project = CCERProject.objects.create(code="P-CONC", name="风电")
    ledger.post(
        actor=actor,
        movements=[ledger.Movement(a, UnitType.CCER, 2025, 5_000, EntryKind.TRANSFER_IN, project)],
    )

    def surrender():
        ledger.surrender(
            actor=actor, account=a, cycle=cycle, obligation=20_019, ccer=[(project, 2025, 100)]
        )

    outcomes = run_at_once([surrender] * THREADS)

    assert outcomes == Counter({"ok": 10, "refused": 14})
    assert ledger.surrendered(a, cycle) == (0, 1_000)
    assert Holding.objects.get(account=a, project=project).quantity == 4_000
    assert_ledger_consistent()


def test_concurrent_reversals_of_one_entry_apply_once(world):
    actor, cycle, a, _b = world
    (entry,) = ledger.allocate(actor=actor, account=a, cycle=cycle, vintage=2025, quantity=100)
    ledger.allocate(actor=actor, account=a, cycle=cycle, vintage=2025, quantity=1_000)

    outcomes = run_at_once(
        [lambda: ledger.reverse(actor=actor, entry=entry, reason="double entry")] * THREADS
    )

    assert outcomes == Counter({"ok": 1, "refused": THREADS - 1})
    assert cea(a) == 1_000  # 100 + 1,000 − 100
    assert_ledger_consistent()


def test_concurrent_ccer_requests_respect_the_cap_with_open_requests():
    """Issue 9 §4: open requests count against the CCER headroom, and the account lock makes
    concurrent requests see each other: 24 requests of 100 t CCER against a 1,001 t cap
    (obligation 20,021 t) → exactly 10 are accepted, nothing moves before confirmation."""
    from datetime import date

    from allowances.choices import MilestoneKind
    from allowances.models import Milestone, SurrenderRequest
    from allowances.services import surrender as svc
    from zhongwei_carbon.roles import Role

    enterprise = f.EnterpriseFactory()
    user = f.make_member("ent_concurrency", Role.ENTERPRISE_USER, enterprise=enterprise)
    actor = f.UserFactory(username="ledger_concurrency_bureau")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    Milestone.objects.create(cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE,
                             due_date=date(2099, 12, 31))
    f.obliged(enterprise, 2025, "20020.40")
    account = ledger.account_for(enterprise)
    project = CCERProject.objects.create(code="P-REQ", name="光伏")
    ledger.post(
        actor=actor,
        movements=[ledger.Movement(account, UnitType.CCER, 2025, 5_000, EntryKind.TRANSFER_IN,
                                   project)],
    )

    def request():
        svc.surrender_request(actor=user, account=account, cycle=cycle,
                              ccer=[(project, 2025, 100)])

    outcomes = run_at_once([request] * THREADS)

    assert outcomes == Counter({"ok": 10, "refused": 14})
    assert SurrenderRequest.objects.filter(status="requested").count() == 10
    assert Holding.objects.get(account=account, project=project).quantity == 5_000
    assert_ledger_consistent()


def test_new_vintage_allocations_and_surrenders_on_the_same_accounts():
    """Issue 11 §1: allocations of a vintage the account does not hold yet (each creates a
    holding) and surrenders, on the same four accounts at once, some allocations after an
    event of their own (so a transaction seals an audit row before it checks its foreign keys
    at commit). The surrender's account lock must not block the commit-time foreign-key check
    of the new holding (``FOR KEY SHARE`` on the account): with ``FOR UPDATE`` this deadlocked.
    Every transaction commits, the balances are exact and both audit chains verify."""
    from zhongwei_carbon import audit_check, events

    rounds, n_accounts = 4, 4
    actor = f.UserFactory(username="new_vintage_concurrency")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    accounts = [ledger.account_for(f.EnterpriseFactory()) for _ in range(n_accounts)]
    for account in accounts:
        ledger.allocate(actor=actor, account=account, cycle=cycle, vintage=2025, quantity=10_000)

    def allocate(i, *, event_first=False):
        account = accounts[i % n_accounts]

        def job():
            for r in range(rounds):
                with transaction.atomic():
                    if event_first:
                        events.record(actor=actor, verb="test.before", target=account,
                                      message=f"job {i}.{r}")
                    ledger.allocate(actor=actor, account=account, cycle=cycle,
                                    vintage=2026 + r * THREADS + i, quantity=100)
        return job

    def surrender(i):
        account = accounts[i % n_accounts]

        def job():
            for _r in range(rounds):
                ledger.surrender(actor=actor, account=account, cycle=cycle, obligation=50_000,
                                 cea=[(2025, 10)])
        return job

    kinds = [allocate, surrender, lambda i: allocate(i, event_first=True)]
    outcomes = run_at_once([kinds[i % 3](i) for i in range(THREADS)])

    assert outcomes == Counter({"ok": THREADS})  # no deadlock, no other error
    surrenders = Counter(i % n_accounts for i in range(THREADS) if i % 3 == 1)
    for n, account in enumerate(accounts):
        old = Holding.objects.get(account=account, vintage=2025)
        assert old.quantity == 10_000 - 10 * rounds * surrenders[n]
        new = Holding.objects.filter(account=account, vintage__gt=2025)
        allocations = sum(1 for i in range(THREADS) if i % n_accounts == n and i % 3 != 1)
        assert sorted(new.values_list("quantity", flat=True)) == [100] * rounds * allocations
    assert_ledger_consistent()
    for chain in ("ledger", "events"):
        report = audit_check.verify(chain)
        assert report.ok, (chain, report.broken)
