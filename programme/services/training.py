"""State changes of the training records (DESIGN.md §4.2): the bureau admin records sessions,
their attendees and materials; each change is a business event on the session's page and a
history row (django-simple-history)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.services.inspections import checked_files
from programme.models import TrainingAttendance, TrainingMaterial, TrainingSession
from zhongwei_carbon import events, roles, uploads
from zhongwei_carbon.roles import Perm

SESSION_FIELDS = ("title", "held_on", "organiser", "place", "topic", "hours", "description")
ORGANISATIONS = ("enterprise", "department", "area")


def _require(actor) -> None:
    if not roles.has_perm(actor, Perm.MANAGE_TRAINING):
        raise PermissionDenied


def _apply(session: TrainingSession, data: dict) -> dict:
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown training session fields: {sorted(unknown)}")
    changes = {}
    for field, value in data.items():
        before = getattr(session, field)
        if before != value:
            changes[field] = [str(before), str(value)]
            setattr(session, field, value)
    return changes


@transaction.atomic
def session_create(*, actor, data: dict) -> TrainingSession:
    _require(actor)
    session = TrainingSession(created_by=actor)
    _apply(session, data)
    session.full_clean()
    session.save()
    events.record(
        actor=actor, verb="training.session_created", target=session,
        message=_("Training session recorded: %(title)s") % {"title": session.title},
        data={"held_on": str(session.held_on)},
    )
    return session


@transaction.atomic
def session_update(*, actor, session: TrainingSession, data: dict) -> TrainingSession:
    _require(actor)
    session = TrainingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
    changes = _apply(session, data)
    if not changes:
        return session
    session.full_clean()
    session.save()
    events.record(
        actor=actor, verb="training.session_changed", target=session,
        message=_("Training session changed: %(fields)s") % {
            "fields": "、".join(str(TrainingSession._meta.get_field(f).verbose_name)
                               for f in changes)
        },
        data={"changes": changes},
    )
    return session


def _organisation_errors(enterprise, department, area) -> dict:
    given = [x for x in (enterprise, department, area) if x is not None]
    if len(given) == 1:
        return {}
    message = _("Choose exactly one organisation: an enterprise, a department or an area.")
    return {"enterprise": message}


def attendee_check(*, enterprise=None, department=None, area=None, person_name: str = "",
                   position: str = "") -> dict:
    """The errors of one attendee row (empty when it may be added); writes nothing."""
    errors = _organisation_errors(enterprise, department, area)
    if not (person_name or "").strip():
        errors["person_name"] = _("Enter the attendee's name.")
    return errors


@transaction.atomic
def attendees_add(*, actor, session: TrainingSession, rows: list[dict]) -> list[TrainingAttendance]:
    """Add ``rows`` (``enterprise``/``department``/``area``, ``person_name``, ``position``)
    to ``session``: all or none (a bad row refuses the whole list)."""
    _require(actor)
    session = TrainingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
    if not rows:
        raise ValidationError(_("No attendee to add."))
    added = []
    for row in rows:
        errors = attendee_check(**row)
        if errors:
            raise ValidationError(errors)
        attendance = TrainingAttendance(
            session=session, person_name=row["person_name"].strip(),
            position=(row.get("position") or "").strip(),
            **{k: row.get(k) for k in ORGANISATIONS},
        )
        attendance.full_clean()
        attendance.save()
        added.append(attendance)
    names = "、".join(a.person_name for a in added[:10]) + ("…" if len(added) > 10 else "")
    events.record(
        actor=actor, verb="training.attendees_added", target=session,
        message=_("%(count)s attendee(s) added: %(names)s") % {"count": len(added), "names": names},
        data={"attendances": [a.pk for a in added]},
    )
    return added


@transaction.atomic
def attendee_remove(*, actor, attendance: TrainingAttendance) -> None:
    _require(actor)
    # FOR UPDATE (not NO KEY): the row is deleted, which needs the strong lock anyway
    attendance = TrainingAttendance.objects.select_for_update().get(pk=attendance.pk)
    session, label = attendance.session, str(attendance)
    attendance.delete()
    events.record(
        actor=actor, verb="training.attendee_removed", target=session,
        message=_("Attendee removed: %(attendee)s") % {"attendee": label},
        data={"attendance": attendance.pk},
    )


@transaction.atomic
def materials_add(*, actor, session: TrainingSession, files) -> list[TrainingMaterial]:
    """Store checked files (size, PDF/PNG/JPEG by signature) under their hash."""
    _require(actor)
    checked = checked_files(files)
    if not checked:
        raise ValidationError({"files": _("Attach at least one file.")})
    stored = uploads.store_documents(
        checked, lambda **names: TrainingMaterial(session=session, uploaded_by=actor, **names))
    events.record(
        actor=actor, verb="training.materials_added", target=session,
        message=_("Materials added: %(names)s") % {"names": "、".join(m.original_name for m in stored)},
        data={"materials": [m.pk for m in stored]},
    )
    return stored
