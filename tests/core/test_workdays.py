"""Working days with the bureau's holiday calendar (DESIGN.md §4.7), across the 2025 National
Day break: 1–8 October off, Sunday 28 September and Saturday 11 October worked
(国务院办公厅关于2025年部分节假日安排的通知)."""

from datetime import date, timedelta

import pytest

from zhongwei_carbon import workdays
from zhongwei_carbon.models import CalendarDay
from zhongwei_carbon.workdays import Calendar, add_working_days

HOLIDAYS = frozenset(date(2025, 10, d) for d in range(1, 9))
MAKEUP = frozenset({date(2025, 9, 28), date(2025, 10, 11)})
NATIONAL_DAY = Calendar(holidays=HOLIDAYS, workdays=MAKEUP)


def test_seven_working_days_across_national_day():
    # Notice Fri 26 Sep: Sun 28 (1), Mon 29 (2), Tue 30 (3), 1–8 Oct off, Thu 9 (4),
    # Fri 10 (5), Sat 11 worked (6), Mon 13 (7).
    assert add_working_days(date(2025, 9, 26), 7, NATIONAL_DAY) == date(2025, 10, 13)


def test_ten_working_days_across_national_day():
    # From Fri 26 Sep, as above to Mon 13 (7), then Tue 14 (8), Wed 15 (9), Thu 16 (10).
    assert add_working_days(date(2025, 9, 26), 10, NATIONAL_DAY) == date(2025, 10, 16)
    # Notice Tue 30 Sep: 1–8 off, Thu 9 (1), Fri 10 (2), Sat 11 (3), Mon 13 … Fri 17 (4–8),
    # Mon 20 (9), Tue 21 (10).
    assert add_working_days(date(2025, 9, 30), 10, NATIONAL_DAY) == date(2025, 10, 21)


def test_without_the_calendar_only_weekends_are_skipped():
    # Mon 29, Tue 30, Wed 1, Thu 2, Fri 3, Mon 6, Tue 7.
    assert add_working_days(date(2025, 9, 26), 7, Calendar()) == date(2025, 10, 7)


def test_the_day_of_notice_does_not_count_and_zero_days_is_that_day():
    assert add_working_days(date(2025, 10, 9), 1, NATIONAL_DAY) == date(2025, 10, 10)
    assert add_working_days(date(2025, 10, 9), 0, NATIONAL_DAY) == date(2025, 10, 9)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 9), -1, NATIONAL_DAY)


def test_is_working_day():
    assert NATIONAL_DAY.is_working_day(date(2025, 9, 28))  # Sunday worked
    assert not NATIONAL_DAY.is_working_day(date(2025, 10, 1))  # Wednesday off
    assert not NATIONAL_DAY.is_working_day(date(2025, 10, 12))  # ordinary Sunday
    assert NATIONAL_DAY.is_working_day(date(2025, 10, 9))


def _national_day_rows():
    for day in HOLIDAYS:
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.HOLIDAY, name="国庆节、中秋节")
    for day in MAKEUP:
        CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.WORKDAY, name="国庆节调休")


@pytest.mark.django_db
def test_deadline_reads_the_calendar_rows():
    assert workdays.deadline(date(2025, 9, 26), 7) == date(2025, 10, 7)  # no rows yet
    _national_day_rows()
    assert workdays.deadline(date(2025, 9, 26), 7) == date(2025, 10, 13)
    assert workdays.deadline(date(2025, 9, 26), 10) == date(2025, 10, 16)
    assert workdays.calendar(date(2025, 10, 1), date(2025, 10, 31)).workdays == {date(2025, 10, 11)}


@pytest.mark.django_db
def test_deadline_right_before_the_break():
    # Notice Tue 30 Sep: 1–8 Oct off; Thu 9 (1), Fri 10 (2), Sat 11 worked (3), Mon 13 (4),
    # Tue 14 (5), Wed 15 (6), Thu 16 (7).
    _national_day_rows()
    assert workdays.deadline(date(2025, 9, 30), 7) == date(2025, 10, 16)
    assert workdays.deadline(date(2025, 9, 30), 7) - date(2025, 9, 30) == timedelta(days=16)
