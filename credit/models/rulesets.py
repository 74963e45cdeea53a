"""Scoring rules as versioned data: a rule set (version, the year it takes effect, the
published document) prices event kinds per subject kind, caps each indicator group and names
the vetoes; grade thresholds turn the score into a colour. A published set is frozen."""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from credit.choices import EventKind, Group, RuleSetStatus, SubjectKind

POINTS = {"max_digits": 6, "decimal_places": 1}


def frozen_with_its_rule_set(name: str) -> pgtrigger.Trigger:
    """A row of a published rule set (a line, a cap) can be neither added, changed nor
    deleted."""
    return pgtrigger.Trigger(
        name=name,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        when=pgtrigger.Before,
        func=pgtrigger.Func(
            """
            IF EXISTS (
                SELECT 1 FROM credit_ruleset AS s
                WHERE s.status = 'published' AND s.id IN (
                    COALESCE(NEW.rule_set_id, -1), COALESCE(OLD.rule_set_id, -1))
            ) THEN
                RAISE EXCEPTION 'credit rule set is published and frozen';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
            """
        ),
    )


class RuleSet(models.Model):
    version = models.CharField(_("version"), max_length=20, unique=True)
    effective_year = models.PositiveSmallIntegerField(
        _("in force from year"), validators=[MinValueValidator(2013), MaxValueValidator(2100)]
    )
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT
    )
    base_score = models.DecimalField(_("base score"), default=Decimal("100"), **POINTS)
    green_from = models.DecimalField(_("green from score"), default=Decimal("90"), **POINTS)
    blue_from = models.DecimalField(_("blue from score"), default=Decimal("75"), **POINTS)
    yellow_from = models.DecimalField(_("yellow from score"), default=Decimal("60"), **POINTS)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit rule set")
        verbose_name_plural = _("credit rule sets")
        ordering = ["-effective_year", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(green_from__gt=F("blue_from"), blue_from__gt=F("yellow_from")),
                name="credit_rule_set_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status=RuleSetStatus.DRAFT)
                | Q(published_at__isnull=False, document_number__gt=""),
                name="credit_rule_set_published_with_document",
            ),
            # one published set takes effect in a given year
            models.UniqueConstraint(
                fields=["effective_year"], condition=Q(status=RuleSetStatus.PUBLISHED),
                name="credit_rule_set_one_published_per_year",
            ),
        ]
        triggers = [
            # a published set is frozen: only its history may refer to it
            pgtrigger.Protect(
                name="published_rule_set_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.status == RuleSetStatus.PUBLISHED


class RuleLine(models.Model):
    """The price of one event kind for one kind of subject."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="lines",
                                 verbose_name=_("rule set"))
    subject_kind = models.CharField(_("subject kind"), max_length=12, choices=SubjectKind.choices)
    kind = models.CharField(_("event kind"), max_length=30, choices=EventKind.choices)
    group = models.CharField(_("group"), max_length=14, choices=Group.choices)
    points = models.DecimalField(_("points"), **POINTS,
                                 help_text=_("Negative for a breach, positive for a merit."))
    veto = models.BooleanField(
        _("veto"), default=False, help_text=_("One such event makes the grade red whatever the points.")
    )
    threshold = models.DecimalField(
        _("above"), max_digits=9, decimal_places=2, null=True, blank=True,
        help_text=_("Priced only when the event's measure (e.g. the deviation in per cent) exceeds this."),
    )
    from_occurrence = models.PositiveSmallIntegerField(
        _("from the n-th occurrence"), default=1, validators=[MinValueValidator(1)],
        help_text=_("Earlier occurrences in the year are listed but not priced."),
    )
    years = models.PositiveSmallIntegerField(
        _("counts for years"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1: only the year of the event; 2: that year and the next; …"),
    )
    note = models.CharField(_("basis"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule line")
        verbose_name_plural = _("rule lines")
        ordering = ["rule_set", "subject_kind", "group", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "subject_kind", "kind"],
                                    name="credit_rule_line_once"),
        ]
        triggers = [frozen_with_its_rule_set("lines_of_published_set_frozen")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.points}"


class GroupCap(models.Model):
    """The most a group can take off (floor, ≤ 0) and add (ceiling, ≥ 0) in a year."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="caps",
                                 verbose_name=_("rule set"))
    group = models.CharField(_("group"), max_length=14, choices=Group.choices)
    floor = models.DecimalField(_("largest deduction"), **POINTS)
    ceiling = models.DecimalField(_("largest addition"), default=Decimal("0"), **POINTS)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group cap")
        verbose_name_plural = _("group caps")
        ordering = ["rule_set", "group"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "group"], name="credit_group_cap_once"),
            models.CheckConstraint(condition=Q(floor__lte=0, ceiling__gte=0),
                                   name="credit_group_cap_signs"),
        ]
        triggers = [frozen_with_its_rule_set("caps_of_published_set_frozen")]

    def __str__(self):
        return f"{self.get_group_display()}: {self.floor}…+{self.ceiling}"
