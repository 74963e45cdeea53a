"""Models of the programme's training topic (卫政办发〔2023〕61号, task 9 and safeguard 3:
capacity building of the enterprises, the counties and the departments): training sessions
organised by the bureau or a department, their attendees by organisation, and the materials
handed out."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

__all__ = ["TrainingSession", "TrainingAttendance", "TrainingMaterial"]

# the organiser when a session has no department: the bureau itself
BUREAU_ORGANISER = _("Zhongwei City Ecology and Environment Bureau")


class TrainingSession(models.Model):
    """One training session: what, when, where, for how long, organised by whom."""

    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("date"))
    organiser = models.ForeignKey(
        "registry.Department", verbose_name=_("organiser"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="training_sessions",
        help_text=_("Leave empty when the bureau organises the session."),
    )
    place = models.CharField(_("place"), max_length=120)
    topic = models.CharField(pgettext_lazy("training", "topic"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("99"))],
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def organiser_name(self) -> str:
        return self.organiser.name if self.organiser_id else str(BUREAU_ORGANISER)


class TrainingAttendance(models.Model):
    """One person who attended a session, for one organisation: an enterprise, a city
    department or bank, or a county / park."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE,
        related_name="attendances",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="training_attendances",
    )
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("department"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="training_attendances",
    )
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="training_attendances",
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=40)
    position = models.CharField(_("position"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training attendee")
        verbose_name_plural = _("training attendees")
        ordering = ["session", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, department__isnull=True, area__isnull=True)
                | Q(enterprise__isnull=True, department__isnull=False, area__isnull=True)
                | Q(enterprise__isnull=True, department__isnull=True, area__isnull=False),
                name="training_attendance_one_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.person_name} · {self.organisation}"

    @property
    def organisation(self):
        return self.enterprise or self.department or self.area


class TrainingMaterial(models.Model):
    """A file handed out at a session (slides, handbook): a checked PDF, PNG or JPEG."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE,
        related_name="materials",
    )
    file = models.FileField(_("file"), upload_to="training/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
