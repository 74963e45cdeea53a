"""Reads of inspection plans and draws: the plans a user may see, the pool snapshot a draw is
made from, a stored draw as the rules read it, and the re-run of a draw."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from oversight import rules
from oversight.choices import TargetKind
from oversight.models import (
    ConflictDeclaration,
    DrawnTarget,
    Inspection,
    InspectionPlan,
    Inspector,
    PlanDraw,
)
from registry.choices import EnterpriseStatus, ListStatus
from registry.models import Enterprise, KeyEmitterListEntry
from verifiers.choices import AgencyStatus
from verifiers.models import Agency
from zhongwei_carbon import draw_weights, scoping
from zhongwei_carbon.roles import Perm


def plans_for(user) -> QuerySet:
    """Plans ``user`` may see (the bureau every plan, others the published ones), with the
    number of targets drawn and of inspections concluded."""
    qs = scoping.for_user(InspectionPlan.objects.all(), user, Perm.VIEW_INSPECTION_PLAN)
    return _with_counts(qs)


def published_plans() -> QuerySet:
    return _with_counts(scoping.public(InspectionPlan.objects.all()))


def _with_counts(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        inspection_count=Count("inspections", distinct=True),
        concluded_count=Count(
            "inspections", filter=~Q(inspections__conclusion=""), distinct=True
        ),
        draw_count=Count("draws", distinct=True),
    ).order_by("-year", "-created_at", "-pk")


def latest_draw(plan: InspectionPlan) -> PlanDraw | None:
    """The plan's latest draw (the one published, once the plan is)."""
    return plan.draws.order_by("-number").select_related("drawn_by").first()


def drawn_targets(draw: PlanDraw) -> QuerySet:
    """The draw's targets in the order drawn, with their inspectors and, once inspected, the
    inspection (its conclusion is the published result)."""
    return (
        DrawnTarget.objects.filter(draw=draw)
        .select_related("area", "inspection")
        .prefetch_related("assignments__inspector")
        .order_by("position")
    )


def public_targets(draw: PlanDraw) -> QuerySet:
    """The targets of a published draw, for the public (``scoping.public``), with the
    conclusion of each inspection once it is concluded (its only published field)."""
    return scoping.public(drawn_targets(draw))


# --- the pool ---------------------------------------------------------------------------------


def enterprise_pool(plan: InspectionPlan) -> QuerySet:
    """Key emitters the plan may draw: on the published list of ``listed_year`` (listed, not
    removed), not closed, in the plan's areas and sectors (none chosen: all)."""
    listed = KeyEmitterListEntry.objects.listed().filter(
        key_list__year=plan.listed_year, key_list__status=ListStatus.PUBLISHED
    )
    qs = Enterprise.objects.filter(pk__in=listed.values("enterprise_id")).exclude(
        status=EnterpriseStatus.CLOSED
    )
    if plan.pk:
        area_ids = list(plan.areas.values_list("pk", flat=True))
        sector_ids = list(plan.sectors.values_list("pk", flat=True))
        if area_ids:
            qs = qs.filter(area_id__in=area_ids)
        if sector_ids:
            qs = qs.filter(sector_id__in=sector_ids)
    return qs.order_by("pk")


def agency_pool() -> QuerySet:
    """Agencies active in the city."""
    return Agency.objects.filter(status=AgencyStatus.ACTIVE).order_by("pk")


def inspector_pool(plan: InspectionPlan) -> QuerySet:
    return plan.inspectors.filter(is_active=True).order_by("pk")


def _last_inspected(kind: str, ids: list[int]) -> list[tuple[str, int, object]]:
    field = "enterprise_id" if kind == TargetKind.ENTERPRISE else "agency_id"
    rows = (
        Inspection.objects.filter(**{f"{field}__in": ids}, inspected_on__isnull=False)
        .values(field)
        .annotate(last=Max("inspected_on"))
        .order_by(field)
    )
    return [(kind, row[field], row["last"]) for row in rows]


def snapshot(plan: InspectionPlan) -> rules.Snapshot:
    """The plan's pool as the draw reads it, ids ascending (a fixed order)."""
    wants_enterprises, wants_agencies = rules.plan_covers(plan.targets)
    enterprises = (
        tuple(
            rules.PoolTarget(rules.ENTERPRISE, pk, area_id)
            for pk, area_id in enterprise_pool(plan).values_list("pk", "area_id")
        )
        if wants_enterprises else ()
    )
    agencies = (
        tuple(rules.PoolTarget(rules.AGENCY, pk) for pk in agency_pool().values_list("pk", flat=True))
        if wants_agencies else ()
    )
    inspectors = tuple(
        rules.PoolInspector(pk, area_id)
        for pk, area_id in inspector_pool(plan).values_list("pk", "area_id")
    )
    ids = [i.id for i in inspectors]
    conflicts = frozenset(
        (inspector_id, kind, enterprise_id or agency_id)
        for inspector_id, kind, enterprise_id, agency_id in ConflictDeclaration.objects.filter(
            inspector_id__in=ids, is_active=True
        ).values_list("inspector_id", "target_kind", "enterprise_id", "agency_id")
    )
    last = []
    if plan.recent_months:
        last = _last_inspected(rules.ENTERPRISE, [t.id for t in enterprises]) + _last_inspected(
            rules.AGENCY, [t.id for t in agencies]
        )
    weights = ()
    if plan.weight_by_credit:  # from the credit grades, through the core hook
        weighting = draw_weights.for_targets(
            [t.id for t in enterprises], [t.id for t in agencies], year=plan.year
        )
        weights = tuple(sorted((k, i, w) for (k, i), w in weighting.weights.items()))
    return rules.Snapshot(
        enterprises=enterprises,
        agencies=agencies,
        inspectors=inspectors,
        enterprise_quantity=rules.Quantity(plan.enterprise_count, plan.enterprise_share)
        if wants_enterprises else rules.NOTHING,
        agency_quantity=rules.Quantity(plan.agency_count, plan.agency_share)
        if wants_agencies else rules.NOTHING,
        inspectors_per_target=plan.inspectors_per_target,
        exclude_own_area=plan.exclude_own_area,
        exclude_conflicts=plan.exclude_conflicts,
        conflicts=conflicts,
        recent_months=plan.recent_months,
        last_inspected=tuple(last),
        reference_date=plan.start_date,
        weights=weights,
    )


