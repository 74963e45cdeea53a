"""The shared upload reader stops hostile workbooks (issue 10 §2): each zip part is capped, a
sheet is refused as soon as it goes past the importer's last row (blank rows count, whatever
its <dimension> says or does not say) or past its budget of XML elements, the parts outside
the sheets have their own budget, and rows past the limit are never read. The reader gives the
same values as openpyxl for what it does read."""

import io
from datetime import date, datetime

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from tests import hostile_xlsx as h
from zhongwei_carbon import excel
from zhongwei_carbon.excel import UploadRejected, limited_rows, open_workbook

MB = 1024 * 1024
SHEET = "Data"
WIDTH = 3
ROWS_MSG = (
    "The sheet “Data” goes beyond row 11: at most 10 rows of data are accepted, empty rows "
    "included. Delete the unused rows below the data and upload again."
)
DAMAGED = "The Excel file is damaged and cannot be opened."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _book(rows, **kw) -> bytes:
    return h.workbook([(SHEET, h.sheet([h.header(["a", "b", "c"]), *rows], **kw))])


def read(data: bytes, *, max_rows=10, width=WIDTH) -> list[tuple]:
    with open_workbook(data, max_rows=max_rows) as book:
        return list(book.rows(SHEET, width))


def refused(data: bytes, **kw) -> str:
    with pytest.raises(UploadRejected) as exc:
        read(data, **kw)
    return str(exc.value)


def test_a_part_past_the_cap_is_refused_before_anything_is_parsed(monkeypatch):
    monkeypatch.setattr(excel, "MAX_PART_BYTES", 1 * MB)
    data = _book(h.data_rows(20_000))  # 1.1 MB of sheet XML, ~60:1: the old guards let it in
    uploaded, unpacked = h.sizes(data)
    assert unpacked < excel.MAX_COMPRESSION_RATIO * uploaded
    assert unpacked < excel.MAX_UNCOMPRESSED_BYTES
    with pytest.raises(UploadRejected) as exc:
        open_workbook(data, max_rows=100_000)
    assert str(exc.value) == (
        "A part of the Excel file (xl/worksheets/sheet1.xml) unpacks to 1.1 MB; at most 1 MB "
        "per part are accepted, so it was refused for safety."
    )


def test_the_number_of_parts_is_counted_before_the_zip_is_read(monkeypatch):
    monkeypatch.setattr(excel, "MAX_MEMBERS", 20)
    extra = {f"xl/extra/{i}.xml": [b"<a/>"] for i in range(16)}  # 4 + 1 sheet + 16 = 21
    with pytest.raises(UploadRejected) as exc:
        open_workbook(h.workbook([(SHEET, h.sheet([]))], parts=extra), max_rows=10)
    assert str(exc.value) == "The Excel file has too many parts to be a normal workbook."
    del extra["xl/extra/0.xml"]
    assert open_workbook(h.workbook([(SHEET, h.sheet([]))], parts=extra), max_rows=10)


def test_blank_rows_count_towards_the_limit():
    assert len(read(_book(h.blank_rows(10)))) == 11  # the header and 10 rows: the limit
    assert refused(_book(h.blank_rows(11))) == ROWS_MSG
    # one row numbered past the limit is enough, whatever is (not) in between
    assert refused(_book([b'<row r="12"><c><v>1</v></c></row>'])) == ROWS_MSG


def test_rows_past_the_limit_are_never_read():
    """No <dimension>, and the file is cut off after the rows: reading on to the end finds it
    damaged; with one row too many the reader stops at that row's start tag instead."""
    assert refused(_book(h.data_rows(10), truncated=True)) == DAMAGED  # what reading on finds
    assert refused(_book(h.data_rows(11), truncated=True)) == ROWS_MSG


def test_a_dimension_past_the_limit_is_refused_before_the_first_row():
    data = _book([b"<row><c><v>1</v></c></row>"], dimension="A1:C3000000")
    with open_workbook(data, max_rows=10) as book:
        rows = book.rows(SHEET, WIDTH)
        with pytest.raises(UploadRejected) as exc:
            next(rows)  # not even the header comes back
    assert str(exc.value) == ROWS_MSG
    assert read(_book([b"<row><c><v>1</v></c></row>"], dimension="$A$1:$C$11")) == [
        ("a", "b", "c"),
        (1, None, None),
    ]


