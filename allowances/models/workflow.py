"""Allocation notices, surrender requests (four eyes), market prices (monthly averages and
trading days) and penalty cases."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from allowances.choices import (
    AllocationMethod,
    AllocationStatus,
    ObjectionStatus,
    PenaltyStatus,
    PriceBasis,
    SurrenderStatus,
)
from allowances.models.ledger import AllowanceAccount, ComplianceCycle
from registry.models import Enterprise
from zhongwei_carbon.models import ObjectionBase


class Allocation(models.Model):
    """The region's notified allocation for one enterprise and cycle, beside the portal's own
    check value (DOMAIN.md: the region decides; the bureau imports and compares)."""

    cycle = models.ForeignKey(
        ComplianceCycle,
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    method = models.CharField(_("method"), max_length=20, choices=AllocationMethod.choices)
    pre_allocation = models.BigIntegerField(_("pre-allocation (t)"), null=True, blank=True)
    notified = models.BigIntegerField(_("notified final allocation (t)"), null=True, blank=True)
    computed = models.BigIntegerField(_("portal check value (t)"), null=True, blank=True)
    pre_allocation_check = models.BigIntegerField(
        _("portal check value of the pre-allocation (t)"), null=True, blank=True
    )
    check_problem = models.CharField(_("why no check value"), max_length=300, blank=True)
    inputs = models.JSONField(_("inputs of the check value"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AllocationStatus.choices,
        default=AllocationStatus.IMPORTED,
    )
    notice_reference = models.CharField(_("notice"), max_length=120, blank=True)
    notice_date = models.DateField(_("date of the region's notice"), null=True, blank=True)
    notified_on = models.DateField(
        _("notified on"),
        null=True,
        blank=True,
        help_text=_("The day the portal notified the enterprise; the objection period runs from it."),
    )
    notice_number = models.PositiveSmallIntegerField(
        _("notice number"), default=0, help_text=_("How many times this allocation was notified.")
    )
    objection_deadline = models.DateField(_("objection deadline"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["cycle_id", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "enterprise"], name="allocation_unique"),
        ]

    def __str__(self):
        return f"{self.cycle} {self.enterprise}"

    @property
    def differs(self) -> bool:
        return (
            self.notified is not None
            and self.computed is not None
            and self.notified != self.computed
        )

    @property
    def difference(self) -> int | None:
        if self.notified is None or self.computed is None:
            return None
        return self.notified - self.computed

    @property
    def pre_differs(self) -> bool:
        return (
            self.pre_allocation is not None
            and self.pre_allocation_check is not None
            and self.pre_allocation != self.pre_allocation_check
        )


class AllocationObjection(ObjectionBase):
    """The enterprise objects to its notified allocation within the window (Measures Art. 16);
    the bureau decides within its own window (working days, ``allowances.rules``)."""

    allocation = models.ForeignKey(
        Allocation,
        verbose_name=_("allocation"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    notice_number = models.PositiveSmallIntegerField(_("notice number"), default=0)
    file = models.FileField(_("supporting file"), upload_to="allocation-objections/%Y/", blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.PENDING,
    )
    history = HistoricalRecords()

    class Meta(ObjectionBase.Meta):
        verbose_name = _("allocation objection")
        verbose_name_plural = _("allocation objections")
        ordering = ["-filed_at"]
        constraints = [
            # one pending objection per allocation at a time
            models.UniqueConstraint(
                fields=["allocation"],
                condition=Q(status="pending"),
                name="allocation_objection_one_pending",
            ),
            # one objection per notice (Measures Art. 16)
            models.UniqueConstraint(
                fields=["allocation", "notice_number"], name="allocation_objection_once_per_notice"
            ),
        ]

    def __str__(self):
        return f"{self.allocation} {self.filed_at:%Y-%m-%d}"


class SurrenderRequest(models.Model):
    """An enterprise asks to surrender units; one bureau user approves, a different one
    confirms (four eyes); only the confirmation moves units."""

    account = models.ForeignKey(
        AllowanceAccount,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="surrender_requests",
    )
    cycle = models.ForeignKey(
        ComplianceCycle,
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="surrender_requests",
    )
    cea = models.JSONField(_("allowances [(vintage, t)]"), default=list, blank=True)
    ccer = models.JSONField(_("CCER [(project id, vintage, t)]"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SurrenderStatus.choices,
        default=SurrenderStatus.REQUESTED,
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("surrender request")
        verbose_name_plural = _("surrender requests")
        ordering = ["-requested_at", "-id"]
        # the lists show the newest first: a page is read off this index instead of sorting
        # every request of the city (or of a county) joined to its enterprise (issue 11)
        indexes = [models.Index(fields=["-requested_at", "-id"], name="surrender_newest_first")]
        constraints = [
            # Four eyes, also in the database: the confirming user is never the approving one.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("approved_by")),
                name="surrender_four_eyes",
            ),
        ]

    def __str__(self):
        return f"{self.account} {self.cycle.year} #{self.pk}"


class MonthlyPrice(models.Model):
    """Average market price of a calendar month (CNY/t) as the market published it, for the
    Art. 24 fine range when the price window is exactly that month (``rules.calendar_month_of``)."""

    month = models.DateField(_("month (first day)"), unique=True)
    average_price = models.DecimalField(
        _("average price (CNY/t)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly price")
        verbose_name_plural = _("monthly prices")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m}: {self.average_price}"


class DailyPrice(models.Model):
    """One trading day of the market: its average price (CNY/t) and the tonnes traded; a price
    window's average is their volume-weighted mean (``rules.window_average``)."""

    day = models.DateField(_("trading day"), unique=True)
    average_price = models.DecimalField(
        _("average price (CNY/t)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    volume = models.BigIntegerField(_("volume traded (t)"), validators=[MinValueValidator(1)])
    source = models.CharField(_("source"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trading-day price")
        verbose_name_plural = _("trading-day prices")
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(condition=Q(volume__gt=0), name="daily_price_volume_positive"),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}: {self.average_price}"


class PenaltyCase(models.Model):
    """Short surrender (Interim Regulations Art. 24): the fine range on the tonnes short at the
    surrender deadline, with the price window and the average used; the correction deadline
    (责令改正期限); next year's cut, the tonnes still short at the correction deadline, known
    once that day has passed (``rules.next_year_cut``)."""

    cycle = models.ForeignKey(
        ComplianceCycle,
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    obligation = models.BigIntegerField(_("obligation (t)"), null=True, blank=True)
    tonnes_short = models.BigIntegerField(_("tonnes not surrendered by the surrender deadline"))
    price = models.DecimalField(_("average price in the window (CNY/t)"), max_digits=10, decimal_places=2)
    price_window_start = models.DateField(_("price window from"), null=True, blank=True)
    price_window_end = models.DateField(_("price window to"), null=True, blank=True)
    price_basis = models.CharField(
        _("price basis"), max_length=8, choices=PriceBasis.choices, blank=True
    )
    price_days = models.PositiveSmallIntegerField(_("trading days"), null=True, blank=True)
    price_window_reason = models.CharField(
        _("reason for another price window"), max_length=500, blank=True
    )
    correction_deadline = models.DateField(_("correction deadline"), null=True, blank=True)
    fine_min = models.DecimalField(_("fine from (CNY)"), max_digits=16, decimal_places=2)
    fine_max = models.DecimalField(_("fine up to (CNY)"), max_digits=16, decimal_places=2)
    fine_decided = models.DecimalField(
        _("fine decided (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    next_year_cut = models.BigIntegerField(
        _("next year's allocation cut (t)"),
        null=True,
        blank=True,
        help_text=_("Fixed once the correction deadline has passed; empty until then."),
    )
    cut_posted = models.BigIntegerField(_("cut posted so far (t)"), default=0)
    cut_applied = models.BooleanField(_("cut applied"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=PenaltyStatus.choices, default=PenaltyStatus.OPEN
    )
    decision_document = models.FileField(
        _("decision document"), upload_to="penalties/%Y/", blank=True
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "enterprise"], name="penalty_case_unique"),
            models.CheckConstraint(
                condition=Q(fine_max__gte=F("fine_min")), name="penalty_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(price_window_start__isnull=True)
                | Q(price_window_start__lte=F("price_window_end")),
                name="penalty_price_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.cycle.year}"
