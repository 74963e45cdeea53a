"""The time limits of a credit year's grading, objections and repairs, as data with their
source. Pure: imports nothing of the project but choices.

- Objections (异议): 企业环境信用评价办法(试行) (环发〔2013〕150号) Art. 19 has the provisional
  result made known and objections raised within a period set by the evaluating bureau; the
  bureau's notice sets **10 working days** from the notice of the provisional grades, and the
  bureau answers an objection within **10 working days** of receiving it (the same article's
  review period).
- Repair (信用修复): 失信行为纠正后的信用信息修复管理办法(试行) (国家发展改革委令2023年第58号)
  Art. 9 sets the shortest period an administrative penalty stays public before it may be
  repaired: **3 months** for a general breach, **1 year** for a serious one; a merit is
  never "repaired". The waiting period runs from the day of the event.
"""

from __future__ import annotations

import calendar
from datetime import date

from credit.choices import EventKind, GradingStatus

OBJECTION_WINDOW_WORKING_DAYS = 10  # 环发〔2013〕150号 Art. 19 + the bureau's notice
OBJECTION_DECISION_WORKING_DAYS = 10  # ibid.



def objection_window_open(status: str, until: date | None, today: date) -> bool:
    """Objections are taken while a year's grades are provisional, up to and including the
    last day of the window."""
    return status == GradingStatus.PROVISIONAL and until is not None and today <= until


REPAIR_WAIT_GENERAL_MONTHS = 3  # 国家发展改革委令2023年第58号 Art. 9: general breach
REPAIR_WAIT_SERIOUS_MONTHS = 12  # ibid.: serious breach (a veto-class event)

# Serious breaches: falsification, an Art. 24 shortfall never corrected, an agency's decided
# violation or suspension (the kinds a rule set normally makes a veto).
SERIOUS_KINDS = frozenset({
    EventKind.VIOLATION_ART22, EventKind.ART24_NOT_CORRECTED, EventKind.VIOLATION_ART23,
    EventKind.AGENCY_SUSPENDED,
})
# Merits: nothing to repair.
NOT_REPAIRABLE = frozenset({EventKind.SURRENDER_ON_TIME, EventKind.MANUAL_CREDIT})


def repair_wait_months(kind: str) -> int | None:
    """Months after the event before a repair may be applied for; ``None``: never."""
    if kind in NOT_REPAIRABLE:
        return None
    return REPAIR_WAIT_SERIOUS_MONTHS if kind in SERIOUS_KINDS else REPAIR_WAIT_GENERAL_MONTHS


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st of a shorter month: its last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def repair_open_from(kind: str, occurred_on: date) -> date | None:
    """The first day a repair of an event may be applied for; ``None``: never."""
    months = repair_wait_months(kind)
    return None if months is None else add_months(occurred_on, months)


def repair_effective_year(*, event_year: int, decided_on: date) -> int:
    """The first year an approved repair takes the event out of: the year after the approval
    (the issue: "the weight is removed from the following year's score"), and always after
    the event's own year."""
    return max(decided_on.year + 1, event_year + 1)
