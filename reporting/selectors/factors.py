"""Which factor applies: read from the factor tables (never an ``if`` on the year)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.choices import FactorKind
from reporting.models import FactorApplicability, FuelFactor, ReportingYear


class MissingFactor(LookupError):
    """No factor row for that year: the bureau must enter it (message for the user)."""


@dataclass(frozen=True)
class FuelDefaults:
    ncv: Decimal
    carbon_content: Decimal
    oxidation_rate: Decimal
    source: str


def fuel_defaults(fuel, year: int) -> FuelDefaults:
    """The fuel's default NCV, CC and OF in force for ``year`` (latest row not after it)."""
    row = (
        FuelFactor.objects.filter(fuel=fuel, valid_from_year__lte=year)
        .order_by("-valid_from_year")
        .first()
    )
    if row is None:
        raise MissingFactor(
            _("No default factors for %(fuel)s in %(year)s.") % {"fuel": fuel, "year": year}
        )
    return FuelDefaults(row.ncv, row.carbon_content, row.oxidation_rate, row.source)


# What the bureau must set, named as the user knows it (never the code "grid"/"heat").
FACTOR_NAMES = {
    FactorKind.GRID: gettext_lazy("grid emission factor"),
    FactorKind.HEAT: gettext_lazy("heat emission factor"),
}


def missing_factor_message(kind: str, year: int) -> str:
    return _(
        "The %(factor)s of reporting year %(year)s has not been set: the municipal ecology and "
        "environment bureau must assign it in the factor tables before these emissions can be "
        "calculated."
    ) % {"factor": FACTOR_NAMES[kind], "year": year}


def factor_for(kind: str, year: int) -> Decimal:
    """The grid or heat factor that applies to reporting ``year``."""
    try:
        return FactorApplicability.objects.select_related("factor").get(
            reporting_year=year, kind=kind
        ).factor.value
    except ObjectDoesNotExist:
        raise MissingFactor(missing_factor_message(kind, year)) from None


def missing_factors(years=None) -> dict[int, list[str]]:
    """Reporting years (``years``, default every ``ReportingYear``) without a grid or heat
    factor assigned: {year: [factor names]}, years in order; complete years left out."""
    if years is None:
        years = ReportingYear.objects.values_list("year", flat=True)
    years = sorted(set(years))
    assigned = set(
        FactorApplicability.objects.filter(reporting_year__in=years).values_list(
            "reporting_year", "kind"
        )
    )
    missing = {}
    for year in years:
        names = [str(FACTOR_NAMES[k]) for k in FactorKind.values if (year, k) not in assigned]
        if names:
            missing[year] = names
    return missing


def reporting_year(year: int) -> ReportingYear:
    try:
        return ReportingYear.objects.get(year=year)
    except ReportingYear.DoesNotExist:
        raise MissingFactor(
            _("The deadlines of reporting year %(year)s have not been set.") % {"year": year}
        ) from None
