"""Reads of agencies, always through ``scoping.for_user`` (DESIGN.md §4.1)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from verifiers import rules
from verifiers.choices import AgencyStatus, QualificationKind
from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm


def valid_on(today: date, prefix: str = "") -> Q:
    """Qualifications valid on ``today`` (the SQL form of ``rules.qualification_state``)."""
    return Q(**{f"{prefix}valid_from__lte": today, f"{prefix}valid_until__gte": today})


def agencies_for(user, action: str = Perm.VIEW_AGENCY) -> QuerySet:
    """Agencies ``user`` may reach, with counts of valid qualifications and active staff."""
    today = timezone.localdate()
    qs = Agency.objects.annotate(
        valid_qualifications=Count(
            "qualifications", filter=valid_on(today, "qualifications__"), distinct=True
        ),
        active_staff=Count("staff", filter=Q(staff__is_active=True), distinct=True),
    ).order_by("name", "pk")  # Meta.ordering is dropped from aggregate queries
    return scoping.for_user(qs, user, action)


def qualification_rows(agency: Agency, *, today: date | None = None) -> list[dict]:
    """The agency's qualifications, each flagged expired / not yet valid / valid."""
    today = today or timezone.localdate()
    rows = []
    for q in (
        AgencyQualification.objects.filter(agency=agency)
        .prefetch_related("sectors")
        .order_by("-valid_until")
    ):
        rows.append({"obj": q, "state": rules.qualification_state(q.valid_from, q.valid_until, today)})
    return rows


def staff_rows(agency: Agency, *, today: date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    rows = []
    for s in (
        VerifierStaff.objects.filter(agency=agency)
        .select_related("user")
        .order_by("-is_active", "name")
    ):
        expired = rules.staff_qualification_expired(s.qualification_valid_until, today)
        rows.append({"obj": s, "qualification_expired": expired})
    return rows


# --- who may verify a report of a sector (rules.verification_eligibility) --------------------


def verification_qualifications(agency: Agency) -> list[rules.Qualification]:
    """The agency's verification qualifications, as the rule reads them (sector pks)."""
    rows = AgencyQualification.objects.filter(
        agency=agency, kind=QualificationKind.VERIFICATION
    ).prefetch_related("sectors")
    return [
        rules.Qualification(q.valid_from, q.valid_until, frozenset(s.pk for s in q.sectors.all()))
        for q in rows
    ]


def eligibility(agency: Agency, sector, *, today: date | None = None) -> rules.Eligibility:
    """``rules.verification_eligibility`` for ``agency`` and a report of ``sector``."""
    today = today or timezone.localdate()
    return rules.verification_eligibility(
        verification_qualifications(agency), getattr(sector, "pk", sector), today
    )


def covering(sector, today: date, prefix: str = "") -> Q:
    """The SQL form of an eligible qualification: a verification qualification valid on
    ``today`` that covers ``sector`` (``rules.verification_eligibility``)."""
    return valid_on(today, prefix) & Q(
        **{f"{prefix}kind": QualificationKind.VERIFICATION, f"{prefix}sectors": sector}
    )


def eligible_agencies(sector, *, today: date | None = None) -> QuerySet:
    """Active agencies that may verify a report of ``sector`` today, each annotated with
    ``qualification_until`` (the latest end date of its covering qualifications)."""
    today = today or timezone.localdate()
    return (
        Agency.objects.filter(status=AgencyStatus.ACTIVE)
        .exclude(suspended_until__gte=today)  # rules.suspended
        .annotate(
            qualification_until=Max(
                "qualifications__valid_until", filter=covering(sector, today, "qualifications__")
            )
        )
        .filter(qualification_until__isnull=False)
        .order_by("name", "pk")
    )
