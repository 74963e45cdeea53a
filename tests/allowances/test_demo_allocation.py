"""The demo's allocation notices and registry statement, seeded through the real services
(``manage.py seed_demo``): what a newcomer sees on /allowances/allocations/ and
/allowances/statements/, and that a second run adds nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from allowances import rules
from allowances.choices import AllocationStatus
from allowances.demo_allocation import DEMO_DIFFERENCE
from allowances.models import (
    Allocation,
    AllocationObjection,
    LedgerEntry,
    RegistryStatement,
)
from allowances.services import allocation as svc
from registry.selectors.enterprises import verified_emissions

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Allocation, AllocationObjection, LedgerEntry,
                                        RegistryStatement)]


def test_demo_notices_issued_through_the_services_and_a_statement_reconciled():
    call_command("seed_demo", stdout=StringIO())
    allocations = list(Allocation.objects.select_related("enterprise"))
    assert allocations and {a.status for a in allocations} == {AllocationStatus.ISSUED}
    # one notice differs from its check value: 10,000 MWh × 0.8049 t/MWh = 8,049 t
    differing = [a for a in allocations if a.differs]
    assert [(a.enterprise.name, a.difference) for a in differing] == [
        (name, int(mwh * Decimal("0.8049"))) for name, mwh in DEMO_DIFFERENCE.items()
    ]
    # the pre-allocations are activity-based (issue 9 §1): the notices carry the units' 2024
    # output, and the check value, 70 % of it at the 2025 benchmark, equals every notice
    assert not [a.enterprise.name for a in allocations if a.pre_differs]
    gas = next(a for a in allocations if a.enterprise.name == "宁夏中宁新能源发电有限公司")
    unit = gas.inputs["units"][0]
    mwh = Decimal(unit["prior_generated_mwh"])
    assert unit["unit_class"] == "gas" and Decimal(unit["prior_supplied_mwh"]) < mwh
    assert gas.pre_allocation == gas.pre_allocation_check == rules.round_allowance(
        mwh * Decimal("0.3288") * Decimal("0.70"))
    prior = verified_emissions(gas.enterprise, 2024)
    assert gas.pre_allocation != rules.round_allowance(prior * Decimal("0.70"))
    # issuing posted nothing new: each notice equals what the account was allocated
    assert all(svc.issued_so_far(a) == a.notified for a in allocations)
    objection = AllocationObjection.objects.get()
    assert (objection.status, objection.notice_number) == ("dismissed", 1)
    statement = RegistryStatement.objects.get()
    diffs = sorted(statement.lines.exclude(difference=0).values_list("difference", flat=True))
    assert statement.difference_count == 2 and diffs[-1] == 500 and diffs[0] < 0
    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
