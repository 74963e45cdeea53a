"""Reading a registry statement file (.xlsx or .csv) into checked rows.

The format: a header row, then one row per holding. Headers are the Chinese ones of the
template (统一社会信用代码, 单位类型, 年份, CCER项目编号, 持有量（吨）); English keys (uscc, unit_type,
vintage, project_code, quantity) are accepted too, in any column order. An enterprise-name or
note column may be present and is ignored. CSV files may be UTF-8 (with or without BOM) or
GB18030 (what Chinese Excel writes for "CSV").

Every problem is collected as "Row n, column: reason"; while any row is bad the caller saves
nothing. An unknown USCC is not a problem here (the reconciliation flags it).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from allowances.choices import UnitType
from allowances.models import CCERProject
from zhongwei_carbon import uploads, uscc
from zhongwei_carbon.excel import (
    UploadRejected,
    cell_decimal,
    cell_text,
    limited_rows,
    open_workbook,
)

MAX_ROWS = 10_000  # data rows, blank ones included (zhongwei_carbon.excel)
# columns read from an .xlsx statement: the five of the template, the ignored name and note
# columns, and room for a few more (an unknown header is an error, one past these is not read)
MAX_COLUMNS = 16
MAX_ERRORS = 200
FIRST_DATA_ROW = 2
MIN_VINTAGE, MAX_VINTAGE = 2000, 2100
MAX_QUANTITY = 10**12

USCC, UNIT_TYPE, VINTAGE, PROJECT, QUANTITY = "uscc", "unit_type", "vintage", "project", "quantity"
# (key, header of the template) in template order
COLUMNS = [
    (USCC, "统一社会信用代码"),
    (UNIT_TYPE, "单位类型"),
    (VINTAGE, "年份"),
    (PROJECT, "CCER项目编号"),
    (QUANTITY, "持有量（吨）"),
]
HEADER = dict(COLUMNS)
IGNORED = "ignored"


def _norm_header(value) -> str:
    text = cell_text(value) if value is not None else ""
    text = text.rstrip("*").replace("（", "(").replace("）", ")").lower()
    return "".join(ch for ch in text if ch not in " _-\t\u3000")


ALIASES = {
    USCC: ["统一社会信用代码", "uscc", "unified social credit code", "credit code"],
    UNIT_TYPE: ["单位类型", "unit_type", "unit type", "type"],
    VINTAGE: ["年份", "年度", "vintage", "year"],
    PROJECT: ["CCER项目编号", "项目编号", "project_code", "project", "ccer project"],
    QUANTITY: ["持有量（吨）", "持有量", "quantity", "quantity (t)", "holding"],
    IGNORED: ["单位名称", "企业名称", "enterprise", "enterprise_name", "name", "备注", "note"],
}
HEADER_KEYS = {_norm_header(alias): key for key, aliases in ALIASES.items() for alias in aliases}

UNIT_TYPES = {
    "配额": UnitType.CEA,
    "碳排放配额": UnitType.CEA,
    "全国碳排放配额": UnitType.CEA,
    "cea": UnitType.CEA,
    "allowance": UnitType.CEA,
    "allowance(cea)": UnitType.CEA,
    "ccer": UnitType.CCER,
    "核证自愿减排量": UnitType.CCER,
    "国家核证自愿减排量": UnitType.CCER,
}


@dataclass(frozen=True)
class Row:
    number: int
    uscc: str
    unit_type: str
    vintage: int
    project: CCERProject | None
    quantity: int

    @property
    def key(self) -> tuple:
        return (self.uscc, self.unit_type, self.vintage, self.project.pk if self.project else None)


class _Errors:
    def __init__(self):
        self.messages: list[str] = []
        self.total = 0

    def add(self, row: int, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.messages) >= MAX_ERRORS:
            return
        if column:
            text = _("Row %(row)d, %(column)s: %(message)s")
        else:
            text = _("Row %(row)d: %(message)s")
        self.messages.append(text % {"row": row, "column": column, "message": message})

    def raise_if_any(self) -> None:
        if not self.total:
            return
        messages = list(self.messages)
        if self.total > len(messages):
            messages.append(_("… and %(n)d more problems.") % {"n": self.total - len(messages)})
        raise ValidationError({"file": messages})


def _file_error(message) -> ValidationError:
    return ValidationError({"file": [str(message)]})


# --- raw rows from the two formats ------------------------------------------------------


def _kind(data: bytes, upload_name: str) -> str:
    ext = os.path.splitext(upload_name or "")[1].lower()
    if ext == ".xlsx" or (not ext and data.startswith(b"PK\x03\x04")):
        return "xlsx"
    if ext in (".csv", ".txt"):
        return "csv"
    raise _file_error(_("Upload the statement as an Excel (.xlsx) or CSV (.csv) file."))


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(_("The CSV file is neither UTF-8 nor GB18030 text; save it again as CSV."))


def _csv_rows(data: bytes) -> Iterator[tuple]:
    problem = uploads.size_problem(len(data))
    if problem:
        raise _file_error(problem)
    if b"\x00" in data:
        raise _file_error(_("This is not a CSV text file."))
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from (tuple(r) for r in limited_rows(rows, max_rows=MAX_ROWS))
    except UploadRejected as exc:
        raise _file_error(exc) from None
    except csv.Error:
        raise _file_error(_("The CSV file cannot be read; save it again as CSV.")) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple]:
    """The first sheet's rows; a refusal (unsafe file, past ``MAX_ROWS``) as a file error."""
    try:
        with open_workbook(data, max_rows=MAX_ROWS) as wb:
            if wb.sheetnames:
                yield from wb.rows(wb.sheetnames[0], MAX_COLUMNS)
    except UploadRejected as exc:
        raise _file_error(exc) from None


