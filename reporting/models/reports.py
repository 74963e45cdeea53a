"""Annual emission reports (年度排放报告): a report per enterprise and year, with versions.

A submitted version is frozen in PostgreSQL (pgtrigger): its row and its lines can be
neither changed nor deleted; a later change is a new version (DESIGN.md §4.5)."""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, Facility
from reporting.choices import ReportStatus, SourceKind
from reporting.models.factors import FuelType

ZERO = Decimal("0")


class AnnualReport(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("reporting year"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "reporting.ReportVersion",
        verbose_name=_("current version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    county_checked_at = models.DateTimeField(_("county checked at"), null=True, blank=True)
    county_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    county_note = models.CharField(_("county check note"), max_length=1000, blank=True)
    agency = models.ForeignKey(
        "verifiers.Agency",
        verbose_name=_("verification agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_reports",
    )
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification_round = models.PositiveSmallIntegerField(_("verification round"), default=0)
    final_emissions = models.DecimalField(
        _("final verified emissions (tCO2e)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    final_at = models.DateTimeField(_("final at"), null=True, blank=True)
    notice_date = models.DateField(_("result notified on"), null=True, blank=True)
    objection_deadline = models.DateField(_("objection deadline"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual emission report")
        verbose_name_plural = _("annual emission reports")
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="annual_report_unique_year"
            ),
        ]

    def __str__(self):
        return str(
            _("%(enterprise)s %(year)s annual report")
            % {"enterprise": self.enterprise, "year": self.year}
        )

    @property
    def round_due(self) -> int:
        """The verification round the agency works on while the report waits for it (assigned
        or returned after re-check): one after the rounds filed (``verification_round``), as
        the agency's to-do names it."""
        return self.verification_round + 1

    @property
    def reported_total(self):
        """The enterprise's figure: the current version's total (tCO2e), or ``None``."""
        version = self.current_version
        return version.total_emissions if version is not None else None

    @property
    def verified_total(self):
        """The verified figure the bureau accepted on re-check (tCO2e), or ``None``."""
        return self.final_emissions

    @property
    def verified_difference(self):
        """Verified − reported (tCO2e; negative when verification lowered it), or ``None``."""
        if self.final_emissions is None or self.reported_total is None:
            return None
        return self.final_emissions - self.reported_total


class ReportVersion(models.Model):
    report = models.ForeignKey(
        AnnualReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("certified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    certification = models.TextField(_("certification statement"), blank=True)
    enterprise_snapshot = models.JSONField(_("enterprise as submitted"), default=dict, blank=True)
    total_emissions = models.DecimalField(
        _("total emissions (tCO2e)"), max_digits=14, decimal_places=2, default=ZERO
    )
    ledger_total = models.DecimalField(
        _("sum of monthly ledgers (tCO2e)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    deviation_flagged = models.BooleanField(_("differs from monthly ledgers"), default=False)
    source_file = models.FileField(_("uploaded workbook"), upload_to="reports/%Y/", blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="report_version_unique_number"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="submitted_version_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__submitted_at__isnull=False),
            ),
        ]

    def __str__(self):
        return str(_("%(report)s, version %(n)s") % {"report": self.report, "n": self.number})

    @property
    def is_frozen(self) -> bool:
        return self.submitted_at is not None


class ReportLine(models.Model):
    """One emission source of a version: combustion of a fuel in a facility, a process,
    purchased electricity or heat. ``emissions`` is always recomputed by the server."""

    version = models.ForeignKey(
        ReportVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="lines"
    )
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, null=True, blank=True
    )
    source_kind = models.CharField(_("source"), max_length=12, choices=SourceKind.choices)
    fuel = models.ForeignKey(
        FuelType, verbose_name=_("fuel"), on_delete=models.PROTECT, null=True, blank=True
    )
    process_formula = models.CharField(_("process formula"), max_length=32, blank=True)
    activity = models.DecimalField(
        _("activity data"), max_digits=16, decimal_places=4, help_text=_("fuel, MWh, GJ or product")
    )
    ncv = models.DecimalField(
        _("net calorific value"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    carbon_content = models.DecimalField(
        _("carbon per unit heat"), max_digits=10, decimal_places=6, null=True, blank=True
    )
    oxidation_rate = models.DecimalField(
        _("oxidation rate"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    factor = models.DecimalField(
        _("emission factor applied"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    parameters = models.JSONField(_("process parameters"), default=dict, blank=True)
    emissions = models.DecimalField(
        _("emissions (tCO2e)"), max_digits=14, decimal_places=2, default=ZERO
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        ordering = ["version_id", "facility_id", "source_kind", "id"]
        triggers = [
            pgtrigger.Trigger(
                name="lines_of_submitted_version_frozen",
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                when=pgtrigger.Before,
                func=pgtrigger.Func(
                    """
                    IF EXISTS (
                        SELECT 1 FROM reporting_reportversion AS v
                        WHERE v.submitted_at IS NOT NULL AND v.id IN (
                            COALESCE(NEW.version_id, -1), COALESCE(OLD.version_id, -1))
                    ) THEN
                        RAISE EXCEPTION 'report version is submitted and frozen';
                    END IF;
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                    """
                ),
            ),
        ]

    def __str__(self):
        return f"{self.version} {self.get_source_kind_display()}"

    @property
    def formula_label(self) -> str:
        """The process formula in words (「水泥熟料煅烧」, not ``cement_clinker``)."""
        from reporting import rules

        formula = rules.PROCESS_FORMULAS.get(self.process_formula)
        return str(formula.label) if formula else self.process_formula

    @property
    def parameter_items(self) -> list[tuple[str, object]]:
        """The formula's inputs as (label in words, value)."""
        from reporting import rules

        return [(str(rules.PARAMETER_LABELS.get(k, k)), v) for k, v in (self.parameters or {}).items()]
