"""A pledge and a surrender (and transfers) racing for the same allowances, each on its own
connection and released together: whichever goes first, the other is refused with a clear
error when both cannot hold, the balance never falls below the active pledges, no deadlock."""

from datetime import date
from decimal import Decimal

import pytest

from allowances.choices import PledgeStatus, UnitType
from allowances.models import ComplianceCycle, Pledge
from allowances.selectors import pledges as pledge_sel
from allowances.services import ledger
from allowances.services import pledges as svc
from tests import factories as f
from tests.allowances.test_concurrency import assert_ledger_consistent, run_at_once
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    admin = f.make_member("race_admin", Role.BUREAU_ADMIN)
    bank = f.department("bank-ningxia", "宁夏银行中卫分行", kind="bank")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    acc = ledger.account_for(f.EnterpriseFactory())
    other = ledger.account_for(f.EnterpriseFactory())
    ledger.allocate(actor=admin, account=acc, cycle=cycle, vintage=2025, quantity=1_000)
    return admin, bank, cycle, acc, other


def _pledge(admin, bank, acc, quantity, contract):
    return lambda: svc.pledge_register(
        actor=admin, account=acc, pledgee=bank, quantity=quantity, contract_number=contract,
        loan_amount=Decimal("100"), start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
    )


def _assert_pledges_covered(acc):
    summary = pledge_sel.pledged_of(acc)
    assert summary.held >= summary.pledged


@pytest.mark.parametrize("rounds", range(3))
def test_pledge_and_surrender_race(world, rounds):
    admin, bank, cycle, acc, _other = world
    outcomes = run_at_once([
        _pledge(admin, bank, acc, 700, f"RACE-{rounds}"),
        lambda: ledger.surrender(actor=admin, account=acc, cycle=cycle, obligation=1_000,
                                 cea=[(2025, 600)]),
    ])
    # 700 pledged + 600 surrendered > 1,000 held: exactly one of them went through
    assert outcomes == {"ok": 1, "refused": 1}
    _assert_pledges_covered(acc)
    assert_ledger_consistent()


def test_many_pledges_and_transfers_race(world):
    admin, bank, _cycle, acc, other = world
    jobs = [_pledge(admin, bank, acc, 200, f"RACE-P{i}") for i in range(4)]
    jobs += [
        (lambda: ledger.transfer(actor=admin, source=acc, target=other, unit_type=UnitType.CEA,
                                 vintage=2025, quantity=200))
        for _ in range(4)
    ]
    outcomes = run_at_once(jobs)
    # 8 × 200 t asked of 1,000 t: five fit, three are refused, nothing else happens
    assert outcomes == {"ok": 5, "refused": 3}
    pledged = sum(p.quantity for p in Pledge.objects.filter(status=PledgeStatus.ACTIVE))
    summary = pledge_sel.pledged_of(acc)
    assert summary.pledged == pledged and summary.held >= pledged
    assert summary.held + pledge_sel.pledged_of(other).held == 1_000
    assert_ledger_consistent()
