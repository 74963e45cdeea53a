"""Reads of agencies, always through ``scoping.for_user`` (DESIGN.md §4.1)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm


def agencies_for(user, action: str = Perm.VIEW_AGENCY) -> QuerySet:
    """Agencies ``user`` may reach, with counts of valid qualifications and active staff."""
    today = timezone.localdate()
    qs = Agency.objects.annotate(
        valid_qualifications=Count(
            "qualifications",
            filter=Q(qualifications__valid_from__lte=today, qualifications__valid_until__gte=today),
            distinct=True,
        ),
        active_staff=Count("staff", filter=Q(staff__is_active=True), distinct=True),
    ).order_by("name", "pk")  # Meta.ordering is dropped from aggregate queries
    return scoping.for_user(qs, user, action)


def qualification_rows(agency: Agency, *, today: date | None = None) -> list[dict]:
    """The agency's qualifications, each flagged expired / not yet valid / valid."""
    today = today or timezone.localdate()
    rows = []
    for q in AgencyQualification.objects.filter(agency=agency).order_by("-valid_until"):
        if q.valid_until < today:
            state = "expired"
        elif q.valid_from > today:
            state = "future"
        else:
            state = "valid"
        rows.append({"obj": q, "state": state})
    return rows


def staff_rows(agency: Agency, *, today: date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    rows = []
    for s in (
        VerifierStaff.objects.filter(agency=agency)
        .select_related("user")
        .order_by("-is_active", "name")
    ):
        expired = s.qualification_valid_until is not None and s.qualification_valid_until < today
        rows.append({"obj": s, "qualification_expired": expired})
    return rows
