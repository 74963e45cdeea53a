"""Rules of violation cases (Interim Regulations on Carbon Emission Trading, State Council
Decree 775, Art. 21–23; pure: no ORM, no request). The figures are data rows (``PenaltyRange``:
article, kind, low, high, from year, source; the defaults in ``oversight/reference.py`` from
DOMAIN.md); these functions only read them. Money is whole yuan (int), multiples of illegal
gains and percentages Decimal, never float."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

CASE_TRANSITIONS = {"open": ("decided",), "decided": ("referred", "closed"),
                    "referred": ("closed",), "closed": ()}


@dataclass(frozen=True)
class RangeRow:
    article: str
    kind: str
    low: Decimal
    high: Decimal
    year: int  # applies to cases of this year and later, until a newer row of the same kind
    source: str = ""


@dataclass(frozen=True)
class Span:
    low: int | Decimal
    high: int | Decimal
    source: str = ""

    def contains(self, value) -> bool:
        if isinstance(value, float):
            raise TypeError("never a float")
        return value is not None and self.low <= value <= self.high


@dataclass(frozen=True)
class Penalties:
    """What the law allows for one case: the fine (``basis``: fixed range or gains multiple),
    each responsible person's fine, the allocation cut (%) and the ban (years); ``None`` where
    the article provides none."""

    fine: Span | None
    basis: str = ""
    person_fine: Span | None = None
    allocation_cut: Span | None = None
    ban_years: Span | None = None


def rows_in_force(rows: Iterable[RangeRow], article: str, year: int) -> dict[str, RangeRow]:
    """Per kind, the newest row of ``article`` whose year is not after ``year``."""
    found: dict[str, RangeRow] = {}
    for row in rows:
        if row.article == article and row.year <= year:
            if row.kind not in found or row.year > found[row.kind].year:
                found[row.kind] = row
    return found


def yuan_at_least(value: Decimal) -> int:
    """The lowest whole yuan not below ``value`` (the lower bound of a multiple)."""
    return int(Decimal(value).to_integral_value(rounding=ROUND_CEILING))


def yuan_at_most(value: Decimal) -> int:
    """The highest whole yuan not above ``value`` (the upper bound of a multiple)."""
    return int(Decimal(value).to_integral_value(rounding=ROUND_FLOOR))


def penalties(rows: Iterable[RangeRow], *, article: str, year: int,
              illegal_gains: int | None = None) -> Penalties:
    """The ranges for a case of ``article`` in ``year``. With illegal gains (> 0) and a
    ``gains_multiple`` row the fine is that multiple of the gains (Art. 22: 5–10 ×), else the
    fixed ``fine`` row (Art. 22 without gains: CNY 500,000–2,000,000)."""
    if isinstance(illegal_gains, float):
        raise TypeError("illegal gains are whole yuan, never a float")
    found = rows_in_force(rows, article, year)

    def span(kind, as_int=True):
        row = found.get(kind)
        if row is None:
            return None
        if as_int:
            return Span(yuan_at_least(row.low), yuan_at_most(row.high), row.source)
        return Span(row.low, row.high, row.source)

    multiple = found.get("gains_multiple")
    if illegal_gains and multiple is not None:
        fine = Span(yuan_at_least(multiple.low * illegal_gains),
                    yuan_at_most(multiple.high * illegal_gains), multiple.source)
        basis = "gains_multiple"
    else:
        fine, basis = span("fine"), "fine"
    return Penalties(fine=fine, basis=basis if fine else "",
                     person_fine=span("person_fine"),
                     allocation_cut=span("allocation_cut", as_int=False),
                     ban_years=span("ban_years", as_int=False))


def ban_latest_end(start: date, years: int | Decimal) -> date:
    """The last day a ban of at most ``years`` whole years from ``start`` may run to (the same
    day ``years`` later; 29 February → 28 February)."""
    years = int(years)
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def case_next_status(status: str, target: str) -> bool:
    return target in CASE_TRANSITIONS.get(status, ())
