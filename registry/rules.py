"""Key-emitter list rules (pure: no ORM, no request).

Sources:
- MEE Measures for Carbon Emission Trading (trial) 2020, Art. 8: an enterprise whose annual
  greenhouse-gas emissions reach 26,000 tCO2e is a key emitter;
  Art. 11: it leaves the list after two consecutive years below that, or when it closes.
- 卫政办发〔2023〕61号 task 1: 26,000 tCO2e, about 10,000 tce comprehensive energy consumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from registry.choices import SOURCE_RANK, EnterpriseStatus, ListChange, ListReason

EMISSIONS_THRESHOLD_TCO2E = Decimal("26000")  # Measures 2020 Art. 8
ENERGY_THRESHOLD_TCE = Decimal("10000")  # 卫政办发〔2023〕61号 task 1
CONSECUTIVE_YEARS_BELOW_TO_LEAVE = 2  # Measures 2020 Art. 11
# Annual figures are kept from 2005 (the first year of the city's energy statistics the
# bureau holds) up to the current year; never for a future year.
FIRST_RECORD_YEAR = 2005


def record_years(today) -> range:
    """Years an annual emission record may be entered for on ``today``."""
    return range(FIRST_RECORD_YEAR, today.year + 1)


def source_may_replace(existing: str, new: str) -> bool:
    """A figure from a higher-ranked source (verified > self-reported > statistics) is never
    replaced by a lower-ranked one; the same or a higher rank replaces it."""
    return SOURCE_RANK[new] >= SOURCE_RANK[existing]


@dataclass(frozen=True)
class YearFigures:
    emissions_tco2e: Decimal | None
    energy_tce: Decimal | None


@dataclass(frozen=True)
class ListingDecision:
    listed: bool
    change: str | None  # ListChange, or None when the enterprise stays off the list
    reason: str | None  # ListReason


def meets_threshold(figures: YearFigures | None) -> str | None:
    """The threshold reason met by one year's figures, or ``None``."""
    if figures is None:
        return None
    if figures.emissions_tco2e is not None and figures.emissions_tco2e >= EMISSIONS_THRESHOLD_TCO2E:
        return ListReason.EMISSIONS_AT_THRESHOLD
    if figures.energy_tce is not None and figures.energy_tce >= ENERGY_THRESHOLD_TCE:
        return ListReason.ENERGY_AT_THRESHOLD
    return None


def decide_listing(
    *, was_listed: bool, status: str, recent_years: list[YearFigures | None]
) -> ListingDecision:
    """Decide an enterprise's place on next year's list.

    ``recent_years`` holds the figures of the basis year first, then the year before it
    (``None`` where there is no figure).
    """
    if status == EnterpriseStatus.CLOSED:
        if was_listed:
            return ListingDecision(False, ListChange.REMOVED, ListReason.CLOSED)
        return ListingDecision(False, None, None)

    reason = meets_threshold(recent_years[0] if recent_years else None)
    if reason:
        change = ListChange.RETAINED if was_listed else ListChange.ADDED
        return ListingDecision(True, change, reason)
    if not was_listed:
        return ListingDecision(False, None, None)

    window = (recent_years + [None] * CONSECUTIVE_YEARS_BELOW_TO_LEAVE)[
        :CONSECUTIVE_YEARS_BELOW_TO_LEAVE
    ]
    if window[0] is None:
        return ListingDecision(True, ListChange.RETAINED, ListReason.NO_DATA)
    below = [y is not None and meets_threshold(y) is None for y in window]
    if all(below):
        return ListingDecision(False, ListChange.REMOVED, ListReason.TWO_YEARS_BELOW)
    return ListingDecision(True, ListChange.RETAINED, ListReason.ONE_YEAR_BELOW)
