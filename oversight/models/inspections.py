"""Inspections (from a plan's draw or opened outside a plan), their checklist, findings with
evidence files, and rectification."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oversight import rules
from oversight.choices import (
    AnswerDecision,
    CheckResult,
    Conclusion,
    InspectionStatus,
    InspectionTrigger,
    RectificationStatus,
    TargetKind,
)
from oversight.models.plans import DrawnTarget, InspectionPlan, Inspector

ONE_TARGET = Q(target_kind=TargetKind.ENTERPRISE, enterprise__isnull=False, agency__isnull=True) | Q(
    target_kind=TargetKind.AGENCY, agency__isnull=False, enterprise__isnull=True
)


class ChecklistItem(models.Model):
    """A point of the on-site checklist for one kind of target (reference data)."""

    target_kind = models.CharField(_("for"), max_length=12, choices=TargetKind.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    text = models.CharField(_("point"), max_length=200)
    text_en = models.CharField(_("point (English)"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist point")
        verbose_name_plural = _("checklist points")
        ordering = ["target_kind", "sort_order", "code"]

    def __str__(self):
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.text_en:
            return self.text_en
        return self.text


class Inspection(models.Model):
    """An on-site inspection of one enterprise or agency."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="inspections",
    )
    drawn_target = models.OneToOneField(
        DrawnTarget, verbose_name=_("drawn target"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="inspection",
    )
    trigger = models.CharField(_("trigger"), max_length=16, choices=InspectionTrigger.choices)
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
    target_name = models.CharField(_("inspected"), max_length=200)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices,
        default=InspectionStatus.OPEN,
    )
    conclusion = models.CharField(_("conclusion"), max_length=12, choices=Conclusion.choices,
                                  blank=True)
    conclusion_note = models.TextField(_("conclusion in words"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("concluded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_TARGET, name="inspection_one_target"),
            models.CheckConstraint(
                condition=Q(trigger=InspectionTrigger.PLAN, plan__isnull=False)
                | (~Q(trigger=InspectionTrigger.PLAN) & Q(plan__isnull=True)),
                name="inspection_plan_matches_trigger",
            ),
            models.CheckConstraint(
                condition=Q(status=InspectionStatus.OPEN, conclusion="")
                | (~Q(status=InspectionStatus.OPEN) & ~Q(conclusion="")),
                name="inspection_conclusion_matches_status",
            ),
        ]

    def __str__(self):
        return str(_("Inspection of %(name)s") % {"name": self.target_name})

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("oversight:inspection_detail", kwargs={"pk": self.pk})

    @property
    def target(self):
        return self.enterprise or self.agency


class InspectionInspector(models.Model):
    """An inspector of an inspection (from the draw, or chosen when opened outside a plan)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
        related_name="inspectors",
    )
    inspector = models.ForeignKey(
        Inspector, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("inspector of an inspection")
        verbose_name_plural = _("inspectors of inspections")
        ordering = ["inspection_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"],
                                    name="inspection_inspector_once"),
        ]

    def __str__(self):
        return str(self.inspector)


class InspectionCheck(models.Model):
    """The result of one checklist point on one inspection (the point's words kept as they
    were when the inspection was opened)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="checks"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("checklist point"), on_delete=models.PROTECT,
        related_name="+",
    )
    point = models.CharField(_("point"), max_length=200)
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices,
                              blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        ordering = ["inspection_id", "item__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_check_once"),
        ]

    def __str__(self):
        return self.point


class Finding(models.Model):
    """A finding of an inspection, optionally about one checklist point."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
        related_name="findings",
    )
    check_result = models.ForeignKey(
        InspectionCheck, verbose_name=_("checklist point"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="findings",
    )
    text = models.TextField(_("finding"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection_id", "recorded_at", "pk"]

    def __str__(self):
        return self.text[:60]


class Rectification(models.Model):
    """Rectification ordered by an inspection (责令改正): the deadline in working days of the
    bureau's calendar, the answers of the enterprise or agency, the inspector's decision."""

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
        related_name="rectification",
    )
    requirements = models.TextField(_("what must be rectified"))
    ordered_on = models.DateField(_("ordered on"))
    working_days = models.PositiveSmallIntegerField(
        _("working days"),
        validators=[MinValueValidator(rules.RECTIFICATION_WORKING_DAYS_MIN),
                    MaxValueValidator(rules.RECTIFICATION_WORKING_DAYS_MAX)],
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=RectificationStatus.choices,
        default=RectificationStatus.PENDING,
    )
    overdue_published_at = models.DateTimeField(_("reported overdue at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "pk"]

    def __str__(self):
        return str(_("Rectification: %(name)s") % {"name": self.inspection.target_name})


class RectificationAnswer(models.Model):
    """One answer of the enterprise or agency, and the inspector's decision on it."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification"), on_delete=models.PROTECT,
        related_name="answers",
    )
    text = models.TextField(_("what was done"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=10, choices=AnswerDecision.choices,
                                blank=True)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification answer")
        verbose_name_plural = _("rectification answers")
        ordering = ["rectification_id", "answered_at", "pk"]

    def __str__(self):
        return self.text[:60]


class Evidence(models.Model):
    """A checked document (PDF, PNG or JPEG) of a finding or of a rectification answer."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
        related_name="evidence",
    )
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="evidence",
    )
    answer = models.ForeignKey(
        RectificationAnswer, verbose_name=_("rectification answer"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="inspections/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False, answer__isnull=True)
                | Q(finding__isnull=True, answer__isnull=False),
                name="evidence_of_finding_or_answer",
            ),
        ]

    def __str__(self):
        return self.original_name
