"""Reading the allocation parameters (data rows with year and source) in the shape
``allowances.rules`` takes them. A missing row is a ``MissingParameter`` with a message for
the bureau, never a silent default."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import UnitClass
from allowances.models import AllocationPlan, IntensityBenchmark, LoadFactorBand, PowerBenchmark


class MissingParameter(LookupError):
    """A parameter table has no row for what is asked; ``str()`` is a user-facing message."""


def allocation_plan(year: int) -> AllocationPlan:
    """The plan settings of ``year`` (which power counts as Qe)."""
    row = AllocationPlan.objects.filter(year=year).first()
    if row is None:
        raise MissingParameter(
            _("No allocation plan settings for %(year)s: set whether Qe counts power generated "
              "or power supplied.") % {"year": year}
        )
    return row


def power_benchmark(year: int, unit_class: str) -> PowerBenchmark:
    row = PowerBenchmark.objects.filter(year=year, unit_class=unit_class).first()
    if row is None:
        label = UnitClass(unit_class).label if unit_class in UnitClass.values else unit_class
        raise MissingParameter(
            _("No power benchmark for %(year)s, %(cls)s.") % {"year": year, "cls": label}
        )
    return row


def load_factor_bands(year: int) -> list[rules.Band]:
    bands = [
        (b.lower, b.upper, b.correction)
        for b in LoadFactorBand.objects.filter(year=year).order_by("lower")
    ]
    if not bands:
        raise MissingParameter(_("No load-factor bands for %(year)s.") % {"year": year})
    return bands


def load_factor_correction(year: int, load_factor: Decimal | None) -> Decimal:
    """Ff for ``load_factor`` (a fraction); without a load factor the band must be open."""
    bands = load_factor_bands(year)
    try:
        if load_factor is None:
            open_bands = [b for b in bands if b[0] is None and b[1] is None]
            if len(open_bands) != 1:
                raise ValueError
            return Decimal(open_bands[0][2])
        return rules.load_factor_correction(load_factor, bands)
    except ValueError:
        raise MissingParameter(
            _("The load-factor bands of %(year)s do not give one Ff for %(lf)s.")
            % {"year": year, "lf": load_factor if load_factor is not None else "—"}
        ) from None


def intensity_benchmark(year: int, sector, product: str) -> IntensityBenchmark:
    row = IntensityBenchmark.objects.filter(year=year, sector=sector, product=product).first()
    if row is None:
        raise MissingParameter(
            _("No intensity benchmark for %(year)s, %(sector)s, %(product)s.")
            % {"year": year, "sector": sector, "product": product}
        )
    return row


# --- the parameter pages -----------------------------------------------------------------------


def parameter_years() -> list[int]:
    """Every year that has a row in one of the parameter tables, newest first."""
    years: set[int] = set()
    for model in (AllocationPlan, PowerBenchmark, LoadFactorBand, IntensityBenchmark):
        years.update(model.objects.values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


def band_gaps(bands: list[rules.Band]) -> list[tuple[Decimal, Decimal | None]]:
    """Load factors in [0, +∞) that no band covers, as ``(from, below)`` ranges (``None`` =
    no upper end): a unit whose load factor falls there gets no Ff (``MissingParameter``)."""
    gaps: list[tuple[Decimal, Decimal | None]] = []
    covered: Decimal | None = Decimal(0)  # everything below is covered; None: all of it
    for lower, upper, _ff in sorted(bands, key=lambda b: (b[0] is not None, b[0] or 0)):
        if covered is None:
            break
        if lower is not None and lower > covered:
            gaps.append((covered, lower))
        covered = None if upper is None else max(covered, upper)
    if covered is not None:
        gaps.append((covered, None))
    return gaps
