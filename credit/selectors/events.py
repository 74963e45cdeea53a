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

# the page of each kind of source record: model label -> (URL name or None for the model's
# ``get_absolute_url``, the URL's argument, the action its page needs)
SOURCE_PAGES = {
    "reporting.AnnualReport": ("reporting:report_detail", "pk", Perm.VIEW_REPORT),
    "reporting.MonthlyLedger": ("reporting:ledger_detail", "pk", Perm.VIEW_LEDGER),
    "allowances.PenaltyCase": ("allowances:penalty_detail", "pk", Perm.VIEW_COMPLIANCE),
    "allowances.ComplianceCycle": ("allowances:cycle_detail", "year", Perm.VIEW_CYCLE),
    "verifiers.Agency": ("verifiers:agency_detail", "pk", Perm.VIEW_AGENCY),
    "registry.Enterprise": ("registry:enterprise_detail", "pk", Perm.VIEW_ENTERPRISE),
    "oversight.ViolationCase": (None, "pk", Perm.VIEW_VIOLATION),
    "oversight.Inspection": (None, "pk", Perm.VIEW_INSPECTION),
    "complaints.Complaint": (None, "pk", Perm.VIEW_COMPLAINT),
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


def source_of(event, user) -> tuple[str, str]:
    """The record an event comes from, by name, and its page when ``user`` may open it (""
    otherwise: a link never leads to a 403 or a 404)."""
    if event.source_type_id is None or not event.source_id:
        return "", ""
    model = event.source_type.model_class()
    obj = model._default_manager.filter(pk=event.source_id).first() if model else None
    if obj is None:
        return "", ""
    page = SOURCE_PAGES.get(obj._meta.label)
    if page is None:
        return str(obj), ""
    name, arg, action = page
    if not roles.has_perm(user, action) or not scoping.can(user, action, obj):
        return str(obj), ""
    try:
        url = reverse(name, args=[getattr(obj, arg)]) if name else obj.get_absolute_url()
    except (NoReverseMatch, AttributeError):
        url = ""
    return str(obj), url
