"""Complaints and reports from the public (投诉举报, Interim Regulations Art. 18).

Who filed is kept apart, in ``FilerIdentity`` (encrypted, no history, never joined by a
handler's page, the API or an export): the ``Complaint`` row itself holds nothing that names
the filer, so its pages, history and exports cannot leak it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from complaints.choices import Category, Outcome, Status, TargetKind


class Complaint(models.Model):
    number = models.CharField(_("tracking number"), max_length=20, unique=True)
    secret_hash = models.CharField(max_length=128, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    target_kind = models.CharField(_("about"), max_length=12, choices=TargetKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    agency = models.ForeignKey(
        "verifiers.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    target_text = models.CharField(_("about (as written)"), max_length=200, blank=True)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+", help_text=_("The area of the enterprise or of the official complained about."),
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    filed_at = models.DateTimeField(_("filed at"))
    # triage
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("triaged by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    rejection_reason = models.TextField(_("reason for not accepting"), blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="duplicates",
    )
    # assignment
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    assigned_area = models.ForeignKey(
        "registry.Area", verbose_name=_("handling area"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    reply_working_days = models.PositiveSmallIntegerField(_("working days to reply"), null=True,
                                                          blank=True)
    reply_due = models.DateField(_("reply due"), null=True, blank=True)
    # investigation and reply
    findings = models.TextField(_("investigation notes"), blank=True)
    reply = models.TextField(_("reply to the filer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    reply_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reply drafted by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    return_note = models.TextField(_("returned with"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reply approved by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret_hash"])

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target_kind="enterprise") | models.Q(enterprise__isnull=False),
                name="complaint_enterprise_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(target_kind="agency") | models.Q(agency__isnull=False),
                name="complaint_agency_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(target_kind="official") | models.Q(area__isnull=False),
                name="complaint_official_area_named",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("complaints:complaint_detail", kwargs={"pk": self.pk})

    @property
    def target_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        if self.agency_id:
            return self.agency.name
        if self.target_kind == TargetKind.OFFICIAL and not self.target_text and self.area_id:
            return _("An official of %(area)s") % {"area": self.area}
        return self.target_text


class Attachment(models.Model):
    """A document the filer attached, stored under a generated name (the filer's own file
    name is not kept: it may name him)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE,
                                  related_name="attachments")
    file = models.FileField(_("file"), upload_to="complaints/%Y/")
    label = models.CharField(_("name"), max_length=40)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.label


class FilerIdentity(models.Model):
    """Who filed and how to reach him, encrypted (``complaints.crypto``); read only through
    ``services.identity_reveal``, which logs the look. No history on purpose."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE,
                                     related_name="identity")
    name_encrypted = models.TextField(blank=True)
    contact_encrypted = models.TextField(blank=True)

    class Meta:
        verbose_name = _("filer identity")
        verbose_name_plural = _("filer identities")

    def __str__(self):
        return f"#{self.complaint_id}"


class SpentChallenge(models.Model):
    """A human-check token already answered (``complaints.challenge``): kept for twice its
    lifetime, so a token is answered once whichever worker gets it."""

    nonce = models.CharField(max_length=32, unique=True)
    spent_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("spent human check")
        verbose_name_plural = _("spent human checks")

    def __str__(self):
        return self.nonce
