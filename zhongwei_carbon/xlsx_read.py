"""Reading an uploaded xlsx with bounded work and flat memory: the mechanism behind
``zhongwei_carbon.excel.open_workbook`` (which holds the limits and the messages).

openpyxl does not read uploads: its read-only mode walks a whole sheet that has no
``<dimension>`` while opening the file, pads a sheet out to whatever its ``<dimension>`` claims,
and turns shared strings and styles into objects (about 13 µs a string), so a small file can
hold a worker for tens of seconds (issue 10 §2). This module parses only the parts an import
needs (the package and workbook relationships, ``workbook.xml`` up to ``</sheets>``,
``styles.xml`` up to ``</cellXfs>``, the shared strings and one sheet at a time, up to
``</sheetData>``) with expat handlers that build no elements, within limits:

- the parts outside the sheets share one budget of XML elements, the shared strings a budget
  of items;
- a sheet has a last row (a ``<dimension>`` or a row number past it, or more ``<row>``
  elements than it allows, blank ones included) and a budget of XML elements (so a row of a
  million cells costs no more than the limit allows).

Each part is first surveyed at C speed (``_survey``: unpacked in chunks, its tags, its rows or
strings and its last row number counted with ``bytes.count``), so a part past its limits is
refused after a few milliseconds, before one Python callback runs and before an importer sees
a row; the same limits are then checked exactly on every element while parsing, as the
backstop for what the survey cannot see. Exceeding any of them raises ``OverLimit``; a
malformed part raises ``Damaged``; a DTD or an entity declaration anywhere raises
``Forbidden``. Values follow openpyxl's ``values_only`` rules: shared and inline strings,
numbers (int or float), booleans, dates for date-formatted numbers and ``t="d"`` cells, error
codes as text, and any cell with a formula as "=".
"""

from __future__ import annotations

import io
import posixpath
import pyexpat
import re
import zipfile
import zlib
from collections.abc import Iterator

# openpyxl's format and date helpers are imported when a file is read, not with this module
# (importing openpyxl costs every worker ~140 ms at boot: issue 11 §8)

CHUNK = 64 * 1024
# the first element of a part, for the namespace prefix its writer used (``<x:worksheet``)
ROOT = re.compile(rb"<(?![?!/])(?:([A-Za-z_][\w.\-]*):)?[A-Za-z_]")
ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']\s*(\d+)""")
ROW_DIGITS = "0123456789"
REF_LETTERS = "$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class Damaged(Exception):
    """The file is not a readable workbook."""


class Forbidden(Exception):
    """A part declares a DTD or an entity."""


class OverLimit(Exception):
    """A budget was exceeded. ``kind``: "rows" or "elements" of the sheet ``sheet``, or
    "parts" (the elements or shared strings outside the sheets)."""

    def __init__(self, kind: str, sheet: str = ""):
        super().__init__(kind, sheet)
        self.kind, self.sheet = kind, sheet


class _Done(Exception):
    """A handler has what it needs: the rest of the part is not read."""


def _forbid(*_args):
    raise Forbidden


def _local(tag: str) -> str:
    """``x:row`` → ``row`` (prefixes vary between writers; namespaces are not needed here)."""
    return tag[tag.find(":") + 1 :]


def _parse(archive: zipfile.ZipFile, path: str, handler) -> Iterator[None]:
    """Feed one part to expat in chunks, pausing after each so the caller can take what the
    handler produced. Ends quietly when the handler raises ``_Done``."""
    parser = pyexpat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with archive.open(path) as src:
            while chunk := src.read(CHUNK):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
    except _Done:
        return
    except (pyexpat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, LookupError,
            ValueError, OverflowError, TypeError):  # KeyError is a LookupError
        raise Damaged from None


