"""Excel import of the region's allocation notice (issue 5 §2).

Sheet 分配 (one row per enterprise): the notified pre-allocation and/or final allocation, the
method, the notice reference and date. Sheet 机组 (optional, one row per unit): the inputs of
the portal's check values — unit class; the year's power generated and supplied, load factor,
heat supplied, product and output, the unit's verified emissions (final allocation); the
same activity data of the prior year, verified (pre-allocation). Row 1 holds the headers,
data start on row 2. A unit's blank cell keeps what is stored for that unit (by its name), so
a pre-allocation notice with last year's data and a final notice with this year's complete
each other.

All or nothing: every problem is collected as (sheet, row, column, reason) and while any row
is bad nothing is saved. Formulas are refused (a cell holding ``=...``), never evaluated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allowances.choices import AllocationMethod, UnitClass
from allowances.selectors.allocation_check import QE_KEYS
from allowances.selectors.parameters import MissingParameter, allocation_plan
from registry.models import Enterprise
from zhongwei_carbon import uscc
from zhongwei_carbon.excel import cell_date, cell_decimal, cell_text, open_workbook, text_cell

SHEET_ALLOCATIONS = "分配"
SHEET_UNITS = "机组"
MAX_ROWS = 5000  # data rows per sheet, blank ones included (zhongwei_carbon.excel)
MAX_ERRORS_KEPT = 300
MAX_TONNES = 10**12


@dataclass(frozen=True)
class Col:
    key: str
    header: str  # part of the file format (fixed Chinese)
    kind: str  # uscc, text, method, unit_class, tonnes, decimal, fraction, date
    required: bool = False
    help: str = ""


ALLOCATION_COLUMNS = [
    Col("uscc", "统一社会信用代码", "uscc", True, gettext_lazy("18 characters")),
    Col("name", "企业名称", "text", help=gettext_lazy("For reading only; the code decides")),
    Col("method", "分配方法", "method", True,
        gettext_lazy("power_benchmark / intensity, or their Chinese names")),
    Col("pre_allocation", "预分配量（吨）", "tonnes", help=gettext_lazy("Whole tonnes")),
    Col("notified", "核定配额量（吨）", "tonnes", help=gettext_lazy("Whole tonnes; final allocation")),
    Col("notice_reference", "通知文号", "text", help=gettext_lazy("Optional")),
    Col("notice_date", "通知日期", "date", help=gettext_lazy("Date of the region's notice, YYYY-MM-DD, optional")),
]
UNIT_COLUMNS = [
    Col("uscc", "统一社会信用代码", "uscc", True, gettext_lazy("An enterprise of sheet 分配")),
    Col("name", "机组名称", "text", True),
    Col("unit_class", "机组类别", "unit_class", help=gettext_lazy("Power method only")),
    # year Y's own data: the final allocation
    Col("generated_mwh", "发电量（MWh）", "decimal",
        help=gettext_lazy("This year; Qe where the plan counts power generated")),
    Col("supplied_mwh", "供电量（MWh）", "decimal",
        help=gettext_lazy("This year; Qe where the plan counts power supplied")),
    Col("load_factor", "负荷系数", "fraction", help=gettext_lazy("Fraction, e.g. 0.72; optional")),
    Col("heat_gj", "供热量（GJ）", "decimal", help=gettext_lazy("This year; empty: no heat supplied")),
    Col("product", "产品", "text", help=gettext_lazy("Intensity method only")),
    Col("output", "产量", "decimal", help=gettext_lazy("Intensity method only; this year")),
    Col("verified", "机组核查排放量（tCO2）", "decimal", help=gettext_lazy("Optional")),
    # the prior year's verified data: the pre-allocation (Y−1 activity × year Y's parameters)
    Col("prior_generated_mwh", "上年度发电量（MWh）", "decimal",
        help=gettext_lazy("Prior year, verified; for the pre-allocation")),
    Col("prior_supplied_mwh", "上年度供电量（MWh）", "decimal",
        help=gettext_lazy("Prior year, verified; for the pre-allocation")),
    Col("prior_load_factor", "上年度负荷系数", "fraction",
        help=gettext_lazy("Prior year; fraction, optional")),
    Col("prior_heat_gj", "上年度供热量（GJ）", "decimal",
        help=gettext_lazy("Prior year, verified; empty: no heat supplied")),
    Col("prior_output", "上年度产量", "decimal",
        help=gettext_lazy("Intensity method only; prior year, verified")),
]
SHEETS = [(SHEET_ALLOCATIONS, ALLOCATION_COLUMNS), (SHEET_UNITS, UNIT_COLUMNS)]


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    header: str
    message: str


@dataclass
class Parsed:
    errors: list[RowError] = field(default_factory=list)
    error_total: int = 0
    allocations: dict[str, dict] = field(default_factory=dict)  # USCC -> row
    units: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    enterprises: dict[str, Enterprise] = field(default_factory=dict)

    def add(self, sheet: str, row: int, col: Col | None, message) -> None:
        self.error_total += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(sheet, row, col.header if col else "", str(message)))


def _lookup(choices) -> dict[str, str]:
    table = {}
    for value, label in choices.choices:
        table[value.lower()] = value
        table[str(label).lower()] = value
    return table


METHOD_NAMES = {"发电行业基准法": AllocationMethod.POWER_BENCHMARK, "基准法": AllocationMethod.POWER_BENCHMARK,
                "强度法": AllocationMethod.INTENSITY}
UNIT_CLASS_NAMES = {
    "常规燃煤机组（400mw及以上）": UnitClass.COAL_LARGE,
    "常规燃煤机组（400mw以下）": UnitClass.COAL_SMALL,
    "非常规燃煤机组": UnitClass.COAL_UNCONVENTIONAL,
    "燃气机组": UnitClass.GAS,
}


def _parse(col: Col, value):
    """``(clean value, None)`` or ``(None, reason)``; blank optional → ``(None, None)``."""
    if isinstance(value, str) and value.strip().startswith("="):
        return None, _("Formulas are not accepted: type the value itself.")
    if _blank(value):
        return None, (_("This field is required.") if col.required else None)
    text = cell_text(value)
    if col.kind == "uscc":
        code = uscc.normalize(text)
        reason = uscc.problem(code)
        return (None, reason) if reason else (code, None)
    if col.kind == "text":
        return (None, _("At most 120 characters.")) if len(text) > 120 else (text, None)
    if col.kind in ("method", "unit_class"):
        choices = AllocationMethod if col.kind == "method" else UnitClass
        names = METHOD_NAMES if col.kind == "method" else UNIT_CLASS_NAMES
        found = _lookup(choices).get(text.lower()) or names.get(text.lower())
        if found is None:
            return None, _("Not one of the allowed values: %(value)s") % {"value": text}
        return str(found), None
    if col.kind == "date":
        try:
            return cell_date(value), None
        except ValueError:
            return None, _("Not a date (use YYYY-MM-DD): %(value)s") % {"value": text}
    try:
        number = cell_decimal(value)
    except (ValueError, InvalidOperation):
        return None, _("Not a number: %(value)s") % {"value": text}
    if number < 0:
        return None, _("Must not be negative (got %(value)s).") % {"value": number}
    if number >= MAX_TONNES:
        return None, _("The number is too large: %(value)s") % {"value": number}
    if col.kind == "tonnes":
        if number != number.to_integral_value():
            return None, _("Allowances are whole tonnes (got %(value)s).") % {"value": number}
        return int(number), None
    if col.kind == "fraction" and number > Decimal("1.5"):
        return None, _("A load factor is a fraction such as 0.72 (got %(value)s).") % {
            "value": number
        }
    return format(number.normalize(), "f"), None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# On sheet 分配 a row with only the code and name (as the template pre-fills the list) is skipped.
FILL_KEYS = {SHEET_ALLOCATIONS: ("method", "pre_allocation", "notified")}


def _rows(wb, sheet: str, columns: list[Col], parsed: Parsed):
    rows = wb.rows(sheet, len(columns))
    header = next(rows, None) or ()
    for i, col in enumerate(columns):
        got = header[i] if i < len(header) else None
        got = str(got).strip().rstrip("*").strip() if got is not None else ""
        if got != col.header:
            parsed.add(sheet, 1, col, _("Expected the header “%(expected)s”: use the import "
                                        "template.") % {"expected": col.header})
            return
    for number, values in enumerate(rows, start=2):
        if all(_blank(v) for v in values):
            continue
        fill = [i for i, c in enumerate(columns) if c.key in FILL_KEYS.get(sheet, ())]
        if fill and all(_blank(values[i]) for i in fill):
            continue
        clean, good = {}, True
        for col, value in zip(columns, values, strict=True):
            cleaned, reason = _parse(col, value)
            if reason:
                parsed.add(sheet, number, col, reason)
                good = False
            clean[col.key] = cleaned
        yield number, clean, good


def read(data: bytes) -> Parsed:
    """Read and check the workbook (raises ``UploadRejected`` for an unsafe or broken file, or
    a sheet past ``MAX_ROWS`` rows, blank ones included)."""
    with open_workbook(data, max_rows=MAX_ROWS) as wb:
        return _read(wb)


def _read(wb) -> Parsed:
    parsed = Parsed()
    if SHEET_ALLOCATIONS not in wb.sheetnames:
        parsed.add(SHEET_ALLOCATIONS, 0, None,
                   _("The sheet “%(sheet)s” is missing: use the import template.")
                   % {"sheet": SHEET_ALLOCATIONS})
        return parsed
    seen: dict[str, int] = {}
    for number, row, good in _rows(wb, SHEET_ALLOCATIONS,
                                   ALLOCATION_COLUMNS, parsed):
        code = row["uscc"]
        if code is None:
            continue
        if code in seen:
            parsed.add(SHEET_ALLOCATIONS, number, ALLOCATION_COLUMNS[0],
                       _("Duplicate code: already on row %(row)d of this sheet.")
                       % {"row": seen[code]})
            continue
        seen[code] = number
        if good and row["notice_date"] and row["notice_date"] > timezone.localdate():
            parsed.add(SHEET_ALLOCATIONS, number, ALLOCATION_COLUMNS[6],
                       _("The notice date is in the future."))
            good = False
        if good and row["pre_allocation"] is None and row["notified"] is None:
            parsed.add(SHEET_ALLOCATIONS, number, None,
                       _("Give the pre-allocation, the final allocation or both."))
            good = False
        if good:
            row["row"] = number
            parsed.allocations[code] = row
    parsed.enterprises = {
        e.uscc: e
        for e in Enterprise.objects.filter(uscc__in=list(seen)).select_related("sector", "area")
    }
    for code, number in seen.items():
        if code not in parsed.enterprises:
            parsed.add(SHEET_ALLOCATIONS, number, ALLOCATION_COLUMNS[0],
                       _("No enterprise with this code in the registry."))
    if SHEET_UNITS in wb.sheetnames:
        _read_units(wb, parsed, seen)
    return parsed


def _read_units(wb, parsed: Parsed, seen: dict[str, int]) -> None:
    names: dict[tuple[str, str], int] = {}
    for number, row, good in _rows(wb, SHEET_UNITS, UNIT_COLUMNS, parsed):
        code = row["uscc"]
        if code is None:
            continue
        if code not in seen:
            parsed.add(SHEET_UNITS, number, UNIT_COLUMNS[0],
                       _("This enterprise is not on sheet 分配."))
            continue
        key = (code, row["name"] or "")
        if key in names:
            parsed.add(SHEET_UNITS, number, UNIT_COLUMNS[1],
                       _("Duplicate unit: already on row %(row)d of this sheet.")
                       % {"row": names[key]})
            continue
        names[key] = number
        allocation = parsed.allocations.get(code)
        if good and allocation is not None:
            if allocation["method"] == AllocationMethod.POWER_BENCHMARK and not row["unit_class"]:
                parsed.add(SHEET_UNITS, number, UNIT_COLUMNS[2],
                           _("The power benchmark method needs the unit class."))
                continue
            if allocation["method"] == AllocationMethod.INTENSITY and (
                not row["product"] or (row["output"] is None and row["prior_output"] is None)
            ):
                parsed.add(SHEET_UNITS, number, _column("product"),
                           _("The intensity method needs the product and its output (of this "
                             "year, of the prior year or both)."))
                continue
        if good:
            parsed.units[code].append({k: v for k, v in row.items() if v not in (None, "")})


def _column(key: str) -> Col:
    return next(c for c in UNIT_COLUMNS if c.key == key)


def merge_units(stored: list[dict], imported: list[dict]) -> list[dict]:
    """The units of the file, each completed by the stored unit of the same name: a blank
    cell keeps the stored value (a notice never withdraws a figure by omission). Units not in
    the file are dropped: the file lists the enterprise's units."""
    by_name = {u.get("name", ""): u for u in stored or []}
    return [by_name.get(unit.get("name", ""), {}) | unit for unit in imported]


