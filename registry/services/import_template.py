"""The import template workbook: one sheet per kind of row, Chinese headers (required ones
marked ``*``) with the instruction of each column as a cell comment, an instruction sheet,
and drop-down lists for areas, sectors and choices (kept on a hidden sheet)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from registry.models import Area, Sector
from registry.services.import_cells import SHEETS

LISTS_SHEET = "lists"
INSTRUCTIONS_SHEET = "填表说明"
VALIDATION_ROWS = 2000


def _list_values(col) -> list[str]:
    if col.kind == "area":
        return [a.name for a in Area.objects.all()]
    if col.kind == "sector":
        return [s.name for s in Sector.objects.all()]
    if col.kind == "choice":
        return [str(label) for _value, label in col.choices.choices]
    return []


def template_workbook(sheets=None, *, intro=None, list_values=None) -> bytes:
    """The workbook of ``sheets`` (``[(name, columns)]``; the registry's by default), the
    ``intro`` lines on the instruction sheet, drop-downs from ``list_values(col)``. Other
    importers (programme's CCER library) build their templates here too."""
    sheets = SHEETS if sheets is None else sheets
    list_values = list_values or _list_values
    from openpyxl import Workbook  # not at module level: issue 11 §8
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF3F1")
    for sheet_name, columns in sheets:
        ws = wb.create_sheet(sheet_name)
        ws.freeze_panes = "A2"
        for i, col in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=i, value=col.header + ("*" if col.required else ""))
            cell.font = Font(bold=True, color="B02A37" if col.required else None)
            cell.fill = fill
            cell.comment = Comment(str(col.help), "template")
            ws.column_dimensions[get_column_letter(i)].width = max(14, len(col.header) * 2 + 4)
            values = list_values(col)
            if values:
                list_column += 1
                letter = get_column_letter(list_column)
                for r, value in enumerate(values, start=1):
                    lists.cell(row=r, column=list_column, value=value)
                dv = DataValidation(
                    type="list",
                    formula1=f"{LISTS_SHEET}!${letter}$1:${letter}${len(values)}",
                    allow_blank=not col.required,
                    showErrorMessage=col.kind == "choice",
                )
                dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{VALIDATION_ROWS}")
                ws.add_data_validation(dv)
            if col.kind == "date":
                for r in range(2, 200):
                    ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"

    info = wb.create_sheet(INSTRUCTIONS_SHEET, 0)
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 26
    info.column_dimensions["C"].width = 70
    intro = intro or [_("Fill in the sheets 企业, 设施 and 排放记录; data start on row 2.")]
    for line in intro:
        info.append([line])
    info.append([_("Columns marked * are required. Type values, never formulas.")])
    info.append(
        [_("If any row has a problem nothing is saved; fix the rows listed and upload again.")]
    )
    info.append([])
    info.append([_("Sheet"), _("Column"), _("How to fill it in")])
    for cell in info[len(intro) + 4]:
        cell.font = bold
        cell.fill = fill
    for sheet_name, columns in sheets:
        for i, col in enumerate(columns, start=1):
            info.append(
                [
                    sheet_name,
                    f"{get_column_letter(i)} {col.header}{'*' if col.required else ''}",
                    str(col.help),
                ]
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
