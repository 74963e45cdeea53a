"""Sums of the monthly ledgers of a year, for the annual report: the check figure that the
annual total is compared with, and the pre-filled values of the report's Excel template.

The ledger figure is computed with the same rules as the report lines (``reporting.rules``):
fuel combustion with the measured NCV / carbon content of the month where given, otherwise
the fuel's default factors of that year; purchased electricity × the grid factor of the year.
Draft months (not yet submitted by the enterprise) and returned months (sent back for
correction) do not count. Ledgers hold fuel and purchased electricity only: the annual
report's process and heat lines have no ledger counterpart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from reporting import rules
from reporting.choices import FactorKind, LedgerStatus, SourceKind
from reporting.models import MonthlyLedger, MonthlyLedgerLine
from reporting.selectors.factors import factor_for, fuel_defaults

ZERO = Decimal("0")
UNCOUNTED = (LedgerStatus.DRAFT, LedgerStatus.RETURNED)
# the report lines that the ledgers can be compared with
LEDGER_SOURCES = (SourceKind.COMBUSTION, SourceKind.ELECTRICITY)


@dataclass
class FacilitySums:
    facility: object
    fuels: dict = field(default_factory=dict)  # FuelType -> consumption
    electricity_mwh: Decimal = ZERO
    months: int = 0


def _ledgers(enterprise, year: int):
    return MonthlyLedger.objects.filter(enterprise=enterprise, year=year).exclude(
        status__in=UNCOUNTED
    )


def ledger_sums(enterprise, year: int) -> list[FacilitySums]:
    """Per facility: fuel consumption by fuel and purchased electricity of the year."""
    by_facility: dict[int, FacilitySums] = {}
    for ledger in _ledgers(enterprise, year).select_related("facility"):
        sums = by_facility.setdefault(ledger.facility_id, FacilitySums(ledger.facility))
        sums.electricity_mwh += ledger.purchased_electricity_mwh
        sums.months += 1
    lines = MonthlyLedgerLine.objects.filter(ledger__in=_ledgers(enterprise, year)).select_related(
        "fuel", "ledger"
    )
    for line in lines:
        sums = by_facility[line.ledger.facility_id]
        sums.fuels[line.fuel] = sums.fuels.get(line.fuel, ZERO) + line.consumption
    return sorted(by_facility.values(), key=lambda s: s.facility.name)


def ledger_total(enterprise, year: int) -> Decimal:
    """Emissions (tCO2e) of the year's monthly ledgers, rounded like the report.

    Raises ``MissingFactor`` when a needed factor is not in the tables."""
    total = ZERO
    defaults_cache: dict[int, object] = {}
    default_consumption: dict[object, Decimal] = defaultdict(lambda: ZERO)
    lines = MonthlyLedgerLine.objects.filter(ledger__in=_ledgers(enterprise, year)).select_related(
        "fuel"
    )
    for line in lines:
        if line.fuel_id not in defaults_cache:
            defaults_cache[line.fuel_id] = fuel_defaults(line.fuel, year)
        d = defaults_cache[line.fuel_id]
        if line.measured_ncv is None and line.measured_carbon_content is None:
            default_consumption[line.fuel_id] += line.consumption
            continue
        total += rules.combustion_emissions(
            consumption=line.consumption,
            ncv=line.measured_ncv if line.measured_ncv is not None else d.ncv,
            cc=(
                line.measured_carbon_content
                if line.measured_carbon_content is not None
                else d.carbon_content
            ),
            of=d.oxidation_rate,
        )
    for fuel_id, consumption in default_consumption.items():
        d = defaults_cache[fuel_id]
        total += rules.combustion_emissions(
            consumption=consumption, ncv=d.ncv, cc=d.carbon_content, of=d.oxidation_rate
        )
    mwh = sum((lg.purchased_electricity_mwh for lg in _ledgers(enterprise, year)), ZERO)
    if mwh:
        total += rules.electricity_emissions(mwh=mwh, factor=factor_for(FactorKind.GRID, year))
    return rules.round_tonnes(total)


def ledger_comparable_total(version) -> Decimal:
    """The part of a report version that the ledgers cover: combustion + electricity lines."""
    return rules.round_tonnes(
        sum(
            (line.emissions for line in version.lines.filter(source_kind__in=LEDGER_SOURCES)),
            ZERO,
        )
    )