def template_workbook(cycle, enterprises) -> bytes:
    """The import template: sheet 分配 pre-filled with ``enterprises`` ((code, name) pairs), an
    empty sheet 机组 and a sheet 说明 explaining every column."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_ALLOCATIONS
    ws.append([c.header + ("*" if c.required else "") for c in ALLOCATION_COLUMNS])
    for code, name in enterprises:
        ws.append([code, text_cell(name)])
    units = wb.create_sheet(SHEET_UNITS)
    units.append([c.header + ("*" if c.required else "") for c in UNIT_COLUMNS])
    for sheet in (ws, units):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for letter in "ABCDEFGHIJKLMNO":
            sheet.column_dimensions[letter].width = 22
    notes = wb.create_sheet("说明")
    notes.append([_("Allocation notice of %(year)s") % {"year": cycle.year}])
    notes.append([_("This year = %(year)s; prior year (上年度) = %(prior)s. The pre-allocation "
                    "check uses the prior year's verified activity data with the parameters of "
                    "%(year)s.") % {"year": cycle.year, "prior": cycle.year - 1}])
    notes.append([_("Sheet"), _("Column"), _("Explanation")])
    for sheet, columns in SHEETS:
        for col in columns:
            notes.append([sheet, col.header, str(col.help)])
    try:
        plan = allocation_plan(cycle.year)
    except MissingParameter:
        notes.append([_("Qe: the allocation plan settings of %(year)s are not entered yet.")
                      % {"year": cycle.year}])
    else:
        notes.append([_("Qe: the plan of %(year)s counts %(basis)s (columns %(columns)s).") % {
            "year": cycle.year, "basis": str(plan.get_power_basis_display()).lower(),
            "columns": " / ".join(c.header for c in UNIT_COLUMNS
                                  if c.key.endswith(QE_KEYS[plan.power_basis])),
        }])
    notes.append([])
    notes.append([_("Unit classes"), ", ".join(f"{v} = {label}" for v, label in UnitClass.choices)])
    notes.append([_("Methods"), ", ".join(f"{v} = {label}" for v, label in AllocationMethod.choices)])
    notes.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
