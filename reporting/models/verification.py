"""Verification (核查) by a third-party agency and the bureau's re-check (复查), findings the
enterprise answers, and objections to the result (Measures 2020 Art. 16, 27)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Enterprise, Facility
from reporting.choices import (
    Conclusion,
    FindingStatus,
    ObjectionDecision,
    RecheckDecision,
    SourceKind,
)
from reporting.models.reports import AnnualReport
from zhongwei_carbon.models import ObjectionBase

ZERO = Decimal("0")


class AgencyDeclaration(models.Model):
    """An agency declares it prepared (编制) an enterprise's report for a year: it may then not
    verify that report (Interim Regulations Art. 13, conflict of interest)."""

    agency = models.ForeignKey(
        "verifiers.Agency", verbose_name=_("agency"), on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("reporting year"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("report preparation declaration")
        verbose_name_plural = _("report preparation declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "enterprise", "year"], name="declaration_unique"
            ),
        ]

    def __str__(self):
        return f"{self.agency} · {self.enterprise} · {self.year}"


class VerificationReport(models.Model):
    """What the agency files in one round: conclusion, verified figures, the signed report."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="verifications",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    agency = models.ForeignKey(
        "verifiers.Agency", verbose_name=_("agency"), on_delete=models.PROTECT
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=Conclusion.choices)
    verified_total = models.DecimalField(
        _("verified emissions (tCO2e)"), max_digits=14, decimal_places=2
    )
    file = models.FileField(_("signed verification report"), upload_to="verification/%Y/")
    sha256 = models.CharField(max_length=64)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("verification report")
        verbose_name_plural = _("verification reports")
        ordering = ["report_id", "-round"]
        constraints = [
            models.UniqueConstraint(fields=["report", "round"], name="verification_unique_round"),
        ]

    def __str__(self):
        return str(_("%(report)s, round %(n)s") % {"report": self.report, "n": self.round})


class VerificationFigure(models.Model):
    verification = models.ForeignKey(
        VerificationReport,
        verbose_name=_("verification"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, null=True, blank=True
    )
    source_kind = models.CharField(_("source"), max_length=12, choices=SourceKind.choices)
    reported = models.DecimalField(
        _("reported (tCO2e)"), max_digits=14, decimal_places=2, default=ZERO
    )
    verified = models.DecimalField(_("verified (tCO2e)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("verified figure")
        verbose_name_plural = _("verified figures")

    def __str__(self):
        return f"{self.verification} {self.get_source_kind_display()}: {self.verified}"


class Finding(models.Model):
    """A non-conformity found by the agency. Hidden from the enterprise until sent."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="findings"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    text = models.TextField(_("finding"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent to enterprise at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    response = models.TextField(_("enterprise response"), blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["report_id", "raised_at"]

    def __str__(self):
        return self.text[:60]


class Recheck(models.Model):
    """The bureau's re-check (复查) of one verification round."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="rechecks"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    decision = models.CharField(_("decision"), max_length=10, choices=RecheckDecision.choices)
    opinion = models.TextField(_("opinion"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["report_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["report", "round"], name="recheck_unique_round"),
        ]

    def __str__(self):
        return str(
            _("%(report)s, round %(n)s: %(decision)s")
            % {"report": self.report, "n": self.round, "decision": self.get_decision_display()}
        )


class Objection(ObjectionBase):
    """The enterprise objects to the final result within the window (working days)."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="objections"
    )
    file = models.FileField(_("supporting file"), upload_to="objections/%Y/", blank=True)
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=ObjectionDecision.choices,
        default=ObjectionDecision.PENDING,
    )
    history = HistoricalRecords()

    class Meta(ObjectionBase.Meta):
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at"]

    def __str__(self):
        return f"{self.report} {self.filed_at:%Y-%m-%d}"
