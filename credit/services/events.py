"""Credit events are recorded here, and nowhere else.

``record``: an automatic event (from a lower app's domain event or a deadline), idempotent on
its ``key``: a second call with the same key, even a concurrent one, changes nothing and
returns the event already there. ``manual_enter`` / ``manual_confirm`` / ``manual_refuse``: a
bureau admin enters an event with evidence; it counts only once a different admin confirms it
(four eyes; the database refuses the same person too).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.choices import EventKind, EventOrigin, EventStatus, SubjectKind
from credit.models import CreditEvent
from zhongwei_carbon import events, notifications, roles, uploads
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Perm, Role

MANAGE = Perm.MANAGE_CREDIT_EVENT


def subject_fields(subject) -> dict:
    """The subject columns of an event for an ``Enterprise`` or an ``Agency``."""
    if subject is None:
        raise ValidationError({"subject": _("Choose the enterprise or agency.")})
    if subject._meta.label == "verifiers.Agency":
        return {"subject_kind": SubjectKind.AGENCY, "agency": subject, "enterprise": None}
    return {"subject_kind": SubjectKind.ENTERPRISE, "enterprise": subject, "agency": None}


def _source_fields(source) -> dict:
    if source is None:
        return {}
    from django.contrib.contenttypes.models import ContentType

    return {"source_type": ContentType.objects.get_for_model(source, for_concrete_model=True),
            "source_id": str(source.pk)}


def record(*, subject, year: int, kind: str, occurred_on: date, summary: str, source=None,
           measure: Decimal | None = None, key: str, actor=None) -> tuple[CreditEvent, bool]:
    """Record an automatic event once per ``key``: ``(event, created)``. A second call with
    the same key returns the first event unchanged (``created`` False), also when two calls
    race (the unique key decides; the loser reads the winner's row)."""
    if not key:
        raise ValueError("an automatic credit event needs its idempotency key")
    existing = CreditEvent.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    event = CreditEvent(
        **subject_fields(subject), **_source_fields(source), year=year, kind=kind,
        occurred_on=occurred_on, summary=str(summary)[:300], measure=measure, key=key,
        origin=EventOrigin.AUTOMATIC, status=EventStatus.ACTIVE,
    )
    event.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            event.save()
            events.record(
                actor=actor, verb="credit.event_recorded", target=event,
                message=_("Credit event recorded: %(kind)s, %(year)s — %(summary)s")
                % {"kind": event.get_kind_display(), "year": year, "summary": event.summary},
                data={"key": key, "kind": kind, "year": year, "occurred_on": occurred_on,
                      "measure": measure},
            )
    except IntegrityError:
        # a concurrent call recorded the same key first (or it was there all along)
        found = CreditEvent.objects.filter(key=key).first()
        if found is None:
            raise
        return found, False
    return event, True


# --- manual events, four eyes ----------------------------------------------------------------


def _require(actor) -> None:
    if not roles.has_perm(actor, MANAGE):
        raise PermissionDenied


def manual_check(*, actor, subject, year: int, kind: str, occurred_on: date, summary: str,
                 evidence: str, evidence_file=None) -> CreditEvent:
    """The event ``manual_enter`` would write (nothing written); raises what it would."""
    _require(actor)
    summary, evidence = (summary or "").strip(), (evidence or "").strip()
    errors = {}
    if not evidence and not evidence_file:
        errors["evidence"] = _("Describe the evidence or attach it.")
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    if evidence_file:
        uploads.check_evidence(evidence_file, field="evidence_file")
    event = CreditEvent(
        **subject_fields(subject), year=year, kind=kind, occurred_on=occurred_on,
        summary=summary, evidence=evidence, origin=EventOrigin.MANUAL,
        status=EventStatus.PENDING, recorded_by=actor,
    )
    if evidence_file:
        event.evidence_file = evidence_file
    event.full_clean(exclude=["evidence_file"])
    return event


@transaction.atomic
def manual_enter(*, actor, subject, year: int, kind: str, occurred_on: date, summary: str,
                 evidence: str, evidence_file=None) -> CreditEvent:
    """A bureau admin enters an event with its evidence: pending until another admin confirms
    it; the other admins are told in their inbox."""
    event = manual_check(actor=actor, subject=subject, year=year, kind=kind,
                         occurred_on=occurred_on, summary=summary, evidence=evidence,
                         evidence_file=evidence_file)
    event.save()
    events.record(
        actor=actor, verb="credit.event_entered", target=event,
        message=_("Entered by hand, awaiting a second admin: %(kind)s, %(year)s — %(summary)s")
        % {"kind": event.get_kind_display(), "year": year, "summary": event.summary},
        data={"kind": kind, "year": year, "occurred_on": occurred_on,
              "file": bool(event.evidence_file)},
    )
    others = [u for u in notifications.members(roles=[Role.BUREAU_ADMIN]) if u.pk != actor.pk]
    notifications.notify(
        recipients=others, key=f"credit_event_confirm:{event.pk}",
        topic=Topic.CREDIT, todo=True, obj=event,
        subject=_("Credit event to confirm: %(subject)s, %(kind)s")
        % {"subject": event.subject, "kind": event.get_kind_display()},
        body=_("%(who)s entered a credit event of %(year)s; it counts once another "
               "administrator confirms it.") % {"who": actor, "year": year},
        link=reverse("credit:event_detail", args=[event.pk]),
    )
    return event


def _pending(event) -> CreditEvent:
    event = CreditEvent.objects.select_for_update(no_key=True).get(pk=event.pk)
    if event.status != EventStatus.PENDING:
        raise ValidationError(_("This event is %(status)s: there is nothing to decide.")
                              % {"status": event.get_status_display()})
    return event


def decide_check(*, actor, event) -> CreditEvent:
    """Why ``actor`` may not confirm or refuse ``event``, as the error ``manual_confirm``
    would raise (nothing written)."""
    _require(actor)
    if event.status != EventStatus.PENDING:
        raise ValidationError(_("This event is %(status)s: there is nothing to decide.")
                              % {"status": event.get_status_display()})
    if event.recorded_by_id == actor.pk:
        raise ValidationError(
            _("You entered this event: another administrator must confirm or refuse it."))
    return event


@transaction.atomic
def manual_confirm(*, actor, event) -> CreditEvent:
    """The second admin confirms: the event is in force from now on."""
    _require(actor)
    event = decide_check(actor=actor, event=_pending(event))
    event.status = EventStatus.ACTIVE
    event.confirmed_by, event.confirmed_at = actor, timezone.now()
    event.full_clean(exclude=["evidence_file"])
    event.save()
    events.record(actor=actor, verb="credit.event_confirmed", target=event,
                  message=_("Confirmed by a second administrator: the event is in force"))
    notifications.resolve(event, key_prefix="credit_event_confirm:")
    notifications.notify(
        recipients=[event.recorded_by], key=f"credit_event_decided:{event.pk}",
        topic=Topic.CREDIT, obj=event,
        subject=_("Credit event confirmed: %(subject)s, %(kind)s")
        % {"subject": event.subject, "kind": event.get_kind_display()},
        link=reverse("credit:event_detail", args=[event.pk]),
    )
    return event


@transaction.atomic
def manual_refuse(*, actor, event, reason: str) -> CreditEvent:
    """The second admin refuses, with a reason: the event never counts."""
    _require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    event = decide_check(actor=actor, event=_pending(event))
    event.status = EventStatus.REFUSED
    event.confirmed_by, event.confirmed_at = actor, timezone.now()
    event.full_clean(exclude=["evidence_file"])
    event.save()
    events.record(actor=actor, verb="credit.event_refused", target=event,
                  message=_("Refused by a second administrator: %(reason)s") % {"reason": reason},
                  data={"reason": reason})
    notifications.resolve(event, key_prefix="credit_event_confirm:")
    notifications.notify(
        recipients=[event.recorded_by], key=f"credit_event_decided:{event.pk}",
        topic=Topic.CREDIT, obj=event,
        subject=_("Credit event refused: %(subject)s, %(kind)s")
        % {"subject": event.subject, "kind": event.get_kind_display()},
        body=reason, link=reverse("credit:event_detail", args=[event.pk]),
    )
    return event


MANUAL_KINDS = (EventKind.MANUAL_DEDUCTION, EventKind.MANUAL_CREDIT)
