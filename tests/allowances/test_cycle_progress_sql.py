"""Issue 11: the progress of a compliance cycle (the milestone counts of the cycle page) is
counted by PostgreSQL, not computed over the city in Python. Pinned here against the
computation it replaces — the allocations, allocation entries, listed and verified
enterprises read into Python sets — on a mixed dataset: the compliance table's scenarios
(``test_compliance_sql.mixed``: unknown, zero, partial, full, late and surplus surrenders, a
reversal, an enterprise off the list) plus allocations imported, notified, objected and issued,
one allocated off the list, one whose allocation was reversed to nothing, a pre-allocation, and
another cycle's allocations that must not count."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from allowances import rules
from allowances.choices import AllocationStatus, EntryKind
from allowances.models import Allocation, ComplianceCycle, LedgerEntry
from allowances.selectors import compliance, cycles
from allowances.services import ledger
from registry.choices import RecordSource
from registry.models import EmissionRecord, Enterprise, KeyEmitterList
from registry.selectors.lists import published_list
from registry.services.lists import listed_enterprise_ids
from tests import factories as f
from tests.allowances.dated import on
from tests.allowances.test_compliance_sql import mixed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def reference(cycle) -> rules.CycleProgress:
    """``cycles.progress`` as it was before issue 11's scale work (Python sets over the city)."""
    allocations = list(
        Allocation.objects.filter(cycle=cycle).values_list("enterprise_id", "notified", "status")
    )
    allocated = {e for e, _n, _s in allocations}
    issued = {
        row["holding__account__enterprise_id"]
        for row in LedgerEntry.objects.filter(cycle=cycle, holding__account__enterprise_id__in=allocated)
        .filter(ledger.kinds_net_of_reversals(*cycles.ALLOCATION_KINDS))
        .values("holding__account__enterprise_id").annotate(total=Sum("quantity"))
        if (row["total"] or 0) > 0
    }
    notified = {e for e, figure, status in allocations
                if figure is not None and status != AllocationStatus.IMPORTED}
    final_issued = {e for e, figure, status in allocations
                    if figure is not None and status == AllocationStatus.ISSUED}
    due = listed_enterprise_ids(published_list(cycle.year)) | allocated
    verified = dict(
        EmissionRecord.objects.filter(
            year=cycle.year, source=RecordSource.VERIFIED, enterprise_id__in=due
        ).values_list("enterprise_id", "emissions_tco2e")
    )
    return rules.CycleProgress(
        allocations=len(allocated), pre_allocated=len(issued), final_notified=len(notified),
        final_issued=len(final_issued), due=len(due), verified=len(verified),
        complied=len(compliance.complied_in_full(cycle, verified)),
        lists_published=published_list(cycle.year + 1) is not None,
    )


def _allocation(cycle, enterprise, status, notified=1000):
    return Allocation.objects.create(cycle=cycle, enterprise=enterprise, method="intensity",
                                     pre_allocation=700, notified=notified, status=status)


@pytest.fixture
def allocated(mixed, bureau_admin):  # noqa: F811 (the fixture imported above)
    """Allocations of every kind over the compliance table's scenarios and beyond it."""
    cycle = mixed
    by_name = {e.name: e for e in Enterprise.objects.all()}
    _allocation(cycle, by_name["on time"], AllocationStatus.ISSUED)
    _allocation(cycle, by_name["partial"], AllocationStatus.NOTIFIED)
    _allocation(cycle, by_name["nothing"], AllocationStatus.OBJECTED)
    _allocation(cycle, by_name["zero due"], AllocationStatus.CORRECTING)
    _allocation(cycle, by_name["surplus"], AllocationStatus.IMPORTED)
    _allocation(cycle, by_name["unknown"], AllocationStatus.IMPORTED, notified=None)
    _allocation(cycle, by_name["no account"], AllocationStatus.ISSUED, notified=None)
    # allocated though off the list: due (verified, and an account with allocations)
    _allocation(cycle, by_name["off the list"], AllocationStatus.ISSUED)
    # allocated, never listed, no account and no figure
    _allocation(cycle, f.EnterpriseFactory(name="allocated only"), AllocationStatus.NOTIFIED)
    # allocated, its only allocation entry reversed: nothing issued
    reversed_ = f.EnterpriseFactory(name="allocation reversed")
    f.EmissionRecordFactory(enterprise=reversed_, year=2025, emissions_tco2e=Decimal("10.00"))
    _allocation(cycle, reversed_, AllocationStatus.ISSUED)
    with on(date(2025, 6, 1)):
        entries = ledger.allocate(actor=bureau_admin, account=ledger.account_for(reversed_),
                                  cycle=cycle, vintage=2025, quantity=50)
        ledger.reverse(actor=bureau_admin, entry=entries[0], reason="test")
        # a pre-allocation only, to an allocated enterprise without other entries
        pre = f.EnterpriseFactory(name="pre-allocated")
        _allocation(cycle, pre, AllocationStatus.IMPORTED, notified=None)
        ledger.allocate(actor=bureau_admin, account=ledger.account_for(pre), cycle=cycle,
                        vintage=2025, quantity=70, kind=EntryKind.PRE_ALLOCATION)
    # another cycle's allocations count for it, not for this one
    other = ComplianceCycle.objects.create(year=2024, name="2024")
    _allocation(other, by_name["late in two steps"], AllocationStatus.ISSUED)
    _allocation(other, f.EnterpriseFactory(name="other cycle"), AllocationStatus.ISSUED)
    return cycle


def test_progress_equals_the_python_computation(allocated):
    expected = reference(allocated)
    # the dataset reaches every counter, and the counters differ from each other
    assert expected == rules.CycleProgress(
        allocations=11, pre_allocated=8, final_notified=7, final_issued=3, due=19, verified=15,
        complied=9, lists_published=False,
    )
    assert cycles.progress(allocated) == expected


def test_progress_of_the_next_year_and_an_empty_cycle(allocated, bureau_admin):
    KeyEmitterList.objects.create(year=2026, basis_year=2025, drafted_by=bureau_admin,
                                  status="published")
    assert cycles.progress(allocated) == reference(allocated)
    assert cycles.progress(allocated).lists_published is True
    empty = ComplianceCycle.objects.create(year=2023, name="2023")
    assert cycles.progress(empty) == reference(empty) == rules.CycleProgress(
        allocations=0, pre_allocated=0, final_notified=0, final_issued=0, due=0, verified=0,
        complied=0, lists_published=False,
    )


def test_progress_reads_a_fixed_number_of_queries(allocated):
    with CaptureQueriesContext(connection) as small:
        cycles.progress(allocated)
    for i in range(5):
        e = f.EnterpriseFactory(name=f"more {i}")
        f.obliged(e, 2025, "100.00")
        _allocation(allocated, e, AllocationStatus.ISSUED)
    with CaptureQueriesContext(connection) as big:
        cycles.progress(allocated)
    assert len(big) == len(small) <= 5
