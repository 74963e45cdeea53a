"""Monthly ledgers by month and tier: on time, late, missing (issue 16).

The three tiers of a month (``ledger_rules``): the enterprise uploads it, the county / park
checks it, the city closes it. At each tier a facility's month is

- on time: done by the tier's due date (a submission on the due date itself is on time);
- late: done after it;
- missing: not done and the due date has passed (upload: nothing submitted; county: submitted
  and still unchecked; close: not closed, with or without a ledger row).

A month not done before its due date is in none of the three. These are
``ledger_rules.late_flags`` in SQL, so the grid can be filtered by them (``filter_facilities``)
and the dashboard count them in one statement (``month_counts``): both read the same
conditions, so a dashboard figure equals the grid it links to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.db.models import Case, Count, DateField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import pgettext_lazy

from reporting import ledger_rules as lr
from reporting.choices import LedgerStatus as S
from reporting.models import MonthlyLedger

UPLOAD, COUNTY, CLOSE = "upload", "county", "close"
TIERS = (UPLOAD, COUNTY, CLOSE)
ON_TIME, LATE, MISSING = "on_time", "late", lr.MISSING
STATES = (ON_TIME, LATE, MISSING)
TIER_LABELS = {
    UPLOAD: pgettext_lazy("ledger tier", "Upload"),
    COUNTY: pgettext_lazy("ledger tier", "County check"),
    CLOSE: pgettext_lazy("ledger tier", "City close"),
}
STATE_LABELS = {
    ON_TIME: pgettext_lazy("ledger timeliness", "On time"),
    LATE: pgettext_lazy("ledger timeliness", "Late"),
    MISSING: pgettext_lazy("ledger timeliness", "Missing"),
}

# the statuses in which a tier is done, and the local date it was done on
_DONE = {
    UPLOAD: (S.SUBMITTED, S.COUNTY_CHECKED, S.CLOSED),
    COUNTY: (S.COUNTY_CHECKED, S.CLOSED),
    CLOSE: (S.CLOSED,),
}
_ON = {UPLOAD: "submitted_on", COUNTY: "checked_on", CLOSE: "closed_on"}


def _dated(qs: QuerySet, days: lr.LedgerDays) -> QuerySet:
    """Ledgers with the Beijing dates of their submission, check and close, and the county's
    due date (``ledger_rules.county_check_due``)."""
    return qs.annotate(
        submitted_on=TruncDate("submitted_at"),
        checked_on=TruncDate("county_checked_at"),
        closed_on=TruncDate("closed_at"),
    ).annotate(county_due=ExpressionWrapper(
        F("submitted_on") + timedelta(days=days.county_check), output_field=DateField()))


def _due(tier: str, deadlines: lr.MonthDeadlines) -> date | None:
    return {UPLOAD: deadlines.upload_due, CLOSE: deadlines.close_due}.get(tier)


def _ledger_q(tier: str, state: str, deadlines: lr.MonthDeadlines, days, today: date) -> Q:
    """The condition on a ledger row (of ``_dated``) for a tier and state; for a missing upload
    or close the facility has no such row (``_missing_is_absence``)."""
    if tier == COUNTY and state == MISSING:
        return Q(status=S.SUBMITTED, submitted_on__lt=today - timedelta(days=days.county_check))
    on = _ON[tier]
    due = F("county_due") if tier == COUNTY else _due(tier, deadlines)
    compare = f"{on}__lte" if state == ON_TIME else f"{on}__gt"
    return Q(status__in=_DONE[tier], **{compare: due})


def _missing_is_absence(tier: str, state: str) -> bool:
    return state == MISSING and tier in (UPLOAD, CLOSE)


def filter_facilities(facilities: QuerySet, *, year: int, month: int, tier: str, state: str,
                      today: date, days: lr.LedgerDays | None) -> QuerySet:
    """The grid's facilities whose ``month`` is ``state`` at ``tier``; none while the year's
    day counts are not set (no deadlines: nobody is on time, late or missing)."""
    if days is None or tier not in TIERS or state not in STATES:
        return facilities.none()
    deadlines = lr.deadlines(year, month, days)
    if _missing_is_absence(tier, state):
        if not today > _due(tier, deadlines):
            return facilities.none()
        done = MonthlyLedger.objects.filter(year=year, month=month, status__in=_DONE[tier])
        return facilities.exclude(pk__in=done.values("facility_id"))
    ledgers = _dated(MonthlyLedger.objects.filter(year=year, month=month), days)
    return facilities.filter(
        pk__in=ledgers.filter(_ledger_q(tier, state, deadlines, days, today))
        .values("facility_id"))


@dataclass
class MonthCounts:
    """One month's facilities at each tier and state: ``counts[(tier, state)]``."""

    month: int
    counts: dict[tuple[str, str], int] = field(default_factory=dict)

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self.counts[key]


def month_counts(facilities: QuerySet, *, year: int, months, today: date,
                 days: lr.LedgerDays | None) -> list[MonthCounts]:
    """Each of ``months`` of ``year`` counted over ``facilities`` (the grid's) at each tier and
    state, in two statements whatever the number of facilities; all 0 without day counts."""
    months = list(months)
    if not months:
        return []
    if days is None:
        return [MonthCounts(m, {(t, s): 0 for t in TIERS for s in STATES}) for m in months]
    total = facilities.count()
    deadlines = {m: lr.deadlines(year, m, days) for m in months}
    ledgers = _dated(
        MonthlyLedger.objects.filter(year=year, month__in=months,
                                     facility__in=facilities.order_by().values("pk")), days)
    # each month's due dates as a CASE on the month, so the months are one GROUP BY of a
    # few counts (not a count per month, tier and state: a statement slow to build)
    by_month = SimpleNamespace(**{
        name: Case(*[When(month=m, then=Value(getattr(deadlines[m], name))) for m in months],
                   output_field=DateField())
        for name in ("upload_due", "close_due")})
    ledgers = ledgers.annotate(upload_due=by_month.upload_due, close_due=by_month.close_due)
    due_of = SimpleNamespace(upload_due=F("upload_due"), close_due=F("close_due"))
    keys = [(t, s) for t in TIERS for s in STATES if not _missing_is_absence(t, s)]
    found = {
        row["month"]: row for row in ledgers.order_by().values("month").annotate(
            **{f"n_{t}_{s}": Count("pk", filter=_ledger_q(t, s, due_of, days, today))
               for t, s in keys},
            **{f"done_{t}": Count("pk", filter=Q(status__in=_DONE[t])) for t in (UPLOAD, CLOSE)},
        )
    }
    rows = []
    for m in months:
        row = found.get(m, {})
        counts = {(t, s): row.get(f"n_{t}_{s}", 0) for t, s in keys}
        for t in (UPLOAD, CLOSE):
            due = today > _due(t, deadlines[m])
            counts[(t, MISSING)] = total - row.get(f"done_{t}", 0) if due else 0
        rows.append(MonthCounts(m, counts))
    return rows
