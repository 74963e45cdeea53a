"""Columns of the monthly-ledger workbook (sheet 月度台账) and the checks of one cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from reporting.services.ledgers import LEDGER_FIELDS
from zhongwei_carbon.excel import cell_text, column_letter

SHEET = "月度台账"


@dataclass(frozen=True)
class Col:
    key: str
    header: str  # part of the file format (fixed Chinese)
    kind: str  # text, int, decimal
    places: int = 0
    max_value: Decimal | None = None


D = Decimal
COLUMNS = (
    Col("facility", "设施名称", "text"),
    Col("year", "年度", "int"),
    Col("month", "月份", "int"),
    Col("fuel", "燃料", "text"),
    Col("consumption", "消耗量", "decimal", 3, D("1e11")),
    Col("measured_ncv", "实测低位发热量(GJ/单位)", "decimal", 4, D("1e8")),
    Col("measured_carbon_content", "实测单位热值含碳量(tC/GJ)", "decimal", 6, D("1e4")),
    Col("purchased_electricity_mwh", "外购电力(MWh)", "decimal", 3, D("1e11")),
    Col("generation_mwh", "发电量(MWh)", "decimal", 3, D("1e11")),
    Col("power_supplied_mwh", "供电量(MWh)", "decimal", 3, D("1e11")),
    Col("heat_supplied_gj", "供热量(GJ)", "decimal", 3, D("1e11")),
    Col("running_hours", "运行小时", "decimal", 2, D("1e5")),
    Col("load_factor", "负荷率", "decimal", 4, D("1")),
    Col("note", "备注", "text"),
)
KEYS = tuple(c.key for c in COLUMNS)
LINE_KEYS = ("consumption", "measured_ncv", "measured_carbon_content")
MONTH_KEYS = LEDGER_FIELDS  # electricity … note
LETTER = {c.key: column_letter(i + 1) for i, c in enumerate(COLUMNS)}
NCOLS = len(COLUMNS)
# column positions (the rows are tuples in COLUMNS order)
FAC, YEAR, MONTH, FUEL, CONS = 0, 1, 2, 3, 4
LINE_SLICE = slice(4, 7)
MONTH_SLICE = slice(7, NCOLS)
assert KEYS[LINE_SLICE] == LINE_KEYS and KEYS[MONTH_SLICE] == MONTH_KEYS


# --- cells ----------------------------------------------------------------------------------


def _parse(col: Col, value):
    """``(clean value, reason or None)`` for one cell."""
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("="):
            return None, _("Formulas are not accepted: enter the value itself.")
        if value == "":
            value = None
    if value is None:
        return None, None
    if col.kind == "text":
        if isinstance(value, (datetime, date)):
            return None, _("Expected text, not a date.")
        text = cell_text(value)  # a template's quoted '=name comes back as =name
        return (text, None) if len(text) <= 300 else (None, _("At most 300 characters."))
    if isinstance(value, bool) or isinstance(value, (datetime, date)):
        return None, _("Expected a number.")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": value}
    if not number.is_finite():
        return None, _("Expected a number.")
    if col.kind == "int":
        if number != number.to_integral_value():
            return None, _("Expected a whole number.")
        return int(number), None
    return _check_decimal(col, number)


def _check_decimal(col: Col, number: Decimal):
    if number < 0:
        return None, _("Must not be negative.")
    if col.max_value is not None and number > col.max_value:
        return None, _("Must be at most %(max)s.") % {"max": col.max_value}
    exponent = number.as_tuple().exponent
    if exponent < -col.places and number != number.quantize(D(1).scaleb(-col.places)):
        return None, _("At most %(n)d decimal places.") % {"n": col.places}
    return number, None


_OK = (None, None)


def _fast(col: Col, value):
    """``_parse`` for the common cells without the generic checks: an empty cell, a plain int
    or float for a number, a short string for text. Anything else goes through ``_parse``."""
    kind = type(value)
    if value is None:
        return _OK
    if col.kind == "text":
        if kind is str:
            text = value.strip()
            if text and text[0] not in "='" and len(text) <= 300:
                return text, None
        return _parse(col, value)
    if kind is int:
        if col.kind == "int":
            return value, None
        if 0 <= value <= col.max_value:
            return Decimal(value), None
    elif kind is float and col.kind == "decimal" and 0 <= value <= col.max_value:
        return _check_decimal(col, Decimal(repr(value)))
    return _parse(col, value)
