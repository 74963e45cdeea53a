"""Inspectors, their declared conflicts, inspection plans and their draws.

A published plan is frozen by PostgreSQL (django-pgtrigger), like a published key-emitter
list: the plan row, its pool filters and inspector pool, and its draws with their targets and
inspectors can then be neither changed nor deleted, nor added to, whatever the code path. A draw
is never changed at all, published or not: a re-draw is a new row.
"""

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oversight import rules
from oversight.choices import InspectorKind, PlanStatus, PlanTargets, TargetKind

FROZEN = "inspection plan is published and frozen"


def _refuse_when_published(name: str, plan_id_sql: str) -> pgtrigger.Trigger:
    """A row belonging to a published plan can be neither added, changed nor deleted.
    ``plan_id_sql`` is an SQL expression of ``ROW`` (NEW or OLD) giving the plan's id."""
    new, old = plan_id_sql.replace("ROW", "NEW"), plan_id_sql.replace("ROW", "OLD")
    return pgtrigger.Trigger(
        name=name,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        when=pgtrigger.Before,
        func=pgtrigger.Func(
            f"""
            IF EXISTS (
                SELECT 1 FROM oversight_inspectionplan AS p WHERE p.status = 'published'
                AND p.id IN (COALESCE(({new}), -1), COALESCE(({old}), -1))
            ) THEN
                RAISE EXCEPTION '{FROZEN}';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
            """
        ),
    )


def _never_changed(name: str) -> pgtrigger.Protect:
    return pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete)


class Inspector(models.Model):
    """An entry of the inspector directory (执法检查人员名录库): bureau or county staff with a
    portal account, or an outside expert kept as a record."""

    kind = models.CharField(_("kind"), max_length=10, choices=InspectorKind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("portal account"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="inspector",
    )
    name = models.CharField(_("name"), max_length=60)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area of work"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
        help_text=_("County or park staff: the area they work for (their own scope of work)."),
    )
    is_active = models.BooleanField(_("in the directory"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=InspectorKind.EXPERT, user__isnull=True)
                | (~Q(kind=InspectorKind.EXPERT) & Q(user__isnull=False)),
                name="inspector_account_matches_kind",
                violation_error_message=_(
                    "Bureau and county staff are chosen by their portal account; an outside "
                    "expert has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(kind=InspectorKind.COUNTY),
                name="inspector_area_only_county",
                violation_error_message=_("Only county or park staff have an area of work."),
            ),
        ]

    def __str__(self):
        return self.name


