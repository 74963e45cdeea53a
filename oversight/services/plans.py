"""Inspection plans: create, change, draw (and draw again with a reason), publish.

The draw itself is ``rules.draw`` (pure); this module takes the pool snapshot
(``selectors.plans.snapshot``), a fresh random seed, stores the draw with its targets and
inspectors, and on publication turns each drawn target into an inspection. A published plan
and its draws are frozen by database triggers (``oversight/models/plans.py``).
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import rules
from oversight.choices import TargetKind
from oversight.models import (
    DrawnAssignment,
    DrawnTarget,
    InspectionPlan,
    PlanDraw,
)
from oversight.selectors import plans as selectors
from oversight.services.inspections import create_inspection
from oversight.services.inspectors import require
from registry.models import Enterprise
from verifiers.models import Agency
from zhongwei_carbon import changes, display, events
from zhongwei_carbon.roles import Perm

PLAN_FIELDS = (
    "year", "title", "targets", "legal_basis", "start_date", "end_date", "listed_year",
    "enterprise_count", "enterprise_share", "agency_count", "agency_share",
    "inspectors_per_target", "exclude_own_area", "exclude_conflicts", "recent_months",
    "weight_by_credit",
)
MIN_YEAR, MAX_YEAR = 2020, 2100


def _validate(plan: InspectionPlan) -> None:
    """What the form cannot see alone: the quantities the plan's targets need."""
    errors = {}
    if plan.year is not None and not MIN_YEAR <= plan.year <= MAX_YEAR:
        errors["year"] = _("Enter a year between %(min)s and %(max)s.") % {
            "min": MIN_YEAR, "max": MAX_YEAR}
    enterprises, agencies = rules.plan_covers(plan.targets)
    if enterprises:
        if plan.listed_year is None:
            errors["listed_year"] = _("Choose the year of the key-emitter list to draw from.")
        if (plan.enterprise_count is None) == (plan.enterprise_share is None):
            errors["enterprise_count"] = _(
                "Give either how many key emitters or what share of them to draw."
            )
    else:
        plan.listed_year = plan.enterprise_count = plan.enterprise_share = None
    if agencies:
        if (plan.agency_count is None) == (plan.agency_share is None):
            errors["agency_count"] = _("Give either how many agencies or what share of them to draw.")
    else:
        plan.agency_count = plan.agency_share = None
    if errors:
        raise ValidationError(errors)
    plan.full_clean()


def _set_pools(plan: InspectionPlan, areas, sectors, inspectors) -> list[str]:
    changed = []
    for name, values in (("areas", areas), ("sectors", sectors), ("inspectors", inspectors)):
        if values is None:
            continue
        manager = getattr(plan, name)
        new = {v.pk for v in values}
        if set(manager.values_list("pk", flat=True)) != new:
            manager.set(list(values))
            changed.append(name)
    return changed


@transaction.atomic
def plan_create(*, actor, areas=(), sectors=(), inspectors=(), **data) -> InspectionPlan:
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    plan = InspectionPlan(created_by=actor)
    changes.apply(plan, data, PLAN_FIELDS)
    _validate(plan)
    plan.save()
    _set_pools(plan, areas, sectors, inspectors)
    events.record(
        actor=actor, verb="plan.created", target=plan,
        message=_("Inspection plan %(plan)s created") % {"plan": plan},
        data={"year": plan.year},
    )
    return plan


def _lock(plan: InspectionPlan) -> InspectionPlan:
    return InspectionPlan.objects.select_for_update(no_key=True).get(pk=plan.pk)


def _transition(plan: InspectionPlan, action: str) -> str:
    target = rules.plan_next_status(plan.status, action)
    if target is None:
        raise ValidationError(
            _("The plan is “%(status)s”: this step is not possible any more.")
            % {"status": plan.get_status_display()},
            code="transition",
        )
    return target


@transaction.atomic
def plan_update(*, actor, plan: InspectionPlan, areas=None, sectors=None, inspectors=None,
                **data) -> InspectionPlan:
    """Change a plan before publication; a plan already drawn must then be drawn again."""
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    plan = _lock(plan)
    new_status = _transition(plan, rules.EDIT)
    changed = changes.apply(plan, data, PLAN_FIELDS)
    _validate(plan)
    changed += _set_pools(plan, areas, sectors, inspectors)
    if not changed:
        return plan
    plan.status = new_status
    plan.save()
    events.record(
        actor=actor, verb="plan.updated", target=plan,
        message=_("Plan changed: %(fields)s") % {"fields": display.field_labels(InspectionPlan, changed)},
        data={"fields": changed},
    )
    return plan


def _refusal(exc: rules.DrawRefused) -> ValidationError:
    p = exc.params
    if exc.code == "too_few_targets":
        kind = TargetKind(p["kind"]).label
        return ValidationError(_(
            "Only %(eligible)s of the pool (%(kind)s) may be drawn after the exclusions, "
            "%(wanted)s wanted: lower the number or share, or widen the pool."
        ) % {"eligible": p["eligible"], "kind": kind, "wanted": p["wanted"]})
    if exc.code == "too_few_inspectors":
        model = Enterprise if p["kind"] == TargetKind.ENTERPRISE else Agency
        name = model.objects.filter(pk=p["target"]).values_list("name", flat=True).first()
        return ValidationError(_(
            "Only %(eligible)s inspectors of the pool may inspect %(target)s after the "
            "exclusions, %(wanted)s needed per target: add inspectors to the pool."
        ) % {"eligible": p["eligible"], "target": name, "wanted": p["wanted"]})
    return ValidationError(_("This draw cannot be made (%(code)s).") % {"code": exc.code})


