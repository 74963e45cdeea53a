"""Excel bulk import of enterprises, facilities and annual emission records.

The workbook (see ``import_template``) has three sheets: 企业, 设施, 排放记录. Row 1 holds the
headers, data start on row 2. Every row is checked and ALL problems are collected as
(sheet, row, column, reason); while any row is bad NOTHING is saved. Otherwise everything is
applied in one transaction through the services of ``registry.services.enterprises`` and one
import event is recorded.

Memory: the workbook is read twice in streaming mode (``zhongwei_carbon.excel.open_workbook``,
at most ``MAX_ROWS_PER_SHEET`` rows per sheet, blank ones included): a
check pass that keeps only the keys needed for cross-row checks, then an apply pass.
Formulas are never trusted: a cell holding ``=...`` is an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registry import rules
from registry.choices import RecordSource
from registry.models import Enterprise, Facility
from registry.services import enterprises as svc
from registry.services.import_cells import (
    ENTERPRISE_COLUMNS,
    FACILITY_COLUMNS,
    FIRST_DATA_ROW,
    MAX_ROWS_PER_SHEET,
    RECORD_COLUMNS,
    SHEET_ENTERPRISES,
    SHEET_FACILITIES,
    SHEET_RECORDS,
    SHEETS,
    Col,
    ImportContext,
    parse_cell,
)
from zhongwei_carbon import events
from zhongwei_carbon.excel import column_letter, open_workbook

MAX_ERRORS_KEPT = 500


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str  # letter, "" when the whole row is concerned
    header: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    error_total: int = 0
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {name: {"created": 0, "updated": 0} for name, _ in SHEETS}
    )
    rows_read: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_total == 0

    def add(self, sheet, row, col: Col | None, message, *, columns=None) -> None:
        self.error_total += 1
        if len(self.errors) >= MAX_ERRORS_KEPT:
            return
        letter = header = ""
        if col is not None:
            letter = column_letter((columns or []).index(col) + 1) if columns else ""
            header = col.header
        self.errors.append(RowError(sheet, row, letter, header, str(message)))


class _Rollback(Exception):
    pass


# --- reading sheets ---------------------------------------------------------------------


def _header_ok(sheet: str, header_row, columns, result: ImportResult) -> bool:
    ok = True
    header_row = tuple(header_row or ())
    for i, col in enumerate(columns):
        got = header_row[i] if i < len(header_row) else None
        got = str(got).strip().rstrip("*").strip() if got is not None else ""
        if got != col.header:
            result.add(
                sheet,
                1,
                col,
                _("Expected the header “%(expected)s”: use the import template.")
                % {"expected": col.header},
                columns=columns,
            )
            ok = False
    return ok


def _rows(
    wb, sheet: str, columns, ctx: ImportContext, result: ImportResult
) -> Iterator[tuple[int, dict, bool]]:
    """Yield ``(row number, clean values, row is good)`` of every non-empty row; bad cells are
    reported to ``result`` and come back as ``None``. A sheet past ``MAX_ROWS_PER_SHEET`` rows
    (blank ones included) is refused by the reader (``UploadRejected``). A missing sheet has
    no rows."""
    if sheet not in wb.sheetnames:
        return
    rows = wb.rows(sheet, len(columns))
    if not _header_ok(sheet, next(rows, None), columns, result):
        return
    for number, values in enumerate(rows, start=FIRST_DATA_ROW):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        result.rows_read += 1
        clean, bad = {}, False
        for col, value in zip(columns, values, strict=True):
            cleaned, reason = parse_cell(col, value, ctx)
            if reason:
                result.add(sheet, number, col, reason, columns=columns)
                bad = True
            clean[col.key] = cleaned
        yield number, clean, not bad


def _uscc_error(result, sheet, number, columns, message):
    result.add(sheet, number, columns[0], message, columns=columns)


# --- the two passes -----------------------------------------------------------------------


def _check(wb, ctx: ImportContext, result: ImportResult) -> None:
    """Check pass: cell errors plus cross-row checks; counts what would be created/updated."""
    in_file: dict[str, int] = {}  # USCC -> first row on the 企业 sheet
    if SHEET_ENTERPRISES in wb.sheetnames:
        counts = result.counts[SHEET_ENTERPRISES]
        for number, row, good in _rows(wb, SHEET_ENTERPRISES, ENTERPRISE_COLUMNS, ctx, result):
            code = row["uscc"]
            if code is None:
                continue
            if code in in_file:
                _uscc_error(
                    result,
                    SHEET_ENTERPRISES,
                    number,
                    ENTERPRISE_COLUMNS,
                    _("Duplicate code: already on row %(row)d of this sheet.")
                    % {"row": in_file[code]},
                )
                continue
            in_file[code] = number
            if good:
                counts["updated" if code in ctx.enterprises else "created"] += 1

    def known(code):
        return code in ctx.enterprises or code in in_file

    not_found = _("No enterprise with this code in the registry or on the 企业 sheet.")
    if SHEET_FACILITIES in wb.sheetnames:
        seen: dict[tuple, int] = {}
        counts = result.counts[SHEET_FACILITIES]
        for number, row, good in _rows(wb, SHEET_FACILITIES, FACILITY_COLUMNS, ctx, result):
            code, name = row["uscc"], row["name"]
            if code is None:
                continue
            if not known(code):
                _uscc_error(result, SHEET_FACILITIES, number, FACILITY_COLUMNS, not_found)
                continue
            if name is None:
                continue
            if (code, name) in seen:
                result.add(
                    SHEET_FACILITIES,
                    number,
                    FACILITY_COLUMNS[1],
                    _("Duplicate facility: already on row %(row)d of this sheet.")
                    % {"row": seen[(code, name)]},
                    columns=FACILITY_COLUMNS,
                )
                continue
            seen[(code, name)] = number
            if good:
                exists = (ctx.enterprises.get(code), name) in ctx.facilities
                counts["updated" if exists else "created"] += 1

    if SHEET_RECORDS in wb.sheetnames:
        seen = {}
        counts = result.counts[SHEET_RECORDS]
        for number, row, good in _rows(wb, SHEET_RECORDS, RECORD_COLUMNS, ctx, result):
            code, year = row["uscc"], row["year"]
            if code is None:
                continue
            if not known(code):
                _uscc_error(result, SHEET_RECORDS, number, RECORD_COLUMNS, not_found)
                continue
            if year is None:
                continue
            if (code, year) in seen:
                result.add(
                    SHEET_RECORDS,
                    number,
                    RECORD_COLUMNS[1],
                    _("Duplicate year for this enterprise: already on row %(row)d.")
                    % {"row": seen[(code, year)]},
                    columns=RECORD_COLUMNS,
                )
                continue
            seen[(code, year)] = number
            existing = ctx.records.get((ctx.enterprises.get(code), year))
            source = row["source"]
            if existing and source and not rules.source_may_replace(existing, source):
                result.add(
                    SHEET_RECORDS,
                    number,
                    RECORD_COLUMNS[4],
                    _(
                        "The %(year)s figure is already %(existing)s and cannot be replaced by a lower-ranked source."
                    )
                    % {"year": year, "existing": RecordSource(existing).label},
                    columns=RECORD_COLUMNS,
                )
                continue
            if good:
                counts["updated" if existing else "created"] += 1

    if not any(name in wb.sheetnames for name, _cols in SHEETS):
        result.add(
            "",
            0,
            None,
            _("The workbook has none of the sheets 企业, 设施, 排放记录: use the import template."),
        )


def _service_error(result, sheet, number, columns, exc: ValidationError) -> None:
    keys = {c.key: c for c in columns}
    for name, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        col = keys.get(name)
        for message in messages:
            result.add(sheet, number, col, message, columns=columns)


# shared with the other Excel importers (programme's CCER library): one reader of a sheet's
# rows, one way to put a service's refusal on the error table
sheet_rows = _rows
service_error = _service_error


def _apply(wb, actor, ctx: ImportContext, result: ImportResult) -> None:
    """Apply pass (inside the transaction): every row is good, so every row is saved."""
    by_code: dict[str, Enterprise] = {}

    def enterprise(code):
        if code not in by_code:
            by_code[code] = Enterprise.objects.get(uscc=code)
        return by_code[code]

    for number, row, _good in _rows(wb, SHEET_ENTERPRISES, ENTERPRISE_COLUMNS, ctx, result):
        data = {k: v for k, v in row.items() if v is not None}
        try:
            if row["uscc"] in ctx.enterprises:
                by_code[row["uscc"]] = svc.enterprise_update(
                    actor=actor, enterprise=enterprise(row["uscc"]), data=data
                )
            else:
                by_code[row["uscc"]] = svc.enterprise_create(actor=actor, data=data)
        except ValidationError as exc:
            _service_error(result, SHEET_ENTERPRISES, number, ENTERPRISE_COLUMNS, exc)

    for number, row, _good in _rows(wb, SHEET_FACILITIES, FACILITY_COLUMNS, ctx, result):
        owner = enterprise(row.pop("uscc"))
        data = {k: v for k, v in row.items() if v is not None}
        try:
            current = Facility.objects.filter(enterprise=owner, name=row["name"]).first()
            if current is not None:
                svc.facility_update(actor=actor, facility=current, data=data)
            else:
                svc.facility_create(actor=actor, enterprise=owner, data=data)
        except ValidationError as exc:
            _service_error(result, SHEET_FACILITIES, number, FACILITY_COLUMNS, exc)

    for number, row, _good in _rows(wb, SHEET_RECORDS, RECORD_COLUMNS, ctx, result):
        try:
            svc.emission_record_upsert(
                actor=actor,
                enterprise=enterprise(row["uscc"]),
                year=row["year"],
                emissions_tco2e=row["emissions_tco2e"],
                energy_tce=row["energy_tce"],
                source=row["source"],
                note=row["note"] or "",
            )
        except ValidationError as exc:
            _service_error(result, SHEET_RECORDS, number, RECORD_COLUMNS, exc)


def enterprise_import(
    *, actor, data: bytes, filename: str = "", apply: bool = True
) -> ImportResult:
    """Check ``data`` (an .xlsx upload) and, when every row is good and ``apply`` is true, save
    it all in one transaction. Raises ``UploadRejected`` for a file that cannot be read safely."""
    wb = open_workbook(data, max_rows=MAX_ROWS_PER_SHEET)
    try:
        result = ImportResult()
        ctx = ImportContext()
        _check(wb, ctx, result)
        if not result.ok or not apply:
            return result
        try:
            with transaction.atomic():
                applied = ImportResult()
                _apply(wb, actor, ctx, applied)
                if not applied.ok:
                    raise _Rollback
                totals = {sheet: dict(c) for sheet, c in result.counts.items()}
                events.record(
                    actor=actor,
                    verb="registry.imported",
                    target=actor,
                    message=_(
                        "Excel import %(file)s: %(ent_c)d enterprises created, %(ent_u)d updated; "
                        "%(fac_c)d facilities created, %(fac_u)d updated; "
                        "%(rec_c)d emission records created, %(rec_u)d updated"
                    )
                    % {
                        "file": filename or "-",
                        "ent_c": totals[SHEET_ENTERPRISES]["created"],
                        "ent_u": totals[SHEET_ENTERPRISES]["updated"],
                        "fac_c": totals[SHEET_FACILITIES]["created"],
                        "fac_u": totals[SHEET_FACILITIES]["updated"],
                        "rec_c": totals[SHEET_RECORDS]["created"],
                        "rec_u": totals[SHEET_RECORDS]["updated"],
                    },
                    data={
                        "filename": filename,
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "counts": totals,
                    },
                )
        except _Rollback:
            applied.counts = result.counts
            return applied
        result.applied = True
        return result
    finally:
        wb.close()
