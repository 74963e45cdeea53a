"""Reads of complaints, always through ``scoping.for_user`` (DESIGN.md §4.1): the bureau every
complaint, a county / park official those handled in his area, a handler those assigned to
him; enterprises and agencies nothing. Nothing here reads the filer's identity."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import Outcome, Status
from complaints.models import Attachment, Complaint
from registry.choices import ListStatus
from registry.models import Enterprise, KeyEmitterListEntry
from verifiers.choices import AgencyStatus
from verifiers.models import Agency
from zhongwei_carbon import events, roles, scoping, web
from zhongwei_carbon.roles import Perm

# the logged look at the filer's identity: an event only bureau admins see (the access log)
IDENTITY_VIEWED = "complaint.identity_viewed"


def base() -> QuerySet:
    return Complaint.objects.select_related(
        "enterprise", "agency", "area", "assigned_area", "handler", "merged_into"
    ).defer("secret_hash")


def complaints_for(user, action: str = Perm.VIEW_COMPLAINT) -> QuerySet:
    return scoping.for_user(base(), user, action).order_by("-filed_at", "-pk")


# --- the list's month and outcome filters (the page, its export, the API and the dashboard) ---

NO_OUTCOME = "none"  # the outcome filter's value for complaints not answered (yet)
OUTCOME_CHOICES = [*Outcome.choices, (NO_OUTCOME, _("No outcome (not answered)"))]


def parse_month(value) -> tuple[int, int] | None:
    """``"2025-03"`` as (2025, 3); anything else ``None`` (the filter is then ignored)."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", (value or "").strip())
    if not found or not 1 <= int(found[2]) <= 12:
        return None
    return int(found[1]), int(found[2])


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _month_start(year: int, month: int) -> datetime:
    """Midnight (Beijing time) of the month's first day."""
    return timezone.make_aware(datetime(year, month, 1))


def _next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def filed_in_month(year: int, month: int) -> Q:
    """Filed during that calendar month, Beijing time."""
    return Q(filed_at__gte=_month_start(year, month), filed_at__lt=_month_start(*_next(year, month)))


def filed_since(year: int, month: int) -> Q:
    """Filed on or after that month's first day, Beijing time."""
    return Q(filed_at__gte=_month_start(year, month))


def with_outcome(value: str) -> Q | None:
    """Answered with that outcome (a draft reply's outcome is not one yet), or for
    ``NO_OUTCOME`` not answered; ``None`` for an unknown value."""
    if value in Outcome.values:
        return Q(status=Status.ANSWERED, outcome=value)
    if value == NO_OUTCOME:
        return ~Q(status=Status.ANSWERED)
    return None


def last_months(today: date, n: int = 12) -> list[tuple[int, int]]:
    """The ``n`` calendar months up to ``today``'s, oldest first."""
    year, month = today.year, today.month
    months = []
    for _i in range(n):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def assigned_to(user) -> Q:
    """Complaints whose handler is ``user`` (the list's "only mine")."""
    return Q(handler=user.pk)


def get(user, pk: int, action: str = Perm.VIEW_COMPLAINT) -> Complaint:
    return web.get_scoped_or_404(base(), user, action, pk=pk)


def events_for(user, complaint: Complaint) -> QuerySet:
    """The complaint's activity as ``user`` may read it: the looks at the filer's identity
    only for those who may look (a handler does not learn that, or when, the bureau did)."""
    rows = events.for_object(complaint)
    if not roles.has_perm(user, Perm.VIEW_COMPLAINT_IDENTITY):
        rows = rows.exclude(verb=IDENTITY_VIEWED)
    return rows


def attachment_for(user, pk: int) -> Attachment:
    return web.get_scoped_or_404(Attachment.objects.select_related("complaint"), user,
                                 Perm.VIEW_COMPLAINT, pk=pk)


def public_enterprises() -> QuerySet:
    """Enterprises a complaint may name from the lists: those on a published key-emitter list."""
    listed = KeyEmitterListEntry.objects.filter(key_list__status=ListStatus.PUBLISHED).listed()
    return Enterprise.objects.filter(pk__in=listed.values("enterprise_id"))


def public_agencies() -> QuerySet:
    return Agency.objects.filter(status=AgencyStatus.ACTIVE)


def merge_candidates(complaint: Complaint) -> QuerySet:
    return Complaint.objects.exclude(pk=complaint.pk).exclude(
        status__in=["merged", "rejected"]).order_by("-filed_at")
