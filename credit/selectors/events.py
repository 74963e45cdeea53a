"""Reads of credit events, scoped (``zhongwei_carbon.scoping``: the bureau every event, a
county / park official its area's enterprises', an enterprise or an agency its own, the public
none). A manual event waiting for, or refused by, the second admin is the bureau's alone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from credit.choices import EventStatus, SubjectKind
from credit.models import CreditEvent
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm

VIEW = Perm.VIEW_CREDIT_EVENT
BUREAU_ONLY = (EventStatus.PENDING, EventStatus.REFUSED)

# pages of source records without ``get_absolute_url``: model label -> URL name (pk)
SOURCE_PAGES = {
    "reporting.AnnualReport": "reporting:report_detail",
    "reporting.MonthlyLedger": "reporting:ledger_detail",
    "allowances.PenaltyCase": "allowances:penalty_detail",
    "verifiers.Agency": "verifiers:agency_detail",
    "registry.Enterprise": "registry:enterprise_detail",
}


def base() -> QuerySet:
    return CreditEvent.objects.select_related(
        "enterprise", "enterprise__area", "agency", "recorded_by", "confirmed_by", "source_type")


def events_for(user, action: str = VIEW) -> QuerySet:
    qs = scoping.for_user(base(), user, action)
    if not roles.is_bureau(user):
        qs = qs.exclude(status__in=BUREAU_ONLY)
    return qs.order_by("-occurred_on", "-pk")


def get(user, pk) -> CreditEvent:
    """One event within the user's scope, or 404."""
    event = events_for(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def awaiting(user) -> QuerySet:
    """Manual events waiting for a second admin that ``user`` may confirm (not his own)."""
    if not roles.has_perm(user, Perm.MANAGE_CREDIT_EVENT):
        return CreditEvent.objects.none()
    return (events_for(user).filter(status=EventStatus.PENDING)
            .exclude(recorded_by=user))


def subject_url(event) -> str:
    if event.subject_kind == SubjectKind.ENTERPRISE:
        return reverse("registry:enterprise_detail", args=[event.enterprise_id])
    return reverse("verifiers:agency_detail", args=[event.agency_id])


def source_of(event) -> tuple[str, str]:
    """The record an event comes from, by name, and its page ("" when it has none)."""
    if event.source_type_id is None or not event.source_id:
        return "", ""
    model = event.source_type.model_class()
    obj = model._default_manager.filter(pk=event.source_id).first() if model else None
    if obj is None:
        return "", ""
    if hasattr(obj, "get_absolute_url"):
        return str(obj), obj.get_absolute_url()
    name = SOURCE_PAGES.get(obj._meta.label)
    try:
        return str(obj), reverse(name, args=[obj.pk]) if name else ""
    except NoReverseMatch:
        return str(obj), ""
