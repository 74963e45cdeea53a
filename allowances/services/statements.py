"""Registry statements (issue 5 §3): import the national registry's holdings of our
enterprises on a date and reconcile them with the portal's holdings at that moment.

The import is all-or-nothing: ``statement_file.read`` checks every row first; then, in one
transaction, the file is stored and one ``StatementLine`` is written per key (USCC × unit type
× vintage × CCER project) of the union of the statement and the portal's non-zero holdings.
Holdings are never changed here: a difference is fixed by a transfer or a correction.
"""

from __future__ import annotations

import io
import os
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allowances.models import Holding, RegistryStatement, StatementLine
from allowances.services import statement_file
from registry.models import Enterprise
from zhongwei_carbon import events, roles, uscc
from zhongwei_carbon.roles import Perm

EXAMPLE_USCC = uscc.make("91640500MA7600001")


def _is_mismatch(line: StatementLine) -> bool:
    """A line needs attention when the figures differ or the enterprise is unknown."""
    return line.enterprise_id is None or line.difference != 0


def _lines(statement: RegistryStatement, rows: list[statement_file.Row]) -> list[StatementLine]:
    """One line per key of statement ∪ portal (non-zero holdings, read in one query, so the
    snapshot is consistent)."""
    portal: dict[tuple, tuple[int, int]] = {}  # key -> (enterprise id, quantity)
    for ent_id, code, unit_type, vintage, project_id, quantity in Holding.objects.filter(
        quantity__gt=0
    ).values_list(
        "account__enterprise_id",
        "account__enterprise__uscc",
        "unit_type",
        "vintage",
        "project_id",
        "quantity",
    ):
        portal[(uscc.normalize(code), unit_type, vintage, project_id)] = (ent_id, quantity)
    stated = {row.key: row.quantity for row in rows}
    codes = {key[0] for key in stated}
    enterprise_ids = {
        uscc.normalize(code): pk
        for code, pk in Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk")
    }
    lines = []
    for key in sorted(set(stated) | set(portal), key=lambda k: (k[0], k[1], k[2], k[3] or 0)):
        code, unit_type, vintage, project_id = key
        statement_quantity = stated.get(key)
        ent_id, portal_quantity = portal.get(key, (enterprise_ids.get(code), 0))
        line = StatementLine(
            statement=statement,
            enterprise_id=ent_id,
            uscc=code,
            unit_type=unit_type,
            vintage=vintage,
            project_id=project_id,
            statement_quantity=statement_quantity,
            portal_quantity=portal_quantity,
            difference=(statement_quantity or 0) - portal_quantity,
        )
        line.clean_fields(exclude=["statement", "enterprise", "project"])
        lines.append(line)
    return lines


def statement_import(
    *, actor, as_of: date, upload_name: str, data: bytes, note: str = ""
) -> RegistryStatement:
    """Check ``data`` (.xlsx or .csv) and store the statement with its reconciliation lines.
    Raises ``ValidationError`` (field ``file`` lists the rows and what is wrong, field
    ``as_of`` a date in the future) and saves nothing when anything is wrong."""
    if not roles.has_perm(actor, Perm.POST_LEDGER):
        raise PermissionDenied
    if as_of is None:
        raise ValidationError({"as_of": _("Enter the date of the statement.")})
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": _("The statement date cannot be in the future.")})
    rows = statement_file.read(data, upload_name)
    file_name = os.path.basename((upload_name or "").replace("\\", "/"))[:200] or "statement"
    statement = RegistryStatement(
        as_of=as_of, file_name=file_name, uploaded_by=actor, note=(note or "").strip()
    )
    statement.file.save(file_name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            statement.full_clean()
            statement.save()
            lines = _lines(statement, rows)
            StatementLine.objects.bulk_create(lines, batch_size=1000)
            statement.line_count = len(lines)
            statement.difference_count = sum(1 for line in lines if _is_mismatch(line))
            statement.save(update_fields=["line_count", "difference_count"])
            events.record(
                actor=actor,
                verb="allowances.statement_imported",
                target=statement,
                message=_(
                    "Registry statement of %(date)s imported: %(lines)d lines, %(diff)d differences."
                )
                % {
                    "date": as_of.isoformat(),
                    "lines": statement.line_count,
                    "diff": statement.difference_count,
                },
                data={
                    "as_of": as_of,
                    "file": file_name,
                    "rows": len(rows),
                    "lines": statement.line_count,
                    "differences": statement.difference_count,
                },
            )
    except Exception:
        statement.file.delete(save=False)
        raise
    return statement


def template_workbook() -> bytes:
    """The statement template: the headers and one example row, plus an instruction sheet."""
    from openpyxl import Workbook  # not at module level: issue 11 §8
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "持有量"
    ws.freeze_panes = "A2"
    for i, (_key, header) in enumerate(statement_file.COLUMNS, start=1):
        cell = ws.cell(row=1, column=i, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF3F1")
        ws.column_dimensions[cell.column_letter].width = 24
    ws.append([EXAMPLE_USCC, "配额", timezone.localdate().year, "", 1000])
    info = wb.create_sheet("填表说明")
    info.column_dimensions["A"].width = 20
    info.column_dimensions["B"].width = 80
    info.append([_("One row per holding of the registry statement; data start on row 2.")])
    info.append([_("Replace the example row. Type values, never formulas.")])
    info.append([])
    rules = [
        _(
            "18-character code of the account holder; a code unknown to the portal is shown as “not in the portal”."
        ),
        _("配额 (allowances, CEA) or CCER."),
        _("Vintage (year) of the units, e.g. 2025."),
        _("CCER rows only: the project code as registered in the portal; empty for 配额."),
        _("Whole tonnes held, 0 or more."),
    ]
    for (_key, header), text in zip(statement_file.COLUMNS, rules, strict=True):
        info.append([header, text])
    info.append([])
    info.append([_("A CSV file with the same headers (UTF-8 or GB18030) is accepted too.")])
    info.append(
        [_("If any row has a problem nothing is saved; fix the rows listed and upload again.")]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
