"""The allowance ledger services (DESIGN.md §4.4): balances by hand, refusals that write
nothing, the CCER cap across surrenders, append-only entries and the never-negative CHECK."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.db.models import Sum

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, ComplianceCycle, Holding, LedgerEntry
from allowances.services import ledger
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(db):
    return f.UserFactory(username="ledger_clerk")


@pytest.fixture
def cycle(db):
    return ComplianceCycle.objects.create(year=2025, name="2025")


@pytest.fixture
def acc_a(db):
    return ledger.account_for(f.EnterpriseFactory())


@pytest.fixture
def acc_b(db):
    return ledger.account_for(f.EnterpriseFactory())


@pytest.fixture
def project(db):
    return CCERProject.objects.create(code="CCER-001", name="中卫光伏")


@pytest.fixture
def ets_project(db):
    return CCERProject.objects.create(
        code="CCER-ETS", name="燃煤电厂余热", inside_national_ets=True
    )


def cea(account, vintage=2025):
    h = Holding.objects.filter(account=account, unit_type=UnitType.CEA, vintage=vintage).first()
    return h.quantity if h else 0


def ccer(account, project, vintage=2025):
    h = Holding.objects.filter(account=account, project=project, vintage=vintage).first()
    return h.quantity if h else 0


def issue_ccer(actor, account, project, quantity, vintage=2025):
    """CCER bought on the national registry arrive as a transfer in."""
    return ledger.post(
        actor=actor,
        movements=[
            ledger.Movement(
                account, UnitType.CCER, vintage, quantity, EntryKind.TRANSFER_IN, project
            )
        ],
        reference="ccer purchase",
    )


def snapshot():
    return (
        list(LedgerEntry.objects.order_by("pk").values_list("pk", "holding_id", "quantity")),
        list(Holding.objects.order_by("pk").values_list("pk", "quantity")),
    )


def assert_sums_match():
    for h in Holding.objects.all():
        total = h.entries.aggregate(s=Sum("quantity"))["s"] or 0
        assert h.quantity == total >= 0


def test_allocate_transfer_surrender_reverse(actor, cycle, acc_a, acc_b):
    ledger.allocate(actor=actor, account=acc_a, cycle=cycle, vintage=2025, quantity=10_000)
    ledger.allocate(
        actor=actor,
        account=acc_a,
        cycle=cycle,
        vintage=2025,
        quantity=2_500,
        kind=EntryKind.TOP_UP,
    )
    assert cea(acc_a) == 12_500  # 10,000 + 2,500

    out, into = ledger.transfer(
        actor=actor,
        source=acc_a,
        target=acc_b,
        unit_type=UnitType.CEA,
        vintage=2025,
        quantity=3_000,
        reference="trade 1",
    )
    assert (out.kind, out.quantity, into.kind, into.quantity) == (
        EntryKind.TRANSFER_OUT,
        -3_000,
        EntryKind.TRANSFER_IN,
        3_000,
    )
    assert (cea(acc_a), cea(acc_b)) == (9_500, 3_000)  # 12,500 − 3,000

    (s,) = ledger.surrender(
        actor=actor, account=acc_a, cycle=cycle, obligation=9_000, cea=[(2025, 9_000)]
    )
    assert s.kind == EntryKind.SURRENDER and s.quantity == -9_000 and s.cycle == cycle
    assert cea(acc_a) == 500  # 9,500 − 9,000
    assert ledger.surrendered(acc_a, cycle) == (9_000, 0)

    correction = ledger.reverse(actor=actor, entry=s, reason="wrong vintage")
    assert correction.quantity == 9_000 and correction.reverses == s
    assert correction.kind == EntryKind.CORRECTION
    assert cea(acc_a) == 9_500  # 500 + 9,000
    assert ledger.surrendered(acc_a, cycle) == (0, 0)
    assert LedgerEntry.objects.filter(pk=s.pk, quantity=-9_000).exists()  # original stays
    assert LedgerEntry.objects.count() == 6
    assert_sums_match()


def test_insufficient_units_write_nothing(actor, cycle, acc_a, acc_b, project):
    ledger.allocate(actor=actor, account=acc_a, cycle=cycle, vintage=2025, quantity=1_000)
    issue_ccer(actor, acc_a, project, 40)
    before = snapshot()
    with pytest.raises(ValidationError):
        ledger.transfer(
            actor=actor,
            source=acc_a,
            target=acc_b,
            unit_type=UnitType.CEA,
            vintage=2025,
            quantity=1_001,
        )
    with pytest.raises(ValidationError):  # vintage 2024 was never held
        ledger.transfer(
            actor=actor,
            source=acc_a,
            target=acc_b,
            unit_type=UnitType.CEA,
            vintage=2024,
            quantity=1,
        )
    with pytest.raises(ValidationError):  # CEA enough, CCER short: all or nothing
        ledger.surrender(
            actor=actor,
            account=acc_a,
            cycle=cycle,
            obligation=20_000,
            cea=[(2025, 500)],
            ccer=[(project, 2025, 41)],
        )
    with pytest.raises(ValidationError):
        ledger.allocate(actor=actor, account=acc_a, cycle=cycle, vintage=2025, quantity=0)
    with pytest.raises(ValidationError):
        ledger.transfer(
            actor=actor,
            source=acc_a,
            target=acc_a,
            unit_type=UnitType.CEA,
            vintage=2025,
            quantity=1,
        )
    entries, holdings = snapshot()
    assert entries == before[0]
    # an empty holding row may be created for the missing vintage, but no quantity changed
    assert {pk: q for pk, q in holdings if q} == {pk: q for pk, q in before[1] if q}
    assert (cea(acc_a), cea(acc_b), ccer(acc_a, project)) == (1_000, 0, 40)


def test_ccer_from_national_ets_project_refused(actor, cycle, acc_a, ets_project):
    issue_ccer(actor, acc_a, ets_project, 100)
    before = snapshot()
    with pytest.raises(ValidationError):
        ledger.surrender(
            actor=actor,
            account=acc_a,
            cycle=cycle,
            obligation=20_000,
            ccer=[(ets_project, 2025, 10)],
        )
    assert snapshot() == before


def test_ccer_cap_across_two_surrenders(actor, cycle, acc_a, project):
    # obligation 20,019 t → 5 % = 1,000.95 → cap 1,000 t (rounded down)
    issue_ccer(actor, acc_a, project, 2_000)
    ledger.surrender(
        actor=actor, account=acc_a, cycle=cycle, obligation=20_019, ccer=[(project, 2025, 600)]
    )
    ledger.surrender(
        actor=actor, account=acc_a, cycle=cycle, obligation=20_019, ccer=[(project, 2025, 400)]
    )
    assert ledger.surrendered(acc_a, cycle) == (0, 1_000)
    before = snapshot()
    with pytest.raises(ValidationError):
        ledger.surrender(
            actor=actor, account=acc_a, cycle=cycle, obligation=20_019, ccer=[(project, 2025, 1)]
        )
    assert snapshot() == before
    assert ccer(acc_a, project) == 1_000  # 2,000 − 600 − 400
    # another cycle has its own cap
    other = ComplianceCycle.objects.create(year=2026, name="2026")
    ledger.surrender(
        actor=actor, account=acc_a, cycle=other, obligation=20_019, ccer=[(project, 2025, 1)]
    )
    assert ccer(acc_a, project) == 999


def test_reversed_surrender_frees_ccer_headroom(actor, cycle, acc_a, project):
    issue_ccer(actor, acc_a, project, 2_000)
    (s,) = ledger.surrender(
        actor=actor, account=acc_a, cycle=cycle, obligation=20_019, ccer=[(project, 2025, 1_000)]
    )
    ledger.reverse(actor=actor, entry=s, reason="entered twice")
    assert ledger.surrendered(acc_a, cycle) == (0, 0)
    ledger.surrender(
        actor=actor, account=acc_a, cycle=cycle, obligation=20_019, ccer=[(project, 2025, 1_000)]
    )
    assert ccer(acc_a, project) == 1_000  # 2,000 − 1,000 + 1,000 − 1,000


def test_reversing_twice_refused(actor, cycle, acc_a):
    (entry,) = ledger.allocate(actor=actor, account=acc_a, cycle=cycle, vintage=2025, quantity=700)
    ledger.reverse(actor=actor, entry=entry, reason="wrong enterprise")
    assert cea(acc_a) == 0
    before = snapshot()
    with pytest.raises(ValidationError):
        ledger.reverse(actor=actor, entry=entry, reason="again")
    with pytest.raises(ValidationError):
        ledger.reverse(actor=actor, entry=LedgerEntry.objects.get(reverses=entry), reason="x")
    with pytest.raises(ValidationError):
        ledger.reverse(actor=actor, entry=entry, reason="  ")
    assert snapshot() == before


def test_reversal_that_would_go_negative_refused(actor, cycle, acc_a, acc_b):
    (entry,) = ledger.allocate(actor=actor, account=acc_a, cycle=cycle, vintage=2025, quantity=700)
    ledger.transfer(
        actor=actor, source=acc_a, target=acc_b, unit_type=UnitType.CEA, vintage=2025, quantity=500
    )
    before = snapshot()
    with pytest.raises(ValidationError):  # 200 held, 700 to take back
        ledger.reverse(actor=actor, entry=entry, reason="wrong enterprise")
    assert snapshot() == before


def test_entries_cannot_be_updated_or_deleted(actor, cycle, acc_a):
    ledger.allocate(actor=actor, account=acc_a, cycle=cycle, vintage=2025, quantity=700)
    with pytest.raises(InternalError, match="Cannot (update|delete)"):
        with transaction.atomic():
            LedgerEntry.objects.filter(holding__account=acc_a).update(quantity=7_000)
    with pytest.raises(InternalError, match="Cannot (update|delete)"):
        with transaction.atomic():
            LedgerEntry.objects.filter(holding__account=acc_a).delete()
    assert list(LedgerEntry.objects.values_list("quantity", flat=True)) == [700]


def test_check_constraint_refuses_negative_holding(actor, cycle, acc_a):
    ledger.allocate(actor=actor, account=acc_a, cycle=cycle, vintage=2025, quantity=700)
    with pytest.raises(IntegrityError, match="holding_never_negative"):
        with transaction.atomic():
            Holding.objects.filter(account=acc_a).update(quantity=-1)
    assert cea(acc_a) == 700
