"""The portal's own check value of a notified allocation (issue 5 §2, issue 9 §1): the same
formulas as the region's plan (``allowances.rules``) over the parameter tables of the
allocation year Y and the unit data imported with the notice, so the bureau sees at a glance
where the region's figure differs from what the portal computes.

- Pre-allocation check (``rules.pre_allocation``): 70 % of the allowance computed from each
  unit's prior-year (Y−1) verified activity data with year Y's benchmarks and factors —
  power: Qe_{Y−1} × Be_Y × Ff_Y (Ff_Y at the Y−1 load factor) + Qh_{Y−1} × Bh_Y; intensity:
  output_{Y−1} × intensity_Y — summed over the units, rounded once. Not 70 % of the prior
  year's emissions.
- Final check: each unit by its method on year Y's own data (rounded per unit), then
  ``rules.final_allocation`` (gas units topped up to their verified emissions, enterprise
  shortfall capped at 20 % of the verified emissions of the year).

Qe is the power the plan of year Y counts (``AllocationPlan.power_basis``: generated or
supplied). Nothing here writes; a missing parameter or input is a readable ``problem``, never a
guess. A problem is reported for a figure the notice carries (a check value the bureau has
nothing to compare with stays quiet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import AllocationMethod, PowerBasis, UnitClass
from allowances.selectors import parameters as params
from registry.selectors.enterprises import verified_emissions

# The keys of ``Allocation.inputs["units"][i]`` (the import's unit sheet); the prior year's
# data carry the prefix ``prior_``.
QE_KEYS = {PowerBasis.GENERATED: "generated_mwh", PowerBasis.SUPPLIED: "supplied_mwh"}
PRIOR = "prior_"


@dataclass
class UnitCheck:
    name: str
    allocation: int | None = None
    detail: str = ""  # the formula with its numbers, for the detail page
    prior_allowance: Decimal | None = None  # Y−1 activity × Y parameters, unrounded (t)
    prior_detail: str = ""

    @property
    def prior_tonnes(self) -> str:
        return "" if self.prior_allowance is None else tonnes(self.prior_allowance)


@dataclass
class CheckResult:
    pre_allocation: int | None = None
    pre_detail: str = ""  # "70 % × (328,800 + …) = 230,160"
    final: int | None = None
    top_up: int = 0
    power_basis: str = ""  # label of what Qe counts in the plan of the year (power method)
    units: list[UnitCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def problem(self) -> str:
        """The problems as sentences one after the other (each ends with its full stop)."""
        return " ".join(self.problems)[:300]

    def add(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)


class NoPriorData(params.MissingParameter):
    """A unit without the prior year's activity data: no pre-allocation check for it."""


