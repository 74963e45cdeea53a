"""Which factor applies: read from the factor tables (never an ``if`` on the year)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

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


def factor_for(kind: str, year: int) -> Decimal:
    """The grid or heat factor that applies to reporting ``year``."""
    try:
        return FactorApplicability.objects.select_related("factor").get(
            reporting_year=year, kind=kind
        ).factor.value
    except ObjectDoesNotExist:
        raise MissingFactor(
            _("No %(kind)s factor is assigned to reporting year %(year)s.")
            % {"kind": kind, "year": year}
        ) from None


def reporting_year(year: int) -> ReportingYear:
    try:
        return ReportingYear.objects.get(year=year)
    except ReportingYear.DoesNotExist:
        raise MissingFactor(
            _("The deadlines of reporting year %(year)s have not been set.") % {"year": year}
        ) from None
