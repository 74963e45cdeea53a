"""Compliance cycles and the allowance holdings ledger (DESIGN.md §4.4).

``LedgerEntry`` rows are append-only (PostgreSQL triggers refuse DELETE and any UPDATE but
the commit-time seal of the ledger's hash chain, see ``zhongwei_carbon.audit_chain``);
corrections are reversing entries. ``Holding`` keeps the balance of one account per unit
type, vintage and CCER project as the running sum of its entries, with a CHECK constraint
that it never goes below zero; services lock the holdings they move, in primary-key order.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from allowances.choices import CycleStatus, EntryKind, MilestoneKind, UnitType
from allowances.models.pledge_sql import LEDGER_DEBIT_KEEPS_PLEDGES
from registry.models import Enterprise
from zhongwei_carbon import audit_chain

LEDGER_CHAIN_FIELDS = (
    "id", "created_at", "holding", "cycle", "kind", "quantity", "serial_start", "serial_end",
    "reference", "reverses", "actor",
)


class ComplianceCycle(models.Model):
    year = models.PositiveSmallIntegerField(_("compliance year"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=CycleStatus.choices, default=CycleStatus.PLANNING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compliance cycle")
        verbose_name_plural = _("compliance cycles")
        ordering = ["-year"]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    """A dated step of a cycle (editable; drives the reminders)."""

    cycle = models.ForeignKey(
        ComplianceCycle,
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    kind = models.CharField(_("milestone"), max_length=24, choices=MilestoneKind.choices)
    due_date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["cycle_id", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="milestone_unique_kind"),
        ]

    def __str__(self):
        return f"{self.cycle} {self.get_kind_display()} {self.due_date}"


class CCERProject(models.Model):
    """A CCER project; units from projects inside the national ETS may not offset."""

    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    project_type = models.CharField(_("type"), max_length=60, blank=True)
    inside_national_ets = models.BooleanField(
        _("inside the national ETS"),
        default=False,
        help_text=_("Its units cannot be used for offsets (Measures 2020 Art. 29)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("CCER project")
        verbose_name_plural = _("CCER projects")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class AllowanceAccount(models.Model):
    enterprise = models.OneToOneField(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="allowance_account",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("allowance account")
        verbose_name_plural = _("allowance accounts")
        ordering = ["enterprise__name"]

    def __str__(self):
        return str(self.enterprise)


class Holding(models.Model):
    """The balance of one kind of unit in one account (sum of its ledger entries)."""

    account = models.ForeignKey(
        AllowanceAccount,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="holdings",
    )
    unit_type = models.CharField(_("unit type"), max_length=8, choices=UnitType.choices)
    vintage = models.PositiveSmallIntegerField(_("vintage"))
    project = models.ForeignKey(
        CCERProject, verbose_name=_("CCER project"), on_delete=models.PROTECT, null=True, blank=True
    )
    quantity = models.BigIntegerField(_("quantity (t)"), default=0)

    class Meta:
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        ordering = ["account_id", "unit_type", "vintage", "project_id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="holding_never_negative"),
            models.CheckConstraint(
                condition=Q(unit_type=UnitType.CEA, project__isnull=True)
                | Q(unit_type=UnitType.CCER, project__isnull=False),
                name="holding_project_only_for_ccer",
            ),
            models.UniqueConstraint(
                fields=["account", "unit_type", "vintage", "project"],
                nulls_distinct=False,
                name="holding_unique_kind",
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.get_unit_type_display()} {self.vintage}: {self.quantity}"


class LedgerEntry(models.Model):
    """One movement of units, never changed: positive in, negative out."""

    holding = models.ForeignKey(
        Holding, verbose_name=_("holding"), on_delete=models.PROTECT, related_name="entries"
    )
    cycle = models.ForeignKey(
        ComplianceCycle, verbose_name=_("cycle"), on_delete=models.PROTECT, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    quantity = models.BigIntegerField(_("quantity (t)"))
    serial_start = models.BigIntegerField(_("first serial"), null=True, blank=True)
    serial_end = models.BigIntegerField(_("last serial"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chain_seq, prev_hash, row_hash = audit_chain.chain_fields()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="entry_not_zero"),
            models.CheckConstraint(
                condition=Q(serial_start__isnull=True, serial_end__isnull=True)
                | Q(serial_start__isnull=False, serial_end__gte=F("serial_start")),
                name="entry_serial_range_ordered",
            ),
        ]
        triggers = [
            *audit_chain.triggers(
                prefix="ledger_entries", chain="ledger", fields=LEDGER_CHAIN_FIELDS
            ),
            # no debit leaves the account below its active pledges (allowances/models/pledges.py)
            LEDGER_DEBIT_KEEPS_PLEDGES,
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d}"
