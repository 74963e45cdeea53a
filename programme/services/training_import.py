"""Attendees of a training session from an Excel file (one sheet, header on row 1):
统一社会信用代码 (an enterprise) or 部门或区县 (a department or bank, or a county / park, by
name or code), 姓名, 职务. Every row is checked and all problems are collected as (sheet,
row, column, reason); while any row is bad NOTHING is saved, else all rows are added at once
through ``training.attendees_add`` (one event)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from programme.services import training as svc
from registry.models import Area, Department, Enterprise
from registry.services.imports import RowError  # the house error row (sheet, row, column)
from zhongwei_carbon import uscc
from zhongwei_carbon.excel import cell_text, column_letter, open_workbook

MAX_ROWS = 500
MAX_ERRORS_KEPT = 200
COLUMNS = (
    ("uscc", gettext_lazy("Unified social credit code")),
    ("unit", gettext_lazy("Department or county")),
    ("person_name", pgettext_lazy("person", "Name")),
    ("position", gettext_lazy("Position")),
)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    error_total: int = 0
    rows: list[dict] = field(default_factory=list)
    added: int = 0

    @property
    def ok(self) -> bool:
        return self.error_total == 0

    def add(self, sheet, row, index, message) -> None:
        self.error_total += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            header = str(COLUMNS[index][1]) if index is not None else ""
            letter = column_letter(index + 1) if index is not None else ""
            self.errors.append(RowError(sheet, row, letter, header, str(message)))


def headers() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _unit(text: str):
    """The department (by name or code) or area (by name or code) named ``text``."""
    department = Department.objects.filter(Q(name=text) | Q(code=text), is_active=True).first()
    if department is not None:
        return {"department": department}
    area = Area.objects.filter(Q(name=text) | Q(code=text)).first()
    return {"area": area} if area is not None else None


def _row(result: ImportResult, sheet: str, number: int, values: tuple) -> dict | None:
    code, unit, name, position = (cell_text(v) if v is not None else "" for v in values)
    row = {"person_name": name, "position": position}
    bad = False
    if bool(code) == bool(unit):
        result.add(sheet, number, 0, _("Give either the enterprise's credit code or the "
                                       "department or county, not both."))
        bad = True
    elif code:
        enterprise = Enterprise.objects.filter(uscc=uscc.normalize(code)).first()
        if enterprise is None:
            result.add(sheet, number, 0, _("No enterprise has this credit code."))
            bad = True
        row["enterprise"] = enterprise
    else:
        found = _unit(unit)
        if found is None:
            result.add(sheet, number, 1, _("No department, bank, county or park has this name."))
            bad = True
        row.update(found or {})
    if not name:
        result.add(sheet, number, 2, _("Enter the attendee's name."))
        bad = True
    elif len(name) > 40:
        result.add(sheet, number, 2, _("At most 40 characters."))
        bad = True
    if len(position) > 60:
        result.add(sheet, number, 3, _("At most 60 characters."))
        bad = True
    return None if bad else row


def attendees_import(*, actor, session, data: bytes) -> ImportResult:
    """Check every row of the file; add them all when none is bad (``UploadRejected`` for a
    file that cannot be read at all)."""
    result = ImportResult()
    with open_workbook(data, max_rows=MAX_ROWS) as book:
        sheet = book.sheetnames[0]
        rows = book.rows(sheet, len(COLUMNS))
        header = [cell_text(v) if v is not None else "" for v in (next(rows, None) or ())]
        for index, expected in enumerate(headers()):
            got = header[index].rstrip("*").strip() if index < len(header) else ""
            if got != expected:
                result.add(sheet, 1, index, _("Expected the header “%(expected)s”: use the "
                                              "import template.") % {"expected": expected})
        if not result.ok:
            return result
        for number, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            row = _row(result, sheet, number, values)
            if row is not None:
                result.rows.append(row)
    if result.ok and not result.rows:
        result.add(sheet, None, None, _("The file has no attendee rows."))
    if result.ok:
        result.added = len(svc.attendees_add(actor=actor, session=session, rows=result.rows))
    return result
