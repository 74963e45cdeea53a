"""The programme's regulatory numbers, as pure functions (no ORM, no request).

Targets (卫政办发〔2023〕61号): by 2025, against 2020, energy use per unit of GDP −15 % and
CO2 per unit of GDP −16 %. The city's statistics are entered in these units:

* GDP at constant prices of the base year (2020 prices), in 亿元 (10⁸ yuan);
* total energy use in 万吨标准煤 (10⁴ tce);
* CO2 from the city's inventory in 万吨 CO2 (10⁴ t).

So an intensity (万吨 / 亿元) reads directly as tonnes per 万元 of GDP (吨/万元).

Each rounding is a named function: intensities are shown to 4 places, changes and targets in
percent to 2 places (half up). A change against the base year is computed from the figures
themselves, not from the rounded intensities (an intensity rounded to 4 places could move a
change by hundredths of a percent); whether a year is on track is decided on its change as
published (2 places), the way the city reports it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TARGETS_SOURCE = "中卫市人民政府办公室《中卫市碳排放权交易制度改革实施方案》(卫政办发〔2023〕61号, 2023-10-18)"
BASE_YEAR = 2020  # the targets' base year, and the price year of GDP at constant prices
TARGET_YEAR = 2025
# change of the intensity in the target year against the base year, in percent
ENERGY_INTENSITY_TARGET = Decimal("-15")  # 单位地区生产总值能源消耗降低 15 %
CO2_INTENSITY_TARGET = Decimal("-16")  # 单位地区生产总值二氧化碳排放降低 16 %

INTENSITY_PLACES = Decimal("0.0001")  # 吨/万元
PERCENT_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def round_intensity(value: Decimal) -> Decimal:
    """An intensity as shown: 4 places, half up."""
    return value.quantize(INTENSITY_PLACES, rounding=ROUND_HALF_UP)


def round_percent(value: Decimal) -> Decimal:
    """A percentage as shown: 2 places, half up (never "-0.00")."""
    shown = value.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)
    return abs(shown) if shown == 0 else shown


def intensity(amount: Decimal, gdp: Decimal) -> Decimal:
    """Energy use (万吨标准煤) or CO2 (万吨) per unit of GDP (亿元 at base-year prices), in
    tonnes per 万元, rounded by ``round_intensity``."""
    if gdp <= 0:
        raise ValueError("GDP must be positive")
    return round_intensity(amount / gdp)


def change_percent(amount: Decimal, gdp: Decimal, base_amount: Decimal,
                   base_gdp: Decimal) -> Decimal:
    """The intensity's change against the base year in percent (negative: a fall), from the
    unrounded ratio (amount/gdp) / (base_amount/base_gdp) − 1, rounded by ``round_percent``."""
    if gdp <= 0 or base_gdp <= 0 or base_amount <= 0:
        raise ValueError("GDP and the base year's amount must be positive")
    ratio = (amount * base_gdp) / (gdp * base_amount)
    return round_percent((ratio - 1) * HUNDRED)


def path_target(year: int, full_target: Decimal) -> Decimal:
    """The change a year should have reached on a straight path from the base year (0 %) to
    the target year (``full_target``): a share of the target by the years elapsed (时间进度),
    the full target from the target year on; 0 in the base year and before."""
    span = TARGET_YEAR - BASE_YEAR
    elapsed = min(max(year - BASE_YEAR, 0), span)
    return round_percent(full_target * elapsed / span)


def on_track(change: Decimal, target: Decimal) -> bool:
    """Has the intensity fallen at least as far as the year's target (both in percent)?"""
    return change <= target


def progress_percent(change: Decimal, full_target: Decimal) -> Decimal:
    """How much of the full cut is achieved, in percent (−13 % of a −15 % target: 86.67 %);
    a rise of the intensity gives a negative progress."""
    return round_percent(change / full_target * HUNDRED)
