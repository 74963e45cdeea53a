"""Rules of the programme's task tracker (pure: no ORM, no request).

The special task group (碳排放权改革专项小组, 卫政办发〔2023〕61号) tracks every task "regularly":
each unit of a task files a progress report per period. The period and the day the report is
due after the period ends are set here, once; the report and task workflows are the two
transition tables below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from programme.tasks_choices import ReportStatus, TaskStatus

# Reporting period: quarterly (the task group's rhythm in the programme's working rules).
PERIOD_MONTHS = 3
# A period's report is due this many calendar days after the period ends (the 15th of the
# month after the quarter: the task group office's working rule for the demo city).
DUE_DAYS_AFTER_PERIOD = 15
# The unit the bureau's own staff file for: the bureau is the task group's office and a unit
# of several tasks itself (registry.Department code).
BUREAU_UNIT_CODE = "ecology-environment"
PERIODS_PER_YEAR = 12 // PERIOD_MONTHS


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: ``year`` and its number ``n`` (a quarter: 1–4)."""

    year: int
    n: int

    @property
    def start(self) -> date:
        return date(self.year, (self.n - 1) * PERIOD_MONTHS + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def due(self) -> date:
        """The day the period's progress report is due."""
        return self.end + timedelta(days=DUE_DAYS_AFTER_PERIOD)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.n}"

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.n == PERIODS_PER_YEAR else Period(self.year, self.n + 1)

    def prev(self) -> Period:
        return Period(self.year - 1, PERIODS_PER_YEAR) if self.n == 1 else Period(self.year, self.n - 1)


def period_of(day: date) -> Period:
    return Period(day.year, (day.month - 1) // PERIOD_MONTHS + 1)


def valid_period(year: int, n: int) -> bool:
    return 2000 <= year <= 2100 and 1 <= n <= PERIODS_PER_YEAR


def last_ended(today: date) -> Period:
    """The latest period that has ended (the one whose report is being filed now)."""
    return period_of(today).prev()


def periods_expected(reports_from: date, today: date) -> list[Period]:
    """The periods a unit owes a report for: from the period of ``reports_from`` through the
    last one ended by ``today`` (none before the first has ended)."""
    first, last = period_of(reports_from), last_ended(today)
    out = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out


def is_overdue(period: Period, today: date, status: str | None) -> bool:
    """Past its due day and not yet submitted (no report, a draft, or returned)."""
    return today > period.due and status not in DONE


# A report ends the unit's duty for its period once submitted (the review is the office's).
DONE = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACCEPTED})
EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})

# The progress report's workflow: action -> (from, to). The unit submits (again, after a
# return); the task group office accepts or returns it asking for more.
REPORT_TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "submit": (frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED}), ReportStatus.SUBMITTED),
    "accept": (frozenset({ReportStatus.SUBMITTED}), ReportStatus.ACCEPTED),
    "return": (frozenset({ReportStatus.SUBMITTED}), ReportStatus.RETURNED),
}

# The task's workflow: the bureau starts it (reports become due), closes it when done, and
# may reopen a closed one.
TASK_TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "start": (frozenset({TaskStatus.PLANNED}), TaskStatus.IN_PROGRESS),
    "close": (frozenset({TaskStatus.PLANNED, TaskStatus.IN_PROGRESS}), TaskStatus.CLOSED),
    "reopen": (frozenset({TaskStatus.CLOSED}), TaskStatus.IN_PROGRESS),
}


def next_status(table: dict, action: str, current: str) -> str | None:
    """The status ``action`` leads to from ``current``; ``None`` if the table forbids it."""
    allowed, target = table[action]
    return target if current in allowed else None
