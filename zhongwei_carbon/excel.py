"""Excel in and out, shared by every app.

Out: ``xlsx_response`` streams a list as a workbook (openpyxl write-only mode).
In: ``open_workbook`` checks an upload before parsing (DESIGN.md §4.6): size, a real xlsx
(zip) signature, total uncompressed size and compression ratio (zip bombs), no XML
DTD/entity declarations, then opens it read-only with values only. openpyxl itself parses
through defusedxml when it is installed (it is a pinned dependency).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from zhongwei_carbon import uploads

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_MEMBERS = 10_000


class UploadRejected(Exception):
    """The file cannot be read at all; the message is for the user."""


@dataclass
class Column:
    header: str
    value: Callable[[object], object]
    width: int = 16


# OWASP "CSV injection": a cell whose text starts with one of these is read by spreadsheet
# programs as a formula (=HYPERLINK(...), +cmd|..., -2+3, @SUM(...), or after a tab / CR).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE = "'"


def text_cell(text: str) -> str:
    """Text written to a workbook, never as a formula: a string starting with a formula
    trigger gets OWASP's leading single quote (``=HYPERLINK(...)`` → ``'=HYPERLINK(...)``), so
    Excel, WPS and LibreOffice show it as text. Every export and template writes user text
    through here; ``cell_text`` takes the quote off again when such a file comes back."""
    if text.startswith(FORMULA_TRIGGERS):
        return _ESCAPE + text
    return text


def cell_value(value):
    """One value of an export row as a workbook cell: local naive datetimes, numbers and dates
    as they are, text through ``text_cell``, anything else as its text."""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None)
    if isinstance(value, (int, float, Decimal, date)) or value is None:
        return value
    return text_cell(str(value))


def xlsx_response(*, filename: str, sheet_title: str, columns: list[Column], rows: Iterable):
    """An .xlsx download of ``rows`` (any iterable, consumed once) with a bold header row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for i, col in enumerate(columns):
        ws.column_dimensions[get_column_letter(i + 1)].width = col.width

    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=text_cell(str(col.header)))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF3F1")
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([cell_value(col.value(row)) for col in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_file_response(
        buffer.getvalue(), ascii_name=f"export-{stamp}.xlsx", filename=f"{filename}-{stamp}.xlsx"
    )


def xlsx_file_response(data: bytes, *, ascii_name: str, filename: str) -> HttpResponse:
    """A workbook download: ``ascii_name`` for old clients, ``filename`` (Chinese allowed)
    for the others (RFC 6266 ``filename*``)."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def check_upload(data: bytes, *, max_bytes: int | None = None) -> None:
    """Raise ``UploadRejected`` unless ``data`` looks like a safe xlsx file."""
    problem = uploads.size_problem(len(data), max_bytes)
    if problem:
        raise UploadRejected(problem)
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRejected(_("This is not an Excel (.xlsx) file. Save it as .xlsx and try again."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise UploadRejected(_("The Excel file is damaged and cannot be opened.")) from None
    if len(members) > MAX_MEMBERS:
        raise UploadRejected(_("The Excel file has too many parts to be a normal workbook."))
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_COMPRESSION_RATIO * max(len(data), 1):
        raise UploadRejected(
            _("The Excel file expands to an unusually large size and was refused for safety.")
        )
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UploadRejected(_("This is not an Excel (.xlsx) file. Save it as .xlsx and try again."))
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            with archive.open(member) as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                raise UploadRejected(
                    _("The Excel file contains XML declarations that are not allowed.")
                )


def open_workbook(data: bytes, *, max_bytes: int | None = None):
    """Check, then open read-only with computed values ignored (formulas come back as text)."""
    check_upload(data, max_bytes=max_bytes)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for malformed parts
        raise UploadRejected(_("The Excel file is damaged and cannot be opened.")) from None


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    return get_column_letter(index)


# --- reading cells of an uploaded sheet (values_only rows) ---------------------------------


def cell_text(value) -> str:
    """A cell's text; the quote ``text_cell`` put before a formula trigger is taken off, so a
    downloaded template uploads again unchanged."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    if text.startswith(_ESCAPE) and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:].strip()
    return text


def cell_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError
    return number


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def cell_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    raise ValueError
