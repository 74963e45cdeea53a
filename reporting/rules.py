"""Emission accounting rules (pure: no ORM, no request). Factors are data (reporting tables);
this module holds the formulas, the rounding and the tolerance check.

Sources: MEE 企业温室气体排放核算与报告指南 发电设施 (2022 and later revisions); GB/T 32150-2015
(general), GB/T 32151.8 (cement), GB/T 32151.5 (aluminium); DOMAIN.md "Accounting".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from reporting.choices import PROCESS_FORMULA_LABELS, PROCESS_PARAMETER_LABELS

C_TO_CO2 = Decimal(44) / Decimal(12)  # molar mass ratio CO2 / C
CAO_TO_CO2 = Decimal(44) / Decimal(56)  # CO2 / CaO
MGO_TO_CO2 = Decimal(44) / Decimal("40.3")  # CO2 / MgO
TONNE_PRECISION = Decimal("0.01")
# The first year of annual reporting the portal takes (the national MRV guidelines of 2013);
# a report is started for a year that has begun, never for a future one.
FIRST_REPORTING_YEAR = 2013


def reportable_years(today: date) -> range:
    """Years an annual report may be started for on ``today``."""
    return range(FIRST_REPORTING_YEAR, today.year + 1)


def round_tonnes(value: Decimal) -> Decimal:
    """Emissions are reported to 0.01 t, half up (DOMAIN.md example: 10,573.362 → 10,573.36)."""
    return Decimal(value).quantize(TONNE_PRECISION, rounding=ROUND_HALF_UP)


def combustion_emissions(
    *, consumption: Decimal, ncv: Decimal, cc: Decimal, of: Decimal
) -> Decimal:
    """E = FC × NCV × CC × OF × 44/12 (t fuel or 10⁴ Nm³ × GJ/unit × tC/GJ × fraction)."""
    return round_tonnes(consumption * ncv * cc * of * C_TO_CO2)


def electricity_emissions(*, mwh: Decimal, factor: Decimal) -> Decimal:
    """E = purchased electricity (MWh) × grid factor of the reporting year (tCO2/MWh)."""
    return round_tonnes(mwh * factor)


def heat_emissions(*, gj: Decimal, factor: Decimal) -> Decimal:
    """E = purchased heat (GJ) × heat factor (tCO2/GJ)."""
    return round_tonnes(gj * factor)


# --- process emissions: one small function per sector formula ------------------------------


@dataclass(frozen=True)
class ProcessFormula:
    code: str
    label: str  # translated where shown (lazy)
    parameters: tuple[str, ...]  # names of the inputs, in order
    compute: Callable[..., Decimal]


def _cement_clinker(*, clinker_t: Decimal, cao_fraction: Decimal, mgo_fraction: Decimal) -> Decimal:
    """Clinker calcination: E = Q_clinker × (CaO × 44/56 + MgO × 44/40.3), GB/T 32151.8."""
    return round_tonnes(clinker_t * (cao_fraction * CAO_TO_CO2 + mgo_fraction * MGO_TO_CO2))


def _aluminium_anode(
    *, anode_t: Decimal, sulphur_fraction: Decimal, ash_fraction: Decimal
) -> Decimal:
    """Carbon anode consumption: E = NC × (1 − S − A) × 44/12, GB/T 32151.5."""
    return round_tonnes(anode_t * (1 - sulphur_fraction - ash_fraction) * C_TO_CO2)


PARAMETER_LABELS = PROCESS_PARAMETER_LABELS  # the inputs in words, never ``clinker_t``

PROCESS_FORMULAS: dict[str, ProcessFormula] = {
    f.code: f
    for f in (
        ProcessFormula(
            "cement_clinker",
            PROCESS_FORMULA_LABELS["cement_clinker"],
            ("clinker_t", "cao_fraction", "mgo_fraction"),
            _cement_clinker,
        ),
        ProcessFormula(
            "aluminium_anode",
            PROCESS_FORMULA_LABELS["aluminium_anode"],
            ("anode_t", "sulphur_fraction", "ash_fraction"),
            _aluminium_anode,
        ),
    )
}


def process_emissions(code: str, parameters: dict[str, Decimal]) -> Decimal:
    formula = PROCESS_FORMULAS[code]
    missing = [p for p in formula.parameters if p not in parameters]
    if missing:
        raise KeyError(f"missing parameters for {code}: {missing}")
    return formula.compute(**{p: Decimal(parameters[p]) for p in formula.parameters})


# --- checks ---------------------------------------------------------------------------------


def deviation(annual: Decimal, monthly_sum: Decimal) -> Decimal | None:
    """Relative difference of the annual figure from the sum of the monthly ledgers."""
    if monthly_sum == 0:
        return None if annual == 0 else Decimal("1")
    return abs(annual - monthly_sum) / monthly_sum


def exceeds_tolerance(annual: Decimal, monthly_sum: Decimal, tolerance: Decimal) -> bool:
    """Flag for the reviewers when the annual figure differs from the ledgers by more than
    ``tolerance`` (a fraction, e.g. 0.02 for 2 %; data of the reporting year)."""
    d = deviation(annual, monthly_sum)
    return d is not None and d > tolerance


# --- deadlines (dates are Asia/Shanghai calendar dates) ----------------------------------------


def report_late(*, due: date | None, submitted_on: date | None, today: date) -> bool:
    """Late: submitted after the due date, or not submitted and the due date has passed.
    A submission on the due date itself is on time."""
    if due is None:
        return False
    if submitted_on is not None:
        return submitted_on > due
    return today > due


def county_check_due(submitted_on: date | None, days: int) -> date | None:
    """The county checks a submitted report within ``days`` calendar days of its submission."""
    if submitted_on is None:
        return None
    return submitted_on + timedelta(days=days)


def county_check_overdue(*, due: date | None, checked_on: date | None, today: date) -> bool:
    """Overdue: checked after the due date, or still unchecked after it."""
    if due is None:
        return False
    if checked_on is not None:
        return checked_on > due
    return today > due
