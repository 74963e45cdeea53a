"""Excel import of the CCER project library (bureau admin).

Two sheets: 项目 (one project a row; an existing library number updates that project, a new one
creates it at the idea stage) and 减排量 (a project's expected and issued reductions of a year;
the project may be on the 项目 sheet of the same file). Stages are never imported: they change
through the workflow. The upload is checked like every other import
(``zhongwei_carbon.excel.open_workbook``: size, type, zip bombs, XML entities, rows); every row
is read and checked, then applied in one transaction through the library's services; if any
cell or any service refuses a row, NOTHING is saved and the error table lists every problem
(sheet, row, column, reason)."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programme.models import CapacityUnit, CCERLibraryProject, CCERType
from programme.services import ccer as svc
from registry.models import Area, Enterprise
from registry.services.import_cells import Col, ImportContext, _choice_lookup
from registry.services.import_template import template_workbook
from registry.services.imports import ImportResult, service_error, sheet_rows
from zhongwei_carbon import events
from zhongwei_carbon.excel import cell_decimal, cell_text, open_workbook

SHEET_PROJECTS = "项目"
SHEET_REDUCTIONS = "减排量"
MAX_ROWS = 1000  # data rows per sheet, blank ones included (the city has a few dozen projects)

OPTIONAL = gettext_lazy("Optional")
PROJECT_COLUMNS = [
    Col("code", "项目编号", "text", True,
        gettext_lazy("The library number, e.g. ZW-CCER-013; an existing number updates that "
                     "project"), max_length=30),
    Col("name", "项目名称", "text", True, gettext_lazy("Full project name"), max_length=200),
    Col("owner_uscc", "业主统一社会信用代码", "uscc",
        help=gettext_lazy("Optional; an enterprise of the registry")),
    Col("owner_name", "业主名称", "text",
        help=gettext_lazy("Required when the owner is not an enterprise of the registry"),
        max_length=200),
    Col("area", "所属区域", "area", True, gettext_lazy("Area code or name, e.g. 沙坡头区")),
    Col("project_type", "项目类型", "choice", True, gettext_lazy("Choose from the list"),
        choices=CCERType),
    Col("methodology_code", "方法学编号", "text", help=OPTIONAL, max_length=40),
    Col("methodology_name", "方法学名称", "text", help=OPTIONAL, max_length=200),
    Col("capacity", "规模", "decimal", help=gettext_lazy("Optional; a number ≥ 0")),
    Col("capacity_unit", "规模单位", "choice",
        help=gettext_lazy("Required with a scale; choose from the list"), choices=CapacityUnit),
    Col("crediting_start", "计入期开始", "date", help=gettext_lazy("Optional; e.g. 2024-01-01")),
    Col("crediting_end", "计入期结束", "date", help=gettext_lazy("Optional; e.g. 2033-12-31")),
    Col("description", "说明", "text", help=OPTIONAL, max_length=1000),
]
REDUCTION_COLUMNS = [
    Col("code", "项目编号", "text", True,
        gettext_lazy("A project of the library or of the 项目 sheet"), max_length=30),
    Col("year", "年度", "text", True, gettext_lazy("e.g. 2025"), max_length=4),
    Col("expected_tco2e", "预计减排量(tCO2e)", "decimal",
        help=gettext_lazy("The design document's estimate of the year")),
    Col("issued_tco2e", "签发减排量(tCO2e)", "decimal",
        help=gettext_lazy("Registered projects only; at most the expected reductions")),
]
SHEETS = [(SHEET_PROJECTS, PROJECT_COLUMNS), (SHEET_REDUCTIONS, REDUCTION_COLUMNS)]


class _Context(ImportContext):
    def __init__(self):
        super().__init__()
        self.choices.update({CCERType: _choice_lookup(CCERType),
                             CapacityUnit: _choice_lookup(CapacityUnit)})


class _Rollback(Exception):
    pass


def _list_values(col) -> list[str]:
    if col.kind == "area":
        return [a.name for a in Area.objects.all()]
    if col.kind == "choice":
        return [str(label) for _value, label in col.choices.choices]
    return []


def template() -> bytes:
    return template_workbook(SHEETS, list_values=_list_values, intro=[
        _("Fill in the sheets 项目 and 减排量; data start on row 2."),
        _("New projects start at the idea stage; stages change on the project's page."),
    ])


def _read(wb, ctx, result):
    """Every row of both sheets, checked cell by cell (bad cells go to ``result``)."""
    projects, reductions = [], []
    for number, row, good in sheet_rows(wb, SHEET_PROJECTS, PROJECT_COLUMNS, ctx, result):
        if row["owner_uscc"] and row["owner_uscc"] not in ctx.enterprises:
            result.add(SHEET_PROJECTS, number, PROJECT_COLUMNS[2],
                       _("No enterprise with this code in the registry."),
                       columns=PROJECT_COLUMNS)
            good = False
        if good:
            projects.append((number, row))
    for number, row, good in sheet_rows(wb, SHEET_REDUCTIONS, REDUCTION_COLUMNS, ctx, result):
        if row["year"] is not None:
            try:
                row["year"] = int(cell_decimal(cell_text(row["year"])))
            except (ValueError, ArithmeticError):
                result.add(SHEET_REDUCTIONS, number, REDUCTION_COLUMNS[1],
                           _("Not a year: %(value)s") % {"value": row["year"]},
                           columns=REDUCTION_COLUMNS)
                good = False
        if good:
            reductions.append((number, row))
    if not any(name in wb.sheetnames for name, _cols in SHEETS):
        result.add("", 0, None, _("The workbook has none of the sheets 项目, 减排量: use the "
                                  "import template."))
    return projects, reductions


def _apply(actor, projects, reductions, result) -> None:
    counts = result.counts
    owners = {e.uscc: e for e in Enterprise.objects.filter(
        uscc__in={row["owner_uscc"] for _n, row in projects if row["owner_uscc"]})}
    by_code = {p.code: p for p in CCERLibraryProject.objects.all()}
    for number, row in projects:
        data = {k: v for k, v in row.items() if k != "owner_uscc"}
        data["owner_enterprise"] = owners.get(row["owner_uscc"])
        current = by_code.get(row["code"])
        try:
            if current is not None:  # blank cells keep the current value
                data = {k: v for k, v in data.items() if v is not None}
                by_code[row["code"]] = svc.project_update(actor=actor, project=current, data=data)
                counts[SHEET_PROJECTS]["updated"] += 1
            else:
                by_code[row["code"]] = svc.project_create(actor=actor, data=data)
                counts[SHEET_PROJECTS]["created"] += 1
        except ValidationError as exc:
            service_error(result, SHEET_PROJECTS, number, PROJECT_COLUMNS, exc)
    for number, row in reductions:
        project = by_code.get(row["code"])
        if project is None:
            result.add(SHEET_REDUCTIONS, number, REDUCTION_COLUMNS[0],
                       _("No project with this number in the library or on the 项目 sheet."),
                       columns=REDUCTION_COLUMNS)
            continue
        try:
            svc.reduction_set(actor=actor, project=project, year=row["year"],
                              expected=row["expected_tco2e"], issued=row["issued_tco2e"])
            counts[SHEET_REDUCTIONS]["updated"] += 1
        except ValidationError as exc:
            service_error(result, SHEET_REDUCTIONS, number, REDUCTION_COLUMNS, exc)


def library_import(*, actor, data: bytes, filename: str = "") -> ImportResult:
    """Check ``data`` (an .xlsx upload) and, when every row is good, save it all in one
    transaction; else nothing. ``UploadRejected`` for a file that cannot be read safely."""
    wb = open_workbook(data, max_rows=MAX_ROWS)
    result = ImportResult(counts={name: {"created": 0, "updated": 0} for name, _c in SHEETS})
    try:
        ctx = _Context()
        projects, reductions = _read(wb, ctx, result)
    finally:
        wb.close()
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            _apply(actor, projects, reductions, result)
            if not result.ok:
                raise _Rollback
            events.record(
                actor=actor, verb="ccer.imported", target=actor,
                message=_("CCER library import %(file)s: %(created)d projects created, "
                          "%(updated)d updated, %(years)d years of reductions") % {
                    "file": filename or "-",
                    "created": result.counts[SHEET_PROJECTS]["created"],
                    "updated": result.counts[SHEET_PROJECTS]["updated"],
                    "years": result.counts[SHEET_REDUCTIONS]["updated"]},
                data={"filename": filename, "sha256": hashlib.sha256(data).hexdigest(),
                      "counts": result.counts},
            )
    except _Rollback:
        for counts in result.counts.values():
            counts.update(created=0, updated=0)
        return result
    result.applied = True
    return result
