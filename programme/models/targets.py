"""Models of the programme's targets topic: the city's yearly statistics (卫政办发〔2023〕61号
targets: energy use and CO2 per unit of GDP against 2020), entered by the statistics bureau.
The units and the targets themselves are in ``programme.rules``."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["CityStatistic"]

POSITIVE = MinValueValidator(
    Decimal("0.01"), _("A figure must be greater than zero (a negative or zero total cannot be right).")
)


class CityStatistic(models.Model):
    """One year's city totals, each with its source; a revision keeps the earlier figures in
    the history with who revised them, when and why."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    gdp = models.DecimalField(
        _("GDP (100 million yuan, 2020 prices)"), max_digits=12, decimal_places=2,
        validators=[POSITIVE],
    )
    gdp_source = models.CharField(_("GDP source"), max_length=200)
    energy = models.DecimalField(
        _("total energy use (10,000 tce)"), max_digits=12, decimal_places=2, validators=[POSITIVE]
    )
    energy_source = models.CharField(_("energy source"), max_length=200)
    co2 = models.DecimalField(
        _("CO2 emissions (10,000 t)"), max_digits=12, decimal_places=2, validators=[POSITIVE]
    )
    co2_source = models.CharField(_("CO2 source"), max_length=200)
    reason = models.CharField(_("reason for the revision"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city statistics of a year")
        verbose_name_plural = _("city statistics")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gdp__gt=0) & models.Q(energy__gt=0) & models.Q(co2__gt=0),
                name="programme_citystatistic_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
