"""Excel template and upload of a whole year of monthly ledgers for one enterprise.

Sheet 月度台账, headers on row 1, one row per facility × month × fuel. The month's own values
(electricity, generation, heat, hours, load factor, note) may stand on any one row of that
facility and month; repeated on several rows they must agree. A row with nothing filled in
after facility/year/month/fuel is skipped, so an untouched template saves nothing.

All-or-nothing: every bad cell is reported as (sheet, row, column, reason) and while any row is
bad nothing is saved. A good upload saves drafts (never submits) in one transaction.

Speed and memory (issue 4 §5, ``python -m bench``): the sheet is parsed ONCE, streamed by
``zhongwei_carbon.excel.open_workbook`` (upload guards first; no per-cell objects, flat memory;
reading stops past ``MAX_ROWS`` rows, blank ones included: issue 10 §2). Each good
row is checked and its typed values are spilled to an anonymous temp file in pickled batches
(``BATCH`` lines, ``LEDGER_BATCH`` months); the write pass replays that file, so memory holds
at most one batch of rows. What is kept per facility-month for the cross-row checks (fuel
given twice, month values that disagree) lives in flat arrays sized facilities × 12 (a byte
per fuel, a 64-bit blake2b digest and a row number), never in per-row objects. Facilities,
fuels and existing ledgers are loaded with one query each; writes are batched.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import tempfile
from array import array
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from reporting import ledger_rules as lr
from reporting.models import FuelType, MonthlyLedger, MonthlyLedgerLine
from reporting.services.ledger_columns import (  # noqa: F401 (the file format, re-exported)
    COLUMNS,
    CONS,
    FAC,
    FUEL,
    KEYS,
    LETTER,
    LINE_KEYS,
    LINE_SLICE,
    MONTH,
    MONTH_KEYS,
    MONTH_SLICE,
    NCOLS,
    SHEET,
    YEAR,
    _fast,
)
from reporting.services.ledgers import _require
from zhongwei_carbon import events
from zhongwei_carbon.excel import open_workbook, text_cell
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Perm

FIRST_DATA_ROW = 2
MAX_ROWS = 20_000  # data rows of the sheet, blank ones included (zhongwei_carbon.excel)
MAX_ERRORS_KEPT = 500
BATCH = 500  # fuel lines kept in memory / written per query; keeps memory flat
LEDGER_BATCH = 200  # facility-months per batch (each is a ledger, its history row and an event)


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


# --- the single pass: check every row, spill the good ones ----------------------------------


@dataclass
class _Context:
    enterprise: object
    year: int
    facilities: dict[str, int]  # name -> index into ``facility_pks``
    facility_pks: list[int]
    fuels: dict[str, tuple[int, int]]  # code or name -> (pk, index)
    existing: dict[int, tuple[int, str]]  # slot -> (ledger pk, status)

    def slot(self, facility_index: int, month: int) -> int:
        return facility_index * 12 + month - 1

    def slot_key(self, slot: int) -> tuple[int, int]:
        return self.facility_pks[slot // 12], slot % 12 + 1


def _context(enterprise, year: int) -> _Context:
    """One query each for the enterprise's facilities, the fuels and the year's ledgers."""
    fuels = {}
    for i, (pk, code, name, name_en) in enumerate(
        FuelType.objects.order_by("pk").values_list("pk", "code", "name", "name_en")
    ):
        for label in {code, name, name_en.lower()} - {""}:
            fuels[label] = (pk, i)
    facility_pks, facilities, index_of = [], {}, {}
    for pk, name in enterprise.facilities.order_by("pk").values_list("pk", "name"):
        index_of[pk] = facilities[name] = len(facility_pks)
        facility_pks.append(pk)
    ledgers = MonthlyLedger.objects.filter(enterprise=enterprise, year=year)
    existing = {
        index_of[facility_id] * 12 + month - 1: (pk, status)
        for pk, facility_id, month, status in ledgers.values_list(
            "pk", "facility_id", "month", "status"
        )
        if facility_id in index_of and 1 <= month <= 12
    }
    return _Context(enterprise, year, facilities, facility_pks, fuels, existing)


class _Slots:
    """Cross-row state per facility-month in flat arrays (facilities × 12), not per row."""

    def __init__(self, ctx: _Context):
        n = len(ctx.facility_pks) * 12
        self.n_fuels = max(len({v[1] for v in ctx.fuels.values()}), 1)
        self.touched = bytearray(n)
        self.fuel_seen = bytearray(n * self.n_fuels)
        self.values_row = array("l", [0]) * n  # row that first gave the month's values
        self.values_hash = array("q", [0]) * n
        self.count = 0


class _Spill:
    """Typed rows on an anonymous temp file, pickled in batches; iterated back batch by batch."""

    def __init__(self, size: int):
        self.file = tempfile.TemporaryFile()
        self.buffer = []
        self.size = size

    def add(self, item) -> None:
        self.buffer.append(item)
        if len(self.buffer) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            pickle.dump(self.buffer, self.file, pickle.HIGHEST_PROTOCOL)
            self.buffer = []

    def batches(self):
        self.flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # nosec B301
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


NO_BAD = frozenset()


def _header_ok(header, result: ImportResult) -> bool:
    ok = True
    for i, col in enumerate(COLUMNS):
        got = (
            str(header[i]).strip().rstrip("*").strip()
            if i < len(header) and header[i] is not None
            else ""
        )
        if got != col.header:
            ok = False
            result.add(
                1, col.key, _("Expected the header “%(h)s”: use the template.") % {"h": col.header}
            )
    return ok


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _scan(rows, ctx: _Context, result: ImportResult, lines: _Spill, months: _Spill) -> _Slots:
    """Parse and check every row once; spill the good lines and month values."""
    slots = _Slots(ctx)
    if not _header_ok(next(rows, ()), result):
        return slots
    fast, add = _fast, result.add
    for number, values in enumerate(rows, start=FIRST_DATA_ROW):
        if _blank(values):
            continue
        result.rows_read += 1
        row, bad = [], NO_BAD
        for i, value in enumerate(values):
            clean, reason = fast(COLUMNS[i], value)
            if reason is not None:
                add(number, KEYS[i], reason)
                bad = bad | {i}
            row.append(clean)
        _check_row(number, row, bad, ctx, slots, result, lines, months)
    if result.rows_read == 0 and result.ok:
        add(0, None, _("The workbook has no data rows."))
    return slots


def _digest(values: tuple) -> int:
    """A 64-bit digest of the month's values that is equal exactly when the values are
    (``Decimal("1.50") == Decimal("1.5")``): numbers are normalised first."""
    text = "\x1f".join(
        "" if v is None else format((v + 0).normalize(), "f") if isinstance(v, Decimal) else "s" + v
        for v in values
    )
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _check_row(number, row, bad, ctx, slots: _Slots, result, lines, months) -> None:
    line_values, month_values = tuple(row[LINE_SLICE]), tuple(row[MONTH_SLICE])
    has_line = line_values != (None, None, None)
    has_month = month_values.count(None) != len(month_values)
    if not bad and not has_line and not has_month:
        return
    add, good = result.add, not bad
    for i, key in ((FAC, "facility"), (YEAR, "year"), (MONTH, "month")):
        if row[i] is None:
            good = False
            if i not in bad:
                add(number, key, _("Required."))
    facility = ctx.facilities.get(row[FAC]) if row[FAC] else None
    if row[FAC] and facility is None:
        add(number, "facility", _("No facility of this enterprise has this name."))
        good = False
    if row[YEAR] is not None and row[YEAR] != ctx.year:
        add(number, "year", _("This upload is for %(year)d.") % {"year": ctx.year})
        good = False
    if row[MONTH] is not None and not 1 <= row[MONTH] <= 12:
        add(number, "month", _("The month must be 1 to 12."))
        good = False
    fuel = None
    if row[FUEL] is not None:
        fuel = ctx.fuels.get(row[FUEL]) or ctx.fuels.get(row[FUEL].lower())
        if fuel is None:
            add(number, "fuel", _("Unknown fuel: use one of the template's fuels."))
            good = False
    if has_line:
        if row[FUEL] is None:
            add(number, "fuel", _("Name the fuel of this consumption."))
            good = False
        if row[CONS] is None:
            add(number, "consumption", _("Enter the consumption (0 if none)."))
            good = False
    if not good:
        return
    slot = ctx.slot(facility, row[MONTH])
    existing = ctx.existing.get(slot)
    if existing is not None and existing[1] not in lr.EDITABLE:
        add(number, "month", _("This month is already submitted and cannot be changed."))
        return
    if not slots.touched[slot]:
        slots.touched[slot] = 1
        slots.count += 1
    if fuel is not None and row[CONS] is not None:
        seen = slot * slots.n_fuels + fuel[1]
        if slots.fuel_seen[seen]:
            add(number, "fuel", _("This fuel is already given for this facility and month."))
            return
        slots.fuel_seen[seen] = 1
        if result.ok:
            lines.add((slot, fuel[0], *line_values))
    if has_month:
        digest = _digest(month_values)
        if not slots.values_row[slot]:
            slots.values_row[slot], slots.values_hash[slot] = number, digest
            if result.ok:
                months.add((slot, month_values))
        elif slots.values_hash[slot] != digest:
            add(
                number,
                "purchased_electricity_mwh",
                _("The month's values differ from those on row %(row)d.")
                % {"row": slots.values_row[slot]},
            )


# --- the write pass: replay the spill ------------------------------------------------------


def _fill(ledger, values) -> None:
    for name, value in zip(MONTH_KEYS, values or (None,) * len(MONTH_KEYS), strict=True):
        if value is None and name != "load_factor":
            value = "" if name == "note" else Decimal(0)
        setattr(ledger, name, value)


class _Writer:
    def __init__(self, actor, ctx: _Context, slots: _Slots, result: ImportResult, filename: str):
        self.actor, self.ctx, self.slots, self.result = actor, ctx, slots, result
        self.ids = array("q", [0]) * len(slots.touched)  # slot -> ledger pk
        self.done = bytearray(len(slots.touched))
        self.message = _("Saved from the Excel upload %(file)s") % {"file": filename or "-"}
        self.filename = filename
        self.ct = ContentType.objects.get_for_model(MonthlyLedger)

    def lock(self) -> None:
        """Lock the year's ledgers; a month submitted since the check stops the upload."""
        ctx, index_of = self.ctx, {pk: i for i, pk in enumerate(self.ctx.facility_pks)}
        for pk, facility_id, month, status in (
            MonthlyLedger.objects.select_for_update(no_key=True)
            .filter(enterprise=ctx.enterprise, year=ctx.year)
            .values_list("pk", "facility_id", "month", "status")
        ):
            if facility_id not in index_of or not 1 <= month <= 12:
                continue
            slot = ctx.slot(index_of[facility_id], month)
            if self.slots.touched[slot] and status not in lr.EDITABLE:
                raise ValidationError(_("A month was submitted meanwhile: upload again."))
            self.ids[slot] = pk

    def months(self, batch: list[tuple[int, tuple | None]]) -> None:
        """Create or update one batch of facility-months with their values."""
        ids, ctx = self.ids, self.ctx
        values = dict(batch)
        updates = {ids[slot]: slot for slot in values if ids[slot]}
        ledgers = list(MonthlyLedger.objects.filter(pk__in=updates)) if updates else []
        for ledger in ledgers:
            _fill(ledger, values[updates[ledger.pk]])
        creates = []
        for slot, month_values in batch:
            self.done[slot] = 1
            if not ids[slot]:
                facility_id, month = ctx.slot_key(slot)
                ledger = MonthlyLedger(
                    enterprise=ctx.enterprise, facility_id=facility_id, year=ctx.year, month=month
                )
                _fill(ledger, month_values)
                creates.append((slot, ledger))
        if ledgers:
            MonthlyLedgerLine.objects.filter(ledger_id__in=updates).delete()
            bulk_update_with_history(
                ledgers, MonthlyLedger, list(MONTH_KEYS), default_user=self.actor
            )
        if creates:
            bulk_create_with_history(
                [c[1] for c in creates], MonthlyLedger, default_user=self.actor
            )
            for slot, ledger in creates:
                ids[slot] = ledger.pk
        Event.objects.bulk_create(
            Event(
                actor=self.actor,
                verb="ledger.uploaded",
                message=self.message,
                data={"file": self.filename},
                target_type=self.ct,
                target_id=str(ids[slot]),
            )
            for slot, _values in batch
        )
        self.result.ledgers += len(batch)

    def without_values(self):
        """Batches of the touched facility-months that gave no month values."""
        batch = []
        for slot, touched in enumerate(self.slots.touched):
            if touched and not self.done[slot]:
                batch.append((slot, None))
                if len(batch) >= LEDGER_BATCH:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def lines(self, batch: list[tuple]) -> None:
        ids = self.ids
        MonthlyLedgerLine.objects.bulk_create(
            MonthlyLedgerLine(
                ledger_id=ids[slot],
                fuel_id=fuel_id,
                consumption=consumption,
                measured_ncv=ncv,
                measured_carbon_content=carbon,
            )
            for slot, fuel_id, consumption, ncv, carbon in batch
        )
        self.result.lines += len(batch)


