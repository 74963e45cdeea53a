"""Factor tables and the reporting calendar: data with year and source, edited by bureau
admins, history kept (DOMAIN.md: numbers that change by year are data, never constants)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import BilingualNameMixin
from reporting.choices import FactorKind, Region

ZERO = Decimal("0")


class FuelType(BilingualNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    unit = models.CharField(_("unit of consumption"), max_length=20, help_text=_("e.g. t, 10⁴ Nm³"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fuel type")
        verbose_name_plural = _("fuel types")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label


class FuelFactor(models.Model):
    """Default net calorific value, carbon per unit heat and oxidation rate of a fuel, in force
    from ``valid_from_year`` until a later row replaces it."""

    fuel = models.ForeignKey(
        FuelType, verbose_name=_("fuel"), on_delete=models.PROTECT, related_name="factors"
    )
    valid_from_year = models.PositiveSmallIntegerField(_("applies from reporting year"))
    ncv = models.DecimalField(
        _("net calorific value (GJ/unit)"),
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
    )
    carbon_content = models.DecimalField(
        _("carbon per unit heat (tC/GJ)"),
        max_digits=10,
        decimal_places=6,
        validators=[MinValueValidator(ZERO)],
    )
    oxidation_rate = models.DecimalField(
        _("oxidation rate"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1"))],
    )
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fuel default factor")
        verbose_name_plural = _("fuel default factors")
        ordering = ["fuel__sort_order", "-valid_from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["fuel", "valid_from_year"], name="fuel_factor_unique_year"
            ),
        ]

    def __str__(self):
        return f"{self.fuel} ({self.valid_from_year})"


class EmissionFactor(models.Model):
    """A published grid or heat factor (value as published, with its data year and source)."""

    kind = models.CharField(_("kind"), max_length=10, choices=FactorKind.choices)
    region = models.CharField(_("region"), max_length=12, choices=Region.choices)
    data_year = models.PositiveSmallIntegerField(_("data year"))
    value = models.DecimalField(
        _("value"), max_digits=10, decimal_places=4, validators=[MinValueValidator(ZERO)]
    )
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emission factor")
        verbose_name_plural = _("emission factors")
        ordering = ["kind", "region", "-data_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "data_year", "value"], name="emission_factor_unique"
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.get_region_display()} {self.data_year}: {self.value}"
        )


class FactorApplicability(models.Model):
    """Which published factor applies to which reporting year: a row, never an ``if``."""

    reporting_year = models.PositiveSmallIntegerField(_("reporting year"))
    kind = models.CharField(_("kind"), max_length=10, choices=FactorKind.choices)
    factor = models.ForeignKey(EmissionFactor, verbose_name=_("factor"), on_delete=models.PROTECT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("factor applicability")
        verbose_name_plural = _("factor applicability")
        ordering = ["-reporting_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporting_year", "kind"], name="factor_applicability_unique"
            ),
        ]

    def __str__(self):
        return f"{self.reporting_year} {self.get_kind_display()} → {self.factor.value}"


class ReportingYear(models.Model):
    """Deadlines and day counts of one reporting year (city notices; data, not constants)."""

    year = models.PositiveSmallIntegerField(_("reporting year"), unique=True)
    ledger_upload_days = models.PositiveSmallIntegerField(
        _("enterprise uploads a month within (days after month end)"), default=20
    )
    ledger_county_check_days = models.PositiveSmallIntegerField(
        _("county checks a month within (days after upload)"), default=5
    )
    ledger_close_days = models.PositiveSmallIntegerField(
        _("city closes a month within (days after month end)"), default=40
    )
    report_due = models.DateField(_("annual report due (enterprise)"))
    report_county_check_days = models.PositiveSmallIntegerField(
        _("county checks a report within (days after submission)"), default=10
    )
    report_city_due = models.DateField(_("city check of reports due"))
    ledger_tolerance = models.DecimalField(
        _("tolerance annual vs. monthly ledgers (fraction)"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.02"),
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1"))],
    )
    objection_working_days = models.PositiveSmallIntegerField(
        _("objection window (working days)"), default=7
    )
    objection_decision_working_days = models.PositiveSmallIntegerField(
        _("objection decision due (working days)"), default=10
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting year")
        verbose_name_plural = _("reporting years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)
