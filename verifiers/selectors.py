"""Reads of agencies, always through ``scoping.for_user`` (DESIGN.md §4.1)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from verifiers import rules
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
    for q in AgencyQualification.objects.filter(agency=agency).order_by("-valid_until"):
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
