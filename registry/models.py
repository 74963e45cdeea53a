from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import (
    AreaKind,
    Dataset,
    DepartmentKind,
    EnterpriseStatus,
    FacilityStatus,
    FacilityType,
    Fuel,
    ListChange,
    ListReason,
    ListStatus,
    RecordSource,
    RegistrationStatus,
)
from zhongwei_carbon.uscc import validate_uscc

ZERO = Decimal("0")


class BilingualNameMixin:
    @property
    def label(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def __str__(self):
        return self.label


class Area(BilingualNameMixin, models.Model):
    """A county, district or industrial park: the scope of an area official."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=AreaKind.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["sort_order", "code"]


class Department(BilingualNameMixin, models.Model):
    """A city department or a bank taking part in the reform programme (卫政办发〔2023〕61号:
    development-reform, industry and IT, market regulation, public security, finance,
    financial affairs, statistics, natural resources, the PBOC branch, banks). Its members are
    department liaisons; its scope is its own programme tasks and the data granted to it."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]


class DepartmentGrant(models.Model):
    """The bureau lets a department's liaisons see or enter one dataset (the credit workbook
    for development-reform and the PBOC branch, the climate-finance library for banks, the
    statistics for the statistics bureau). A grant is revoked, never deleted."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="grants"
    )
    dataset = models.CharField(_("data"), max_length=24, choices=Dataset.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data grant")
        verbose_name_plural = _("data grants")
        ordering = ["department__sort_order", "dataset", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "dataset"], condition=Q(revoked_at__isnull=True),
                name="department_grant_one_active",
            ),
        ]

    def __str__(self):
        return f"{self.department} · {self.get_dataset_display()}"


class Sector(BilingualNameMixin, models.Model):
    """An industry sector and the year it enters (or entered) the national market (data)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    national_market_entry_year = models.PositiveSmallIntegerField(
        _("enters national market in"), null=True, blank=True
    )
    entry_source = models.CharField(_("source"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["sort_order", "code"]


class Enterprise(models.Model):
    """An emitting enterprise (排放单位), listed or not."""

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT)
    address = models.CharField(_("address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["area__sort_order", "name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class Facility(models.Model):
    """An emission unit (排放设施) of an enterprise."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="facilities"
    )
    name = models.CharField(_("name"), max_length=120)
    facility_type = models.CharField(_("type"), max_length=20, choices=FacilityType.choices)
    capacity_mw = models.DecimalField(
        _("capacity (MW)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    main_fuel = models.CharField(_("main fuel"), max_length=20, choices=Fuel.choices, blank=True)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=FacilityStatus.choices, default=FacilityStatus.OPERATING
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["enterprise_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="facility_unique_name"),
            models.CheckConstraint(
                condition=Q(capacity_mw__isnull=True) | Q(capacity_mw__gte=0),
                name="facility_capacity_non_negative",
            ),
        ]

    def __str__(self):
        return self.name


class EmissionRecord(models.Model):
    """An enterprise's annual emissions and energy consumption, with where the figure came from."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="emission_records",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    emissions_tco2e = models.DecimalField(
        _("emissions (tCO2e)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    energy_tce = models.DecimalField(
        _("comprehensive energy consumption (tce)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual emission record")
        verbose_name_plural = _("annual emission records")
        ordering = ["enterprise_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="emission_record_unique_year"),
            models.CheckConstraint(condition=Q(emissions_tco2e__gte=0), name="emissions_non_negative"),
            models.CheckConstraint(
                condition=Q(energy_tce__isnull=True) | Q(energy_tce__gte=0),
                name="energy_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}"


class KeyEmitterList(models.Model):
    """The key-emitter list (重点排放单位名录) of one year. Published lists are frozen."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    basis_year = models.PositiveSmallIntegerField(_("basis year"))
    drafted_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("key-emitter list")
        verbose_name_plural = _("key-emitter lists")
        ordering = ["-year"]
        triggers = [
            # A published list never goes back to draft, is never deleted, never re-dated.
            pgtrigger.Protect(
                name="published_list_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status=ListStatus.PUBLISHED),
            ),
        ]

    def __str__(self):
        return str(_("Key-emitter list %(year)s") % {"year": self.year})

    @property
    def is_published(self) -> bool:
        return self.status == ListStatus.PUBLISHED


def _published_entries_frozen(name: str, operation, *, old=False, new=False) -> pgtrigger.Trigger:
    """Refuse a statement that touches an entry of a published list (on either side of an
    UPDATE). Once per statement, over its transition tables: drafting writes thousands of
    entries in one DELETE and one INSERT, and a check per row cost more than the rest of
    the draft (issue 11 §7)."""
    tables = [t for t, wanted in (("old_rows", old), ("new_rows", new)) if wanted]
    key_lists = " UNION ".join(f"SELECT key_list_id FROM {t}" for t in tables)
    return pgtrigger.Trigger(
        name=name,
        operation=operation,
        when=pgtrigger.After,
        level=pgtrigger.Statement,
        referencing=pgtrigger.Referencing(
            old="old_rows" if old else None, new="new_rows" if new else None
        ),
        func=f"""
            IF EXISTS (
                SELECT 1 FROM registry_keyemitterlist AS l
                WHERE l.status = 'published' AND l.id IN ({key_lists})
            ) THEN
                RAISE EXCEPTION 'key-emitter list is published and frozen';
            END IF;
            RETURN NULL;
        """,
    )


class KeyEmitterListEntryQuerySet(models.QuerySet):
    def listed(self):
        """Lines that put the enterprise on the list (added or retained; a removed line
        records that it left)."""
        return self.exclude(change=ListChange.REMOVED)


class KeyEmitterListEntry(models.Model):
    """One enterprise's line on a list: added, retained or removed, with the reason.

    Name, code, area and sector are a snapshot taken when the list is drafted, so a later
    change of the enterprise does not rewrite a published list (DESIGN.md §6).
    """

    key_list = models.ForeignKey(
        KeyEmitterList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="entries"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="list_entries"
    )
    change = models.CharField(_("change"), max_length=12, choices=ListChange.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=ListReason.choices)
    emissions_tco2e = models.DecimalField(
        _("basis-year emissions (tCO2e)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    energy_tce = models.DecimalField(
        _("basis-year energy (tce)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    enterprise_name = models.CharField(_("enterprise name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT)

    objects = KeyEmitterListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["area__sort_order", "enterprise_name"]
        constraints = [
            models.UniqueConstraint(fields=["key_list", "enterprise"], name="list_entry_unique"),
        ]
        # Entries of a published list can be neither changed nor removed, nor added to it.
        triggers = [
            _published_entries_frozen("published_entries_frozen_ins", pgtrigger.Insert, new=True),
            _published_entries_frozen("published_entries_frozen_upd", pgtrigger.Update, old=True, new=True),
            _published_entries_frozen("published_entries_frozen_del", pgtrigger.Delete, old=True),
        ]

    def __str__(self):
        return f"{self.key_list.year} {self.enterprise_name} ({self.get_change_display()})"

    @property
    def is_listed(self) -> bool:
        return self.change != ListChange.REMOVED


class RegistrationRequest(models.Model):
    """An enterprise asks for a portal account with its USCC; a bureau admin decides.

    The password is stored hashed and moved to the new user on approval.
    """

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, validators=[validate_uscc]
    )
    enterprise_name = models.CharField(_("enterprise name"), max_length=200)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registration_requests",
    )
    applicant_name = models.CharField(_("applicant"), max_length=60)
    position = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("e-mail"))
    username = models.CharField(_("requested user name"), max_length=150)
    password_hash = models.CharField(max_length=256, editable=False)
    wants_signatory = models.BooleanField(_("asks to be the signatory"), default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    created_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["password_hash"])

    class Meta:
        verbose_name = _("account application")
        verbose_name_plural = _("account applications")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.enterprise_name} · {self.applicant_name}"
