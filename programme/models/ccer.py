"""The CCER project library (卫政办发〔2023〕61号 task 11): the city's pipeline of CCER projects
(wind, solar, hydro, hydrogen, other renewables, methane use, forestry sinks) and
carbon-inclusion (碳普惠) projects, from the idea to the issuance of reductions.

A registered library project is linked to the ``allowances.CCERProject`` its units carry in the
ledger (holdings, surrenders): the registered end of this pipeline. The workflow (allowed stage
changes) is ``programme.ccer_rules.TRANSITIONS``; changes go through
``programme.services.ccer``."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

__all__ = ["CCERLibraryProject", "CCERReduction", "CCERStage", "CCERType", "CapacityUnit"]


class CCERType(models.TextChoices):
    WIND = "wind", _("Wind power")
    SOLAR = "solar", _("Solar power")
    HYDRO = "hydro", _("Hydropower")
    HYDROGEN = "hydrogen", _("Hydrogen")
    OTHER_RENEWABLE = "other_renewable", _("Other renewable energy")
    METHANE = "methane", _("Methane use")
    FORESTRY_SINK = "forestry_sink", _("Forestry carbon sink")
    CARBON_INCLUSION = "carbon_inclusion", _("Carbon inclusion (碳普惠)")
    OTHER = "other", pgettext_lazy("ccer type", "Other")


class CCERStage(models.TextChoices):
    IDEA = "idea", _("Project idea")
    DESIGN = "design", _("Design document (项目设计文件)")
    VALIDATION = "validation", _("Validation (审定)")
    REGISTERED = "registered", _("Registered (登记)")
    ISSUED = "issued", _("Reductions issued (减排量登记)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CapacityUnit(models.TextChoices):
    MW = "MW", _("MW (installed capacity)")
    HECTARE = "ha", _("hectares")
    TONNE_YEAR = "t/a", _("tonnes per year")
    NM3_YEAR = "Nm3/a", _("Nm³ per year")
    OTHER = "other", pgettext_lazy("ccer unit", "other")


class CCERLibraryProject(models.Model):
    """One project of the library. Its owner is an enterprise of the registry when it is one,
    else named in ``owner_name``. The date of each stage reached is kept on the row; each
    stage change is also a business event (who, when, note)."""

    code = models.CharField(_("library number"), max_length=30, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    owner_enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("owner (registered enterprise)"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="ccer_library_projects",
    )
    owner_name = models.CharField(_("owner name"), max_length=200, blank=True)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area"), on_delete=models.PROTECT,
        related_name="ccer_library_projects",
    )
    project_type = models.CharField(_("project type"), max_length=20, choices=CCERType.choices)
    methodology_code = models.CharField(_("methodology code"), max_length=40, blank=True)
    methodology_name = models.CharField(_("methodology name"), max_length=200, blank=True)
    capacity = models.DecimalField(
        _("capacity / scale"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    capacity_unit = models.CharField(
        _("unit of the scale"), max_length=8, choices=CapacityUnit.choices, blank=True
    )
    crediting_start = models.DateField(_("crediting period from"), null=True, blank=True)
    crediting_end = models.DateField(_("crediting period to"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=CCERStage.choices, default=CCERStage.IDEA
    )
    design_on = models.DateField(_("design document completed"), null=True, blank=True)
    validation_on = models.DateField(_("validation started"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    issued_on = models.DateField(_("first issuance on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    stage_before_withdrawal = models.CharField(
        _("stage before withdrawal"), max_length=12, choices=CCERStage.choices, blank=True
    )
    registered_project = models.OneToOneField(
        "allowances.CCERProject", verbose_name=_("CCER registry project"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="library_project",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("CCER library project")
        verbose_name_plural = _("CCER library projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner_name="") | Q(owner_enterprise__isnull=False),
                name="ccer_library_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(registered_project__isnull=True)
                | Q(stage__in=["registered", "issued", "withdrawn"]),
                name="ccer_library_linked_only_when_registered",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("programme:ccer_detail", args=[self.pk])

    @property
    def owner(self) -> str:
        return self.owner_enterprise.name if self.owner_enterprise_id else self.owner_name

    @property
    def methodology(self) -> str:
        return " ".join(p for p in (self.methodology_code, self.methodology_name) if p)

    @property
    def scale(self) -> str:
        if self.capacity is None:
            return ""
        unit = self.get_capacity_unit_display() if self.capacity_unit else ""
        return f"{self.capacity.normalize():f} {unit}".strip()


class CCERReduction(models.Model):
    """A project's reductions of one year (tCO2e): the design document's estimate and, once
    the project is registered, what was issued."""

    project = models.ForeignKey(
        CCERLibraryProject, verbose_name=_("project"), on_delete=models.CASCADE,
        related_name="reductions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    expected_tco2e = models.DecimalField(
        _("expected reductions (tCO2e)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    issued_tco2e = models.DecimalField(
        _("issued reductions (tCO2e)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("CCER reductions of a year")
        verbose_name_plural = _("CCER reductions by year")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="ccer_reduction_one_per_year"),
            models.CheckConstraint(
                condition=Q(issued_tco2e__isnull=True) | Q(issued_tco2e__gte=0),
                name="ccer_reduction_issued_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.year}"
