"""Building allocation-notice workbooks for the tests (the template's headers)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from allowances.services.allocation_import import (
    ALLOCATION_COLUMNS,
    SHEET_ALLOCATIONS,
    SHEET_UNITS,
    UNIT_COLUMNS,
)


def workbook(allocations, units=(), *, headers=None) -> bytes:
    """``allocations``: rows in ALLOCATION_COLUMNS order; ``units``: rows in UNIT_COLUMNS order."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_ALLOCATIONS
    ws.append(headers or [c.header for c in ALLOCATION_COLUMNS])
    for row in allocations:
        ws.append(list(row))
    us = wb.create_sheet(SHEET_UNITS)
    us.append([c.header for c in UNIT_COLUMNS])
    for row in units:
        us.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
