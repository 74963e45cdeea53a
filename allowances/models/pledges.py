"""Allowance pledges (配额质押, 卫政办发〔2023〕61号 task 10): an enterprise's allowances
pledged to a bank as security for a loan. A pledged quantity cannot leave the account while
the pledge stands: ``allowances.services.ledger`` refuses it, and the PostgreSQL triggers here
refuse any ledger debit (or pledge) that would leave the account's CEA balance below its
active pledges, whatever code path or raw SQL tries it."""

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from allowances.choices import PledgeStatus
from allowances.models.ledger import AllowanceAccount
from allowances.models.pledge_sql import pledge_check_sql
from registry.choices import DepartmentKind
from registry.models import Department


class Pledge(models.Model):
    """Allowances of one account pledged to a bank (the pledgee) under a loan contract."""

    account = models.ForeignKey(
        AllowanceAccount, verbose_name=_("allowance account"), on_delete=models.PROTECT,
        related_name="pledges",
    )
    pledgee = models.ForeignKey(
        Department, verbose_name=_("pledgee bank"), on_delete=models.PROTECT,
        related_name="allowance_pledges", limit_choices_to={"kind": DepartmentKind.BANK},
    )
    quantity = models.BigIntegerField(_("pledged quantity (t)"), validators=[MinValueValidator(1)])
    vintage = models.PositiveSmallIntegerField(
        _("vintage"), null=True, blank=True,
        help_text=_("Leave empty when the pledge covers allowances of any vintage."),
    )
    contract_number = models.CharField(_("contract number"), max_length=60)
    loan_amount = models.DecimalField(
        _("loan amount (10k yuan)"), max_digits=14, decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    start_date = models.DateField(_("pledge start date"))
    end_date = models.DateField(_("pledge end date"))
    status = models.CharField(
        _("status"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.ACTIVE
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("released by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_note = models.CharField(_("release note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allowance pledge")
        verbose_name_plural = _("allowance pledges")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pledge_quantity_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="pledge_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status=PledgeStatus.ACTIVE, released_at__isnull=True)
                | Q(status=PledgeStatus.RELEASED, released_at__isnull=False),
                name="pledge_release_consistent",
            ),
            models.UniqueConstraint(
                fields=["pledgee", "contract_number"], name="pledge_unique_contract"
            ),
        ]
        triggers = [
            # a pledge (new, raised, re-activated or moved) may not exceed the balance
            pgtrigger.Trigger(
                name="pledge_within_balance",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.Q(new__status=PledgeStatus.ACTIVE.value),
                func=pgtrigger.Func(
                    pledge_check_sql("NEW.account_id", "NEW.vintage") + "RETURN NULL;"
                ),
            ),
        ]

    def __str__(self):
        return _("Pledge %(contract)s to %(bank)s") % {
            "contract": self.contract_number, "bank": self.pledgee,
        }
