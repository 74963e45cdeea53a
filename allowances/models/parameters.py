"""Allocation parameters as data, each row with its year and source: the plan's settings of
the year (which power counts as Qe), power-sector benchmarks per unit class, load-factor
correction bands (Ff) and product intensities for the generic intensity method. ``allowances.rules`` takes them as arguments; nothing here is a formula."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from allowances.choices import PowerBasis, UnitClass
from registry.models import Sector

ZERO = 0


class AllocationPlan(models.Model):
    """The allocation plan of one year, as far as the formulas need it: which power quantity
    is Qe (国环规气候〔2024〕1号: generated; earlier plans: supplied). One row per year."""

    year = models.PositiveSmallIntegerField(_("allocation year"), unique=True)
    power_basis = models.CharField(
        _("Qe counts"), max_length=10, choices=PowerBasis.choices,
        help_text=_("Which power of a unit the plan multiplies by the benchmark."),
    )
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation plan")
        verbose_name_plural = _("allocation plans")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} {self.get_power_basis_display()}"


class PowerBenchmark(models.Model):
    """Be (tCO2/MWh) and Bh (tCO2/GJ) of one unit class for one allocation year."""

    year = models.PositiveSmallIntegerField(_("allocation year"))
    unit_class = models.CharField(_("unit class"), max_length=12, choices=UnitClass.choices)
    power_benchmark = models.DecimalField(
        _("power benchmark (tCO2/MWh)"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
    )
    heat_benchmark = models.DecimalField(
        _("heat benchmark (tCO2/GJ)"),
        max_digits=8,
        decimal_places=4,
        validators=[MinValueValidator(ZERO)],
    )
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("power benchmark")
        verbose_name_plural = _("power benchmarks")
        ordering = ["-year", "unit_class"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_class"], name="power_benchmark_unique"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_unit_class_display()}"


class LoadFactorBand(models.Model):
    """Ff for load factors in [lower, upper) (fractions, 0.65 = 65 %); an empty bound is open."""

    year = models.PositiveSmallIntegerField(_("allocation year"))
    lower = models.DecimalField(
        _("load factor from (incl.)"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    upper = models.DecimalField(
        _("load factor below"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    correction = models.DecimalField(
        _("correction Ff"), max_digits=6, decimal_places=4, validators=[MinValueValidator(ZERO)]
    )
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("load-factor band")
        verbose_name_plural = _("load-factor bands")
        ordering = ["-year", "lower"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lower__isnull=True) | Q(upper__isnull=True) | Q(upper__gt=F("lower")),
                name="load_factor_band_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.year} [{self.lower}, {self.upper}) Ff {self.correction}"


class IntensityBenchmark(models.Model):
    """Allowance per unit of product (tCO2/unit) of one sector for one allocation year."""

    year = models.PositiveSmallIntegerField(_("allocation year"))
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.CharField(_("product"), max_length=100)
    unit = models.CharField(_("unit of product"), max_length=20)
    intensity = models.DecimalField(
        _("intensity (tCO2/unit)"),
        max_digits=12,
        decimal_places=6,
        validators=[MinValueValidator(ZERO)],
    )
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intensity benchmark")
        verbose_name_plural = _("intensity benchmarks")
        ordering = ["-year", "sector__sort_order", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sector", "product"], name="intensity_benchmark_unique"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.product}"
