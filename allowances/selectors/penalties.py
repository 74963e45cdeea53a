"""Reads for short-surrender cases (Interim Regulations Art. 24): what an enterprise had
surrendered for a cycle by a day, the market price of a window, and the figures a case shows.

Surrenders are dated by their ledger entry's time, as Asia/Shanghai calendar dates (Django's
current time zone, ``settings.TIME_ZONE``), the way the compliance selectors date them; a
reversal counts on its own day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from allowances import rules
from allowances.choices import PriceBasis
from allowances.models import DailyPrice, LedgerEntry, MonthlyPrice, PenaltyCase
from allowances.services import ledger


def _surrenders(enterprise, cycle):
    return LedgerEntry.objects.filter(
        holding__account__enterprise=enterprise, cycle=cycle
    ).filter(ledger.SURRENDERED)


def surrendered_by(enterprise, cycle, day: date | None = None) -> int:
    """Tonnes (CEA and CCER, net of reversals) surrendered for ``cycle`` on or before ``day``
    (all so far when ``day`` is ``None``)."""
    qs = _surrenders(enterprise, cycle)
    if day is not None:
        qs = qs.filter(created_at__date__lte=day)
    return -(qs.aggregate(t=Sum("quantity"))["t"] or 0)


def _sum_subquery(**filters):
    rows = (
        LedgerEntry.objects.filter(
            holding__account__enterprise=OuterRef("enterprise"), cycle=OuterRef("cycle"), **filters
        )
        .filter(ledger.SURRENDERED)
        .order_by()
        .values("cycle")
        .annotate(t=Sum("quantity"))
        .values("t")[:1]
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_surrendered(qs):
    """Penalty cases annotated with what was surrendered for their cycle so far and by their
    correction deadline (negative sums: see ``figures``), in the one query of the list."""
    return qs.annotate(
        surrendered_sum_now=_sum_subquery(),
        surrendered_sum_by_correction=_sum_subquery(
            created_at__date__lte=OuterRef("correction_deadline")
        ),
    )


def cases():
    """Every case with what a list or a page shows of it."""
    return with_surrendered(PenaltyCase.objects.select_related("enterprise__area", "cycle"))


@dataclass(frozen=True)
class CaseFigures:
    """What a case page shows beyond the stored fields (whole tonnes)."""

    surrendered_now: int  # for the cycle, so far
    still_short_now: int | None  # obligation − surrendered so far (None: obligation unknown)
    surrendered_by_correction: int | None  # on or before the correction deadline
    cut: int | None  # next year's cut: None while not known
    cut_left: int | None  # of it, what is still to be posted
    deadline_passed: bool  # the correction deadline has passed

    @property
    def corrected_in_full(self) -> bool:
        return self.cut == 0


def figures(case: PenaltyCase, today: date | None = None) -> CaseFigures:
    """The case's figures on ``today`` (Asia/Shanghai): the cut is the stored one once fixed,
    else what ``rules.next_year_cut`` says of the surrenders by the correction deadline."""
    today = today or timezone.localdate()
    if hasattr(case, "surrendered_sum_now"):
        now = -case.surrendered_sum_now
        by_correction = -case.surrendered_sum_by_correction
    else:
        now = surrendered_by(case.enterprise, case.cycle)
        by_correction = (
            surrendered_by(case.enterprise, case.cycle, case.correction_deadline)
            if case.correction_deadline else 0
        )
    passed = case.correction_deadline is not None and today > case.correction_deadline
    if case.correction_deadline is None:
        by_correction = None
    cut = case.next_year_cut
    if cut is None and case.obligation is not None and by_correction is not None:
        cut = rules.next_year_cut(
            obligation=case.obligation,
            surrendered_by_correction_deadline=by_correction,
            correction_deadline=case.correction_deadline,
            today=today,
        )
    return CaseFigures(
        surrendered_now=now,
        still_short_now=None if case.obligation is None else rules.tonnes_short(case.obligation, now),
        surrendered_by_correction=by_correction,
        cut=cut,
        cut_left=None if cut is None else max(0, cut - case.cut_posted),
        deadline_passed=passed,
    )


@dataclass(frozen=True)
class WindowPrice:
    start: date
    end: date
    average: Decimal
    basis: str  # PriceBasis
    days: int | None  # trading days averaged (None for a published monthly average)


def window_price(start: date, end: date) -> WindowPrice | None:
    """The average market price of the window ``start``–``end``: the published average of the
    calendar month when the window is exactly one and it was entered, else the volume-weighted
    average of the trading days entered in it (``rules.window_average``); ``None`` when
    neither exists."""
    month = rules.calendar_month_of(start, end)
    if month is not None:
        published = MonthlyPrice.objects.filter(month=month).first()
        if published is not None:
            return WindowPrice(start, end, published.average_price, PriceBasis.MONTH, None)
    days = [
        rules.TradingDay(d.day, d.average_price, d.volume)
        for d in DailyPrice.objects.filter(day__gte=start, day__lte=end)
    ]
    if not days:
        return None
    average, count = rules.window_average(days, start, end)
    return WindowPrice(start, end, average, PriceBasis.DAYS, count)
