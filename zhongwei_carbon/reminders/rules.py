"""Reminder offsets (pure: no ORM): when, around a deadline, a reminder goes out.

Offsets are data per deadline kind: negative before the deadline, 0 on the day, positive
after it (overdue). ``working`` kinds count working days with the bureau's calendar
(``workdays.Calendar``), the others calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zhongwei_carbon.workdays import Calendar


@dataclass(frozen=True)
class OffsetRule:
    offsets: tuple[int, ...] = (-30, -7, -1, 0, 1)
    working: bool = False
    # days after the deadline (counted like the offsets) when an item still not done goes
    # to the area's officials and to the bureau; ``None``: the settings' default
    # (REMINDER_ESCALATION_DAYS); 0 turns escalation off for the kind
    escalate_after: int | None = None


# the key offset of an escalation: one per recipient, item and deadline
ESCALATION = 999
# an escalation missed by skipped runs still goes out within this many days of its date;
# an item overdue for longer (found late, or long forgotten) is not escalated any more
ESCALATION_CATCH_UP = timedelta(days=10)


DEFAULT = OffsetRule()

# per deadline kind (the kind names are the sources'); a kind not named here takes DEFAULT
RULES: dict[str, OffsetRule] = {
    "ledger-upload": OffsetRule(offsets=(-7, -1, 0, 1), working=False),
    "annual-report": OffsetRule(offsets=(-30, -7, -1, 0, 1), working=False),
    "surrender": OffsetRule(offsets=(-30, -7, -1, 0, 1), working=False),
    # reporting: the checks after a submission (days after the upload / month end)
    "ledger-county-check": OffsetRule(offsets=(-1, 0, 1), working=False),
    "ledger-close": OffsetRule(offsets=(-5, -1, 0, 1), working=False, escalate_after=0),
    "report-county-check": OffsetRule(offsets=(-3, -1, 0, 1), working=False),
    # verification and objections (Measures 2020 Art. 27: windows in working days)
    "verification-due": OffsetRule(offsets=(-14, -7, -1, 0, 1), working=False),
    "report-objection-window": OffsetRule(offsets=(-3, -1), working=True, escalate_after=0),
    "objection-decision": OffsetRule(offsets=(-3, -1, 0, 1), working=True, escalate_after=0),
    # verifiers: an agency's qualification running out
    "qualification-expiry": OffsetRule(offsets=(-60, -30, -7), working=False, escalate_after=0),
    # allowances: objecting is a right (no overdue, no escalation); the window is 7 working
    # days from the notice, the bureau's decision 10 working days from the objection
    "allocation-objection-window": OffsetRule(offsets=(-2, 0), working=True, escalate_after=0),
    "allocation-objection-decision": OffsetRule(offsets=(-3, -1, 0, 1), working=True),
    "cycle-milestone": OffsetRule(offsets=(-14, -7, -1, 0, 1), working=False),
    # Art. 24: what is still short at the correction deadline is cut; once it has passed the
    # enterprise can no longer correct, so no overdue offset (the escalation tells the bureau)
    "penalty-correction": OffsetRule(offsets=(-14, -7, -1, 0), working=False),
    # credit: the objection window is 10 working days from the provisional grades, the
    # bureau's decision 10 working days from the objection (credit.deadlines)
    "credit-objection-window": OffsetRule(offsets=(-3, 0), working=True, escalate_after=0),
    "credit-objection-decision": OffsetRule(offsets=(-3, -1, 0, 1), working=True),
    # oversight: the rectification deadline is set in working days (1–90, by default 20)
    "rectification": OffsetRule(offsets=(-5, -1, 0, 1), working=True),
    # the end of a published plan's inspection period
    "inspection-overdue": OffsetRule(offsets=(-14, -3, 0, 1), working=False),
    # complaints: the reply is due in working days from the assignment (by default 15)
    "complaint-reply": OffsetRule(offsets=(-3, -1, 0, 1), working=True),
    # the reform programme: a unit's quarterly progress report (due days after the quarter,
    # programme.tasks_rules), reminded again a week, a month and two months late; and a
    # task's milestones
    "programme-report": OffsetRule(offsets=(-7, -1, 0, 1, 7, 30, 60), working=False),
    "programme-milestone": OffsetRule(offsets=(-7, 0, 1), working=False, escalate_after=0),
}


def rule_for(kind: str) -> OffsetRule:
    return RULES.get(kind, DEFAULT)


def shift(day: date, n: int, cal: Calendar | None) -> date:
    """``day`` moved by ``n`` days: calendar days without ``cal``, else working days
    (``n`` may be negative; moving zero days keeps ``day``)."""
    if cal is None:
        return day + timedelta(days=n)
    step = 1 if n > 0 else -1
    current, counted = day, 0
    while counted < abs(n):
        current += timedelta(days=step)
        if cal.is_working_day(current):
            counted += 1
    return current


def fire_date(deadline: date, offset: int, rule: OffsetRule, cal: Calendar) -> date:
    return shift(deadline, offset, cal if rule.working else None)


def offset_due(deadline: date, today: date, rule: OffsetRule, cal: Calendar) -> int | None:
    """The offset whose reminder is due on ``today``, or ``None``.

    An offset is due from its date until the next offset's date, so a reminder missed by a
    skipped run goes out the next morning (and a deadline found late starts at the offset it
    has reached); the last offset only on its own date.
    """
    offsets = sorted(rule.offsets)
    dates = [fire_date(deadline, o, rule, cal) for o in offsets]
    for i, (offset, start) in enumerate(zip(offsets, dates, strict=True)):
        end = dates[i + 1] if i + 1 < len(dates) else start + timedelta(days=1)
        if start <= today < end:
            return offset
    return None


def escalation_due(deadline: date, today: date, rule: OffsetRule, cal: Calendar,
                   default_days: int) -> bool:
    """Whether an item not done by ``deadline`` is escalated on ``today``: from the
    escalation date for ``ESCALATION_CATCH_UP`` (a skipped run catches up; the key sends it
    once)."""
    days = default_days if rule.escalate_after is None else rule.escalate_after
    if days <= 0:
        return False
    start = fire_date(deadline, days, rule, cal)
    return start <= today < start + ESCALATION_CATCH_UP