class ConflictDeclaration(models.Model):
    """An inspector's declared conflict of interest with an enterprise or an agency (a former
    employer, a relative working there, a consultancy contract...)."""

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="conflicts"
    )
    target_kind = models.CharField(_("with"), max_length=12, choices=TargetKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    agency = models.ForeignKey(
        "verifiers.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    declared_on = models.DateField(_("declared on"))
    is_active = models.BooleanField(_("in force"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        ordering = ["inspector_id", "-declared_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_kind=TargetKind.ENTERPRISE, enterprise__isnull=False,
                            agency__isnull=True)
                | Q(target_kind=TargetKind.AGENCY, agency__isnull=False, enterprise__isnull=True),
                name="conflict_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.inspector} · {self.enterprise or self.agency}"

    @property
    def target(self):
        return self.enterprise or self.agency


class InspectionPlan(models.Model):
    """A double-random inspection plan (双随机抽查计划): who may be drawn, how many, by whom."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    targets = models.CharField(_("targets"), max_length=12, choices=PlanTargets.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    start_date = models.DateField(_("inspections from"))
    end_date = models.DateField(_("inspections until"))
    # the pool of key emitters: on the published list of ``listed_year``, in these areas and
    # sectors (none chosen: all); agencies: every active agency of the city
    listed_year = models.PositiveSmallIntegerField(
        _("on the key-emitter list of"), null=True, blank=True
    )
    areas = models.ManyToManyField(
        "registry.Area", verbose_name=_("areas"), blank=True, through="PlanArea", related_name="+"
    )
    sectors = models.ManyToManyField(
        "registry.Sector", verbose_name=_("sectors"), blank=True, through="PlanSector",
        related_name="+",
    )
    enterprise_count = models.PositiveIntegerField(_("key emitters to draw"), null=True, blank=True)
    enterprise_share = models.DecimalField(
        _("share of key emitters to draw (%)"), max_digits=5, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    agency_count = models.PositiveIntegerField(_("agencies to draw"), null=True, blank=True)
    agency_share = models.DecimalField(
        _("share of agencies to draw (%)"), max_digits=5, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    inspectors = models.ManyToManyField(
        Inspector, verbose_name=_("inspector pool"), through="PlanInspector", related_name="plans"
    )
    inspectors_per_target = models.PositiveSmallIntegerField(
        _("inspectors per target"), default=rules.INSPECTORS_PER_TARGET_MIN,
        validators=[MinValueValidator(rules.INSPECTORS_PER_TARGET_MIN),
                    MaxValueValidator(rules.INSPECTORS_PER_TARGET_MAX)],
    )
    exclude_own_area = models.BooleanField(_("exclude the inspector's own area"), default=True)
    exclude_conflicts = models.BooleanField(_("exclude declared conflicts"), default=True)
    recent_months = models.PositiveSmallIntegerField(
        _("skip targets inspected in the last (months)"), default=0,
        validators=[MaxValueValidator(rules.RECENT_MONTHS_MAX)],
        help_text=_("0: no target is skipped."),
    )
    weight_by_credit = models.BooleanField(
        _("weight the draw toward red and yellow credit grades"), default=False,
        help_text=_(
            "Differentiated supervision by credit: a subject graded red or yellow in its latest "
            "published credit evaluation is more likely to be drawn. The weights and their basis "
            "are kept with each draw, which stays reproducible from its seed."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="plan_dates_ordered",
                violation_error_message=_("The inspections cannot end before they start."),
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="published_plan_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status=PlanStatus.PUBLISHED),
            ),
        ]

    def __str__(self):
        # "2026年度…抽查", not "2026 2026年度…抽查": the year only when the title lacks it
        return self.title if str(self.year) in self.title else f"{self.year} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("oversight:plan_detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED


class PlanArea(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("registry.Area", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "area"], name="plan_area_unique")]
        triggers = [_refuse_when_published("plan_area_frozen", "ROW.plan_id")]

    def __str__(self):
        return f"{self.plan} · {self.area}"


class PlanSector(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey("registry.Sector", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "sector"], name="plan_sector_unique")
        ]
        triggers = [_refuse_when_published("plan_sector_frozen", "ROW.plan_id")]

    def __str__(self):
        return f"{self.plan} · {self.sector}"


class PlanInspector(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="+")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "inspector"], name="plan_inspector_unique")
        ]
        triggers = [_refuse_when_published("plan_inspector_frozen", "ROW.plan_id")]

    def __str__(self):
        return f"{self.plan} · {self.inspector}"


class PlanDraw(models.Model):
    """One draw of a plan: the pool snapshot, the seed, the algorithm version and the
    exclusions; its targets and inspectors are ``DrawnTarget`` rows. The plan's latest draw is
    the one published."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="draws"
    )
    number = models.PositiveSmallIntegerField(_("draw"))
    seed = models.BigIntegerField(_("random seed"))
    algorithm_version = models.PositiveSmallIntegerField(_("algorithm version"))
    snapshot = models.JSONField(_("pool snapshot"))
    inputs = models.JSONField(_("plan as drawn"), default=dict)  # the filters in words
    exclusions = models.JSONField(_("exclusions"), default=list)
    reason = models.CharField(_("reason for drawing again"), max_length=500, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["plan_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="draw_number_unique"),
        ]
        triggers = [
            _never_changed("draw_never_changed"),
            _refuse_when_published("draw_frozen", "ROW.plan_id"),
        ]

    def __str__(self):
        return str(_("Draw %(n)s of %(plan)s") % {"n": self.number, "plan": self.plan})


_PLAN_OF_DRAW = "SELECT d.plan_id FROM oversight_plandraw AS d WHERE d.id = ROW.draw_id"


class DrawnTarget(models.Model):
    """A target of a draw, with its name, code and area as they were when drawn."""

    draw = models.ForeignKey(
        PlanDraw, verbose_name=_("draw"), on_delete=models.PROTECT, related_name="targets"
    )
    position = models.PositiveSmallIntegerField(_("order drawn"))
    kind = models.CharField(_("kind"), max_length=12, choices=TargetKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    agency = models.ForeignKey(
        "verifiers.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("drawn target")
        verbose_name_plural = _("drawn targets")
        ordering = ["draw_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="drawn_target_position"),
            models.CheckConstraint(
                condition=Q(kind=TargetKind.ENTERPRISE, enterprise__isnull=False,
                            agency__isnull=True)
                | Q(kind=TargetKind.AGENCY, agency__isnull=False, enterprise__isnull=True),
                name="drawn_target_one_target",
            ),
        ]
        triggers = [
            _never_changed("drawn_target_never_changed"),
            _refuse_when_published("drawn_target_frozen", _PLAN_OF_DRAW),
        ]

    def __str__(self):
        return self.name

    @property
    def target_id(self) -> int:
        return self.enterprise_id or self.agency_id


class DrawnAssignment(models.Model):
    """An inspector drawn for a target."""

    target = models.ForeignKey(
        DrawnTarget, verbose_name=_("drawn target"), on_delete=models.PROTECT,
        related_name="assignments",
    )
    inspector = models.ForeignKey(
        Inspector, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order drawn"))

    class Meta:
        verbose_name = _("drawn inspector")
        verbose_name_plural = _("drawn inspectors")
        ordering = ["target_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["target", "inspector"], name="drawn_inspector_once"),
        ]
        triggers = [
            _never_changed("drawn_assignment_never_changed"),
            _refuse_when_published(
                "drawn_assignment_frozen",
                "SELECT d.plan_id FROM oversight_plandraw AS d JOIN oversight_drawntarget AS t "
                "ON t.draw_id = d.id WHERE t.id = ROW.target_id",
            ),
        ]

    def __str__(self):
        return f"{self.target} · {self.inspector}"
