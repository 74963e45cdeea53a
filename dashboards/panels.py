"""The one shape every dashboard panel has: a title and the scope its figures cover, its
figures (each with the filtered list behind it: the drill-down), an optional table with the
link of each row, an optional chart (JSON read by static/js/dashboard-charts.js), and its
Excel export through ``zhongwei_carbon.excel`` (the table's columns; the figures when it has
no table)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.templatetags.portal import thousands


@dataclass
class Figure:
    label: str
    value: object  # int, Decimal, str; None: not known (shown blank, never 0)
    url: str = ""  # the filtered list behind the figure
    unit: str = ""  # "%", tonnes() (吨), a word: shown after the value
    key: str = ""  # for tests and styling: data-figure="<key>"


@dataclass
class Panel:
    key: str  # unique on a dashboard: the export URL's ``panel``
    title: str
    scope: str  # 全市, the area's, the enterprise's or the agency's name
    figures: list[Figure] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    rows: list = field(default_factory=list)  # what the table shows
    row_url: Callable[[object], str] | None = None
    # a figure cell's own list (the row and the column's index): a table of figures where
    # each number drills down, not only the row's name
    cell_url: Callable[[object, int], str] | None = None
    more_url: str = ""  # the whole list the table is the top of
    more_label: str = ""
    # {"kind": "bar", "categories": [...], "series": [{name, data}], "stack": bool}
    chart: dict | None = None
    empty: str = ""  # said when the table has no row
    export_rows: Iterable | None = None  # what the export writes, when more than ``rows``
    wide: bool = False  # the whole width of a large screen (a table of many columns)

    @property
    def heading(self) -> str:
        return _("%(scope)s · %(title)s") % {"scope": self.scope, "title": self.title}

    @cached_property
    def table(self) -> list[tuple[list, str]]:
        """Each row's cells (the export's values) and its link."""
        return [([_shown(c.value(r)) for c in self.columns],
                 self.row_url(r) if self.row_url else "") for r in self.rows]

    @cached_property
    def linked_table(self) -> list[tuple[list[tuple[object, str]], str]]:
        """``table`` as the page shows it: each cell with its own link (``cell_url``; ""
        where none), and the row's link (on its first cell)."""
        return [([(value, self.cell_url(r, i) if self.cell_url and i else "")
                  for i, value in enumerate(cells)], link)
                for r, (cells, link) in zip(self.rows, self.table, strict=True)]

    @cached_property
    def numeric(self) -> list[bool]:
        """Per column: every shown cell is a figure, a rate, a date or a time (or blank), so
        the column and its header align right; text (names, statuses) stays left."""
        table = self.table
        return [all(v is None or _FIGURE.match(str(v)) for cells, _l in table
                    for v in cells[i:i + 1]) and bool(table)
                for i in range(len(self.columns))]

    @cached_property
    def headers(self) -> list[tuple[str, bool]]:
        return list(zip([c.header for c in self.columns], self.numeric, strict=True))

    @cached_property
    def shown_table(self) -> list[tuple[list[tuple[object, str, bool]], str]]:
        """``linked_table`` with each cell's alignment (``numeric``): what the page draws."""
        numeric = self.numeric
        return [([(v, href, numeric[i]) for i, (v, href) in enumerate(cells)], link)
                for cells, link in self.linked_table]

    @property
    def export_url(self) -> str:
        return reverse("dashboard_export", kwargs={"panel": self.key})

    def export(self):
        """The panel as a workbook: its table (``export_rows`` if set), else its figures."""
        if self.columns:
            columns = self.columns
            rows = self.rows if self.export_rows is None else self.export_rows
        else:
            columns = [Column(_("Figure"), lambda f: f.label, 30),
                       Column(_("Value"), lambda f: f.value, 18),
                       Column(_("Unit"), lambda f: f.unit, 10)]
            rows = self.figures
        return xlsx_response(filename=self.heading, sheet_title=self.title[:31],
                             columns=columns, rows=rows)


# a shown cell that is a figure: 1,234 / -5.00 / 33.33 / 12 % / 2026-01-31 / 2026-01-31 08:00
_FIGURE = re.compile(r"^[-+]?[\d,]+(\.\d+)?( ?%)?$|^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$")


def _shown(value):
    """A cell as the page shows it: figures with thousands separators (text as it is: a year
    is text), times in Beijing time to the minute, dates as ISO days, ``None`` blank."""
    if value is None:
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return thousands(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def tonnes() -> str:
    """The unit of allowance figures, in the user's language (吨, as the lists' headers)."""
    return pgettext("unit", "t")


def percent(rate) -> str | None:
    """A rate (a fraction, ``rules.ComplianceRate``) in percent with 2 places, as text so no
    float is involved; ``None`` where nothing is due."""
    return None if rate is None else str((rate * 100).quantize(Decimal("0.01")))
