"""N+1 review of the allowance list pages: the number of queries a page makes must not grow
with the number of rows it shows. Each page is loaded with a few rows and with many; the two
counts must be equal (a loop that queries per row would add at least one per extra row)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allowances.choices import EntryKind, MilestoneKind, UnitType
from allowances.models import (
    Allocation,
    ComplianceCycle,
    Milestone,
    PenaltyCase,
    RegistryStatement,
    StatementLine,
    SurrenderRequest,
)
from allowances.services import ledger
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    Milestone.objects.create(cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE,
                             due_date=date(2026, 12, 31))
    return cycle


def _rows(n, cycle, admin, start=0):
    for i in range(start, start + n):
        enterprise = f.EnterpriseFactory()
        f.EmissionRecordFactory(enterprise=enterprise, year=2025, emissions_tco2e=Decimal("30000"))
        account = ledger.account_for(enterprise)
        ledger.post(actor=admin, cycle=cycle, movements=[
            ledger.Movement(account, UnitType.CEA, 2025, 1000 + i, EntryKind.FINAL_ALLOCATION)])
        SurrenderRequest.objects.create(account=account, cycle=cycle, cea=[[2025, 10]],
                                        requested_by=admin)
        Allocation.objects.create(cycle=cycle, enterprise=enterprise, method="intensity",
                                  notified=1000 + i, computed=1000)
        PenaltyCase.objects.create(
            cycle=cycle, enterprise=enterprise, tonnes_short=10, price=Decimal("80"),
            fine_min=Decimal("4000"), fine_max=Decimal("8000"), next_year_cut=10, opened_by=admin)
        statement = RegistryStatement.objects.create(
            as_of=date(2025, 6, 30), file_name=f"s{i}.csv", uploaded_by=admin, line_count=1)
        StatementLine.objects.create(
            statement=statement, enterprise=enterprise, uscc=enterprise.uscc, unit_type="cea",
            vintage=2025, statement_quantity=1, portal_quantity=1)


PAGES = [
    ("allowances:account_list", {}),
    ("allowances:surrender_list", {}),
    ("allowances:compliance", {"cycle": 2025}),
    ("allowances:penalty_list", {"cycle": 2025}),
    ("allowances:allocation_list", {"cycle": 2025}),
    ("allowances:statement_list", {}),
    ("allowances:account_export", {}),
    ("allowances:surrender_export", {}),
    ("allowances:allocation_export", {"cycle": 2025}),
    ("allowances:penalty_export", {"cycle": 2025}),
    ("allowances:compliance_export", {"cycle": 2025}),
    ("api:allowance-account-list", {}),
    ("api:surrender-list", {}),
    ("api:allocation-list", {}),
]


def _count(client, name, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    assert response.status_code == 200, name
    return len(queries)


@pytest.mark.parametrize("name, params", PAGES, ids=[p[0] for p in PAGES])
def test_list_pages_do_not_query_per_row(name, params, cycle, bureau_admin):
    client = client_for(bureau_admin)
    _rows(2, cycle, bureau_admin)
    client.get(reverse(name), params)  # warm caches (session, content types)
    few = _count(client, name, params)
    _rows(12, cycle, bureau_admin, start=2)
    many = _count(client, name, params)
    assert many == few, f"{name}: {few} queries for 2 rows, {many} for 14"
