"""Ledger import after the bench work: constant queries, the streaming reader's cell types,
row numbers across gaps, damaged XML, and month values compared by value."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from reporting.models import MonthlyLedger, MonthlyLedgerLine
from reporting.services import ledger_import as imp
from tests import factories as f
from zhongwei_carbon.excel import UploadRejected

pytestmark = pytest.mark.django_db
FUELS = ["原煤", "柴油"]


@pytest.fixture
def facilities(enterprise_a):
    return [f.FacilityFactory(enterprise=enterprise_a, name=f"{i}号机组") for i in range(10)]


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook(rows, *, write_only=False) -> bytes:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet(imp.SHEET) if write_only else wb.active
    ws.title = imp.SHEET
    ws.append([c.header for c in imp.COLUMNS])
    for row in rows:
        ws.append(list(row) + [None] * (len(imp.COLUMNS) - len(row)))
    return _save(wb)


def ledger_rows(n_facilities: int):
    """12 months × 2 fuels per facility; the month's electricity on the first fuel's row."""
    for i in range(n_facilities):
        for month in range(1, 13):
            yield [f"{i}号机组", 2025, month, FUELS[0], 10 + month, None, None, 100 + i]
            yield [f"{i}号机组", 2025, month, FUELS[1], Decimal("0.5")]


def _queries(ent_a, enterprise, data) -> int:
    with CaptureQueriesContext(connection) as ctx:
        result = imp.ledger_import(actor=ent_a, enterprise=enterprise, year=2025, data=data)
    assert result.applied, result.errors[:3]
    return len(ctx.captured_queries)


def _clear():
    MonthlyLedgerLine.objects.all().delete()
    MonthlyLedger.objects.all().delete()


def test_query_count_does_not_grow_with_rows(enterprise_a, facilities, ent_a):
    _queries(ent_a, enterprise_a, workbook(ledger_rows(1)))  # warm the caches (content types)
    _clear()
    small = _queries(ent_a, enterprise_a, workbook(ledger_rows(1)))  # 24 rows
    assert (MonthlyLedger.objects.count(), MonthlyLedgerLine.objects.count()) == (12, 24)
    _clear()
    large = _queries(ent_a, enterprise_a, workbook(ledger_rows(10)))  # 240 rows
    assert (MonthlyLedger.objects.count(), MonthlyLedgerLine.objects.count()) == (120, 240)
    # one query each for facilities, fuels and ledgers, then one per write batch (200 months,
    # 500 lines): the same for 24 and 240 rows
    assert small == large == 11
    jan = MonthlyLedger.objects.get(facility=facilities[3], month=1)
    assert jan.purchased_electricity_mwh == Decimal("103.000")
    assert sorted(jan.lines.values_list("consumption", flat=True)) == [
        Decimal("0.500"),
        Decimal("11.000"),
    ]


def test_reupload_updates_in_place_with_same_queries(enterprise_a, facilities, ent_a):
    data = workbook(ledger_rows(2), write_only=True)  # inline strings, no <dimension>
    first = _queries(ent_a, enterprise_a, data)
    pks = set(MonthlyLedger.objects.values_list("pk", flat=True))
    second = _queries(ent_a, enterprise_a, data)
    assert set(MonthlyLedger.objects.values_list("pk", flat=True)) == pks
    assert MonthlyLedgerLine.objects.count() == 48
    # in place, and no query per line: at most the one extra read of the ledgers it updates
    assert first > 0 and second <= first + 1 < MonthlyLedgerLine.objects.count()


def test_cell_types_dates_booleans_and_row_gaps(enterprise_a, facilities, ent_a):
    wb = Workbook()
    ws = wb.active
    ws.title = imp.SHEET
    ws.append([c.header for c in imp.COLUMNS])
    ws.append(["0号机组", 2025, 1, "原煤", date(2025, 1, 5)])  # row 2: a date as consumption
    ws.cell(row=6, column=1, value="0号机组")  # rows 3–5 absent from the XML
    ws.cell(row=6, column=2, value=2025)
    ws.cell(row=6, column=3, value=2)
    ws.cell(row=6, column=4, value="原煤")
    ws.cell(row=6, column=5, value=True)  # row 6: a boolean
    ws.append(["0号机组", 2025, 3, "原煤", "=1+1"])  # row 7: a formula
    result = imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=_save(wb))
    assert {(e.sheet, e.row, e.column) for e in result.errors} == {
        (imp.SHEET, 2, "E"),
        (imp.SHEET, 6, "E"),
        (imp.SHEET, 7, "E"),
    }
    assert not MonthlyLedger.objects.exists()


def test_month_values_compared_by_value(enterprise_a, facilities, ent_a):
    data = workbook(
        [
            ["0号机组", 2025, 1, "原煤", 1, None, None, 1.5, None, None, None, None, None, "x"],
            ["0号机组", 2025, 1, "柴油", 2, None, None, "1.50", None, None, None, None, None, "x"],
            ["0号机组", 2025, 1, "天然气", 3, None, None, "1.50", None, None, None, None, None, "y"],
        ]
    )
    with translation.override("en"):
        result = imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=data)
    assert [(e.row, e.column) for e in result.errors] == [(4, "H")]
    assert "row 2" in result.errors[0].message


def test_damaged_sheet_xml_is_rejected(enterprise_a, facilities, ent_a):
    good = workbook(ledger_rows(1))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</row>", b"</rw>", 5)
            dst.writestr(item, body)
    with pytest.raises(UploadRejected):
        imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=out.getvalue())
    assert not MonthlyLedger.objects.exists()
