"""Registry statements (the national registry's holdings of our accounts on a date) and the
reconciliation of each against the portal's holdings at the time of import."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from allowances.choices import UnitType
from allowances.models.ledger import CCERProject
from registry.models import Enterprise


class RegistryStatement(models.Model):
    as_of = models.DateField(_("statement date"))
    file = models.FileField(_("file"), upload_to="statements/%Y/")
    file_name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    difference_count = models.PositiveIntegerField(_("differences"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("registry statement")
        verbose_name_plural = _("registry statements")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.as_of} {self.file_name}"


class StatementLine(models.Model):
    """One holding (account × unit type × vintage × project): what the statement says, what the
    portal held when the statement was imported, and the difference (statement − portal).
    ``statement_quantity`` is empty for a portal holding the statement does not list."""

    statement = models.ForeignKey(
        RegistryStatement, on_delete=models.CASCADE, related_name="lines"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    unit_type = models.CharField(_("unit type"), max_length=8, choices=UnitType.choices)
    vintage = models.PositiveSmallIntegerField(_("vintage"))
    project = models.ForeignKey(
        CCERProject, verbose_name=_("CCER project"), on_delete=models.PROTECT, null=True, blank=True
    )
    statement_quantity = models.BigIntegerField(_("statement (t)"), null=True, blank=True)
    portal_quantity = models.BigIntegerField(_("portal (t)"), default=0)
    difference = models.BigIntegerField(_("difference (t)"), default=0)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement_id", "uscc", "unit_type", "vintage", "project_id"]

    def __str__(self):
        return f"{self.uscc} {self.unit_type} {self.vintage}: {self.difference:+d}"