def plan_inputs(plan: InspectionPlan) -> dict:
    """The plan's filters and options in words, kept with each draw (the public page shows
    them as they were when drawn)."""
    return {
        "targets": plan.get_targets_display(),
        "listed_year": plan.listed_year,
        "areas": [str(a) for a in plan.areas.order_by("sort_order", "code")],
        "sectors": [str(s) for s in plan.sectors.order_by("sort_order", "code")],
        "enterprise_count": plan.enterprise_count,
        "enterprise_share": str(plan.enterprise_share) if plan.enterprise_share is not None
        else None,
        "agency_count": plan.agency_count,
        "agency_share": str(plan.agency_share) if plan.agency_share is not None else None,
        "inspectors_per_target": plan.inspectors_per_target,
        "exclude_own_area": plan.exclude_own_area,
        "exclude_conflicts": plan.exclude_conflicts,
        "recent_months": plan.recent_months,
        # the weighting in words, as it stood when drawn (the weights are in the snapshot)
        **({"weighting": draw_weights.for_targets([], [], year=plan.year).basis}
           if plan.weight_by_credit else {}),
    }


# --- a stored draw, its exclusions in words and its re-run ----------------------------------


def stored_result(draw: PlanDraw) -> rules.DrawResult:
    targets = tuple(
        rules.Drawn(t.kind, t.target_id, tuple(a.inspector_id for a in t.assignments.all()))
        for t in drawn_targets(draw)
    )
    exclusions = tuple(rules.Exclusion.from_json(row) for row in draw.exclusions)
    return rules.DrawResult(targets, exclusions)


@dataclass
class Rerun:
    draw: PlanDraw
    matches: bool
    differences: list[str]
    error: str = ""  # the rules refused to re-run (an unknown algorithm version)
    rows: list = None  # (position, stored target, its inspectors, recomputed target, inspectors)


def rerun(draw: PlanDraw) -> Rerun:
    """Recompute ``draw`` from its stored snapshot, seed and algorithm version and compare it
    with what was stored, target by target."""
    snap = rules.Snapshot.from_json(draw.snapshot)
    stored = stored_result(draw)
    try:
        again = rules.draw(snap, draw.seed, draw.algorithm_version)
    except rules.DrawRefused as exc:
        return Rerun(draw, False, [], error=exc.code, rows=[])
    found = rules.differences(stored, again)
    names = _names(stored.targets + again.targets)
    inspectors = dict(Inspector.objects.values_list("pk", "name"))
    rows = []
    for n in range(max(len(stored.targets), len(again.targets))):
        pair = []
        for result in (stored, again):
            t = result.targets[n] if n < len(result.targets) else None
            pair += [names.get((t.kind, t.id), "—") if t else "—",
                     "、".join(inspectors.get(i, "—") for i in t.inspectors) if t else "—"]
        rows.append((n + 1, *pair, pair[:2] == pair[2:]))
    return Rerun(draw, not found, found, rows=rows)


def _names(targets) -> dict:
    enterprise_ids = {t.id for t in targets if t.kind == TargetKind.ENTERPRISE}
    agency_ids = {t.id for t in targets if t.kind == TargetKind.AGENCY}
    return {
        (TargetKind.ENTERPRISE, pk): name
        for pk, name in Enterprise.objects.filter(pk__in=enterprise_ids).values_list("pk", "name")
    } | {
        (TargetKind.AGENCY, pk): name
        for pk, name in Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")
    }


@dataclass
class ExclusionRow:
    reason: str
    reason_label: str
    target: str
    inspector: str
    inspected_on: object


def exclusion_rows(draw: PlanDraw) -> list[ExclusionRow]:
    """The draw's exclusions with names (targets and inspectors by name, never by id)."""
    from oversight.choices import ExclusionReason

    exclusions = [rules.Exclusion.from_json(row) for row in draw.exclusions]
    names = _names([rules.Drawn(e.target_kind, e.target_id, ()) for e in exclusions])
    inspectors = dict(
        Inspector.objects.filter(
            pk__in={e.inspector_id for e in exclusions if e.inspector_id}
        ).values_list("pk", "name")
    )
    labels = dict(ExclusionReason.choices)
    return [
        ExclusionRow(
            e.reason, str(labels.get(e.reason, e.reason)),
            names.get((e.target_kind, e.target_id), "—"),
            inspectors.get(e.inspector_id, "") if e.inspector_id else "",
            e.inspected_on,
        )
        for e in exclusions
    ]


def inspectors_for(user) -> QuerySet:
    return scoping.for_user(
        Inspector.objects.select_related("user", "area"), user, Perm.MANAGE_INSPECTION_PLAN
    ).annotate(
        conflict_count=Count("conflicts", filter=Q(conflicts__is_active=True), distinct=True)
    ).order_by("kind", "name", "pk")