def _survey(
    archive: zipfile.ZipFile,
    path: str,
    *,
    tags: int,
    item: bytes = b"",
    items: int = 0,
    last_row: int = 0,
    kind: str = "parts",
    sheet: str = "",
) -> None:
    """Unpack the part in chunks and count, with ``bytes.count``: its tags (every "<": a start,
    an end or an empty element), the start tags named ``item`` (with the prefix of the part's
    root element) and, for a sheet (``last_row``: up to ``</sheetData>``), the number of the
    last row. Raise ``OverLimit`` as soon as there are more than ``tags`` tags or ``items``
    items or a row past ``last_row``. Comments or text that look like tags can only make it
    refuse; the exact checks while parsing catch what it misses (prefixes redeclared inside)."""
    counts: dict[bytes, int] = {}
    marker = breaks = rows_end = tail = b""
    try:
        with archive.open(path) as src:
            while chunk := src.read(CHUNK):
                if not marker:
                    root = ROOT.search(chunk)
                    prefix = root.group(1) + b":" if root and root.group(1) else b""
                    marker, breaks = b"<" + prefix + item, b"<" + prefix + b"rowBreaks"
                    counts = {b"<": 0, marker: 0, breaks: 0}
                    rows_end = b"</" + prefix + b"sheetData" if last_row else b""
                text, done = tail + chunk, False
                if rows_end and (cut := text.find(rows_end)) >= 0:
                    text, done = text[:cut], True
                head = text[: len(tail)]  # counted with the chunk before
                for key in counts:
                    counts[key] += text.count(key) - head.count(key)
                if counts[b"<"] > tags:
                    raise OverLimit("elements" if last_row else kind, sheet)
                if item and counts[marker] - (counts[breaks] if last_row else 0) > items:
                    raise OverLimit("rows" if last_row else kind, sheet)
                if last_row and (start := text.rfind(marker)) >= 0:
                    number = ROW_NUMBER.search(text, start, text.find(b">", start) % len(text))
                    if number and int(number.group(1)) > last_row:
                        raise OverLimit("rows", sheet)
                if done:
                    return
                tail = chunk[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError):
        raise Damaged from None


def _read(archive, path, handler):
    _survey(archive, path, tags=2 * handler.budget.left, **handler.survey)
    for _ in _parse(archive, path, handler):
        pass
    return handler


class _Budget:
    def __init__(self, elements: int):
        self.left = elements

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise OverLimit("parts")


class _Handler:
    """Counts every element against the shared budget of the parts outside the sheets."""

    survey: dict = {}  # what ``_survey`` counts besides the tags

    def __init__(self, budget: _Budget):
        self.budget = budget

    def start(self, tag, attrs):
        self.budget.spend()
        self.open(_local(tag), attrs)

    def open(self, name, attrs):
        pass

    def end(self, tag):
        pass

    def data(self, text):
        pass


