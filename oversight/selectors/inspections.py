"""Reads of inspections, always through ``scoping.for_user`` (DESIGN.md §4.1): the county sees
the inspections of its area, an enterprise or agency its own, an inspector those he is drawn
for, the bureau all of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from oversight import rules
from oversight.choices import InspectionStatus, RectificationStatus
from oversight.models import (
    Evidence,
    Finding,
    Inspection,
    InspectionInspector,
    Rectification,
    RectificationAnswer,
)
from zhongwei_carbon import scoping, web
from zhongwei_carbon.roles import Perm


def base() -> QuerySet:
    return Inspection.objects.select_related(
        "plan", "area", "enterprise", "agency", "rectification"
    ).prefetch_related(
        Prefetch("inspectors", InspectionInspector.objects.select_related("inspector"))
    )


def inspections_for(user, action: str = Perm.VIEW_INSPECTION) -> QuerySet:
    return scoping.for_user(base(), user, action).order_by("-created_at", "-pk")


def drawn_for(user) -> Q:
    """Inspections ``user`` is drawn for (a subquery: never a row twice)."""
    return Q(pk__in=Inspection.objects.filter(inspectors__inspector__user=user.pk).values("pk"))


def overdue(today) -> Q:
    """Open inspections of a plan whose inspection period ended before ``today`` (the
    inspectors were to inspect and conclude by its last day)."""
    return Q(status=InspectionStatus.OPEN, plan__end_date__lt=today)


def get(user, pk: int, action: str = Perm.VIEW_INSPECTION) -> Inspection:
    """One inspection within the user's scope for ``action`` (else 404)."""
    return web.get_scoped_or_404(base(), user, action, pk=pk)


@dataclass
class Detail:
    checks: list
    findings: list
    answers: list
    rectification: Rectification | None
    overdue: bool


def detail(inspection: Inspection) -> Detail:
    """The inspection's record: checklist, findings with their files, the rectification with
    its answers and their files."""
    evidence = Evidence.objects.order_by("uploaded_at", "pk")
    findings = list(
        Finding.objects.filter(inspection=inspection)
        .select_related("check_result", "recorded_by")
        .prefetch_related(Prefetch("evidence", evidence))
    )
    rectification = Rectification.objects.filter(inspection=inspection).first()
    answers = []
    overdue = False
    if rectification is not None:
        answers = list(
            RectificationAnswer.objects.filter(rectification=rectification)
            .select_related("answered_by", "decided_by")
            .prefetch_related(Prefetch("evidence", evidence))
        )
        overdue = rules.rectification_overdue(
            deadline=rectification.deadline,
            answered=rectification.status != RectificationStatus.PENDING,
            today=timezone.localdate(),
        )
    checks = list(inspection.checks.select_related("item").order_by("item__sort_order", "pk"))
    return Detail(checks, findings, answers, rectification, overdue)


def evidence_for(user, pk: int) -> Evidence:
    """One evidence file the user may see (out of scope: 404)."""
    return web.get_scoped_or_404(
        Evidence.objects.select_related("inspection"), user, Perm.VIEW_INSPECTION, pk=pk
    )
