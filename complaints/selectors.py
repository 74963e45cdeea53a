"""Reads of complaints, always through ``scoping.for_user`` (DESIGN.md §4.1): the bureau every
complaint, a county / park official those handled in his area, a handler those assigned to
him; enterprises and agencies nothing. Nothing here reads the filer's identity."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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
