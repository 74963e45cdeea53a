"""State changes of agencies, their qualifications and their verifier staff (DESIGN.md §4.2).

Every function runs in a transaction, validates with ``full_clean`` and writes a business
event on the agency (so the agency page shows the whole story).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon import display, events, uscc
from zhongwei_carbon.roles import Role

AGENCY_FIELDS = (
    "name",
    "uscc",
    "address",
    "contact_person",
    "contact_phone",
    "contact_email",
    "status",
)
CONTACT_FIELDS = ("address", "contact_person", "contact_phone", "contact_email")
QUALIFICATION_FIELDS = ("kind", "certificate_number", "issued_by", "valid_from", "valid_until")
STAFF_FIELDS = ("name", "user", "qualification_number", "qualification_valid_until", "is_active")


def _plain(value):
    return getattr(value, "pk", value)


def _apply(obj, changes: dict, allowed: tuple[str, ...]) -> dict:
    """Set ``changes`` on ``obj``; return {field: [old, new]} of what really changed."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} here")
    changed = {}
    for field, value in changes.items():
        old = getattr(obj, field)
        if _plain(old) != _plain(value):
            changed[field] = [_plain(old), _plain(value)]
        setattr(obj, field, value)
    return changed


def _check_dates(valid_from, valid_until, field="valid_until"):
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({field: _("The end of validity cannot be before its start.")})


@transaction.atomic
def agency_create(*, actor, **fields) -> Agency:
    if "uscc" in fields:
        fields["uscc"] = uscc.normalize(fields["uscc"])
    agency = Agency()
    _apply(agency, fields, AGENCY_FIELDS)
    agency.full_clean()
    agency.save()
    events.record(
        actor=actor,
        verb="agency.created",
        target=agency,
        message=_("Agency %(name)s registered") % {"name": agency.name},
        data={"uscc": agency.uscc},
    )
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, **changes) -> Agency:
    """Bureau: change any field of the agency, status included."""
    return _agency_change(actor=actor, agency=agency, changes=changes, allowed=AGENCY_FIELDS)


@transaction.atomic
def agency_update_contact(*, actor, agency: Agency, **changes) -> Agency:
    """Agency staff: change only the agency's address and contact data."""
    return _agency_change(actor=actor, agency=agency, changes=changes, allowed=CONTACT_FIELDS)


def _agency_change(*, actor, agency, changes, allowed) -> Agency:
    agency = Agency.objects.select_for_update(no_key=True).get(pk=agency.pk)
    if "uscc" in changes:
        changes["uscc"] = uscc.normalize(changes["uscc"])
    old_status = agency.get_status_display()
    changed = _apply(agency, changes, allowed)
    if not changed:
        return agency
    agency.full_clean()
    agency.save()
    if "status" in changed:
        message = _("Agency status changed from %(old)s to %(new)s") % {
            "old": old_status,
            "new": agency.get_status_display(),
        }
    else:
        message = _("Agency data changed: %(fields)s") % {
            "fields": display.field_labels(Agency, changed)
        }
    events.record(actor=actor, verb="agency.updated", target=agency, message=message, data=changed)
    return agency


def _sector_names(sectors) -> str:
    return "、".join(str(s) for s in sorted(sectors, key=lambda s: (s.sort_order, s.code))) or "—"


def _set_sectors(qualification: AgencyQualification, sectors) -> dict:
    """Set the sectors the qualification covers; {"sectors": [old, new]} when they changed."""
    if sectors is None:
        return {}
    old = list(qualification.sectors.all()) if qualification.pk else []
    new = list(sectors)
    if {s.pk for s in old} == {s.pk for s in new}:
        return {}
    qualification.sectors.set(new)
    return {"sectors": [_sector_names(old), _sector_names(new)]}


@transaction.atomic
def qualification_create(*, actor, agency: Agency, sectors=None, **fields) -> AgencyQualification:
    """``sectors``: the sectors whose reports the agency may verify under it."""
    _check_dates(fields.get("valid_from"), fields.get("valid_until"))
    qualification = AgencyQualification(agency=agency)
    _apply(qualification, fields, QUALIFICATION_FIELDS)
    qualification.full_clean()
    qualification.save()
    _set_sectors(qualification, sectors)
    events.record(
        actor=actor,
        verb="agency.qualification_added",
        target=agency,
        message=_("Qualification added: %(q)s, valid %(start)s to %(end)s, sectors: %(sectors)s")
        % {"q": qualification, "start": qualification.valid_from, "end": qualification.valid_until,
           "sectors": _sector_names(qualification.sectors.all())},
        data={"qualification": qualification.pk},
    )
    return qualification


