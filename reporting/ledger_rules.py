"""Monthly-ledger rules (pure: no ORM, no request): the three-tier deadlines of a month, the
late flags at each tier and the ledger's state machine (issue 4 §2).

The day counts are data of the reporting year (``ReportingYear.ledger_*_days``); they come in
as ``LedgerDays``. Every date here is a calendar date in Asia/Shanghai; callers convert
stored UTC times with ``timezone.localdate`` before asking.

- the enterprise uploads within ``upload`` days after the month ends;
- the county/park official checks within ``county_check`` days after the upload;
- the city closes the month within ``close`` days after the month ends.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reporting.choices import LedgerStatus as S

MISSING = "missing"  # a month without a ledger row
EDITABLE = frozenset({S.DRAFT, S.RETURNED})


@dataclass(frozen=True)
class LedgerDays:
    upload: int
    county_check: int
    close: int


@dataclass(frozen=True)
class MonthDeadlines:
    month_end: date
    upload_due: date
    close_due: date


@dataclass(frozen=True)
class LateFlags:
    upload: bool = False
    county: bool = False
    close: bool = False

    @property
    def any(self) -> bool:
        return self.upload or self.county or self.close


def month_end(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return date(year, month, calendar.monthrange(year, month)[1])


def deadlines(year: int, month: int, days: LedgerDays) -> MonthDeadlines:
    end = month_end(year, month)
    return MonthDeadlines(
        month_end=end,
        upload_due=end + timedelta(days=days.upload),
        close_due=end + timedelta(days=days.close),
    )


def county_check_due(submitted_on: date, days: LedgerDays) -> date:
    return submitted_on + timedelta(days=days.county_check)


def _late(done_on: date | None, due: date, today: date) -> bool:
    """Late when done after the due date, or not done and the due date has passed."""
    return (done_on if done_on is not None else today) > due


def late_flags(
    *,
    year: int,
    month: int,
    days: LedgerDays,
    status: str,
    today: date,
    submitted_on: date | None = None,
    county_checked_on: date | None = None,
    closed_on: date | None = None,
    month_deadlines: MonthDeadlines | None = None,
) -> LateFlags:
    """Late flags of one month at each tier.

    Upload: the (last) submission date, or today while nothing is submitted. County: only once
    submitted, against submission + ``county_check`` days. Close: the close date, or today
    while the month is not closed. ``month_deadlines``: the month's ``deadlines`` when the
    caller has them already (a grid asks for the same twelve months row after row).
    """
    d = month_deadlines or deadlines(year, month, days)
    submitted = status in (S.SUBMITTED, S.COUNTY_CHECKED, S.CLOSED)
    upload = _late(submitted_on if submitted else None, d.upload_due, today)
    county = False
    if submitted_on is not None and status in (S.SUBMITTED, S.COUNTY_CHECKED, S.CLOSED):
        checked = county_checked_on if status != S.SUBMITTED else None
        county = _late(checked, county_check_due(submitted_on, days), today)
    close = _late(closed_on if status == S.CLOSED else None, d.close_due, today)
    return LateFlags(upload=upload, county=county, close=close)


def month_status(status: str | None) -> str:
    """The grid status of a month: its row's status, or "missing" without a row."""
    return status or MISSING


# --- state machine -----------------------------------------------------------------------


class LedgerAction:
    SUBMIT = "submit"
    COUNTY_PASS = "county_pass"
    COUNTY_RETURN = "county_return"
    CLOSE = "close"


ACTION_LABELS = {
    LedgerAction.SUBMIT: _("Submit"),
    LedgerAction.COUNTY_PASS: _("Pass technical check"),
    LedgerAction.COUNTY_RETURN: _("Return to enterprise"),
    LedgerAction.CLOSE: _("Close the month"),
}

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, LedgerAction.SUBMIT): S.SUBMITTED,
    (S.RETURNED, LedgerAction.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, LedgerAction.COUNTY_PASS): S.COUNTY_CHECKED,
    (S.SUBMITTED, LedgerAction.COUNTY_RETURN): S.RETURNED,
    (S.COUNTY_CHECKED, LedgerAction.CLOSE): S.CLOSED,
}


def next_status(status: str, action: str) -> str:
    """The status after ``action``, or a ``ValidationError`` naming action and status."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise ValidationError(
            _("“%(action)s” is not possible while the ledger is “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": S(status).label},
            code="forbidden_transition",
        ) from None


def actions_from(status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == status]
