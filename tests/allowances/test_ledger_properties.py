"""Property test of the ledger (issue 5, "Done when"): random sequences of allocations, CCER
purchases, transfers between three accounts and surrenders, many of them infeasible, checked
against a plain Python model after every step: no holding below zero, every holding equal to
the sum of its entries, units conserved (transfers net to zero), CCER surrendered never above
``ccer_cap(obligation)``, and a refused step raises ValidationError and changes nothing."""

from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, ComplianceCycle, Holding, LedgerEntry
from allowances.rules import ccer_cap
from allowances.services import ledger
from tests import factories as f

pytestmark = pytest.mark.django_db

ISSUE = "ccer issuance"  # CCER arrive from outside the portal's accounts
OBLIGATIONS = (2_000, 19_999, 200)  # caps 100, 999, 10
VINTAGES = (2024, 2025)
ACCOUNTS = st.integers(0, 2)
QTY = st.integers(1, 600)

allocate_step = st.tuples(st.just("allocate"), ACCOUNTS, st.sampled_from(VINTAGES), QTY)
issue_step = st.tuples(
    st.just("issue"), ACCOUNTS, st.integers(0, 1), st.sampled_from(VINTAGES), st.integers(1, 300)
)
transfer_step = st.tuples(
    st.just("transfer"),
    ACCOUNTS,
    ACCOUNTS,
    st.sampled_from([None, 0, 1]),  # None: CEA, else the CCER project
    st.sampled_from(VINTAGES),
    QTY,
)
surrender_step = st.tuples(
    st.just("surrender"),
    ACCOUNTS,
    st.lists(st.tuples(st.sampled_from(VINTAGES), QTY), max_size=2),
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from(VINTAGES), st.integers(1, 120)), max_size=2
    ),
)
steps = st.lists(
    st.one_of(allocate_step, issue_step, transfer_step, surrender_step), min_size=1, max_size=10
)


@pytest.fixture
def world(db):
    actor = f.UserFactory(username="ledger_property")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    accounts = [ledger.account_for(f.EnterpriseFactory()) for _ in range(3)]
    projects = [
        CCERProject.objects.create(code="P-OK", name="光伏"),
        CCERProject.objects.create(code="P-ETS", name="电厂", inside_national_ets=True),
    ]
    return actor, cycle, accounts, projects


class Model:
    def __init__(self):
        self.balance = defaultdict(int)  # (account index, project index | None, vintage) -> t
        self.ccer_done = defaultdict(int)
        self.entries = 0
        self.inflow = 0  # allocated + issued
        self.surrendered = 0

    def feasible(self, deltas):
        net = defaultdict(int)
        for key, q in deltas:
            net[key] += q
        return all(self.balance[k] + q >= 0 for k, q in net.items())

    def apply(self, deltas):
        for key, q in deltas:
            self.balance[key] += q
        self.entries += len(deltas)


def run_step(step, model, actor, cycle, accounts, projects):
    """Run one step through the services; return the model's movements if it should succeed,
    ``None`` if it should be refused."""
    kind = step[0]
    if kind == "allocate":
        _k, a, vintage, q = step
        ledger.allocate(actor=actor, account=accounts[a], cycle=cycle, vintage=vintage, quantity=q)
        model.inflow += q
        return [((a, None, vintage), q)]
    if kind == "issue":
        _k, a, p, vintage, q = step
        ledger.post(
            actor=actor,
            movements=[
                ledger.Movement(
                    accounts[a], UnitType.CCER, vintage, q, EntryKind.TRANSFER_IN, projects[p]
                )
            ],
            reference=ISSUE,
        )
        model.inflow += q
        return [((a, p, vintage), q)]
    if kind == "transfer":
        _k, src, dst, p, vintage, q = step
        deltas = [((src, p, vintage), -q), ((dst, p, vintage), q)]
        ok = src != dst and model.feasible(deltas)
        call = dict(
            actor=actor,
            source=accounts[src],
            target=accounts[dst],
            unit_type=UnitType.CEA if p is None else UnitType.CCER,
            vintage=vintage,
            quantity=q,
            project=None if p is None else projects[p],
        )
        return expect(ok, deltas, lambda: ledger.transfer(**call))
    _k, a, cea, ccer = step
    deltas = [((a, None, v), -q) for v, q in cea] + [((a, p, v), -q) for p, v, q in ccer]
    ccer_total = sum(q for _p, _v, q in ccer)
    ok = (
        bool(deltas)
        and all(p == 0 for p, _v, _q in ccer)  # project 1 is inside the national ETS
        and model.ccer_done[a] + ccer_total <= ccer_cap(OBLIGATIONS[a])
        and model.feasible(deltas)
    )
    result = expect(
        ok,
        deltas,
        lambda: ledger.surrender(
            actor=actor,
            account=accounts[a],
            cycle=cycle,
            obligation=OBLIGATIONS[a],
            cea=cea,
            ccer=[(projects[p], v, q) for p, v, q in ccer],
        ),
    )
    if result is not None:
        model.ccer_done[a] += ccer_total
        model.surrendered += ccer_total + sum(q for _v, q in cea)
    return result


def expect(ok, deltas, call):
    if ok:
        call()
        return deltas
    with pytest.raises(ValidationError):
        call()
    return None


def check(model, accounts, projects, cycle, surrender_step):
    index = {acc.pk: i for i, acc in enumerate(accounts)}
    pindex = {p.pk: i for i, p in enumerate(projects)}
    rows = Holding.objects.values_list("account_id", "project_id", "vintage", "quantity").annotate(
        total=Coalesce(Sum("entries__quantity"), 0), n=Count("entries")
    )
    seen = {}
    entries = 0
    for account_id, project_id, vintage, quantity, total, n in rows:
        assert quantity >= 0
        assert quantity == total
        seen[(index[account_id], pindex.get(project_id), vintage)] = quantity
        entries += n
    assert entries == model.entries
    expected = {k: q for k, q in model.balance.items() if q}
    assert {k: q for k, q in seen.items() if q} == expected
    # conservation: everything held came in and did not go out by surrender
    assert sum(seen.values()) == model.inflow - model.surrendered
    moved = LedgerEntry.objects.filter(
        kind__in=[EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT]
    ).exclude(reference=ISSUE)
    assert (moved.aggregate(s=Sum("quantity"))["s"] or 0) == 0
    if surrender_step:  # the only step that changes what was surrendered
        for i, acc in enumerate(accounts):
            _cea_done, ccer_done = ledger.surrendered(acc, cycle)
            assert ccer_done == model.ccer_done[i] <= ccer_cap(OBLIGATIONS[i])
        surrendered = LedgerEntry.objects.filter(kind=EntryKind.SURRENDER).aggregate(
            s=Sum("quantity", filter=Q(cycle=cycle))
        )["s"]
        assert -(surrendered or 0) == model.surrendered


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(sequence=steps)
def test_random_sequences_keep_the_ledger_consistent(world, sequence):
    actor, cycle, accounts, projects = world
    with transaction.atomic():  # a savepoint per example, rolled back: examples don't pile up
        model = Model()
        for step in sequence:
            deltas = run_step(step, model, actor, cycle, accounts, projects)
            if deltas is not None:
                model.apply(deltas)
            check(model, accounts, projects, cycle, step[0] == "surrender")
        transaction.set_rollback(True)
    assert not LedgerEntry.objects.exists()
