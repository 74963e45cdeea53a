"""Reads of violation cases, always through ``scoping.for_user`` (DESIGN.md §4.1): the bureau
sees every case, a county official the cases of its area, an enterprise or agency only its own
*decided* cases (an open case is internal until decided)."""

from __future__ import annotations

from django.db.models import QuerySet

from oversight import penalty_rules as rules
from oversight.choices import CaseStatus
from oversight.models import CaseEvidence, PenaltyRange, ViolationCase
from zhongwei_carbon import roles, scoping, web
from zhongwei_carbon.roles import Perm, Role

# roles that see a case while it is still open (the rest: the parties, decided cases only)
INTERNAL = (Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL)


def base() -> QuerySet:
    return ViolationCase.objects.select_related(
        "inspection", "enterprise", "agency", "area", "decided_by", "opened_by"
    ).prefetch_related("persons", "departments")


def visible(qs: QuerySet, user) -> QuerySet:
    """``qs`` (already scoped) without open cases for a user who is only a party."""
    if roles.has_role(user, *INTERNAL):
        return qs
    return qs.exclude(status=CaseStatus.OPEN)


def cases_for(user, action: str = Perm.VIEW_VIOLATION) -> QuerySet:
    qs = scoping.for_user(base(), user, action)
    return visible(qs, user).order_by("-opened_at", "-pk")


def get(user, pk: int, action: str = Perm.VIEW_VIOLATION) -> ViolationCase:
    """One case within the user's scope for ``action`` (else 404)."""
    return web.get_scoped_or_404(visible(base(), user), user, action, pk=pk)


def evidence_for(user, pk: int) -> CaseEvidence:
    case_ids = cases_for(user).values("pk")
    return web.get_scoped_or_404(
        CaseEvidence.objects.filter(case__in=case_ids).select_related("case"), user,
        Perm.VIEW_VIOLATION, pk=pk,
    )


def range_rows() -> list[rules.RangeRow]:
    return [
        rules.RangeRow(r.article, r.kind, r.low, r.high, r.year, r.source)
        for r in PenaltyRange.objects.order_by("article", "kind", "year")
    ]


def penalties(*, article: str, year: int, illegal_gains: int | None) -> rules.Penalties:
    """The ranges the law allows for a case (``penalty_rules.penalties`` over the data rows)."""
    return rules.penalties(range_rows(), article=article, year=year, illegal_gains=illegal_gains)


def case_penalties(case: ViolationCase) -> rules.Penalties:
    return penalties(article=case.article, year=case.year, illegal_gains=case.illegal_gains)


def cases_of_inspection(user, inspection) -> QuerySet:
    return cases_for(user).filter(inspection=inspection)


def evidence_of(case: ViolationCase) -> QuerySet:
    return CaseEvidence.objects.filter(case=case).select_related("uploaded_by")




def range_rows_for(user) -> QuerySet:
    return scoping.for_user(PenaltyRange.objects.all(), user, Perm.MANAGE_VIOLATION).order_by(
        "article", "kind", "-year")
