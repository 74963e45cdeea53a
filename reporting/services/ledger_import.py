"""Excel template and upload of a whole year of monthly ledgers for one enterprise.

Sheet 月度台账, headers on row 1, one row per facility × month × fuel. The month's own values
(electricity, generation, heat, hours, load factor, note) may stand on any one row of that
facility and month; repeated on several rows they must agree. A row with nothing filled in
after facility/year/month/fuel is skipped, so an untouched template saves nothing.

All-or-nothing: every bad cell is reported as (sheet, row, column, reason) and while any row is
bad nothing is saved. A good upload saves drafts (never submits) in one transaction.

Memory: the workbook is streamed twice (``iter_rows(values_only=True)``); between the passes
only one small entry per facility-month is kept (its first row, the month's values and a
bitmask of the fuels seen), never the rows. Lines are written in batches.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from reporting import ledger_rules as lr
from reporting.models import FuelType, MonthlyLedger, MonthlyLedgerLine
from reporting.services.ledgers import LEDGER_FIELDS, _require
from zhongwei_carbon import events
from zhongwei_carbon.excel import column_letter, open_workbook
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Perm

SHEET = "月度台账"
FIRST_DATA_ROW = 2
MAX_ROWS = 20_000
MAX_ERRORS_KEPT = 500
BATCH = 500  # rows written per query; keeps memory flat


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


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    header: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    error_total: int = 0
    rows_read: int = 0
    ledgers: int = 0
    lines: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_total == 0

    def add(self, row: int, key: str | None, message) -> None:
        self.error_total += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            header = next((c.header for c in COLUMNS if c.key == key), "") if key else ""
            self.errors.append(RowError(SHEET, row, LETTER.get(key, ""), header, str(message)))


@dataclass
class _Month:
    """What is kept between the passes for one facility-month: small and fixed-size."""

    row: int
    values: tuple | None = None
    fuels: int = 0  # bitmask of fuel indexes seen


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
        text = str(value)
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
    if number < 0:
        return None, _("Must not be negative.")
    if col.max_value is not None and number > col.max_value:
        return None, _("Must be at most %(max)s.") % {"max": col.max_value}
    exponent = number.as_tuple().exponent
    if exponent < -col.places and number != number.quantize(D(1).scaleb(-col.places)):
        return None, _("At most %(n)d decimal places.") % {"n": col.places}
    return number, None


@dataclass
class _Context:
    enterprise: object
    year: int
    facilities: dict[str, int]  # name -> pk
    fuels: dict[str, tuple[int, int]]  # code or name -> (pk, bit index)
    existing: dict[tuple[int, int], tuple[int, str]]  # (facility, month) -> (ledger pk, status)


def _context(enterprise, year: int) -> _Context:
    fuels = {}
    for i, fuel in enumerate(FuelType.objects.order_by("pk")):
        for label in {fuel.code, fuel.name, fuel.name_en.lower()} - {""}:
            fuels[label] = (fuel.pk, i)
    existing = {
        (facility_id, month): (pk, status)
        for pk, facility_id, month, status in MonthlyLedger.objects.filter(
            enterprise=enterprise, year=year
        ).values_list("pk", "facility_id", "month", "status")
    }
    return _Context(
        enterprise=enterprise,
        year=year,
        facilities=dict(enterprise.facilities.values_list("name", "pk")),
        fuels=fuels,
        existing=existing,
    )


def _rows(ws, result: ImportResult | None):
    """Yield ``(row number, clean dict, keys of bad cells)`` for each non-empty data row."""
    rows = ws.iter_rows(values_only=True)
    header = tuple(next(rows, None) or ())
    bad_header = False
    for i, col in enumerate(COLUMNS):
        got = (
            str(header[i]).strip().rstrip("*").strip()
            if i < len(header) and header[i] is not None
            else ""
        )
        if got != col.header:
            bad_header = True
            if result is not None:
                result.add(
                    1,
                    col.key,
                    _("Expected the header “%(h)s”: use the template.") % {"h": col.header},
                )
    if bad_header:
        return
    n = len(COLUMNS)
    for number, values in enumerate(rows, start=FIRST_DATA_ROW):
        values = tuple(values[:n]) + (None,) * max(0, n - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if number - FIRST_DATA_ROW >= MAX_ROWS:
            if result is not None:
                result.add(number, None, _("Too many rows: at most %(n)d.") % {"n": MAX_ROWS})
            return
        clean, bad = {}, set()
        for col, value in zip(COLUMNS, values, strict=True):
            clean[col.key], reason = _parse(col, value)
            if reason:
                bad.add(col.key)
                if result is not None:
                    result.add(number, col.key, reason)
        yield number, clean, bad


def _has_data(row: dict) -> bool:
    return any(row[k] is not None for k in LINE_KEYS + MONTH_KEYS)


def _check(ws, ctx: _Context, result: ImportResult) -> dict[tuple[int, int], _Month]:
    months: dict[tuple[int, int], _Month] = {}
    for number, row, bad in _rows(ws, result):
        result.rows_read += 1
        if not _has_data(row) and not bad:
            continue
        good = not bad
        for key in ("facility", "year", "month"):
            if row[key] is None and key not in bad:
                result.add(number, key, _("Required."))
                good = False
        facility_id = ctx.facilities.get(row["facility"]) if row["facility"] else None
        if row["facility"] and facility_id is None:
            result.add(number, "facility", _("No facility of this enterprise has this name."))
            good = False
        if row["year"] is not None and row["year"] != ctx.year:
            result.add(number, "year", _("This upload is for %(year)d.") % {"year": ctx.year})
            good = False
        if row["month"] is not None and not 1 <= row["month"] <= 12:
            result.add(number, "month", _("The month must be 1 to 12."))
            good = False
        fuel = None
        if row["fuel"] is not None:
            fuel = ctx.fuels.get(row["fuel"]) or ctx.fuels.get(row["fuel"].lower())
            if fuel is None:
                result.add(number, "fuel", _("Unknown fuel: use one of the template's fuels."))
                good = False
        if any(row[k] is not None for k in LINE_KEYS):
            if row["fuel"] is None:
                result.add(number, "fuel", _("Name the fuel of this consumption."))
                good = False
            if row["consumption"] is None:
                result.add(number, "consumption", _("Enter the consumption (0 if none)."))
                good = False
        if not good:
            continue
        key = (facility_id, row["month"])
        existing = ctx.existing.get(key)
        if existing is not None and existing[1] not in lr.EDITABLE:
            result.add(number, "month", _("This month is already submitted and cannot be changed."))
            continue
        entry = months.get(key)
        if entry is None:
            entry = months[key] = _Month(row=number)
        if fuel is not None and row["consumption"] is not None:
            bit = 1 << fuel[1]
            if entry.fuels & bit:
                result.add(
                    number, "fuel", _("This fuel is already given for this facility and month.")
                )
                continue
            entry.fuels |= bit
        values = tuple(row[k] for k in MONTH_KEYS)
        if any(v is not None for v in values):
            if entry.values is None:
                entry.values = values
            elif entry.values != values:
                result.add(
                    number,
                    "purchased_electricity_mwh",
                    _("The month's values differ from those on row %(row)d.") % {"row": entry.row},
                )
    if result.rows_read == 0 and result.ok:
        result.add(0, None, _("The workbook has no data rows."))
    return months


def _fill(ledger, entry: _Month) -> None:
    values = entry.values or (None,) * len(MONTH_KEYS)
    for name, value in zip(MONTH_KEYS, values, strict=True):
        if value is None and name != "load_factor":
            value = "" if name == "note" else Decimal(0)
        setattr(ledger, name, value)


def _save_months(actor, ctx: _Context, keys: list, months: dict, ids: dict) -> None:
    """Create or update one batch of facility-months; record their ids."""
    existing = {ids[k]: k for k in keys if k in ids}
    updates = list(MonthlyLedger.objects.filter(pk__in=existing))
    for ledger in updates:
        _fill(ledger, months[existing[ledger.pk]])
    creates = []
    for key in keys:
        if key not in ids:
            ledger = MonthlyLedger(
                enterprise=ctx.enterprise, facility_id=key[0], year=ctx.year, month=key[1]
            )
            _fill(ledger, months[key])
            creates.append(ledger)
    if updates:
        MonthlyLedgerLine.objects.filter(ledger__in=updates).delete()
        bulk_update_with_history(updates, MonthlyLedger, list(MONTH_KEYS), default_user=actor)
    if creates:
        bulk_create_with_history(creates, MonthlyLedger, default_user=actor)
        ids.update({(led.facility_id, led.month): led.pk for led in creates})


def _apply(ws, actor, ctx: _Context, months: dict, result: ImportResult, filename: str) -> None:
    ids = {}
    for pk, facility_id, month, status in (
        MonthlyLedger.objects.select_for_update()
        .filter(enterprise=ctx.enterprise, year=ctx.year)
        .values_list("pk", "facility_id", "month", "status")
    ):
        if (facility_id, month) in months and status not in lr.EDITABLE:
            raise ValidationError(_("A month was submitted meanwhile: upload again."))
        ids[(facility_id, month)] = pk
    keys = list(months)
    for i in range(0, len(keys), BATCH):
        _save_months(actor, ctx, keys[i : i + BATCH], months, ids)
    batch = []
    for _number, row, _bad in _rows(ws, None):
        if row["consumption"] is None or row["fuel"] is None:
            continue
        fuel_id = (ctx.fuels.get(row["fuel"]) or ctx.fuels[row["fuel"].lower()])[0]
        batch.append(
            MonthlyLedgerLine(
                ledger_id=ids[(ctx.facilities[row["facility"]], row["month"])],
                fuel_id=fuel_id,
                **{k: row[k] for k in LINE_KEYS},
            )
        )
        if len(batch) >= BATCH:
            MonthlyLedgerLine.objects.bulk_create(batch)
            result.lines += len(batch)
            batch = []
    MonthlyLedgerLine.objects.bulk_create(batch)
    result.lines += len(batch)
    result.ledgers = len(keys)
    message = _("Saved from the Excel upload %(file)s") % {"file": filename or "-"}
    ct = ContentType.objects.get_for_model(MonthlyLedger)
    for i in range(0, len(keys), BATCH):
        Event.objects.bulk_create(
            Event(
                actor=actor,
                verb="ledger.uploaded",
                message=message,
                data={"file": filename},
                target_type=ct,
                target_id=str(ids[k]),
            )
            for k in keys[i : i + BATCH]
        )


def ledger_import(*, actor, enterprise, year: int, data: bytes, filename: str = "") -> ImportResult:
    """Check the upload and, when every row is good, save it all as drafts in one transaction.
    Raises ``UploadRejected`` for a file that cannot be read safely."""
    _require(actor, enterprise, Perm.EDIT_LEDGER)
    wb = open_workbook(data)
    try:
        result = ImportResult()
        if SHEET not in wb.sheetnames:
            result.add(
                0, None, _("The workbook has no sheet “%(s)s”: use the template.") % {"s": SHEET}
            )
            return result
        ws = wb[SHEET]
        ctx = _context(enterprise, year)
        months = _check(ws, ctx, result)
        if not result.ok:
            return result
        with transaction.atomic():
            _apply(ws, actor, ctx, months, result, filename)
            events.record(
                actor=actor,
                verb="ledger.imported",
                target=enterprise,
                message=_(
                    "Monthly ledgers %(year)d uploaded from %(file)s: %(n)d months, %(l)d fuel lines"
                )
                % {"year": year, "file": filename or "-", "n": result.ledgers, "l": result.lines},
                data={"sha256": hashlib.sha256(data).hexdigest(), "ledgers": result.ledgers},
            )
        result.applied = True
        return result
    finally:
        wb.close()


# --- template -------------------------------------------------------------------------------


def ledger_template(*, enterprise, year: int) -> bytes:
    """The year's workbook: one row per facility × month × fuel, filled with what is saved."""
    fuels = list(FuelType.objects.order_by("sort_order", "code"))
    ledgers = {
        (led.facility_id, led.month): led
        for led in MonthlyLedger.objects.filter(enterprise=enterprise, year=year).prefetch_related(
            "lines"
        )
    }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([c.header for c in COLUMNS])
    for facility in enterprise.facilities.order_by("name"):
        for month in range(1, 13):
            ledger = ledgers.get((facility.pk, month))
            if ledger is not None and ledger.status not in lr.EDITABLE:
                ledger = None  # submitted months cannot be changed: left blank, skipped on upload
            lines = {line.fuel_id: line for line in ledger.lines.all()} if ledger else {}
            for i, fuel in enumerate(fuels):
                line = lines.get(fuel.pk)
                row = [facility.name, year, month, fuel.name]
                row += [getattr(line, k) if line else None for k in LINE_KEYS]
                row += [getattr(ledger, k) if (ledger and i == 0) else None for k in MONTH_KEYS]
                ws.append(row)
    help_ws = wb.create_sheet("说明")
    help_ws.append([_("One row per facility, month and fuel. Enter values, not formulas.")])
    help_ws.append(
        [
            _(
                "The month's electricity, generation, heat, hours and load factor go on one row of that month."
            )
        ]
    )
    help_ws.append(
        [_("Fuels: %(list)s") % {"list": ", ".join(f"{f.name} ({f.unit})" for f in fuels)}]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
