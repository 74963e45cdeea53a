"""Excel in and out, shared by every app.

Out: every list export goes through ``xlsx_response`` / ``xlsx_sheets_response``: rows are
streamed (a QuerySet in chunks of ``EXPORT_CHUNK_SIZE``, a generator as it yields) into an
openpyxl write-only workbook written to a temp file, which the response streams, so an
export's memory does not grow with its rows (issue 11 §4, ``python -m bench exports``).
In: ``open_workbook`` checks an upload before parsing (DESIGN.md §4.6): size, a real xlsx
(zip) signature, the number of parts, the total uncompressed size, the compression ratio and
the uncompressed size of each part (zip bombs), no XML DTD/entity declarations. It then opens
it with ``zhongwei_carbon.xlsx_read`` (not openpyxl: issue 10 §2), and every read is bounded:
each importer declares how many data rows it accepts (``max_rows``, below a one-row header) and
``Book.rows`` refuses a sheet as soon as it goes past that row, blank rows included, whether its
``<dimension>`` says so, a row number does, or the count of ``<row>`` elements does; a sheet
also has a budget of XML elements, and the parts outside the sheets share one. Each part is
counted at C speed before it is parsed, so a hostile file is refused in milliseconds, before an
importer sees a row (``python -m bench adversarial_upload``), and never costs more than the
largest file the importer accepts. All these limits and their messages live here; importers
only declare their ``max_rows``.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from urllib.parse import quote

from django.db.models import QuerySet, prefetch_related_objects
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongwei_carbon import uploads, xlsx_read

# openpyxl is imported where a workbook is written, never at module level: it costs every
# worker ~140 ms at boot, and most never write one (issue 11 §8, tests/core/test_boot.py).

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# rows an export reads from the database at a time (and keeps in memory at once)
EXPORT_CHUNK_SIZE = 200
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# a workbook's parts: sheets, their relationships, styles, drawings, images… a few hundred at
# most; each one costs a look at its head (below), so their number is bounded
MAX_MEMBERS = 1_000
# no single part (a sheet, the shared strings…) may unpack to more: the largest sheet an importer
# accepts (20,000 ledger rows) is about 7 MB of XML
MAX_PART_BYTES = 50 * 1024 * 1024
# outside the sheets: at most this many shared strings (twice what 3 × 5,000 registry rows can
# need), and this many XML elements over the relationships, workbook.xml, styles.xml and the
# shared strings together
MAX_SHARED_STRINGS = 100_000
MAX_PART_ELEMENTS = 400_000
# every import sheet has one header row above its ``max_rows`` data rows
HEADER_ROWS = 1
# a sheet's budget of XML elements: the frame before <sheetData>, then per row allowed the
# <row> and a spare, and per column read a cell with its value (<c><v>, <c><is><t>): the
# largest accepted sheet fits, a hostile one is stopped after about as much work
SHEET_ELEMENTS = 1_000
ELEMENTS_PER_ROW = 2
ELEMENTS_PER_COLUMN = 3


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


@dataclass
class Sheet:
    """One sheet of an export: its title, columns and rows (any iterable, consumed once)."""

    title: str
    columns: list[Column]
    rows: Iterable


def export_rows(rows: Iterable) -> Iterable:
    """The rows an export writes, streamed: a QuerySet is read through a server-side cursor
    (``iterator``), ``EXPORT_CHUNK_SIZE`` rows at a time, never cached whole; with
    ``prefetch_related`` lookups they run once per chunk (``chunked``). Any other iterable
    (a generator of computed rows) is consumed as it is."""
    if not isinstance(rows, QuerySet):
        return rows
    if not rows._prefetch_related_lookups:
        return rows.iterator(chunk_size=EXPORT_CHUNK_SIZE)
    return (row for chunk in chunked(rows) for row in chunk)


def chunked(rows: Iterable, size: int = EXPORT_CHUNK_SIZE) -> Iterator[list]:
    """``rows`` in lists of at most ``size``, for an export that reads something more per
    chunk (one query for the whole chunk). A QuerySet is read through a server-side cursor and
    its ``prefetch_related`` lookups run once per chunk. One list is handed out again and again:
    it is emptied when the next chunk is asked for, so the rows of a chunk are freed before the
    next one is read (``QuerySet.iterator`` keeps the last chunk until the next one is built:
    twice the memory). Use a chunk's rows before asking for the next; keep none."""
    lookups = ()
    if isinstance(rows, QuerySet):
        lookups = rows._prefetch_related_lookups  # Django's own list of them
        rows = rows.prefetch_related(None).iterator(chunk_size=size)
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            if lookups:
                prefetch_related_objects(chunk, *lookups)
            yield chunk
            _forget(chunk)
            chunk.clear()
    if chunk:
        if lookups:
            prefetch_related_objects(chunk, *lookups)
        yield chunk
        _forget(chunk)


