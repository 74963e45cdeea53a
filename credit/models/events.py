"""Credit events: what happened to a subject in a year, with the record it comes from and its
evidence. The portal records them from the other apps' domain events and deadlines (each with
an idempotency key); the bureau enters others, which count once a second admin confirms."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from credit.choices import EventKind, EventOrigin, EventStatus, RepairStatus
from credit.models.subjects import ONE_SUBJECT, SubjectMixin


class CreditEvent(SubjectMixin):
    year = models.PositiveSmallIntegerField(_("year"))
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("event kind"), max_length=30, choices=EventKind.choices)
    measure = models.DecimalField(
        _("measure"), max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("The figure a rule may test, e.g. the deviation in per cent."),
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    source_id = models.CharField(max_length=40, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    summary = models.CharField(_("what happened"), max_length=300)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="credit-evidence/%Y/", blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=EventOrigin.choices,
                              default=EventOrigin.AUTOMATIC)
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices,
                              default=EventStatus.ACTIVE)
    key = models.CharField(
        max_length=120, null=True, blank=True, unique=True,
        help_text="Idempotency key of an automatic event: recording it twice keeps one.",
    )
    repaired_from_year = models.PositiveSmallIntegerField(
        _("repaired from year"), null=True, blank=True,
        help_text=_("After an approved repair the event no longer counts from this year."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["year", "subject_kind", "status"]),
            models.Index(fields=["enterprise", "year"]),
            models.Index(fields=["agency", "year"]),
        ]
        constraints = [
            models.CheckConstraint(condition=ONE_SUBJECT, name="credit_event_one_subject"),
            # four eyes: a manual event is confirmed by someone other than who entered it
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("recorded_by")),
                name="credit_event_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(origin=EventOrigin.MANUAL) | ~Q(status=EventStatus.PENDING),
                name="credit_event_only_manual_pending",
            ),
            models.CheckConstraint(
                condition=Q(repaired_from_year__isnull=True) | Q(repaired_from_year__gt=F("year")),
                name="credit_event_repair_after_year",
            ),
        ]

    def __str__(self):
        return f"{self.subject} · {self.year} · {self.get_kind_display()}"

    @property
    def counts(self) -> bool:
        return self.status == EventStatus.ACTIVE


class RepairApplication(models.Model):
    """信用修复: after correcting and waiting, the subject asks that an event stop counting."""

    event = models.ForeignKey(CreditEvent, on_delete=models.PROTECT, related_name="repairs",
                              verbose_name=_("credit event"))
    reasons = models.TextField(_("correction made"))
    file = models.FileField(_("evidence file"), upload_to="credit-repairs/%Y/", blank=True)
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("applicant"))
    status = models.CharField(_("status"), max_length=10, choices=RepairStatus.choices,
                              default=RepairStatus.PENDING)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    effective_year = models.PositiveSmallIntegerField(_("no longer counts from year"), null=True,
                                                      blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["event"], condition=Q(status=RepairStatus.PENDING),
                                    name="credit_repair_one_pending"),
        ]

    def __str__(self):
        return f"{self.event} · {self.get_status_display()}"
