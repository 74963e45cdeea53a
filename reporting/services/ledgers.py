"""Monthly ledgers (月度台账): every state change of a ledger (issue 4 §2).

The enterprise saves and submits; the official of the ledger's area passes or returns it;
the bureau closes it. Status changes follow ``reporting.ledger_rules.TRANSITIONS``; a
forbidden one is a ``ValidationError``, an actor without the role for this ledger's scope
gets ``PermissionDenied``.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import ledger_rules as lr
from reporting.models import LedgerEvidence, MonthlyLedger, MonthlyLedgerLine
from reporting.services.access import holds_role_for
from zhongwei_carbon import events, roles, uploads
from zhongwei_carbon.roles import Perm

LEDGER_FIELDS = (
    "purchased_electricity_mwh",
    "generation_mwh",
    "power_supplied_mwh",
    "heat_supplied_gj",
    "running_hours",
    "load_factor",
    "note",
)
LINE_FIELDS = ("consumption", "measured_ncv", "measured_carbon_content")
EVIDENCE_TYPES = {  # extension -> file signature
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def evidence_max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def actor_may(actor, enterprise, action: str) -> bool:
    """Does ``actor`` hold a role for ``action`` within ``enterprise``'s scope?"""
    return holds_role_for(actor, roles.roles_for(action), enterprise=enterprise)


def _require(actor, enterprise, action: str) -> None:
    if not actor_may(actor, enterprise, action):
        raise PermissionDenied(_("You may not do this for this enterprise."))


def _lock(ledger: MonthlyLedger) -> MonthlyLedger:
    return MonthlyLedger.objects.select_for_update(no_key=True).select_related("enterprise").get(pk=ledger.pk)


def _value(name: str, value):
    """An empty cell or field: 0 for the quantities, blank note, no load factor."""
    if value is not None or name == "load_factor":
        return value
    return "" if name == "note" else Decimal("0")


def _editable(ledger: MonthlyLedger) -> None:
    if ledger.status not in lr.EDITABLE:
        raise ValidationError(
            _("The ledger is “%(status)s” and can no longer be changed.")
            % {"status": ledger.get_status_display()},
            code="not_editable",
        )


def ledger_save(*, actor, facility, year: int, month: int, data: dict, lines: list[dict]):
    """Create or update the ledger of ``facility`` for ``year``/``month`` (draft or returned
    only) and replace its fuel lines. ``lines``: dicts with ``fuel`` and ``LINE_FIELDS``."""
    enterprise = facility.enterprise
    _require(actor, enterprise, Perm.EDIT_LEDGER)
    fuels = [line["fuel"] for line in lines]
    if len({f.pk for f in fuels}) != len(fuels):
        raise ValidationError({"lines": _("Each fuel may appear only once per month.")})
    with transaction.atomic():
        ledger = (
            MonthlyLedger.objects.select_for_update(no_key=True)
            .filter(facility=facility, year=year, month=month)
            .first()
        )
        created = ledger is None
        if created:
            ledger = MonthlyLedger(enterprise=enterprise, facility=facility, year=year, month=month)
        else:
            _editable(ledger)
        for name in LEDGER_FIELDS:
            if name in data:
                setattr(ledger, name, _value(name, data[name]))
        ledger.full_clean()
        try:
            with transaction.atomic():
                ledger.save()
        except IntegrityError:
            # another save of the same month won the race between the check and the insert
            raise ValidationError(
                _("The ledger of %(year)s-%(month)02d was saved by someone else at the same time; "
                  "reload it and try again.")
                % {"year": year, "month": month},
                code="concurrent",
            ) from None
        ledger.lines.all().delete()
        new_lines = []
        for line in lines:
            obj = MonthlyLedgerLine(
                ledger=ledger, fuel=line["fuel"], **{k: line.get(k) for k in LINE_FIELDS}
            )
            obj.full_clean(exclude=["ledger"])
            new_lines.append(obj)
        MonthlyLedgerLine.objects.bulk_create(new_lines)
        events.record(
            actor=actor,
            verb="ledger.created" if created else "ledger.saved",
            target=ledger,
            message=(_("Ledger created") if created else _("Ledger saved")),
            data={"lines": len(new_lines)},
        )
    return ledger


def _transition(*, actor, ledger, action: str, perm: str, message: str = "", data=None):
    """Lock, check role + scope and the state machine, then set the status (in a transaction)."""
    ledger = _lock(ledger)
    _require(actor, ledger.enterprise, perm)
    before = ledger.status
    ledger.status = lr.next_status(ledger.status, action)
    return ledger, before


