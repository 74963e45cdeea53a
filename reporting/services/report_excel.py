"""Excel template and upload of an annual report's lines.

The template (sheet 排放源) is pre-filled with the enterprise's facilities and the sums of
the year's monthly ledgers (fuel consumption, purchased electricity); sheet 代码 lists the
accepted codes. The upload checks every row, collects ALL errors as (sheet, row, column,
reason) and, while any is left, changes nothing. Otherwise the draft version's lines are
replaced in one transaction, emissions recomputed on the server (cached formula results are
never read: a cell holding ``=...`` is an error), and the workbook is kept on the version
with its sha256.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from decimal import InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from reporting import rules
from reporting.choices import SourceKind
from reporting.models import FuelType, ReportLine, ReportVersion
from reporting.selectors.ledger_totals import ledger_sums
from reporting.selectors.reports import compute_line, version_total
from reporting.services import reports as svc
from reporting.services.workflow import lock
from zhongwei_carbon import events
from zhongwei_carbon.excel import (
    UploadRejected,
    cell_decimal,
    cell_text,
    column_letter,
    open_workbook,
    text_cell,
)
from zhongwei_carbon.templatetags.portal import thousands

SHEET_LINES = "排放源"
SHEET_CODES = "代码"
HEADERS = (
    ("facility", "设施"),
    ("source_kind", "排放源类型"),
    ("fuel", "燃料"),
    ("process_formula", "过程排放公式"),
    ("activity", "活动数据"),
    ("ncv", "实测低位发热量"),
    ("carbon_content", "实测单位热值含碳量"),
    ("p1", "参数1"),
    ("p2", "参数2"),
    ("p3", "参数3"),
    ("note", "备注"),
)
NUMBER_KEYS = ("activity", "ncv", "carbon_content", "p1", "p2", "p3")
MAX_ROWS = 2000  # data rows of the sheet, blank ones included (zhongwei_carbon.excel)
MAX_ERRORS = 300


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class UploadResult:
    errors: list[CellError] = field(default_factory=list)
    lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, key: str | None, message, sheet: str = SHEET_LINES) -> None:
        if len(self.errors) < MAX_ERRORS:
            col = column_letter([k for k, _h in HEADERS].index(key) + 1) if key else ""
            self.errors.append(CellError(sheet, row, col, str(message)))


# --- template ---------------------------------------------------------------------------


def _header(ws, titles) -> None:
    from openpyxl.styles import Font, PatternFill  # not at module level: issue 11 §8

    ws.append(list(titles))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF3F1")


def template_workbook(report) -> bytes:
    from openpyxl import Workbook  # not at module level: issue 11 §8

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_LINES
    _header(ws, [h for _k, h in HEADERS])
    for i, width in enumerate((18, 14, 12, 16, 14, 16, 18, 12, 12, 12, 24), start=1):
        ws.column_dimensions[column_letter(i)].width = width
    sums = {s.facility.pk: s for s in ledger_sums(report.enterprise, report.year)}
    for facility in report.enterprise.facilities.order_by("name"):
        s = sums.get(facility.pk)
        if s is None:
            ws.append([text_cell(facility.name)])
            continue
        for fuel, consumption in s.fuels.items():
            ws.append([text_cell(facility.name), SourceKind.COMBUSTION.value, fuel.code, None, consumption])
        if s.electricity_mwh:
            ws.append([text_cell(facility.name), SourceKind.ELECTRICITY.value, None, None, s.electricity_mwh])
        if not s.fuels and not s.electricity_mwh:
            ws.append([text_cell(facility.name)])
    codes = wb.create_sheet(SHEET_CODES)
    _header(codes, ["类别", "代码", "名称"])
    for kind in SourceKind:
        codes.append(["排放源类型", kind.value, str(kind.label)])
    for fuel in FuelType.objects.all():
        codes.append(["燃料", fuel.code, f"{fuel.name} ({fuel.unit})"])
    for formula in rules.PROCESS_FORMULAS.values():
        codes.append(
            [
                "过程排放公式",
                formula.code,
                f"{formula.label}: 参数1–3 = {', '.join(formula.parameters)}",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- upload -----------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else cell_text(value)


_number = cell_decimal  # raises ValueError or InvalidOperation for what is not a number


def _parse_row(number, values, ctx, result) -> dict | None:
    raw = dict(zip([k for k, _h in HEADERS], values, strict=True))
    bad = False
    for key, value in raw.items():
        if isinstance(value, str) and value.strip().startswith("="):
            result.add(number, key, _("Formulas are not accepted: type the value itself."))
            bad = True
    if bad:
        return None
    data: dict = {"note": _text(raw["note"])[:300]}
    for key in NUMBER_KEYS:
        if _text(raw[key]) == "":
            data[key] = None
            continue
        try:
            data[key] = _number(raw[key])
        except (InvalidOperation, ValueError):
            result.add(number, key, _("Not a number: %(value)s") % {"value": _text(raw[key])})
            bad = True
    name = _text(raw["facility"])
    data["facility"] = ctx["facilities"].get(name) if name else None
    if name and data["facility"] is None:
        result.add(
            number,
            "facility",
            _("No facility of this enterprise is called %(name)s.") % {"name": name},
        )
        bad = True
    kind = _text(raw["source_kind"]).lower()
    data["source_kind"] = ctx["kinds"].get(kind)
    if data["source_kind"] is None:
        result.add(
            number,
            "source_kind",
            _("Not one of the allowed values: %(value)s") % {"value": kind or "—"},
        )
        bad = True
    fuel = _text(raw["fuel"]).lower()
    data["fuel"] = ctx["fuels"].get(fuel) if fuel else None
    if fuel and data["fuel"] is None:
        result.add(number, "fuel", _("Unknown fuel: %(value)s") % {"value": fuel})
        bad = True
    data["process_formula"] = _text(raw["process_formula"])
    return None if bad else data


def _line_data(data: dict) -> dict:
    params = {}
    formula = rules.PROCESS_FORMULAS.get(data["process_formula"])
    if formula is not None:
        for name, key in zip(formula.parameters, ("p1", "p2", "p3"), strict=False):
            params[name] = data[key]
    out = {
        k: data[k]
        for k in (
            "facility",
            "source_kind",
            "fuel",
            "process_formula",
            "activity",
            "ncv",
            "carbon_content",
            "note",
        )
    }
    out["parameters"] = params
    return out


FIELD_TO_KEY = {"parameters": "p1", "process_formula": "process_formula"}


def _context(enterprise) -> dict:
    kinds = {k.value: k.value for k in SourceKind}
    kinds.update({str(k.label).lower(): k.value for k in SourceKind})
    fuels = {}
    for fuel in FuelType.objects.all():
        fuels[fuel.code.lower()] = fuel
        fuels[fuel.name.lower()] = fuel
    return {
        "facilities": {f.name: f for f in enterprise.facilities.all()},
        "kinds": kinds,
        "fuels": fuels,
    }


def _check(wb, report, result: UploadResult) -> list[dict]:
    if SHEET_LINES not in wb.sheetnames:
        result.add(
            0,
            None,
            _("The sheet “%(sheet)s” is missing: use the template.") % {"sheet": SHEET_LINES},
            sheet="",
        )
        return []
    width = len(HEADERS)
    rows = wb.rows(SHEET_LINES, width)
    header = next(rows, None) or ()
    for i, (key, title) in enumerate(HEADERS):
        got = _text(header[i]) if i < len(header) else ""
        if got != title:
            result.add(
                1,
                key,
                _("Expected the header “%(expected)s”: use the template.") % {"expected": title},
            )
    if result.errors:
        return []
    ctx = _context(report.enterprise)
    lines = []
    for number, values in enumerate(rows, start=2):
        if all(_text(v) == "" for v in values[1:]):
            continue  # blank, or a facility name only (as pre-filled)
        data = _parse_row(number, values, ctx, result)
        if data is None:
            continue
        line = _line_data(data)
        try:
            values = compute_line(enterprise=report.enterprise, year=report.year, data=line)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                key = FIELD_TO_KEY.get(name, name)
                key = key if key in dict(HEADERS) else None
                for message in errors:
                    result.add(number, key, message)
            continue
        lines.append(values)  # computed once, here; saved as they are
    if not lines and not result.errors:
        result.add(0, None, _("The workbook has no emission sources."), sheet=SHEET_LINES)
    return lines


def report_upload(*, actor, version: ReportVersion, data: bytes, filename: str) -> UploadResult:
    """Replace the draft version's lines with the workbook's; nothing changes on any error."""
    result = UploadResult()
    report = version.report
    try:
        with open_workbook(data, max_rows=MAX_ROWS) as wb:
            lines = _check(wb, report, result)
    except UploadRejected as exc:  # unsafe or unreadable, or past MAX_ROWS (blank rows count)
        result.errors.clear()
        result.add(0, None, str(exc), sheet="")
        return result
    if not result.ok:
        return result
    with transaction.atomic():
        lock(report)
        version = ReportVersion.objects.select_related("report").get(pk=version.pk)
        svc.require_enterprise_user(actor, version.report)
        svc.require_editable(version)
        ReportLine.objects.filter(version=version).delete()
        objs = [ReportLine(version=version, **values) for values in lines]
        for obj in objs:
            obj.full_clean()
        ReportLine.objects.bulk_create(objs)
        digest = hashlib.sha256(data).hexdigest()
        version.source_file.save(f"{digest[:16]}.xlsx", ContentFile(data), save=False)
        version.source_sha256 = digest
        version.total_emissions = version_total(version)
        version.full_clean()
        version.save()
        events.record(
            actor=actor,
            verb="report.upload",
            target=version.report,
            message=_("Workbook %(name)s uploaded: %(n)d sources, %(total)s tCO2e.")
            % {"name": filename[:100], "n": len(lines), "total": thousands(version.total_emissions)},
            data={"sha256": digest, "lines": len(lines), "version": version.number},
        )
    result.lines = len(lines)
    return result