def test_a_sheet_has_a_budget_of_elements():
    full = [b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * WIDTH + b"</row>"] * 10
    assert len(read(_book(full))) == 11  # the largest sheet the limit accepts fits
    message = refused(_book(h.cell_flood(5_000)))  # one row of 5,000 cells
    assert message == (
        "The sheet “Data” holds far more cells than 10 rows of the template can fill. Keep only "
        "the template's columns and the rows with data, then upload again."
    )


def test_the_parts_outside_the_sheets_have_a_budget(monkeypatch):
    monkeypatch.setattr(excel, "MAX_SHARED_STRINGS", 100)
    sheet = [(SHEET, h.sheet([h.header(["a"])]))]
    assert open_workbook(h.workbook(sheet, strings=h.shared_strings(100)), max_rows=1)
    with pytest.raises(UploadRejected) as exc:
        open_workbook(h.workbook(sheet, strings=h.shared_strings(101)), max_rows=1)
    assert "at most 100 different texts" in str(exc.value)
    monkeypatch.setattr(excel, "MAX_SHARED_STRINGS", 10_000)
    monkeypatch.setattr(excel, "MAX_PART_ELEMENTS", 1_000)  # <si><t> is two elements
    with pytest.raises(UploadRejected):
        open_workbook(h.workbook(sheet, strings=h.shared_strings(600)), max_rows=1)


def test_a_dtd_is_refused_wherever_it_stands():
    """A comment longer than the 4 KB the byte check looks at, then a DOCTYPE."""
    xml = (
        b'<?xml version="1.0"?><!--' + b"x" * 8192 + b'--><!DOCTYPE w [<!ENTITY a "aaaa">]>'
        b'<worksheet xmlns="' + h.MAIN + b'"><sheetData><row><c t="inlineStr"><is><t>&a;</t>'
        b"</is></c></row></sheetData></worksheet>"
    )
    message = refused(h.workbook([(SHEET, [xml])]))
    assert message == "The Excel file contains XML declarations that are not allowed."


def test_rows_out_of_order_are_damaged():
    rows = [b'<row r="3"><c><v>1</v></c></row>', b'<row r="2"><c><v>1</v></c></row>']
    assert refused(_book(rows)) == DAMAGED


def test_text_uploads_have_the_same_limit():
    assert len(list(limited_rows(iter([["h"]] + [[]] * 10), max_rows=10))) == 11
    with pytest.raises(UploadRejected) as exc:
        list(limited_rows(iter([["h"]] + [[]] * 11), max_rows=10))
    assert str(exc.value).startswith("The file goes beyond line 11: at most 10 rows of data")


@pytest.mark.parametrize("date1904", [False, True])
def test_values_are_those_openpyxl_reads(date1904):
    wb = Workbook()
    if date1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = SHEET
    ws.append(["text", "int", "float", "date", "bool", "formula", "rich", "empty"])
    rich = CellRichText("粗", TextBlock(InlineFont(b=True), "体"))
    ws.append(["中卫", 12, 1.5, date(2025, 3, 1), True, "=A2&B2", rich, None])
    ws.append(["  spaced ", -3, 1e-7, datetime(2025, 12, 31, 8, 30), False, "=SUM(B2:B3)"])
    ws.cell(row=6, column=2, value=7)  # rows 4–5 missing from the XML
    ws["D6"].number_format = "yyyy/m/d"
    ws["D6"] = 45000
    ws["H6"] = "#N/A"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    ours = read(data, width=8)
    theirs = [
        tuple(r)
        for r in load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(
            max_col=8, values_only=True
        )
    ]
    assert len(ours) == len(theirs) == 6
    for mine, other in zip(ours, theirs, strict=True):
        for a, b in zip(mine, other, strict=True):
            if isinstance(b, str) and b.startswith("="):
                assert a == "="  # a formula is never evaluated; importers refuse it
            else:
                assert (a, type(a)) == (b, type(b))