def _finish(*, actor, ledger, action, before, message="", data=None):
    ledger.full_clean()
    ledger.save()
    audit = events.record(
        actor=actor,
        verb=f"ledger.{action}",
        target=ledger,
        message=message or str(lr.ACTION_LABELS[action]),
        data={"from": before, "to": ledger.status, **(data or {})},
    )
    # who acts next hears of it (reporting/ledger_notifications.py), after commit
    events.publish(f"ledger.{action}", ledger_id=ledger.pk, event_id=audit.pk)
    return ledger


def ledger_submit(*, actor, ledger: MonthlyLedger) -> MonthlyLedger:
    with transaction.atomic():
        ledger, before = _transition(
            actor=actor, ledger=ledger, action=lr.LedgerAction.SUBMIT, perm=Perm.EDIT_LEDGER
        )
        ledger.submitted_at = timezone.now()
        ledger.submitted_by = actor
        return _finish(actor=actor, ledger=ledger, action=lr.LedgerAction.SUBMIT, before=before)


def ledger_county_pass(*, actor, ledger: MonthlyLedger) -> MonthlyLedger:
    with transaction.atomic():
        ledger, before = _transition(
            actor=actor,
            ledger=ledger,
            action=lr.LedgerAction.COUNTY_PASS,
            perm=Perm.COUNTY_CHECK_LEDGER,
        )
        ledger.county_checked_at = timezone.now()
        ledger.county_checked_by = actor
        ledger.return_reason = ""
        return _finish(
            actor=actor, ledger=ledger, action=lr.LedgerAction.COUNTY_PASS, before=before
        )


def ledger_county_return(*, actor, ledger: MonthlyLedger, reason: str) -> MonthlyLedger:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for the return.")})
    with transaction.atomic():
        ledger, before = _transition(
            actor=actor,
            ledger=ledger,
            action=lr.LedgerAction.COUNTY_RETURN,
            perm=Perm.COUNTY_CHECK_LEDGER,
        )
        ledger.return_reason = reason[:500]
        return _finish(
            actor=actor,
            ledger=ledger,
            action=lr.LedgerAction.COUNTY_RETURN,
            before=before,
            message=_("Returned to the enterprise: %(reason)s") % {"reason": reason},
            data={"reason": reason},
        )


def ledger_close(*, actor, ledger: MonthlyLedger) -> MonthlyLedger:
    with transaction.atomic():
        ledger, before = _transition(
            actor=actor, ledger=ledger, action=lr.LedgerAction.CLOSE, perm=Perm.CLOSE_LEDGER
        )
        ledger.closed_at = timezone.now()
        ledger.closed_by = actor
        return _finish(actor=actor, ledger=ledger, action=lr.LedgerAction.CLOSE, before=before)


def check_evidence(*, name: str, content: bytes) -> None:
    """PDF, JPEG or PNG (extension and file signature agree), within the size limit."""
    problem = uploads.size_problem(len(content), evidence_max_bytes())
    if problem:
        raise ValidationError({"file": problem})
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    signatures = EVIDENCE_TYPES.get(ext)
    if not content or signatures is None or not content.startswith(signatures):
        raise ValidationError({"file": _("Only PDF, JPEG or PNG files can be attached.")})


def ledger_add_evidence(*, actor, ledger: MonthlyLedger, name: str, content: bytes):
    """Attach a file; the same content (sha256) on the same ledger is stored once.
    Returns ``(evidence, created)``."""
    check_evidence(name=name, content=content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        ledger = _lock(ledger)
        _require(actor, ledger.enterprise, Perm.EDIT_LEDGER)
        _editable(ledger)
        existing = ledger.evidence.filter(sha256=digest).first()
        if existing is not None:
            return existing, False
        evidence = LedgerEvidence(
            ledger=ledger, original_name=name[:200], sha256=digest, uploaded_by=actor
        )
        stored_name = f"{digest[:16]}{uploads.document_type(content[:16])[0]}"
        evidence.file.save(stored_name, ContentFile(content), save=False)
        evidence.full_clean()
        evidence.save()
        events.record(
            actor=actor,
            verb="ledger.evidence_added",
            target=ledger,
            message=_("Evidence attached: %(name)s") % {"name": evidence.original_name},
            data={"sha256": digest, "size": len(content)},
        )
    return evidence, True