# --- checking -------------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(raw: tuple | None, errors: _Errors) -> dict[str, int] | None:
    """key -> column index, or None (errors reported) when the header row is wrong."""
    positions: dict[str, int] = {}
    for i, value in enumerate(raw or ()):
        if _blank(value):
            continue
        key = HEADER_KEYS.get(_norm_header(value))
        if key is None:
            errors.add(
                1,
                None,
                _("Unknown column “%(header)s”. Use the template's headers.")
                % {"header": cell_text(value)},
            )
        elif key == IGNORED:
            continue
        elif key in positions:
            errors.add(
                1, None, _("The column “%(header)s” appears twice.") % {"header": HEADER[key]}
            )
        else:
            positions[key] = i
    for key, header in COLUMNS:
        if key not in positions:
            errors.add(
                1,
                None,
                _("The column “%(header)s” is missing. Use the template's headers.")
                % {"header": header},
            )
    return None if errors.total else positions


def _text(value) -> str:
    return "" if value is None else cell_text(value)


def _formula(value) -> bool:
    return isinstance(value, str) and value.strip().startswith("=")


def _whole(value, *, low: int, high: int) -> int:
    """A whole number within [low, high], or ValueError."""
    if isinstance(value, bool):
        raise ValueError
    try:
        number = cell_decimal(value)
    except (ArithmeticError, ValueError, InvalidOperation):
        raise ValueError from None
    if number != number.to_integral_value() or not low <= number <= high:
        raise ValueError
    return int(number)


def _check_row(number: int, cells: dict, projects: dict, errors: _Errors) -> Row | None:
    before = errors.total
    for key, value in list(cells.items()):
        if _formula(value):
            errors.add(number, HEADER[key], _("Formulas are not allowed; type the value."))
            del cells[key]
    if errors.total > before:
        return None  # checked again once the values are typed
    code = uscc.normalize(_text(cells[USCC]))
    if not code:
        errors.add(number, HEADER[USCC], _("Required."))
    elif (reason := uscc.problem(code)) is not None:
        errors.add(number, HEADER[USCC], reason)

    unit_raw = _norm_header(cells[UNIT_TYPE])
    unit_type = UNIT_TYPES.get(unit_raw)
    if unit_type is None:
        errors.add(
            number,
            HEADER[UNIT_TYPE],
            _("Enter 配额 (CEA) or CCER.") if unit_raw else _("Required."),
        )

    vintage = None
    if _blank(cells[VINTAGE]):
        errors.add(number, HEADER[VINTAGE], _("Required."))
    else:
        try:
            vintage = _whole(cells[VINTAGE], low=MIN_VINTAGE, high=MAX_VINTAGE)
        except ValueError:
            errors.add(number, HEADER[VINTAGE], _("Enter a year such as 2025."))

    project = None
    project_code = _text(cells[PROJECT])
    if unit_type == UnitType.CEA and project_code:
        errors.add(
            number, HEADER[PROJECT], _("Allowances (CEA) have no CCER project; leave it empty.")
        )
    elif unit_type == UnitType.CCER and not project_code:
        errors.add(number, HEADER[PROJECT], _("CCER units need their project code."))
    elif unit_type == UnitType.CCER:
        project = projects.get(project_code.upper())
        if project is None:
            errors.add(
                number,
                HEADER[PROJECT],
                _("No CCER project with the code “%(code)s” in the portal.")
                % {"code": project_code},
            )

    quantity = None
    if _blank(cells[QUANTITY]):
        errors.add(number, HEADER[QUANTITY], _("Required."))
    else:
        try:
            quantity = _whole(cells[QUANTITY], low=-MAX_QUANTITY, high=MAX_QUANTITY)
        except ValueError:
            errors.add(number, HEADER[QUANTITY], _("Enter a whole number of tonnes."))
        else:
            if quantity < 0:
                errors.add(number, HEADER[QUANTITY], _("A holding cannot be negative."))
    if errors.total > before:
        return None
    return Row(number, code, unit_type, vintage, project, quantity)


def read(data: bytes, upload_name: str) -> list[Row]:
    """The checked rows of the file, or ``ValidationError({"file": [...]})`` listing every
    problem with its row number."""
    if not data:
        raise _file_error(_("The file is empty."))
    raw_rows = _xlsx_rows(data) if _kind(data, upload_name) == "xlsx" else _csv_rows(data)
    first = next(raw_rows, None)
    if first is None or all(_blank(v) for v in first):
        raise _file_error(_("The file is empty or its first row (the headers) is blank."))
    errors = _Errors()
    positions = _header(first, errors)
    if positions is None:
        errors.raise_if_any()
    projects = {p.code.strip().upper(): p for p in CCERProject.objects.all()}
    rows: list[Row] = []
    seen: dict[tuple, int] = {}
    for number, values in enumerate(raw_rows, start=FIRST_DATA_ROW):
        values = tuple(values or ())
        if all(_blank(v) for v in values):
            continue
        cells = {k: (values[i] if i < len(values) else None) for k, i in positions.items()}
        row = _check_row(number, cells, projects, errors)
        if row is None:
            continue
        if row.key in seen:
            errors.add(
                number,
                None,
                _("The same holding (code, unit type, year, project) is already on row %(row)d.")
                % {"row": seen[row.key]},
            )
            continue
        seen[row.key] = number
        rows.append(row)
    errors.raise_if_any()
    if not rows:
        raise _file_error(_("The file has no rows below the header."))
    return rows