@transaction.atomic
def qualification_update(
    *, actor, qualification: AgencyQualification, sectors=None, **changes
) -> AgencyQualification:
    qualification = AgencyQualification.objects.select_for_update(no_key=True).get(pk=qualification.pk)
    changed = _apply(qualification, changes, QUALIFICATION_FIELDS)
    _check_dates(qualification.valid_from, qualification.valid_until)
    if changed:
        qualification.full_clean()
        qualification.save()
    changed.update(_set_sectors(qualification, sectors))
    if not changed:
        return qualification
    message = _("Qualification %(q)s changed") % {"q": qualification}
    if "sectors" in changed:
        message += " · " + _("sectors covered: %(old)s → %(new)s") % {
            "old": changed["sectors"][0], "new": changed["sectors"][1]
        }
    events.record(
        actor=actor,
        verb="agency.qualification_changed",
        target=qualification.agency,
        message=message,
        data={"qualification": qualification.pk, **changed},
    )
    return qualification


def _check_staff_account(agency: Agency, user, staff_pk=None) -> None:
    """A linked portal account must be agency staff of this very agency, and not already
    linked to another verifier."""
    if user is None:
        return
    if not Membership.objects.filter(
        user=user, role=Role.AGENCY_STAFF, agency=agency, is_active=True
    ).exists():
        raise ValidationError({"user": _("This account is not a staff account of this agency.")})
    if VerifierStaff.objects.filter(user=user).exclude(pk=staff_pk).exists():
        raise ValidationError({"user": _("This account is already linked to another verifier.")})


@transaction.atomic
def staff_create(*, actor, agency: Agency, **fields) -> VerifierStaff:
    _check_staff_account(agency, fields.get("user"))
    staff = VerifierStaff(agency=agency)
    _apply(staff, fields, STAFF_FIELDS)
    staff.full_clean()
    staff.save()
    events.record(
        actor=actor,
        verb="agency.staff_added",
        target=agency,
        message=_("Verifier %(name)s added") % {"name": staff.name},
        data={"staff": staff.pk},
    )
    return staff


@transaction.atomic
def staff_update(*, actor, staff: VerifierStaff, **changes) -> VerifierStaff:
    staff = VerifierStaff.objects.select_for_update(no_key=True).get(pk=staff.pk)
    if "user" in changes:
        _check_staff_account(staff.agency, changes["user"], staff_pk=staff.pk)
    changed = _apply(staff, changes, STAFF_FIELDS)
    if not changed:
        return staff
    staff.full_clean()
    staff.save()
    events.record(
        actor=actor,
        verb="agency.staff_changed",
        target=staff.agency,
        message=_("Verifier %(name)s changed: %(fields)s")
        % {"name": staff.name, "fields": display.field_labels(VerifierStaff, changed)},
        data={"staff": staff.pk, **changed},
    )
    return staff


@transaction.atomic
def agency_suspend(*, actor, agency: Agency, until, reason: str, source=None) -> Agency:
    """Suspend or ban ``agency`` from verification up to and including ``until`` (a decided
    violation case, Interim Regulations Art. 23; ``source`` is the record it comes from, named
    in the event). A later end date than one already set wins; an earlier one never shortens
    it."""
    agency = Agency.objects.select_for_update(no_key=True).get(pk=agency.pk)
    if until is None:
        raise ValidationError({"until": _("Give the last day of the suspension.")})
    old = agency.suspended_until
    if old is not None and old >= until:
        return agency
    agency.suspended_until = until
    agency.suspension_reason = (reason or "")[:300]
    agency.full_clean()
    agency.save(update_fields=["suspended_until", "suspension_reason"])
    events.record(
        actor=actor, verb="agency.suspended", target=agency,
        message=_("Suspended from verification until %(date)s: %(reason)s")
        % {"date": until.isoformat(), "reason": agency.suspension_reason},
        data={"until": until, "previous": old,
              "source": str(source) if source is not None else ""},
    )
    events.publish(
        "agency.suspended", agency_id=agency.pk, until=until, on=timezone.localdate(),
        source=(source._meta.label, source.pk) if source is not None else None,
    )
    return agency