def _forget(objects: list) -> None:
    """Empty the relation caches of a used chunk's model instances and of the instances they
    reach. A prefetch leaves reference cycles (a membership's cached user points back at the
    user whose prefetch cache holds it), which reference counting cannot free: without this
    every chunk would wait for a full garbage collection, and an export's memory would grow
    with its rows after all."""
    stack, seen = list(objects), set()
    while stack:
        obj = stack.pop()
        if id(obj) in seen or not hasattr(obj, "_state"):
            continue
        seen.add(id(obj))
        for cached in obj.__dict__.pop("_prefetched_objects_cache", {}).values():
            stack.extend(getattr(cached, "_result_cache", None) or ())
        fields = obj._state.__dict__.pop("fields_cache", None)
        if fields:
            stack.extend(fields.values())


def write_workbook(sheets: Iterable[Sheet], out: IO[bytes]) -> None:
    """Write ``sheets`` to ``out`` as an .xlsx, a row at a time: openpyxl's write-only mode
    keeps no cell objects (each sheet's XML goes to a temp file, strings inline), and the
    rows come from ``export_rows``, so memory does not grow with the rows. Each sheet has a
    bold header row; every value goes through ``cell_value`` (text through ``text_cell``)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(title=str(sheet.title)[:31])
        columns = sheet.columns
        for i, col in enumerate(columns):
            ws.column_dimensions[column_letter(i + 1)].width = col.width
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, value=text_cell(str(col.header)))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEF3F1")
            header.append(cell)
        ws.append(header)
        values = [col.value for col in columns]
        for row in export_rows(sheet.rows):
            ws.append([cell_value(value(row)) for value in values])
    wb.save(out)


def xlsx_sheets_response(*, filename: str, sheets: Iterable[Sheet], ascii_name: str = "export"):
    """An .xlsx download of ``sheets`` (``write_workbook``), named ``filename-YYYYMMDD.xlsx``.
    The workbook is written to an anonymous temp file, which the response streams and closes:
    the file's bytes are never held in memory."""
    out = tempfile.TemporaryFile()
    try:
        write_workbook(sheets, out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = FileResponse(out, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(
        f"{ascii_name}-{stamp}.xlsx", f"{filename}-{stamp}.xlsx"
    )
    return response


def xlsx_response(*, filename: str, sheet_title: str, columns: list[Column], rows: Iterable):
    """An .xlsx download of ``rows`` (a QuerySet or any iterable, consumed once) with a bold
    header row: the one-sheet case of ``xlsx_sheets_response``."""
    return xlsx_sheets_response(filename=filename, sheets=[Sheet(sheet_title, columns, rows)])


def _disposition(ascii_name: str, filename: str) -> str:
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_file_response(data: bytes, *, ascii_name: str, filename: str) -> HttpResponse:
    """A workbook built in memory (a template of one enterprise or cycle) as a download:
    ``ascii_name`` for old clients, ``filename`` (Chinese allowed) for the others (RFC 6266
    ``filename*``). Lists are exported with ``xlsx_response``, which streams."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _disposition(ascii_name, filename)
    return response


def check_upload(data: bytes, *, max_bytes: int | None = None) -> None:
    """Raise ``UploadRejected`` unless ``data`` looks like a safe xlsx file."""
    problem = uploads.size_problem(len(data), max_bytes)
    if problem:
        raise UploadRejected(problem)
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRejected(_("This is not an Excel (.xlsx) file. Save it as .xlsx and try again."))
    # central-directory entries counted at C speed, before zipfile builds one object per entry
    if data.count(b"PK\x01\x02") > MAX_MEMBERS:
        raise UploadRejected(_("The Excel file has too many parts to be a normal workbook."))
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
    biggest = max(members, key=lambda m: m.file_size, default=None)
    if biggest is not None and biggest.file_size > MAX_PART_BYTES:
        raise UploadRejected(
            _(
                "A part of the Excel file (%(part)s) unpacks to %(size).1f MB; at most "
                "%(limit)d MB per part are accepted, so it was refused for safety."
            )
            % {
                "part": biggest.filename[:80],
                "size": biggest.file_size / 1048576,
                "limit": MAX_PART_BYTES // 1048576,
            }
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


def _too_many_rows(max_rows: int, sheet: str | None) -> str:
    numbers = {"sheet": sheet, "last": f"{max_rows + HEADER_ROWS:,}", "n": f"{max_rows:,}"}
    if sheet is None:
        return _(
            "The file goes beyond line %(last)s: at most %(n)s rows of data are accepted, empty "
            "lines included. Delete the unused lines below the data and upload again."
        ) % numbers
    return _(
        "The sheet “%(sheet)s” goes beyond row %(last)s: at most %(n)s rows of data are "
        "accepted, empty rows included. Delete the unused rows below the data and upload again."
    ) % numbers


def _refusal(exc: Exception, max_rows: int) -> UploadRejected:
    """The user's message for what ``xlsx_read`` raised."""
    if isinstance(exc, xlsx_read.Forbidden):
        return UploadRejected(_("The Excel file contains XML declarations that are not allowed."))
    if not isinstance(exc, xlsx_read.OverLimit):
        return UploadRejected(_("The Excel file is damaged and cannot be opened."))
    if exc.kind == "rows":
        return UploadRejected(_too_many_rows(max_rows, exc.sheet))
    if exc.kind == "elements":
        return UploadRejected(
            _(
                "The sheet “%(sheet)s” holds far more cells than %(n)s rows of the template can "
                "fill. Keep only the template's columns and the rows with data, then upload again."
            )
            % {"sheet": exc.sheet, "n": f"{max_rows:,}"}
        )
    return UploadRejected(
        _(
            "The Excel file holds more texts or formats than this upload can need (at most "
            "%(n)s different texts) and was refused for safety. Copy the data into the "
            "template and upload again."
        )
        % {"n": f"{MAX_SHARED_STRINGS:,}"}
    )


_READ_ERRORS = (xlsx_read.Damaged, xlsx_read.Forbidden, xlsx_read.OverLimit)


class Book:
    """An upload opened for import by ``open_workbook``: ``sheetnames``, and ``rows`` of one
    sheet at a time, streamed within the limits above. Refusals are ``UploadRejected``, also
    while rows are being read: callers check every row before they save anything."""

    def __init__(self, data: bytes, *, max_rows: int, max_bytes: int | None = None):
        check_upload(data, max_bytes=max_bytes)
        self.max_rows = max_rows
        try:
            self._book = xlsx_read.Workbook(
                data, max_strings=MAX_SHARED_STRINGS, max_elements=MAX_PART_ELEMENTS
            )
        except _READ_ERRORS as exc:
            raise _refusal(exc, max_rows) from None

    @property
    def sheetnames(self) -> list[str]:
        return self._book.sheetnames

    def rows(self, title: str, width: int) -> Iterator[tuple]:
        """Row 1 (the header) and every row after it, each a tuple of the first ``width``
        cell values (``None`` for empty cells and missing rows). Refused as soon as the sheet
        goes past row ``max_rows + 1``, blank rows included, or past its element budget."""
        last_row = self.max_rows + HEADER_ROWS
        budget = SHEET_ELEMENTS + last_row * (ELEMENTS_PER_ROW + ELEMENTS_PER_COLUMN * width)
        try:
            yield from self._book.rows(title, width=width, last_row=last_row, max_elements=budget)
        except _READ_ERRORS as exc:
            raise _refusal(exc, self.max_rows) from None

    def close(self) -> None:
        self._book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workbook(data: bytes, *, max_rows: int, max_bytes: int | None = None) -> Book:
    """Check the upload, then open it for reading at most ``max_rows`` data rows per sheet
    (formulas come back as "=", never computed)."""
    return Book(data, max_rows=max_rows, max_bytes=max_bytes)


def limited_rows(rows: Iterable, *, max_rows: int) -> Iterator:
    """The rows of a text upload (CSV) under the same limit as ``Book.rows``: refused as soon
    as there are more than ``max_rows`` lines below the header, empty lines included."""
    last = max_rows + HEADER_ROWS
    for count, row in enumerate(rows, start=1):
        if count > last:
            raise UploadRejected(_too_many_rows(max_rows, None))
        yield row


def column_letter(index: int) -> str:
    """1 → A, 27 → AA, up to ZZZ (18,278): openpyxl's ``get_column_letter``, without importing
    openpyxl (module-level tables use it)."""
    if not 1 <= index <= 18_278:
        raise ValueError(f"Invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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
