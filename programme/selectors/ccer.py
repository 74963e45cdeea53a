"""Reads of the CCER project library: the user's projects (scoped), a project's reductions,
stage timeline and the registry units of its registered project, the public list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from allowances.choices import EntryKind, UnitType
from allowances.models import Holding, LedgerEntry
from programme import ccer_rules as rules
from programme.models import CCERLibraryProject, CCERReduction, CCERStage
from registry.choices import Dataset
from registry.selectors.grants import granted, granted_department_ids
from zhongwei_carbon import lookup, roles, scoping
from zhongwei_carbon.roles import Perm, Role

VIEW = Perm.VIEW_CCER_LIBRARY
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


def may_read(user) -> bool:
    """May ``user`` open the library: his role allows it, and a liaison's unit holds the
    ``ccer_library`` grant (without it: 403)."""
    allowed = roles.roles_for(VIEW)
    held = {m.role for m in roles.memberships(user) if m.role in allowed}
    if held - {Role.DEPARTMENT_LIAISON}:
        return True
    return bool(held) and granted(user, Dataset.CCER_LIBRARY)


def _total(field: str):
    rows = (CCERReduction.objects.filter(project=OuterRef("pk")).order_by()
            .values("project").annotate(t=Sum(field)).values("t"))
    return Coalesce(Subquery(rows, output_field=ZERO.output_field), ZERO)


def _with_totals(qs):
    return qs.select_related("area", "owner_enterprise", "registered_project").annotate(
        expected_total=_total("expected_tco2e"), issued_total=_total("issued_tco2e"))


def projects_for(user, action: str = VIEW):
    """Library projects ``user`` may reach for ``action`` (bureau all, official his area's,
    enterprise its own; a liaison whose unit holds the grant reads them all), with their
    expected and issued totals."""
    qs = CCERLibraryProject.objects.all()
    if action == VIEW and granted_department_ids(user, Dataset.CCER_LIBRARY):
        return _with_totals(qs)  # the grant opens the whole library for reading
    return _with_totals(scoping.for_user(qs, user, action))


def search(qs, text: str):
    text = (text or "").strip()[: lookup.MAX_QUERY]
    if not text:
        return qs
    return qs.filter(
        Q(name__icontains=text) | Q(code__icontains=text) | Q(owner_name__icontains=text)
        | Q(owner_enterprise__name__icontains=text) | Q(methodology_code__icontains=text)
        | Q(methodology_name__icontains=text) | Q(registered_project__code__icontains=text)
    )


def public_projects():
    """What the public sees: registered projects and those with issued reductions only."""
    return _with_totals(
        CCERLibraryProject.objects.filter(stage__in=rules.PUBLIC_STAGES)
    ).order_by("-registered_on", "code")


def reductions_of(project: CCERLibraryProject):
    return project.reductions.order_by("year")


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    on: date | None
    reached: bool
    current: bool


def timeline(project: CCERLibraryProject) -> list[Step]:
    """The stages in order, with the date each was reached (an idea has no date of its own:
    the project may be entered in the library long after it was first thought of)."""
    labels = dict(CCERStage.choices)
    order = list(rules.TIMELINE)
    stage = project.stage_before_withdrawal if project.stage == rules.WITHDRAWN else project.stage
    position = order.index(stage) if stage in order else -1
    steps = []
    for i, s in enumerate(order):
        on = getattr(project, rules.STAGE_DATE_FIELD[s]) if s in rules.STAGE_DATE_FIELD else None
        steps.append(Step(s, labels[s], on if i <= position else None, i <= position,
                          s == project.stage))
    return steps


@dataclass(frozen=True)
class Units:
    held: int
    surrendered: int


def registry_units(user, project: CCERLibraryProject) -> Units | None:
    """The registered project's CCER units in the portal's ledger, within what ``user`` may see
    of allowance accounts (the bureau: the whole city; an official: his area; an enterprise:
    its own account); ``None`` when the project is not registered or the user sees no accounts."""
    if project.registered_project_id is None or not roles.has_perm(user, Perm.VIEW_ACCOUNT):
        return None
    holdings = scoping.for_user(Holding.objects.all(), user, Perm.VIEW_ACCOUNT).filter(
        unit_type=UnitType.CCER, project_id=project.registered_project_id)
    entries = scoping.for_user(LedgerEntry.objects.all(), user, Perm.VIEW_ACCOUNT).filter(
        holding__unit_type=UnitType.CCER, holding__project_id=project.registered_project_id,
        kind=EntryKind.SURRENDER)
    held = holdings.aggregate(t=Sum("quantity"))["t"] or 0
    surrendered = -(entries.aggregate(t=Sum("quantity"))["t"] or 0)
    return Units(held=held, surrendered=surrendered)
