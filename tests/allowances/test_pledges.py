"""Allowance pledges (配额质押): a pledged quantity cannot leave the account while the pledge
stands, refused by the ledger service (with the pledge named) and by PostgreSQL (a raw
INSERT that bypasses the service); a release lets the units go again; a pledge never exceeds
the unpledged balance."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from allowances import rules
from allowances.choices import EntryKind, PledgeStatus, UnitType
from allowances.models import ComplianceCycle, Holding, LedgerEntry, Pledge
from allowances.selectors import pledges as pledge_sel
from allowances.services import ledger
from allowances.services import pledges as svc
from tests import factories as f
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return f.make_member("pledge_admin", Role.BUREAU_ADMIN)


@pytest.fixture
def bank(db):
    return f.department("bank-ningxia", "宁夏银行中卫分行", kind="bank")


@pytest.fixture
def cycle(db):
    return ComplianceCycle.objects.create(year=2025, name="2025")


@pytest.fixture
def acc(admin, cycle):
    account = ledger.account_for(f.EnterpriseFactory())
    ledger.allocate(actor=admin, account=account, cycle=cycle, vintage=2025, quantity=1_000)
    return account


@pytest.fixture
def other(db):
    return ledger.account_for(f.EnterpriseFactory())


def pledge(admin, acc, bank, quantity=600, contract="NX-ZY-2026-001", vintage=None):
    return svc.pledge_register(
        actor=admin, account=acc, pledgee=bank, quantity=quantity, vintage=vintage,
        contract_number=contract, loan_amount=Decimal("1500.00"),
        start_date=date(2026, 1, 10), end_date=date(2027, 1, 9),
    )


def cea(account):
    return Holding.objects.filter(account=account, unit_type=UnitType.CEA).aggregate(
        s=Sum("quantity"))["s"] or 0


def entries():
    return LedgerEntry.objects.count()


# --- the rule -------------------------------------------------------------------------------

def test_rule_unpledged_by_vintage():
    free = rules.unpledged({2023: 600, 2024: 400}, [(2024, 300), (None, 500)])
    assert free == {2023: 200, 2024: 100}
    assert rules.pledges_covered({2023: 600, 2024: 400}, [(2024, 300), (None, 700)])
    assert not rules.pledges_covered({2023: 600, 2024: 400}, [(2024, 300), (None, 701)])
    assert not rules.pledges_covered({2023: 600, 2024: 200}, [(2024, 300)])
    with pytest.raises(TypeError):
        rules.unpledged({2023: 1.5}, [])


# --- the service ----------------------------------------------------------------------------

def test_surrender_of_pledged_units_refused_naming_the_pledge(admin, acc, bank, cycle):
    pledge(admin, acc, bank)
    before = entries()
    with pytest.raises(ValidationError) as exc:
        ledger.surrender(actor=admin, account=acc, cycle=cycle, obligation=1_000,
                         cea=[(2025, 401)])
    text = " ".join(exc.value.messages)
    assert "NX-ZY-2026-001" in text and "宁夏银行中卫分行" in text and "400" in text
    assert entries() == before and cea(acc) == 1_000
    # the unpledged 400 t may go
    ledger.surrender(actor=admin, account=acc, cycle=cycle, obligation=1_000, cea=[(2025, 400)])
    assert cea(acc) == 600


def test_transfer_of_pledged_units_refused(admin, acc, other, bank):
    pledge(admin, acc, bank)
    with pytest.raises(ValidationError, match="NX-ZY-2026-001"):
        ledger.transfer(actor=admin, source=acc, target=other, unit_type=UnitType.CEA,
                        vintage=2025, quantity=500)
    assert cea(acc) == 1_000 and cea(other) == 0
    # units coming in are never refused
    ledger.transfer(actor=admin, source=acc, target=other, unit_type=UnitType.CEA,
                    vintage=2025, quantity=400)
    ledger.transfer(actor=admin, source=other, target=acc, unit_type=UnitType.CEA,
                    vintage=2025, quantity=100)
    assert cea(acc) == 700


def test_release_lets_the_surrender_through(admin, acc, bank, cycle):
    p = pledge(admin, acc, bank)
    with pytest.raises(ValidationError):
        ledger.surrender(actor=admin, account=acc, cycle=cycle, obligation=1_000,
                         cea=[(2025, 1_000)])
    svc.pledge_release(actor=admin, pledge=p, note="贷款已结清")
    p.refresh_from_db()
    assert p.status == PledgeStatus.RELEASED and p.released_by == admin
    ledger.surrender(actor=admin, account=acc, cycle=cycle, obligation=1_000, cea=[(2025, 1_000)])
    assert cea(acc) == 0
    with pytest.raises(ValidationError, match="已解除"):
        svc.pledge_release(actor=admin, pledge=p)


def test_pledge_cannot_exceed_unpledged_balance(admin, acc, bank):
    pledge(admin, acc, bank, quantity=600)
    with pytest.raises(ValidationError) as exc:
        pledge(admin, acc, bank, quantity=401, contract="NX-ZY-2026-002")
    assert "400" in " ".join(exc.value.messages)
    assert Pledge.objects.count() == 1
    pledge(admin, acc, bank, quantity=400, contract="NX-ZY-2026-002")
    summary = pledge_sel.pledged_of(acc)
    assert (summary.held, summary.pledged, summary.free) == (1_000, 1_000, 0)


def test_vintage_pledge_counts_per_vintage(admin, acc, bank, cycle):
    ledger.allocate(actor=admin, account=acc, cycle=cycle, vintage=2024, quantity=300)
    with pytest.raises(ValidationError):
        pledge(admin, acc, bank, quantity=301, vintage=2024)
    pledge(admin, acc, bank, quantity=300, vintage=2024)
    with pytest.raises(ValidationError):
        ledger.surrender(actor=admin, account=acc, cycle=cycle, obligation=2_000,
                         cea=[(2024, 1)])
    ledger.surrender(actor=admin, account=acc, cycle=cycle, obligation=2_000, cea=[(2025, 1_000)])
    assert pledge_sel.pledged_of(acc).free == 0


@pytest.mark.parametrize("who", ["reviewer", "enterprise", "liaison"])
def test_only_the_bureau_admin_registers_or_releases(admin, acc, bank, who):
    if who == "reviewer":
        actor = f.make_member("pledge_reviewer", Role.BUREAU_REVIEWER)
    elif who == "enterprise":
        actor = f.make_member("pledge_ent", Role.ENTERPRISE_USER, enterprise=acc.enterprise)
    else:
        actor = f.make_member("pledge_bank", Role.DEPARTMENT_LIAISON, department=bank)
    with pytest.raises(ValidationError):
        pledge(actor, acc, bank)
    p = pledge(admin, acc, bank)
    with pytest.raises(ValidationError):
        svc.pledge_release(actor=actor, pledge=p)
    assert Pledge.objects.get().status == PledgeStatus.ACTIVE


def test_pledgee_must_be_a_bank(admin, acc):
    dept = f.department("finance", "市财政局")
    with pytest.raises(ValidationError) as exc:
        pledge(admin, acc, dept)
    assert "pledgee" in exc.value.message_dict
    assert not Pledge.objects.exists()


def test_bad_dates_refused(admin, acc, bank):
    with pytest.raises(ValidationError):
        svc.pledge_register(
            actor=admin, account=acc, pledgee=bank, quantity=10, contract_number="X-1",
            loan_amount=Decimal("10"), start_date=date(2026, 5, 1), end_date=date(2026, 4, 1),
        )
    assert not Pledge.objects.exists()


def test_events_and_history(admin, acc, bank):
    from zhongwei_carbon import events

    p = pledge(admin, acc, bank)
    svc.pledge_release(actor=admin, pledge=p)
    verbs = [e.verb for e in events.for_object(p)]
    assert "allowances.pledge_registered" in verbs and "allowances.pledge_released" in verbs
    assert p.history.count() == 2


# --- the database ---------------------------------------------------------------------------

def _raw_debit(holding, quantity, actor):
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO allowances_ledgerentry (holding_id, kind, quantity, reference, "
            "created_at, actor_id) VALUES (%s, %s, %s, 'raw', now(), %s)",
            [holding.pk, EntryKind.TRANSFER_OUT, quantity, actor.pk],
        )


def test_database_refuses_raw_debit_of_pledged_units(admin, acc, bank):
    pledge(admin, acc, bank)
    holding = Holding.objects.get(account=acc, unit_type=UnitType.CEA, vintage=2025)
    before = entries()
    with pytest.raises(IntegrityError, match="less than its active pledges"):
        with transaction.atomic():
            _raw_debit(holding, -401, admin)
    assert entries() == before
    # a debit within the unpledged units passes the trigger
    with transaction.atomic():
        _raw_debit(holding, -400, admin)
    assert entries() == before + 1


def test_database_refuses_raw_pledge_above_balance(admin, acc, bank):
    pledge(admin, acc, bank, quantity=600)
    with pytest.raises(IntegrityError, match="less than its active pledges"):
        with transaction.atomic():
            Pledge.objects.create(
                account=acc, pledgee=bank, quantity=401, contract_number="RAW-1",
                loan_amount=Decimal("1"), start_date=date(2026, 1, 1),
                end_date=date(2026, 12, 31), registered_by=admin, registered_at="2026-01-01T00:00Z",
            )
    assert Pledge.objects.count() == 1
    # nor can an UPDATE raise a pledge above the balance, nor re-activate a released one
    p = Pledge.objects.get()
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Pledge.objects.filter(pk=p.pk).update(quantity=1_001)
    assert Pledge.objects.get().quantity == 600


def test_database_refuses_raw_vintage_pledge_above_that_vintage(admin, acc, bank, cycle):
    ledger.allocate(actor=admin, account=acc, cycle=cycle, vintage=2024, quantity=100)
    with pytest.raises(IntegrityError, match="vintage"):
        with transaction.atomic():
            Pledge.objects.create(
                account=acc, pledgee=bank, quantity=101, vintage=2024, contract_number="RAW-2",
                loan_amount=Decimal("1"), start_date=date(2026, 1, 1),
                end_date=date(2026, 12, 31), registered_by=admin, registered_at="2026-01-01T00:00Z",
            )
    assert not Pledge.objects.exists()
