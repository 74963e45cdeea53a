"""Monthly ledgers (月度台账): per enterprise, facility and month, in three tiers: the
enterprise uploads, the county/park checks (技术把关), the city closes the month."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, Facility
from reporting.choices import LedgerStatus
from reporting.models.factors import FuelType

ZERO = Decimal("0")


def _nonneg(name):
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 0}), name=f"%(class)s_{name}_nonneg"
    )


class MonthlyLedger(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="monthly_ledgers",
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="monthly_ledgers",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LedgerStatus.choices, default=LedgerStatus.DRAFT
    )
    purchased_electricity_mwh = models.DecimalField(
        _("purchased electricity (MWh)"), max_digits=14, decimal_places=3, default=ZERO
    )
    generation_mwh = models.DecimalField(
        _("generation (MWh)"), max_digits=14, decimal_places=3, default=ZERO
    )
    power_supplied_mwh = models.DecimalField(
        _("power supplied (MWh)"), max_digits=14, decimal_places=3, default=ZERO
    )
    heat_supplied_gj = models.DecimalField(
        _("heat supplied (GJ)"), max_digits=14, decimal_places=3, default=ZERO
    )
    running_hours = models.DecimalField(
        _("running hours"), max_digits=7, decimal_places=2, default=ZERO
    )
    load_factor = models.DecimalField(
        _("load factor"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("1"))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    county_checked_at = models.DateTimeField(_("county checked at"), null=True, blank=True)
    county_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.CharField(_("reason for return"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly ledger")
        verbose_name_plural = _("monthly ledgers")
        ordering = ["enterprise_id", "facility_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "year", "month"], name="monthly_ledger_unique_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="ledger_month_range"
            ),
            _nonneg("purchased_electricity_mwh"),
            _nonneg("generation_mwh"),
            _nonneg("power_supplied_mwh"),
            _nonneg("heat_supplied_gj"),
            _nonneg("running_hours"),
        ]
        indexes = [models.Index(fields=["year", "enterprise", "month"])]

    def __str__(self):
        return f"{self.facility} {self.year}-{self.month:02d}"


class MonthlyLedgerLine(models.Model):
    """Fuel burnt in the month, with measured calorific value and carbon content if measured."""

    ledger = models.ForeignKey(
        MonthlyLedger, verbose_name=_("ledger"), on_delete=models.CASCADE, related_name="lines"
    )
    fuel = models.ForeignKey(FuelType, verbose_name=_("fuel"), on_delete=models.PROTECT)
    consumption = models.DecimalField(_("consumption"), max_digits=14, decimal_places=3)
    measured_ncv = models.DecimalField(
        _("measured net calorific value (GJ/unit)"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
    )
    measured_carbon_content = models.DecimalField(
        _("measured carbon per unit heat (tC/GJ)"),
        max_digits=10,
        decimal_places=6,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("ledger fuel line")
        verbose_name_plural = _("ledger fuel lines")
        constraints = [
            models.UniqueConstraint(fields=["ledger", "fuel"], name="ledger_line_unique_fuel"),
            _nonneg("consumption"),
        ]

    def __str__(self):
        return f"{self.ledger} {self.fuel}"


class LedgerEvidence(models.Model):
    """The stamped monthly ledger (PDF or image) and other evidence files."""

    ledger = models.ForeignKey(
        MonthlyLedger, verbose_name=_("ledger"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="ledgers/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ledger evidence")
        verbose_name_plural = _("ledger evidence")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name
