"""Concurrency of allocation notices on PostgreSQL: the same allocation issued by many bureau
sessions at once is posted exactly once; imports of the same notice at once never fail on the
(cycle, enterprise) uniqueness (the cycle row serialises them); notices sent from two sessions
at once notify each allocation once."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db.models import Sum

from allowances.choices import AllocationStatus, EntryKind
from allowances.models import (
    Allocation,
    ComplianceCycle,
    IntensityBenchmark,
    LedgerEntry,
    PenaltyCase,
)
from allowances.services import allocation as svc
from tests import factories as f
from tests.allowances.allocation_helpers import workbook
from tests.allowances.test_concurrency import assert_ledger_consistent, run_at_once
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 20
NOTICE, AFTER = date(2025, 9, 1), date(2025, 12, 1)


@pytest.fixture
def world():
    admin = f.make_member("alloc_admin", Role.BUREAU_ADMIN)
    enterprise = f.EnterpriseFactory(sector=f.sector("building_materials"))
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    IntensityBenchmark.objects.create(year=2025, sector=enterprise.sector, product="熟料",
                                      unit="t", intensity=D("0.85"), source="test")
    data = workbook([[enterprise.uscc, "", "intensity", None, 50000, "", ""]])
    return admin, enterprise, cycle, data


def test_twenty_sessions_issue_the_same_allocation_once(world):
    admin, enterprise, cycle, data = world
    earlier = ComplianceCycle.objects.create(year=2024, name="2024")
    PenaltyCase.objects.create(
        cycle=earlier, enterprise=enterprise, tonnes_short=700, price=D("80"),
        fine_min=D("280000"), fine_max=D("560000"), obligation=700,
        correction_deadline=date(2025, 1, 31), opened_by=admin,
        status="decided", fine_decided=D("280000"),
    )
    assert svc.allocation_import(actor=admin, cycle=cycle, data=data, filename="n.xlsx").ok
    svc.notify_all(actor=admin, cycle=cycle, today=NOTICE)
    allocation = Allocation.objects.get()

    outcomes = run_at_once(
        [lambda: svc.issue(actor=admin, allocation=allocation, today=AFTER)] * THREADS
    )
    assert outcomes == {"ok": 1, "refused": THREADS - 1}
    posted = LedgerEntry.objects.values_list("kind").annotate(t=Sum("quantity"))
    # 50,000 allocated once, and the 700 t cut taken once
    assert dict(posted) == {EntryKind.FINAL_ALLOCATION: 50000, EntryKind.NEXT_YEAR_CUT: -700}
    assert PenaltyCase.objects.get().cut_posted == 700
    assert_ledger_consistent()


def test_the_same_notice_imported_at_once_creates_one_row(world):
    admin, enterprise, cycle, data = world
    outcomes = run_at_once(
        [lambda: svc.allocation_import(actor=admin, cycle=cycle, data=data, filename="n.xlsx")]
        * 8
    )
    assert outcomes == {"ok": 8}  # no IntegrityError: the cycle row queues them
    assert Allocation.objects.count() == 1


def test_two_sessions_notify_at_once_and_the_allocation_is_notified_once(world):
    admin, enterprise, cycle, data = world
    assert svc.allocation_import(actor=admin, cycle=cycle, data=data, filename="n.xlsx").ok
    counts = []
    outcomes = run_at_once(
        [lambda: counts.append(svc.notify_all(actor=admin, cycle=cycle, today=NOTICE))] * 6
    )
    assert outcomes == {"ok": 6} and sorted(counts) == [0, 0, 0, 0, 0, 1]
    allocation = Allocation.objects.get()
    assert (allocation.status, allocation.notice_number) == (AllocationStatus.NOTIFIED, 1)
