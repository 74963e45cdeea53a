"""Streaming rows of one worksheet with flat memory, for the ledger upload.

openpyxl's read-only ``iter_rows`` keeps every parsed ``<row>`` element (emptied, but still
attached to ``<sheetData>``) and ``load_workbook`` walks a sheet without ``<dimension>`` once
more just to size it, so its memory grows with the rows. This reader runs the same upload guards
(``zhongwei_carbon.excel.check_upload``), lets openpyxl read the workbook parts (content types,
shared strings, workbook, styles), then streams the one sheet through defusedxml's expat parser
with a target that builds no elements at all: one list of values per row, handed out in small
chunks. Values follow openpyxl's ``values_only`` rules: shared/inline strings, numbers (int or
float), booleans, dates for date-styled numbers and ``t="d"`` cells, error codes as text, and
any cell with a formula as a string starting with "=" (whatever it would compute).
"""

from __future__ import annotations

import io
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

from zhongwei_carbon.excel import UploadRejected, check_upload

CHUNK = 64 * 1024
NS = "{" + SHEET_MAIN_NS + "}"
ROW, CELL, VALUE, FORMULA, TEXT, PHONETIC = (NS + t for t in ("row", "c", "v", "f", "t", "rPh"))


def _damaged() -> UploadRejected:
    return UploadRejected(_("The Excel file is damaged and cannot be opened."))


class Sheets:
    """The workbook's parts, opened after the upload guards; ``rows(title, width)`` streams."""

    def __init__(self, data: bytes):
        check_upload(data)
        try:
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self.paths = {
                sheet.name: rel.target
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            }
        except Exception:  # openpyxl raises many types for malformed parts
            raise _damaged() from None
        self.archive = reader.archive
        self.strings = reader.shared_strings
        self.date_styles = frozenset(reader.wb._date_formats)
        self.epoch = reader.wb.epoch

    @property
    def sheetnames(self) -> list[str]:
        return list(self.paths)

    def rows(self, title: str, width: int):
        """Yield ``(row number, tuple of ``width`` values)`` for each row present in the XML."""
        target = _Target(self, width)
        parser = DefusedXMLParser(target=target, forbid_dtd=True)
        try:
            with self.archive.open(self.paths[title]) as src:
                while chunk := src.read(CHUNK):
                    parser.feed(chunk)
                    yield from target.take()
                parser.close()
            yield from target.take()
        except (ParseError, ValueError, LookupError, OverflowError):
            raise _damaged() from None

    def close(self) -> None:
        self.archive.close()


class _Target:
    """expat callbacks: collect the text of <v> and of inline <t> (not phonetic), per cell."""

    def __init__(self, sheets: Sheets, width: int):
        self.sheets, self.width = sheets, width
        self.done = []
        self.values = None
        self.row = 0
        self.col = 0
        self.kind = self.style = None
        self.formula = self.collect = self.phonetic = False
        self.text = []

    def take(self) -> list:
        done, self.done = self.done, []
        return done

    def start(self, tag, attrib):
        if tag == CELL:
            ref = attrib.get("r")
            self.col = column_index_from_string(ref.rstrip("0123456789")) if ref else self.col + 1
            self.kind = attrib.get("t", "n")
            self.style = attrib.get("s")
            self.formula = False
            self.text = []
        elif tag == VALUE or (tag == TEXT and not self.phonetic):
            self.collect = True
        elif tag == FORMULA:
            self.formula = True
        elif tag == PHONETIC:
            self.phonetic = True
        elif tag == ROW:
            number = attrib.get("r")
            self.row = int(float(number)) if number else self.row + 1
            self.col = 0
            self.values = [None] * self.width

    def data(self, text):
        if self.collect:
            self.text.append(text)

    def end(self, tag):
        if tag == VALUE or tag == TEXT:
            self.collect = False
        elif tag == CELL:
            if self.values is not None and 0 < self.col <= self.width:
                self.values[self.col - 1] = self._value()
        elif tag == PHONETIC:
            self.phonetic = False
        elif tag == ROW:
            if self.values is not None:
                self.done.append((self.row, tuple(self.values)))
            self.values = None

    def close(self):
        return None

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
            if self.style is not None and int(self.style) in self.sheets.date_styles:
                try:
                    return from_excel(number, self.sheets.epoch)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.sheets.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "e": the error code, as openpyxl gives it
