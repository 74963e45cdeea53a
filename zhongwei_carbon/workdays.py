"""Working days (工作日) in Asia/Shanghai, with the bureau's holiday calendar.

``add_working_days`` is pure: it takes the sets of holidays and make-up working days, so the
rules are testable without a database; ``calendar()`` reads them from ``CalendarDay``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)  # weekend days worked

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def add_working_days(start: date, days: int, cal: Calendar) -> date:
    """The date ``days`` working days after ``start`` (the day of notice does not count).

    Example: notice on Friday 2025-09-26, 7 working days, with 1–8 Oct holidays and Sunday
    28 Sep and Saturday 11 Oct worked → deadline Monday 2025-10-13.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if cal.is_working_day(current):
            counted += 1
    return current


def calendar(start: date | None = None, end: date | None = None) -> Calendar:
    """The bureau's calendar from the database (optionally limited to a date range)."""
    from zhongwei_carbon.models import CalendarDay

    qs = CalendarDay.objects.all()
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    holidays, workdays = set(), set()
    for day, kind in qs.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    return Calendar(frozenset(holidays), frozenset(workdays))


def deadline(start: date, days: int) -> date:
    """``add_working_days`` with the bureau's calendar."""
    return add_working_days(start, days, calendar(start, start + timedelta(days=days * 3 + 30)))