def _apply(writer: _Writer, lines: _Spill, months: _Spill) -> None:
    writer.lock()
    for batch in months.batches():
        writer.months(batch)
    for batch in writer.without_values():
        writer.months(batch)
    for batch in lines.batches():
        writer.lines(batch)


def ledger_import(*, actor, enterprise, year: int, data: bytes, filename: str = "") -> ImportResult:
    """Check the upload and, when every row is good, save it all as drafts in one transaction.
    Raises ``UploadRejected`` for a file that cannot be read safely."""
    _require(actor, enterprise, Perm.EDIT_LEDGER)
    wb = open_workbook(data, max_rows=MAX_ROWS)
    lines, months = _Spill(BATCH), _Spill(LEDGER_BATCH)
    try:
        result = ImportResult()
        if SHEET not in wb.sheetnames:
            result.add(
                0, None, _("The workbook has no sheet “%(s)s”: use the template.") % {"s": SHEET}
            )
            return result
        ctx = _context(enterprise, year)
        slots = _scan(wb.rows(SHEET, NCOLS), ctx, result, lines, months)
        if not result.ok:
            return result
        with transaction.atomic():
            _apply(_Writer(actor, ctx, slots, result, filename), lines, months)
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
        lines.close()
        months.close()
        wb.close()


# --- template -------------------------------------------------------------------------------


def ledger_template(*, enterprise, year: int) -> bytes:
    """The year's workbook: one row per facility × month × fuel, filled with what is saved."""
    from openpyxl import Workbook  # not at module level: issue 11 §8

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
                row = [text_cell(facility.name), year, month, fuel.name]
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
