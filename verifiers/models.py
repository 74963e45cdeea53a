from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from verifiers.choices import AgencyStatus, QualificationKind
from zhongwei_carbon.uscc import validate_uscc


class Agency(models.Model):
    """A third-party technical service agency (核查机构)."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE
    )
    suspended_until = models.DateField(
        _("suspended until"), null=True, blank=True,
        help_text=_("Banned or suspended from verification up to and including this day."),
    )
    suspension_reason = models.CharField(_("reason for the suspension"), max_length=300,
                                         blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_suspended(self) -> bool:
        """Suspended or banned today (``rules.suspended``)."""
        from django.utils import timezone

        from verifiers import rules

        return rules.suspended(self.suspended_until, timezone.localdate())


class AgencyQualification(models.Model):
    """A qualification or accreditation an agency holds, with its validity."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QualificationKind.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60)
    issued_by = models.CharField(_("issued by"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    sectors = models.ManyToManyField(
        "registry.Sector",
        verbose_name=_("sectors covered"),
        blank=True,
        related_name="+",
        help_text=_("The sectors whose reports the agency may verify under this qualification."),
    )
    history = HistoricalRecords()  # sector changes are recorded as events (services)

    class Meta:
        verbose_name = _("agency qualification")
        verbose_name_plural = _("agency qualifications")
        ordering = ["agency_id", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="qualification_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.certificate_number}"


class VerifierStaff(models.Model):
    """A verifier working for an agency; may have a portal account (scoped to the agency)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="staff"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verifier_profile",
    )
    name = models.CharField(_("name"), max_length=60)
    qualification_number = models.CharField(_("verifier qualification"), max_length=60, blank=True)
    qualification_valid_until = models.DateField(_("qualification valid until"), null=True, blank=True)
    is_active = models.BooleanField(pgettext_lazy("verifier", "active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verifier")
        verbose_name_plural = _("verifiers")
        ordering = ["agency_id", "name"]

    def __str__(self):
        return self.name