class _Rels(_Handler):
    def __init__(self, budget):
        super().__init__(budget)
        self.found: dict[str, tuple[str, str]] = {}

    def open(self, name, attrs):
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            self.found[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def of_type(self, suffix: str) -> list[tuple[str, str]]:
        return [(rid, target) for rid, (kind, target) in self.found.items() if kind.endswith(suffix)]


class _WorkbookPart(_Handler):
    """Sheet names with their relationship ids, and the calendar; stops at ``</sheets>``."""

    def __init__(self, budget):
        super().__init__(budget)
        self.sheets: list[tuple[str, str]] = []
        self.date1904 = False

    def open(self, name, attrs):
        if name == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            self.sheets.append((attrs.get("name", ""), rid))
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")

    def end(self, tag):
        if _local(tag) == "sheets":
            raise _Done


class _Styles(_Handler):
    """Which cell formats (``<cellXfs>`` indexes) show dates or durations."""

    def __init__(self, budget):
        from openpyxl.styles.numbers import BUILTIN_FORMATS

        super().__init__(budget)
        self.codes: dict[int, str] = dict(BUILTIN_FORMATS)
        self.xf_formats: list[int] = []
        self.in_xfs = False

    def open(self, name, attrs):
        if name == "xf" and self.in_xfs:
            self.xf_formats.append(int(attrs.get("numFmtId", 0)))
        elif name == "numFmt":
            self.codes[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            self.in_xfs = True

    def end(self, tag):
        if _local(tag) == "cellXfs":
            raise _Done

    def kinds(self) -> tuple[frozenset, frozenset]:
        from openpyxl.styles.numbers import is_date_format, is_timedelta_format

        dates, durations, seen = set(), set(), {}
        for index, fmt in enumerate(self.xf_formats):
            if fmt not in seen:
                code = self.codes.get(fmt) or ""
                seen[fmt] = (is_date_format(code), is_timedelta_format(code))
            is_date, is_duration = seen[fmt]
            if is_date:
                dates.add(index)
            if is_duration:
                durations.add(index)
        return frozenset(dates), frozenset(durations)


class _Strings(_Handler):
    """The shared strings: the text of each ``<si>`` without its phonetic runs."""

    def __init__(self, budget, limit: int):
        super().__init__(budget)
        self.limit = limit
        self.survey = {"item": b"si", "items": limit}
        self.items: list[str] = []
        self.parts: list[str] = []
        self.collect = self.phonetic = False

    def open(self, name, attrs):
        if name == "t" and not self.phonetic:
            self.collect = True
        elif name == "si":
            if len(self.items) >= self.limit:
                raise OverLimit("parts")
            self.parts = []
        elif name == "rPh":
            self.phonetic = True

    def end(self, tag):
        name = _local(tag)
        if name == "t":
            self.collect = False
        elif name == "si":
            self.items.append("".join(self.parts).replace("x005F_", ""))
        elif name == "rPh":
            self.phonetic = False

    def data(self, text):
        if self.collect:
            self.parts.append(text)


def _target(base: str, target: str) -> str:
    """A relationship target as a path inside the archive."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Workbook:
    """The workbook's sheet names, calendar, date formats and shared strings; ``rows`` streams
    one sheet. ``max_strings`` and ``max_elements`` bound the parts outside the sheets."""

    def __init__(self, data: bytes, *, max_strings: int, max_elements: int):
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError):
            raise Damaged from None
        try:
            self._load(max_strings, max_elements)
        except BaseException:
            self.archive.close()
            raise

    def _load(self, max_strings: int, max_elements: int) -> None:
        budget = _Budget(max_elements)
        names = set(self.archive.namelist())
        package = _read(self.archive, "_rels/.rels", _Rels(budget))
        documents = package.of_type("/officeDocument")
        if not documents:
            raise Damaged
        book_path = _target("", documents[0][1])
        rels = _Rels(budget)
        if _rels_path(book_path) in names:
            _read(self.archive, _rels_path(book_path), rels)
        book = _read(self.archive, book_path, _WorkbookPart(budget))
        worksheets = dict(rels.of_type("/worksheet"))
        self.paths: dict[str, str] = {}
        for name, rid in book.sheets:
            path = _target(book_path, worksheets[rid]) if rid in worksheets else None
            if path in names:
                self.paths[name] = path
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.epoch = CALENDAR_MAC_1904 if book.date1904 else CALENDAR_WINDOWS_1900
        self.dates = self.durations = frozenset()
        for _rid, target in rels.of_type("/styles")[:1]:
            if _target(book_path, target) in names:
                styles = _read(self.archive, _target(book_path, target), _Styles(budget))
                self.dates, self.durations = styles.kinds()
        self.strings: list[str] = []
        for _rid, target in rels.of_type("/sharedStrings")[:1]:
            if _target(book_path, target) in names:
                strings = _Strings(budget, max_strings)
                self.strings = _read(self.archive, _target(book_path, target), strings).items

    @property
    def sheetnames(self) -> list[str]:
        return list(self.paths)

    def rows(self, title: str, *, width: int, last_row: int, max_elements: int):
        """Each row of the sheet from row 1 to the last one present, as a tuple of ``width``
        values (rows and cells missing from the XML as ``None``). Raises ``OverLimit`` as soon
        as the sheet goes past ``last_row`` or ``max_elements``."""
        path = self.paths[title]
        _survey(
            self.archive,
            path,
            tags=2 * max_elements,
            item=b"row",
            items=last_row,
            last_row=last_row,
            sheet=title,
        )
        target = _SheetRows(self, title, width, last_row, max_elements)
        blank = (None,) * width
        expected = 1
        for number, values in self._numbered(path, target):
            while expected < number:
                yield blank
                expected += 1
            yield values
            expected += 1

    def _numbered(self, path: str, target: _SheetRows):
        for _ in _parse(self.archive, path, target):
            yield from target.take()
        yield from target.take()

    def close(self) -> None:
        self.archive.close()


class _SheetRows:
    """expat callbacks for one sheet: one tuple of values per row, the limits checked on every
    element."""

    def __init__(self, book: Workbook, title: str, width: int, last_row: int, budget: int):
        from openpyxl.utils.cell import column_index_from_string
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.column_index, self.from_excel, self.from_iso = (
            column_index_from_string, from_excel, from_ISO8601
        )
        self.strings, self.epoch = book.strings, book.epoch
        self.dates, self.durations = book.dates, book.durations
        self.title, self.width, self.last_row, self.left = title, width, last_row, budget
        self.done: list[tuple[int, tuple]] = []
        self.values = None
        self.row = self.count = self.col = 0
        self.kind = self.style = None
        self.formula = self.collect = self.phonetic = False
        self.text: list[str] = []

    def take(self) -> list:
        done, self.done = self.done, []
        return done

    def start(self, tag, attrs):
        self.left -= 1
        if self.left < 0:
            raise OverLimit("elements", self.title)
        name = tag[tag.find(":") + 1 :]
        if name == "c":
            ref = attrs.get("r")
            self.col = self.column_index(ref.rstrip(ROW_DIGITS)) if ref else self.col + 1
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.formula = False
            self.text = []
        elif name == "v" or (name == "t" and not self.phonetic):
            self.collect = True
        elif name == "row":
            number = attrs.get("r")
            number = int(float(number)) if number else self.row + 1
            self.count += 1
            if number > self.last_row or self.count > self.last_row:
                raise OverLimit("rows", self.title)
            if number <= self.row:
                raise Damaged  # rows out of order or repeated
            self.row, self.col = number, 0
            self.values = [None] * self.width
        elif name == "f":
            self.formula = True
        elif name == "rPh":
            self.phonetic = True
        elif name == "dimension":
            last = attrs.get("ref", "").rpartition(":")[2].lstrip(REF_LETTERS)
            if last.isdigit() and int(last) > self.last_row:
                raise OverLimit("rows", self.title)

    def data(self, text):
        if self.collect:
            self.text.append(text)

    def end(self, tag):
        name = tag[tag.find(":") + 1 :]
        if name == "v" or name == "t":
            self.collect = False
        elif name == "c":
            if self.values is not None and 0 < self.col <= self.width:
                self.values[self.col - 1] = self._value()
        elif name == "row":
            if self.values is not None:
                self.done.append((self.row, tuple(self.values)))
            self.values = None
        elif name == "rPh":
            self.phonetic = False
        elif name == "sheetData":
            raise _Done

    def _value(self):
        if self.formula:
            return "="
        text = "".join(self.text)
        kind = self.kind
        if kind == "inlineStr" or kind == "str":
            return text or None
        if not text:
            return None
        if kind == "n":
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            if self.style is not None and int(self.style) in self.dates:
                try:
                    return self.from_excel(
                        number, self.epoch, timedelta=int(self.style) in self.durations
                    )
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self.from_iso(text)
        return text  # "e": the error code, as openpyxl gives it
