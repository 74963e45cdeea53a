"""A year's grading: the rule set in force, frozen provisional grades, objections per event,
final grades. A subject's grade row keeps the score card it was computed from."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from credit.choices import Grade, GradingStatus, ObjectionStatus
from credit.models.events import CreditEvent
from credit.models.rulesets import POINTS, RuleSet
from credit.models.subjects import ONE_SUBJECT, SubjectMixin
from zhongwei_carbon.models import ObjectionBase


class CreditYear(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("rule set"))
    status = models.CharField(_("status"), max_length=12, choices=GradingStatus.choices,
                              default=GradingStatus.OPEN)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("frozen by"),
    )
    objections_until = models.DateField(_("objections until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )
    document_number = models.CharField(_("publication document number"), max_length=100,
                                       blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit year")
        verbose_name_plural = _("credit years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=GradingStatus.OPEN)
                | Q(frozen_at__isnull=False, objections_until__isnull=False),
                name="credit_year_frozen_with_window",
            ),
            models.CheckConstraint(
                condition=~Q(status=GradingStatus.FINAL)
                | Q(published_at__isnull=False, document_number__gt=""),
                name="credit_year_final_published",
            ),
        ]

    def __str__(self):
        return str(_("Credit evaluation %(year)s") % {"year": self.year})


class SubjectGrade(SubjectMixin):
    credit_year = models.ForeignKey(CreditYear, on_delete=models.PROTECT, related_name="grades",
                                    verbose_name=_("credit year"))
    score = models.DecimalField(_("score"), **POINTS)
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices)
    veto_kind = models.CharField(_("vetoed by"), max_length=30, blank=True)
    notified_grade = models.CharField(_("provisional grade notified"), max_length=8,
                                      choices=Grade.choices)
    card = models.JSONField(_("score card"), encoder=DjangoJSONEncoder, default=dict)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["card"])

    class Meta:
        verbose_name = _("subject grade")
        verbose_name_plural = _("subject grades")
        ordering = ["credit_year", "subject_kind", "grade", "-score"]
        constraints = [
            models.CheckConstraint(condition=ONE_SUBJECT, name="credit_grade_one_subject"),
            models.UniqueConstraint(fields=["credit_year", "enterprise"],
                                    condition=Q(enterprise__isnull=False),
                                    name="credit_grade_once_per_enterprise"),
            models.UniqueConstraint(fields=["credit_year", "agency"],
                                    condition=Q(agency__isnull=False),
                                    name="credit_grade_once_per_agency"),
        ]

    def __str__(self):
        return f"{self.subject} · {self.credit_year.year} · {self.get_grade_display()}"


class CreditObjection(ObjectionBase):
    """A subject objects to one event of its provisional grade within the window."""

    grade = models.ForeignKey(SubjectGrade, on_delete=models.PROTECT, related_name="objections",
                              verbose_name=_("grade"))
    event = models.ForeignKey(CreditEvent, on_delete=models.PROTECT, related_name="objections",
                              verbose_name=_("credit event"))
    file = models.FileField(_("supporting file"), upload_to="credit-objections/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    history = HistoricalRecords()

    class Meta(ObjectionBase.Meta):
        verbose_name = _("credit objection")
        verbose_name_plural = _("credit objections")
        constraints = [
            models.UniqueConstraint(fields=["event"], name="credit_objection_once_per_event"),
        ]

    def __str__(self):
        return f"{self.event} · {self.get_status_display()}"