def _target_row(draw: PlanDraw, position: int, drawn: rules.Drawn, names: dict) -> DrawnTarget:
    obj = names[(drawn.kind, drawn.id)]
    is_enterprise = drawn.kind == TargetKind.ENTERPRISE
    return DrawnTarget(
        draw=draw, position=position, kind=drawn.kind,
        enterprise=obj if is_enterprise else None, agency=None if is_enterprise else obj,
        name=obj.name, uscc=obj.uscc, area_id=obj.area_id if is_enterprise else None,
    )


@transaction.atomic
def plan_draw(*, actor, plan: InspectionPlan, reason: str = "", seed: int | None = None) -> PlanDraw:
    """Draw the plan's targets and inspectors (a first draw, or a re-draw with a reason)."""
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    plan = _lock(plan)
    new_status = _transition(plan, rules.DRAW)
    previous = plan.draws.count()
    reason = (reason or "").strip()
    if rules.redraw_needs_reason(previous) and not reason:
        raise ValidationError({"reason": _("State why the plan is drawn again.")})
    snapshot = selectors.snapshot(plan)
    seed = secrets.randbits(rules.SEED_BITS) if seed is None else seed
    version = rules.algorithm_for(snapshot)  # weighted (2) only when a weight is not 1
    try:
        result = rules.draw(snapshot, seed, version)
    except rules.DrawRefused as exc:
        raise _refusal(exc) from None
    if not result.targets:
        raise ValidationError(_("The pool is empty: no target can be drawn. Check the filters."))
    draw = PlanDraw.objects.create(
        plan=plan, number=previous + 1, seed=seed, algorithm_version=version,
        snapshot=snapshot.to_json(), inputs=selectors.plan_inputs(plan),
        exclusions=[e.to_json() for e in result.exclusions], reason=reason, drawn_by=actor,
    )
    names = {(TargetKind.ENTERPRISE, e.pk): e for e in Enterprise.objects.filter(
        pk__in=[t.id for t in result.targets if t.kind == TargetKind.ENTERPRISE])}
    names |= {(TargetKind.AGENCY, a.pk): a for a in Agency.objects.filter(
        pk__in=[t.id for t in result.targets if t.kind == TargetKind.AGENCY])}
    targets = DrawnTarget.objects.bulk_create(
        [_target_row(draw, i, t, names) for i, t in enumerate(result.targets, start=1)]
    )
    DrawnAssignment.objects.bulk_create([
        DrawnAssignment(target=row, inspector_id=inspector, position=j)
        for row, drawn in zip(targets, result.targets, strict=True)
        for j, inspector in enumerate(drawn.inspectors, start=1)
    ])
    plan.status = new_status
    plan.save(update_fields=["status"])
    message = _("Draw %(n)s: %(targets)s targets, %(excluded)s exclusions (seed %(seed)s)") % {
        "n": draw.number, "targets": len(targets), "excluded": len(result.exclusions),
        "seed": seed,
    }
    if reason:
        message += " · " + _("reason: %(reason)s") % {"reason": reason}
    events.record(
        actor=actor, verb="plan.redrawn" if previous else "plan.drawn", target=plan,
        message=message, data={"draw": draw.number, "seed": seed, "targets": len(targets)},
    )
    return draw


def plan_publish_check(*, actor, plan: InspectionPlan) -> dict:
    """What publishing would do (nothing written): the draw and the inspections to open."""
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    _transition(plan, rules.PUBLISH)
    draw = selectors.latest_draw(plan)
    return {"draw": draw, "targets": draw.targets.count()}


@transaction.atomic
def plan_publish(*, actor, plan: InspectionPlan) -> InspectionPlan:
    """Publish the plan with its latest draw: each drawn target becomes an inspection by its
    drawn inspectors; from now on the plan and its draws are frozen."""
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    plan = _lock(plan)
    new_status = _transition(plan, rules.PUBLISH)
    draw = selectors.latest_draw(plan)
    targets = list(selectors.drawn_targets(draw))
    for target in targets:
        create_inspection(
            actor=actor, plan=plan, drawn_target=target, kind=target.kind,
            enterprise=target.enterprise, agency=target.agency, name=target.name,
            area=target.area, inspectors=[a.inspector for a in target.assignments.all()],
        )
    plan.status = new_status
    plan.published_at = timezone.now()
    plan.published_by = actor
    plan.save(update_fields=["status", "published_at", "published_by"])
    events.record(
        actor=actor, verb="plan.published", target=plan,
        message=_("Plan published with draw %(n)s: %(count)s inspections opened")
        % {"n": draw.number, "count": len(targets)},
        data={"draw": draw.number, "inspections": len(targets)},
    )
    events.publish("inspection_plan.published", plan_id=plan.pk)
    return plan

