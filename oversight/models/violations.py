"""Violation cases (Interim Regulations, Decree 775, Art. 21–23): the penalty ranges as data
rows with their article, year and source; a case against an enterprise or an agency with its
facts, evidence, responsible persons, cooperating departments and the bureau's decision."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oversight.choices import (
    CaseStatus,
    Department,
    PenaltyKind,
    TargetKind,
    ViolationArticle,
)
from oversight.models.inspections import ONE_TARGET, Inspection


class PenaltyRange(models.Model):
    """One range the law sets for an article (a fine in yuan, a multiple of illegal gains, a
    percentage of allocation, years of a ban), from a year on, with its source."""

    article = models.CharField(_("article"), max_length=4, choices=ViolationArticle.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=PenaltyKind.choices)
    low = models.DecimalField(_("from"), max_digits=14, decimal_places=2,
                              validators=[MinValueValidator(0)])
    high = models.DecimalField(_("to"), max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("applies from year"))
    source = models.CharField(_("source"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penalty range")
        verbose_name_plural = _("penalty ranges")
        ordering = ["article", "kind", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["article", "kind", "year"], name="violation_penalty_range_once"),
            models.CheckConstraint(condition=Q(high__gte=F("low")), name="violation_penalty_range_ordered"),
        ]

    def __str__(self):
        return f"{self.get_article_display()} · {self.get_kind_display()} {self.low}–{self.high}"


class ViolationCase(models.Model):
    """A case against an enterprise or an agency, from an inspection that concluded
    "violation" or opened on a recorded trigger."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="violation_cases",
    )
    trigger_note = models.CharField(_("what triggered it"), max_length=500, blank=True)
    target_kind = models.CharField(_("target kind"), max_length=12, choices=TargetKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    agency = models.ForeignKey(
        "verifiers.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    target_name = models.CharField(_("party"), max_length=200)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    article = models.CharField(_("article"), max_length=4, choices=ViolationArticle.choices)
    facts = models.TextField(_("facts"))
    illegal_gains = models.PositiveBigIntegerField(
        _("illegal gains (CNY)"), null=True, blank=True,
        help_text=_("Whole yuan; empty when there are none."),
    )
    refused_correction = models.BooleanField(
        _("refuses to correct"), default=False,
        help_text=_("Art. 22: the enterprise refuses to correct (next year's allocation is cut)."),
    )
    serious = models.BooleanField(
        _("serious case"), default=False,
        help_text=_("Art. 23: a serious case (the agency may be banned from the business)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN)
    # the decision
    fine = models.PositiveBigIntegerField(_("fine (CNY)"), null=True, blank=True)
    fine_low = models.PositiveBigIntegerField(_("lowest fine allowed (CNY)"), null=True, blank=True)
    fine_high = models.PositiveBigIntegerField(_("highest fine allowed (CNY)"), null=True,
                                               blank=True)
    decision_number = models.CharField(_("decision document number"), max_length=100, blank=True)
    decision_file = models.FileField(_("decision document"), upload_to="violations/%Y/%m/",
                                     blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    allocation_cut_percent = models.PositiveSmallIntegerField(
        _("cut of next year's allocation (%)"), null=True, blank=True,
        validators=[MaxValueValidator(100)],
    )
    ban_until = models.DateField(_("banned until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decision made by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decision recorded at"), null=True, blank=True)
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    status_note = models.CharField(_("note"), max_length=500, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("violation case")
        verbose_name_plural = _("violation cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_TARGET, name="violation_case_one_target"),
            models.CheckConstraint(
                condition=Q(inspection__isnull=False) | ~Q(trigger_note=""),
                name="violation_case_inspection_or_trigger",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(fine__isnull=False, decided_on__isnull=False),
                name="violation_case_decided_has_fine",
            ),
        ]

    def __str__(self):
        return str(_("Violation case of %(name)s (%(article)s)")
                   % {"name": self.target_name, "article": self.get_article_display()})

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("oversight:violation_detail", kwargs={"pk": self.pk})


class ResponsiblePerson(models.Model):
    """A person directly responsible (Art. 22) and the fine proposed for him."""

    case = models.ForeignKey(ViolationCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="persons")
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=100, blank=True)
    fine = models.PositiveBigIntegerField(_("fine (CNY)"))

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible persons")
        ordering = ["case_id", "pk"]

    def __str__(self):
        return self.name


class CooperatingDepartment(models.Model):
    """A department of joint enforcement on the case (market regulation, public security…)."""

    case = models.ForeignKey(ViolationCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="departments")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices)
    name = models.CharField(_("name of the office"), max_length=120, blank=True)
    contact = models.CharField(_("contact"), max_length=120, blank=True)
    note = models.CharField(_("what it does"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cooperating department")
        verbose_name_plural = _("cooperating departments")
        ordering = ["case_id", "pk"]

    def __str__(self):
        return self.name or self.get_department_display()


class CaseEvidence(models.Model):
    """A checked document (PDF, PNG or JPEG) of a case."""

    case = models.ForeignKey(ViolationCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="evidence")
    file = models.FileField(_("file"), upload_to="violations/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case evidence file")
        verbose_name_plural = _("case evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
