"""Ledger deadlines and late flags (dates by hand, Asia/Shanghai), and the state machine."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from reporting import ledger_rules as lr
from reporting.models import MonthlyLedger
from reporting.selectors.ledgers import flags_of

DAYS = lr.LedgerDays(upload=20, county_check=5, close=40)


def test_deadlines_of_january_2025():
    d = lr.deadlines(2025, 1, DAYS)
    assert d.month_end == date(2025, 1, 31)
    assert d.upload_due == date(2025, 2, 20)  # 31 Jan + 20 days
    assert d.close_due == date(2025, 3, 12)  # 31 Jan + 40 days (February has 28)
    assert lr.county_check_due(date(2025, 2, 20), DAYS) == date(2025, 2, 25)


def test_deadlines_of_a_leap_february_and_december():
    assert lr.deadlines(2024, 2, DAYS).upload_due == date(2024, 3, 20)  # 29 Feb + 20
    d = lr.deadlines(2025, 12, DAYS)
    assert (d.upload_due, d.close_due) == (date(2026, 1, 20), date(2026, 2, 9))


def test_day_counts_are_data():
    days = lr.LedgerDays(upload=15, county_check=3, close=30)
    assert lr.deadlines(2025, 1, days).upload_due == date(2025, 2, 15)


@pytest.mark.parametrize(
    "submitted_on,late", [(date(2025, 2, 20), False), (date(2025, 2, 21), True)]
)
def test_upload_late_at_the_boundary(submitted_on, late):
    flags = lr.late_flags(
        year=2025, month=1, days=DAYS, status="submitted", today=date(2025, 2, 22),
        submitted_on=submitted_on,
    )
    assert flags.upload is late


@pytest.mark.parametrize("today,late", [(date(2025, 2, 20), False), (date(2025, 2, 21), True)])
def test_missing_month_becomes_late_after_the_due_date(today, late):
    flags = lr.late_flags(year=2025, month=1, days=DAYS, status=lr.MISSING, today=today)
    assert flags.upload is late
    assert flags.county is False


@pytest.mark.parametrize(
    "checked_on,late", [(date(2025, 2, 15), False), (date(2025, 2, 16), True)]
)
def test_county_check_late_five_days_after_upload(checked_on, late):
    flags = lr.late_flags(
        year=2025, month=1, days=DAYS, status="county_checked", today=date(2025, 3, 1),
        submitted_on=date(2025, 2, 10), county_checked_on=checked_on,
    )
    assert flags.county is late
    assert flags.upload is False


def test_county_check_pending_is_late_once_due_passed():
    common = dict(year=2025, month=1, days=DAYS, status="submitted", submitted_on=date(2025, 2, 10))
    assert lr.late_flags(today=date(2025, 2, 15), **common).county is False
    assert lr.late_flags(today=date(2025, 2, 16), **common).county is True


@pytest.mark.parametrize("closed_on,late", [(date(2025, 3, 12), False), (date(2025, 3, 13), True)])
def test_close_late_forty_days_after_month_end(closed_on, late):
    flags = lr.late_flags(
        year=2025, month=1, days=DAYS, status="closed", today=date(2025, 4, 1),
        submitted_on=date(2025, 2, 1), county_checked_on=date(2025, 2, 3), closed_on=closed_on,
    )
    assert flags == lr.LateFlags(upload=False, county=False, close=late)


@pytest.mark.parametrize(
    "utc,late",
    [
        (datetime(2025, 2, 20, 15, 59, tzinfo=UTC), False),  # 23:59 on 20 Feb in Shanghai
        (datetime(2025, 2, 20, 16, 0, tzinfo=UTC), True),  # 00:00 on 21 Feb in Shanghai
    ],
)
def test_upload_date_is_decided_in_shanghai(utc, late):
    ledger = MonthlyLedger(year=2025, month=1, status="submitted", submitted_at=utc)
    flags = flags_of(ledger, year=2025, month=1, days=DAYS, today=date(2025, 3, 1))
    assert flags.upload is late


def test_no_day_counts_no_flags():
    assert flags_of(None, year=2025, month=1, days=None, today=date(2026, 1, 1)) == lr.LateFlags()


def test_month_status_missing():
    assert lr.month_status(None) == "missing"
    assert lr.month_status("closed") == "closed"


@pytest.mark.parametrize(
    "status,action,target",
    [
        ("draft", "submit", "submitted"),
        ("returned", "submit", "submitted"),
        ("submitted", "county_pass", "county_checked"),
        ("submitted", "county_return", "returned"),
        ("county_checked", "close", "closed"),
    ],
)
def test_allowed_transitions(status, action, target):
    assert lr.next_status(status, action) == target


@pytest.mark.parametrize(
    "status,action",
    [
        ("draft", "county_pass"),
        ("draft", "close"),
        ("submitted", "submit"),
        ("submitted", "close"),
        ("county_checked", "county_return"),
        ("closed", "submit"),
        ("closed", "close"),
        ("returned", "county_pass"),
    ],
)
def test_forbidden_transitions(status, action):
    with pytest.raises(ValidationError) as exc:
        lr.next_status(status, action)
    assert exc.value.code == "forbidden_transition"
