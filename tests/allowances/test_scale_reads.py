"""Issue 11 §2 and §5: the compliance page, its API (rows and summary), the penalty list and the
allowance-account list read what they show. With N and then 3N enterprises (more than a page
either way) each makes the same number of queries and gets the same number of rows back from
the database: rates are aggregates, rows are a page (a whole-city computation in Python reads
every enterprise, every verified figure and every surrender). The account list does not make
PostgreSQL aggregate every account to show a page (no GROUP BY; balances per row returned)."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from allowances.choices import EntryKind, UnitType
from allowances.models import AllowanceAccount, Holding, LedgerEntry
from registry.models import EmissionRecord, Enterprise
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
N = 90  # more than a page of the HTML lists (25) and of the API (50), accounts too (60)
AREAS = ("640502", "640521", "640522")
SECTORS = ("power", "steel")


@contextmanager
def reads():
    """Queries made and rows the database returned while inside."""
    seen = {"queries": 0, "rows": 0, "sql": []}

    def count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        seen["queries"] += 1
        seen["sql"].append(sql)
        if sql.lstrip().upper().startswith("SELECT"):
            seen["rows"] += max(context["cursor"].rowcount, 0)
        return result

    with connection.execute_wrapper(count):
        yield seen


def grow(n, cycle, admin, start=0):
    """``n`` enterprises over three areas and two sectors, each verified for the cycle year;
    two in three with an account holding 2,000 t, of those half surrendered 400 t (short)."""
    areas = [f.area(c) for c in AREAS]
    sectors = [f.sector(c) for c in SECTORS]
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(uscc=f.next_uscc(), name=f"Scale {start + i:04d}",
                   area=areas[i % len(areas)], sector=sectors[i % len(sectors)])
        for i in range(n)
    ])
    EmissionRecord.objects.bulk_create([
        EmissionRecord(enterprise=e, year=cycle.year, source="verified",
                       emissions_tco2e=Decimal(1000 + i))
        for i, e in enumerate(enterprises)
    ])
    f.listed(cycle.year, *enterprises)
    accounts = AllowanceAccount.objects.bulk_create(
        [AllowanceAccount(enterprise=e) for i, e in enumerate(enterprises) if i % 3])
    holdings = Holding.objects.bulk_create([
        Holding(account=a, unit_type=UnitType.CEA, vintage=cycle.year,
                quantity=1600 if i % 2 == 0 else 2000)
        for i, a in enumerate(accounts)
    ])
    entries = [LedgerEntry(holding=h, cycle=cycle, kind=EntryKind.FINAL_ALLOCATION,
                           quantity=2000, actor=admin) for h in holdings]
    entries += [LedgerEntry(holding=h, cycle=cycle, kind=EntryKind.SURRENDER, quantity=-400,
                            actor=admin) for h in holdings[::2]]
    LedgerEntry.objects.bulk_create(entries)


@pytest.fixture
def cycle():
    return f.cycle_with_deadline(2025, date(2025, 12, 31))  # passed: the short list has rows


PAGES = [
    ("allowances:compliance", {"cycle": 2025}),
    ("allowances:compliance", {"cycle": 2025, "status": "short", "ordering": "-remaining"}),
    ("allowances:compliance", {"cycle": 2025, "page": 2}),
    ("api:compliance-list", {"cycle": 2025}),
    ("api:compliance-list", {"cycle": 2025, "status": "short", "ordering": "obligation"}),
    ("api:compliance-summary", {"cycle": 2025}),
    ("allowances:penalty_list", {"cycle": 2025}),
    ("allowances:account_list", {}),
    ("allowances:account_list", {"ordering": "-cea_balance"}),
    ("api:allowance-account-list", {}),
]


def _read(client, name, params):
    with reads() as seen:
        response = client.get(reverse(name), params)
    assert response.status_code == 200, name
    return response, seen


@pytest.mark.parametrize("name, params", PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_reads_do_not_grow_with_the_enterprises(name, params, cycle, bureau_admin):
    client = client_for(bureau_admin)
    grow(N, cycle, bureau_admin)
    client.get(reverse(name), params)  # warm caches (session, content types)
    _response, few = _read(client, name, params)
    grow(2 * N, cycle, bureau_admin, start=N)
    _response, many = _read(client, name, params)
    assert (many["queries"], many["rows"]) == (few["queries"], few["rows"]), (
        f"{name}: {few['queries']} queries / {few['rows']} rows with {N} enterprises, "
        f"{many['queries']} / {many['rows']} with {3 * N}")


def test_the_pages_list_every_row_across_their_pages(cycle, bureau_admin):
    """Paged, nothing is lost: the API pages add up to the table, the summary counts them."""
    grow(N, cycle, bureau_admin)
    client = client_for(bureau_admin)
    first = client.get(reverse("api:compliance-list"), {"cycle": 2025}).json()
    assert first["count"] == N and len(first["results"]) == 50 and first["next"]
    second = client.get(first["next"]).json()
    names = [r["enterprise_name"] for r in first["results"] + second["results"]]
    assert sorted(names) == sorted(f"Scale {i:04d}" for i in range(N))
    summary = client.get(reverse("api:compliance-summary"), {"cycle": 2025}).json()
    assert summary["city"]["due_count"] == N
    assert sum(g["due_count"] for g in summary["by_area"]) == N
    short = client.get(reverse("allowances:penalty_list"), {"cycle": 2025})
    assert len(short.context["short"]) == 25
    assert short.context["short_page"].paginator.count == N  # every one short at the deadline
    html = short.content.decode()
    assert 'href="?cycle=2025&amp;short_page=2"' in html
    last = client.get(reverse("allowances:penalty_list"), {"cycle": 2025, "short_page": 4})
    assert len(last.context["short"]) == N - 75


def test_the_compliance_export_lists_every_row(cycle, bureau_admin):
    import io

    from openpyxl import load_workbook

    grow(N, cycle, bureau_admin)
    response = client_for(bureau_admin).get(reverse("allowances:compliance_export"),
                                            {"cycle": 2025, "ordering": "-obligation"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == N
    assert rows[0][4] == 1000 + N - 1 and rows[-1][4] == 1000  # obligation, sorted


def test_account_balances_are_computed_for_the_page_not_every_account(cycle, bureau_admin):
    grow(N, cycle, bureau_admin)
    client = client_for(bureau_admin)
    for name in ("allowances:account_list", "api:allowance-account-list"):
        _response, seen = _read(client, name, {})
        assert not [sql for sql in seen["sql"] if "GROUP BY" in sql.upper()], name
        count = next(sql for sql in seen["sql"] if "COUNT(*)" in sql.upper()
                     and "allowances_allowanceaccount" in sql)
        assert "allowances_holding" not in count, name  # counting needs no balance
    page = client.get(reverse("allowances:account_list")).context["page_obj"]
    assert len(page) == 25 and {a.ccer_balance for a in page} == {0}
    assert {a.pk: a.cea_balance for a in page} == {
        a.pk: sum(h.quantity for h in a.holdings.all()) for a in page}
    assert {a.cea_balance for a in page} == {1600, 2000}
