"""Models of the programme's finance topic: the climate-finance project library (气候投融资
项目库, 卫政办发〔2023〕61号 task 10). An enterprise (for itself) or a county/park official (for
its area) proposes a project; the bureau and then development-reform review it; it enters the
library and the bureau pushes it to banks, whose liaisons record their response.

Who reaches a project: the bureau all, an official its area's, an enterprise its own, a
department liaison those shared with its department (``ClimateProjectShare``: the
development-reform review, the push to a bank)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from registry.models import Area, Department, Enterprise

__all__ = [
    "ClimateCategory", "ClimateSubtype", "ClimateProjectStatus", "ShareKind", "BankResponse",
    "ReviewStage", "ReviewDecision", "ClimateProject", "ClimateProjectShare",
    "ClimateProjectReview", "ClimateProjectAttachment",
]


class ClimateCategory(models.TextChoices):
    MITIGATION = "mitigation", _("Mitigation")
    ADAPTATION = "adaptation", _("Adaptation")
    BOTH = "both", _("Mitigation and adaptation")


class ClimateSubtype(models.TextChoices):
    RENEWABLE = "renewable", _("Renewable energy")
    EFFICIENCY = "efficiency", _("Energy efficiency")
    CCUS = "ccus", _("CCUS")
    SINKS = "sinks", _("Carbon sinks")
    TRANSPORT = "transport", _("Low-carbon transport")
    BUILDINGS = "buildings", _("Green buildings")
    INDUSTRY = "industry", _("Industrial low-carbon retrofit")
    WATER = "water", _("Water resources and drought resilience")
    OTHER = "other", pgettext_lazy("climate project subtype", "Other")


class ClimateProjectStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("climate project status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("climate project status", "Submitted")
    RETURNED = "returned", pgettext_lazy("climate project status", "Returned for revision")
    BUREAU_REVIEWED = "bureau_reviewed", _("Reviewed by the bureau")
    IN_LIBRARY = "in_library", _("In the library")
    PUSHED = "pushed", _("Pushed to banks")
    REJECTED = "rejected", pgettext_lazy("climate project status", "Rejected")


class ShareKind(models.TextChoices):
    REVIEW = "review", _("For review")
    PUSH = "push", _("Pushed to bank")


class BankResponse(models.TextChoices):
    PENDING = "pending", pgettext_lazy("bank response", "Awaiting response")
    INTERESTED = "interested", pgettext_lazy("bank response", "Interested")
    DECLINED = "declined", pgettext_lazy("bank response", "Declined")
    LOAN_GRANTED = "loan_granted", pgettext_lazy("bank response", "Loan granted")


class ReviewStage(models.TextChoices):
    BUREAU = "bureau", _("Bureau review")
    REFORM = "reform", _("Development-reform review")


class ReviewDecision(models.TextChoices):
    PASS = "pass", pgettext_lazy("review decision", "Passed")
    RETURN = "return", pgettext_lazy("review decision", "Returned")
    REJECT = "reject", pgettext_lazy("review decision", "Rejected")


class ClimateProject(models.Model):
    title = models.CharField(_("project title"), max_length=200)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposer"), on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="climate_projects",
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="climate_projects"
    )
    category = models.CharField(_("category"), max_length=12, choices=ClimateCategory.choices)
    subtype = models.CharField(_("sub-type"), max_length=12, choices=ClimateSubtype.choices)
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"), max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    financing_need = models.DecimalField(
        _("financing need (10k yuan)"), max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    annual_reduction = models.DecimalField(
        _("expected annual reduction (tCO2e)"), max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))], default=Decimal("0"),
    )
    description = models.TextField(_("description"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=16, choices=ClimateProjectStatus.choices,
        default=ClimateProjectStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("climate-finance project")
        verbose_name_plural = _("climate-finance projects")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(financing_need__lte=models.F("total_investment")),
                name="climate_project_need_within_investment",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("programme:climate_project_detail", args=[self.pk])


class ClimateProjectShare(models.Model):
    """A project handed to a department: to development-reform for its review, or pushed to
    a bank, whose response it records. A liaison reaches a project only through these."""

    project = models.ForeignKey(
        ClimateProject, verbose_name=_("project"), on_delete=models.PROTECT,
        related_name="shares",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department or bank"), on_delete=models.PROTECT,
        related_name="climate_shares",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ShareKind.choices)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("shared by"), on_delete=models.PROTECT,
        related_name="+",
    )
    shared_at = models.DateTimeField(_("shared at"))
    response = models.CharField(
        _("bank response"), max_length=14, choices=BankResponse.choices,
        default=BankResponse.PENDING,
    )
    loan_amount = models.DecimalField(
        _("loan amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    response_date = models.DateField(_("response date"), null=True, blank=True)
    response_note = models.CharField(_("response note"), max_length=500, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responded by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("climate-finance project share")
        verbose_name_plural = _("climate-finance project shares")
        ordering = ["project_id", "kind", "department__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "department", "kind"], name="climate_share_unique"
            ),
            models.CheckConstraint(
                condition=~Q(response=BankResponse.LOAN_GRANTED)
                | Q(loan_amount__isnull=False, response_date__isnull=False),
                name="climate_share_loan_has_amount_and_date",
            ),
        ]

    def __str__(self):
        return f"{self.project} → {self.department}"


class ClimateProjectReview(models.Model):
    """One review decision (the bureau's or development-reform's), never changed."""

    project = models.ForeignKey(
        ClimateProject, verbose_name=_("project"), on_delete=models.PROTECT,
        related_name="reviews",
    )
    stage = models.CharField(_("stage"), max_length=8, choices=ReviewStage.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=ReviewDecision.choices)
    opinion = models.CharField(_("opinion"), max_length=1000, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("climate-finance project review")
        verbose_name_plural = _("climate-finance project reviews")
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.PASS) | ~Q(opinion=""),
                name="climate_review_reason_when_not_passed",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} · {self.get_decision_display()}"


class ClimateProjectAttachment(models.Model):
    project = models.ForeignKey(
        ClimateProject, verbose_name=_("project"), on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="climate_projects/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
