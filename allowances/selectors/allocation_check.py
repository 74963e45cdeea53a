"""The portal's own check value of a notified allocation (issue 5 §2): the same formulas as
the region's plan (``allowances.rules``) over the parameter tables of the allocation year and
the inputs imported with the notice, so the bureau sees at a glance where the region's
figure differs from what the portal computes.

- Pre-allocation check: ``rules.pre_allocation`` of the prior year's verified emissions.
- Final check: each unit by its method (power benchmark: Qe × Be × Ff + Qh × Bh; intensity:
  output × intensity), then ``rules.final_allocation`` (gas units topped up to their verified
  emissions, enterprise shortfall capped at 20 % of the verified emissions of the year).

Nothing here writes; a missing parameter or input is a readable ``problem``, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import AllocationMethod, UnitClass
from allowances.selectors import parameters as params
from registry.selectors.enterprises import verified_emissions


@dataclass
class UnitCheck:
    name: str
    allocation: int | None = None
    detail: str = ""  # the formula with its numbers, for the detail page


@dataclass
class CheckResult:
    pre_allocation: int | None = None
    final: int | None = None
    top_up: int = 0
    units: list[UnitCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def problem(self) -> str:
        return "; ".join(self.problems)[:300]


def _dec(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _power_unit(year: int, unit: dict) -> UnitCheck:
    check = UnitCheck(unit.get("name", ""))
    unit_class = unit.get("unit_class") or ""
    if unit_class not in UnitClass.values:
        raise params.MissingParameter(_("Unit %(unit)s has no unit class.") % {"unit": check.name})
    bench = params.power_benchmark(year, unit_class)
    ff = params.load_factor_correction(year, _dec(unit.get("load_factor")))
    qe = _dec(unit.get("supplied_mwh")) or Decimal(0)
    qh = _dec(unit.get("heat_gj")) or Decimal(0)
    check.allocation = rules.power_allocation(
        supplied_mwh=qe,
        benchmark=bench.power_benchmark,
        load_factor_correction=ff,
        heat_gj=qh,
        heat_benchmark=bench.heat_benchmark,
    )
    check.detail = (
        f"{qe:,} MWh × {bench.power_benchmark} × {ff} + {qh:,} GJ × {bench.heat_benchmark}"
    )
    return check


def _intensity_unit(year: int, sector, unit: dict) -> UnitCheck:
    check = UnitCheck(unit.get("name", ""))
    product = (unit.get("product") or "").strip()
    output = _dec(unit.get("output"))
    if not product or output is None:
        raise params.MissingParameter(
            _("Unit %(unit)s needs its product and output.") % {"unit": check.name}
        )
    bench = params.intensity_benchmark(year, sector, product)
    check.allocation = rules.intensity_allocation(output, bench.intensity)
    check.detail = f"{output:,} {bench.unit} × {bench.intensity}"
    return check


def check(allocation) -> CheckResult:
    """Check values of one ``Allocation`` (its cycle year's parameters and verified data)."""
    year = allocation.cycle.year
    enterprise = allocation.enterprise
    result = CheckResult()
    prior = verified_emissions(enterprise, year - 1)
    if prior is not None:
        result.pre_allocation = rules.pre_allocation(prior)
    elif allocation.pre_allocation is not None:
        result.problems.append(
            _("No verified emissions of %(year)s for the pre-allocation check.")
            % {"year": year - 1}
        )
    units = (allocation.inputs or {}).get("units") or []
    if not units:
        if allocation.notified is not None:
            result.problems.append(_("No unit data imported for the final check."))
        return result
    unit_rows = []
    for unit in units:
        try:
            if allocation.method == AllocationMethod.POWER_BENCHMARK:
                unit_check = _power_unit(year, unit)
            else:
                unit_check = _intensity_unit(year, enterprise.sector, unit)
        except params.MissingParameter as exc:
            result.problems.append(str(exc))
            result.units.append(UnitCheck(unit.get("name", "")))
            continue
        result.units.append(unit_check)
        unit_rows.append(
            rules.UnitAllocation(
                unit_check.allocation,
                _dec(unit.get("verified")) or Decimal(0),
                gas=unit.get("unit_class") == UnitClass.GAS,
            )
        )
    if len(unit_rows) != len(units):
        return result
    total = verified_emissions(enterprise, year)
    if total is None:
        result.problems.append(
            _("No verified emissions of %(year)s yet: the final check needs them.")
            % {"year": year}
        )
        return result
    if len(unit_rows) == 1 and not unit_rows[0].verified:
        # one unit: its verified emissions are the enterprise's
        unit_rows[0] = rules.UnitAllocation(unit_rows[0].allocation, total, unit_rows[0].gas)
    missing_gas = [
        unit.get("name", "")
        for unit, row in zip(units, unit_rows, strict=True)
        if row.gas and not row.verified
    ]
    if missing_gas:
        result.problems.append(
            _("Gas units need their own verified emissions for the top-up: %(units)s.")
            % {"units": ", ".join(missing_gas)}
        )
        return result
    own = sum((u.verified for u in unit_rows), Decimal(0))
    if own > total:
        result.problems.append(
            _("The units' verified emissions (%(units)s t) exceed the enterprise's (%(total)s t).")
            % {"units": own, "total": total}
        )
        return result
    final = rules.final_allocation(unit_rows, verified_total=total)
    result.final = final.allocation
    result.top_up = final.top_up
    return result