def _dec(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def tonnes(value: Decimal) -> str:
    """A quantity as the formulas show it: thousands separators, no trailing zeros."""
    value = value.normalize()
    return format(value.quantize(Decimal(1)) if value == value.to_integral() else value, ",f")


def percent(share: Decimal) -> str:
    """A share as a percentage without trailing zeros (0.70 → "70")."""
    return format((share * 100).normalize(), "f")


# A unit's allowance (unrounded t) and its formula with numbers, on year Y's own data
# (prior=False) or on the prior year's (prior=True), always with year Y's parameters.
UnitAllowance = Callable[[dict, bool], tuple[Decimal, str]]


def _no_prior(year: int, name: str, quantity) -> NoPriorData:
    return NoPriorData(
        _("No prior-year activity data for unit %(unit)s: the pre-allocation check needs its "
          "%(quantity)s of %(year)s.") % {"unit": name, "quantity": quantity, "year": year - 1}
    )


def _power(year: int, basis: str) -> UnitAllowance:
    qe_key, quantity = QE_KEYS[basis], PowerBasis(basis).label

    def allowance(unit: dict, prior: bool) -> tuple[Decimal, str]:
        name = unit.get("name", "")
        prefix = PRIOR if prior else ""
        unit_class = unit.get("unit_class") or ""
        if unit_class not in UnitClass.values:
            raise params.MissingParameter(_("Unit %(unit)s has no unit class.") % {"unit": name})
        qe = _dec(unit.get(prefix + qe_key))
        if qe is None:
            if prior:
                raise _no_prior(year, name, str(quantity).lower())
            raise params.MissingParameter(
                _("Unit %(unit)s has no %(quantity)s figure for %(year)s.")
                % {"unit": name, "quantity": str(quantity).lower(), "year": year}
            )
        bench = params.power_benchmark(year, unit_class)
        ff = params.load_factor_correction(year, _dec(unit.get(prefix + "load_factor")))
        qh = _dec(unit.get(prefix + "heat_gj")) or Decimal(0)  # blank: no heat supplied
        value = rules.power_allowance(
            power_mwh=qe, benchmark=bench.power_benchmark, load_factor_correction=ff,
            heat_gj=qh, heat_benchmark=bench.heat_benchmark,
        )
        detail = (f"{tonnes(qe)} MWh × {bench.power_benchmark} × {ff} + "
                  f"{tonnes(qh)} GJ × {bench.heat_benchmark}")
        return value, detail

    return allowance


def _intensity(year: int, sector) -> UnitAllowance:
    def allowance(unit: dict, prior: bool) -> tuple[Decimal, str]:
        name = unit.get("name", "")
        product = (unit.get("product") or "").strip()
        output = _dec(unit.get((PRIOR if prior else "") + "output"))
        if product and output is None and prior:
            raise _no_prior(year, name, _("output"))
        if not product or output is None:
            raise params.MissingParameter(
                _("Unit %(unit)s needs its product and output.") % {"unit": name}
            )
        bench = params.intensity_benchmark(year, sector, product)
        value = rules.intensity_allowance(output, bench.intensity)
        return value, f"{tonnes(output)} {bench.unit} × {bench.intensity}"

    return allowance


def check(allocation) -> CheckResult:
    """Check values of one ``Allocation`` (its cycle year's parameters, the unit data of the
    notice and the year's verified emissions)."""
    year = allocation.cycle.year
    result = CheckResult()
    units = (allocation.inputs or {}).get("units") or []
    if not units:
        if allocation.pre_allocation is not None or allocation.notified is not None:
            result.add(_("No unit data imported: the check values need each unit's activity "
                         "data."))
        return result
    result.units = [UnitCheck(unit.get("name", "")) for unit in units]
    if allocation.method == AllocationMethod.POWER_BENCHMARK:
        try:
            plan = params.allocation_plan(year)
        except params.MissingParameter as exc:
            result.add(str(exc))
            return result
        result.power_basis = str(plan.get_power_basis_display())
        allowance = _power(year, plan.power_basis)
    else:
        allowance = _intensity(year, allocation.enterprise.sector)
    _pre_allocation(allocation, units, allowance, result)
    _final(allocation, units, allowance, result)
    return result


def _pre_allocation(allocation, units, allowance: UnitAllowance, result: CheckResult) -> None:
    problems = []
    for unit, unit_check in zip(units, result.units, strict=True):
        try:
            unit_check.prior_allowance, unit_check.prior_detail = allowance(unit, True)
        except params.MissingParameter as exc:
            problems.append(str(exc))
    if problems:
        if allocation.pre_allocation is not None:
            for problem in problems:
                result.add(problem)
        return
    prior = [u.prior_allowance for u in result.units]
    result.pre_allocation = rules.pre_allocation(prior)
    terms = " + ".join(tonnes(a) for a in prior)
    if len(prior) > 1:
        terms = f"({terms})"
    share = percent(rules.PRE_ALLOCATION_SHARE)
    result.pre_detail = f"{share} % × {terms} = {result.pre_allocation:,}"


def _final(allocation, units, allowance: UnitAllowance, result: CheckResult) -> None:
    problems: list[str] = []
    report = problems.append
    unit_rows = []
    for unit, unit_check in zip(units, result.units, strict=True):
        try:
            value, unit_check.detail = allowance(unit, False)
        except params.MissingParameter as exc:
            report(str(exc))
            continue
        unit_check.allocation = rules.round_allowance(value)
        unit_rows.append(
            rules.UnitAllocation(
                unit_check.allocation,
                _dec(unit.get("verified")) or Decimal(0),
                gas=unit.get("unit_class") == UnitClass.GAS,
            )
        )
    if len(unit_rows) == len(units):
        _final_allocation(allocation, units, unit_rows, result, report)
    if allocation.notified is not None:
        for problem in problems:
            result.add(problem)


def _final_allocation(allocation, units, unit_rows, result: CheckResult, report) -> None:
    year = allocation.cycle.year
    total = verified_emissions(allocation.enterprise, year)
    if total is None:
        report(_("No verified emissions of %(year)s yet: the final check needs them.")
               % {"year": year})
        return
    if len(unit_rows) == 1 and not unit_rows[0].verified:
        # one unit: its verified emissions are the enterprise's
        unit_rows[0] = rules.UnitAllocation(unit_rows[0].allocation, total, unit_rows[0].gas)
    missing_gas = [
        unit.get("name", "")
        for unit, row in zip(units, unit_rows, strict=True)
        if row.gas and not row.verified
    ]
    if missing_gas:
        report(_("Gas units need their own verified emissions for the top-up: %(units)s.")
               % {"units": ", ".join(missing_gas)})
        return
    own = sum((u.verified for u in unit_rows), Decimal(0))
    if own > total:
        report(_("The units' verified emissions (%(units)s t) exceed the enterprise's "
                 "(%(total)s t).") % {"units": own, "total": total})
        return
    final = rules.final_allocation(unit_rows, verified_total=total)
    result.final = final.allocation
    result.top_up = final.top_up
