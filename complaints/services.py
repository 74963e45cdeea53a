"""Every change of a complaint (DESIGN.md §4.2): filing by the public, triage, assignment,
investigation, the reply and its approval (four eyes), and the logged look at the filer's
identity. Each runs in a transaction, checks the workflow table (``rules.TRANSITIONS``) and
writes an event on the complaint; no event, notification or history names the filer."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import crypto, notifications, rules, scrub, selectors
from complaints.choices import Outcome, Status, TargetKind
from complaints.models import Attachment, Complaint, FilerIdentity
from zhongwei_carbon import display, events, roles, uploads, workdays
from zhongwei_carbon.roles import Perm, Role

MAX_ATTACHMENTS = 5
HANDLER_ROLES = (Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL)


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(no_key=True).get(pk=complaint.pk)


def _move(complaint: Complaint, new: str) -> None:
    if not rules.can_move(complaint.status, new):
        raise ValidationError(
            _("A complaint that is “%(status)s” cannot become “%(new)s”.")
            % {"status": complaint.get_status_display(), "new": Status(new).label}
        )
    complaint.status = new


def _next_number(year: int) -> str:
    # one filing at a time picks the year's next number (released at commit)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('complaints.number'))")
    prefix = rules.tracking_number(year, 0)[:-5]
    count = Complaint.objects.filter(number__startswith=prefix).count()
    return rules.tracking_number(year, count + 1)


def _resolve_target(code: str):
    """(kind, enterprise, agency) of a code from the published lists; anything else is free
    text (the filer is told nothing either way)."""
    code = (code or "").strip().upper()
    if code:
        enterprise = selectors.public_enterprises().filter(uscc=code).first()
        if enterprise is not None:
            return TargetKind.ENTERPRISE, enterprise, None
        agency = selectors.public_agencies().filter(uscc=code).first()
        if agency is not None:
            return TargetKind.AGENCY, None, agency
    return TargetKind.OTHER, None, None


def _checked_files(files) -> list[tuple[bytes, str]]:
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS}})
    checked = []
    for position, upload in enumerate(files, start=1):
        data = uploads.checked_bytes(upload, field="files", magic=uploads.EVIDENCE_MAGIC,
                                     message=_("Attach a PDF, PNG or JPEG file."))
        ext = uploads.document_type(data[:16])[0]
        # what is stored (and hashed) is the file less its metadata: nothing in it names the filer
        checked.append((scrub.cleaned_attachment(data, ext, position=position), ext))
    return checked


@transaction.atomic
def complaint_file(*, category: str, description: str, target_code: str = "",
                   target_text: str = "", files=(), name: str = "", contact: str = "",
                   official_area=None):
    """File a complaint (anyone, no login). Returns ``(complaint, secret)``: the secret is
    shown to the filer once and only its hash is kept. ``official_area``: the county or park
    whose official the complaint is about (a party from the lists comes first)."""
    if not (target_code or "").strip() and not (target_text or "").strip() and not official_area:
        raise ValidationError({"target_text": _("Say whom the complaint is about.")})
    checked = _checked_files(files)
    kind, enterprise, agency = _resolve_target(target_code)
    area = enterprise.area if enterprise else None
    if kind == TargetKind.OTHER and official_area is not None:
        kind, area = TargetKind.OFFICIAL, official_area
    now = timezone.now()
    secret = secrets.token_urlsafe(12)
    complaint = Complaint(
        number=_next_number(timezone.localdate(now).year), secret_hash=make_password(secret),
        category=category, target_kind=kind, enterprise=enterprise, agency=agency,
        target_text=(target_text or target_code or "").strip()[:200],
        area=area, description=description.strip(),
        filed_at=now,
    )
    complaint.full_clean()
    complaint.save()
    for position, (data, ext) in enumerate(checked, start=1):
        attachment = Attachment(complaint=complaint, label=_("Attachment %(n)d") % {"n": position}
                                + ext, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        attachment.file.save(uuid.uuid4().hex + ext, ContentFile(data), save=True)
    if (name or "").strip() or (contact or "").strip():
        FilerIdentity.objects.create(
            complaint=complaint, name_encrypted=crypto.encrypt(name.strip()),
            contact_encrypted=crypto.encrypt(contact.strip()),
        )
    events.record(actor=None, verb="complaint.filed", target=complaint,
                  message=_("Complaint filed by the public"))
    notifications.filed(complaint)
    notifications.receipt(complaint, secret, (contact or "").strip())
    return complaint, secret


def track(*, number: str, secret: str) -> Complaint | None:
    """The complaint whose number and secret match, else ``None`` (an unknown number costs the
    same hashing as a wrong secret, so neither can be told apart)."""
    complaint = Complaint.objects.filter(number=(number or "").strip().upper()).first()
    if complaint is None:
        make_password(secret or "")
        return None
    return complaint if check_password(secret or "", complaint.secret_hash) else None


def _require(actor, action):
    if not roles.has_perm(actor, action):
        raise PermissionDenied


@transaction.atomic
def complaint_accept(*, actor, complaint: Complaint) -> Complaint:
    _require(actor, Perm.MANAGE_COMPLAINT)
    complaint = _lock(complaint)
    _move(complaint, Status.ACCEPTED)
    complaint.triaged_by = actor
    complaint.save()
    events.record(actor=actor, verb="complaint.accepted", target=complaint,
                  message=_("Complaint accepted"))
    return complaint


@transaction.atomic
def complaint_reject(*, actor, complaint: Complaint, reason: str) -> Complaint:
    _require(actor, Perm.MANAGE_COMPLAINT)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason; the filer reads it.")})
    complaint = _lock(complaint)
    _move(complaint, Status.REJECTED)
    complaint.triaged_by, complaint.rejection_reason = actor, reason.strip()
    complaint.answered_at = timezone.now()
    complaint.save()
    events.record(actor=actor, verb="complaint.rejected", target=complaint,
                  message=_("Complaint not accepted: %(reason)s") % {"reason": reason.strip()})
    notifications.triaged(complaint)
    return complaint


def merge_root(complaint: Complaint) -> Complaint | None:
    """The complaint a merge into ``complaint`` goes to: itself, or the complaint it was
    merged into followed to the end (``None`` for a chain running in a circle)."""
    root_pk = rules.merge_root(complaint.pk, lambda pk: Complaint.objects.filter(pk=pk)
                               .values_list("merged_into_id", flat=True).first())
    if root_pk is None:
        return None
    return complaint if root_pk == complaint.pk else Complaint.objects.get(pk=root_pk)


@transaction.atomic
def complaint_merge(*, actor, complaint: Complaint, into: Complaint) -> Complaint:
    """A duplicate: the filer of ``complaint`` follows ``into`` on the tracking page. A merge
    into a complaint that was itself merged goes to where that one went (its root), and the
    duplicates already merged into ``complaint`` follow it there: no chains."""
    _require(actor, Perm.MANAGE_COMPLAINT)
    complaint = _lock(complaint)
    root = merge_root(into)
    if root is None or root.pk == complaint.pk:
        raise ValidationError({"into": _("A complaint cannot be merged into itself or into a "
                                         "complaint merged into it.")})
    root = _lock(root)
    if root.status == Status.REJECTED:
        raise ValidationError({"into": _("Choose another complaint that is still being handled "
                                         "or answered.")})
    _move(complaint, Status.MERGED)
    complaint.triaged_by, complaint.merged_into = actor, root
    complaint.save()
    events.record(actor=actor, verb="complaint.merged", target=complaint,
                  message=_("Merged as a duplicate of %(number)s") % {"number": root.number})
    for duplicate in Complaint.objects.select_for_update(no_key=True).filter(
            merged_into=complaint).exclude(pk=root.pk):
        duplicate.merged_into = root
        duplicate.save()
        events.record(actor=actor, verb="complaint.merged", target=duplicate,
                      message=_("Merged as a duplicate of %(number)s") % {"number": root.number})
    notifications.triaged(complaint)
    return complaint


@transaction.atomic
def complaint_about_official(*, actor, complaint: Complaint, area) -> Complaint:
    """The bureau reads that a complaint filed in the filer's words is about an official of
    ``area`` (before it is assigned): that area's officials may then not handle it."""
    _require(actor, Perm.MANAGE_COMPLAINT)
    complaint = _lock(complaint)
    if complaint.target_kind not in (TargetKind.OTHER, TargetKind.OFFICIAL):
        raise ValidationError(_("The complaint is about an enterprise or an agency from the "
                                "lists."))
    if complaint.status not in (Status.RECEIVED, Status.ACCEPTED):
        raise ValidationError(_("Only a complaint not yet assigned can be marked as about an "
                                "official."))
    if area is None:
        raise ValidationError({"area": _("Choose the county or park.")})
    complaint.target_kind, complaint.area = TargetKind.OFFICIAL, area
    complaint.full_clean()
    complaint.save()
    events.record(actor=actor, verb="complaint.about_official", target=complaint,
                  message=_("Marked as about an official of %(area)s") % {"area": area})
    return complaint


def handlers(complaint: Complaint | None = None):
    """Users a complaint may be assigned to: bureau reviewers and county / park officials;
    for a given complaint, without those it is about (``rules.handler_conflict``)."""
    from accounts.models import User

    users = User.objects.filter(
        is_active=True, memberships__is_active=True, memberships__role__in=HANDLER_ROLES
    ).distinct().order_by("username")
    if complaint is None:
        return users
    conflicted = [u.pk for u in users.prefetch_related("memberships")
                  if handler_conflict(complaint, u)]
    return users.exclude(pk__in=conflicted)


def handler_conflict(complaint: Complaint, handler) -> str:
    """Why ``handler`` may not handle ``complaint`` (a sentence), or ""."""
    held = [m for m in handler.memberships.all() if m.is_active]
    reason = rules.handler_conflict(
        target_kind=complaint.target_kind, area_id=complaint.area_id,
        enterprise_id=complaint.enterprise_id, agency_id=complaint.agency_id,
        official_of=[m.area_id for m in held if m.role == Role.AREA_OFFICIAL],
        enterprises=[m.enterprise_id for m in held if m.enterprise_id],
        agencies=[m.agency_id for m in held if m.agency_id],
    )
    if reason == rules.CONFLICT_OWN_AREA:
        return _("%(handler)s is an official of %(area)s and the complaint is about an official "
                 "of %(area)s: choose a handler of another area or of the bureau.") % {
            "handler": display.person(handler), "area": complaint.area}
    if reason == rules.CONFLICT_MEMBER:
        return _("%(handler)s belongs to %(party)s, the party complained about: choose "
                 "another handler.") % {"handler": display.person(handler),
                                         "party": complaint.target_name}
    return ""


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, handler,
                     working_days: int = rules.DEFAULT_REPLY_WORKING_DAYS) -> Complaint:
    _require(actor, Perm.MANAGE_COMPLAINT)
    if not handlers().filter(pk=handler.pk).exists():
        raise ValidationError({"handler": _("Choose a bureau reviewer or a county / park "
                                            "official.")})
    if not 1 <= working_days <= rules.MAX_REPLY_WORKING_DAYS:
        raise ValidationError({"working_days": _("Between 1 and %(max)d working days.")
                               % {"max": rules.MAX_REPLY_WORKING_DAYS}})
    complaint = _lock(complaint)
    conflict = handler_conflict(complaint, handler)
    if conflict:
        raise ValidationError({"handler": conflict})
    if complaint.status == Status.RECEIVED:
        raise ValidationError(_("Accept the complaint before assigning it."))
    if complaint.status == Status.REPLY_PENDING:  # the handler's draft is decided first
        raise ValidationError(_("A reply waits for approval: approve it or return it first."))
    _move(complaint, Status.ASSIGNED)
    previous_handler_id = complaint.handler_id
    official = next((m for m in roles.memberships(handler) if m.role == Role.AREA_OFFICIAL), None)
    today = timezone.localdate()
    complaint.handler, complaint.assigned_area = handler, official.area if official else None
    complaint.assigned_on, complaint.reply_working_days = today, working_days
    complaint.reply_due = workdays.deadline(today, working_days)
    complaint.save()
    events.record(actor=actor, verb="complaint.assigned", target=complaint,
                  message=_("Assigned to %(handler)s, reply due %(due)s")
                  % {"handler": display.person(handler),
                     "due": complaint.reply_due.isoformat()})
    notifications.assigned(complaint, previous_handler_id)
    return complaint


def _handled(actor, complaint: Complaint) -> Complaint:
    _require(actor, Perm.HANDLE_COMPLAINT)
    complaint = _lock(complaint)
    if complaint.handler_id != actor.pk:
        raise PermissionDenied
    if complaint.status != Status.ASSIGNED:
        raise ValidationError(_("Only a complaint under investigation can be worked on."))
    return complaint


@transaction.atomic
def findings_save(*, actor, complaint: Complaint, findings: str) -> Complaint:
    complaint = _handled(actor, complaint)
    complaint.findings = findings.strip()
    complaint.save()
    events.record(actor=actor, verb="complaint.findings", target=complaint,
                  message=_("Investigation notes recorded"))
    return complaint


@transaction.atomic
def reply_submit(*, actor, complaint: Complaint, findings: str, reply: str,
                 outcome: str) -> Complaint:
    """The handler's reply and outcome, for the bureau's approval."""
    complaint = _handled(actor, complaint)
    if not reply.strip():
        raise ValidationError({"reply": _("Write the reply the filer will read.")})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    _move(complaint, Status.REPLY_PENDING)
    complaint.findings, complaint.reply, complaint.outcome = findings.strip(), reply.strip(), outcome
    complaint.reply_drafted_by, complaint.return_note = actor, ""
    complaint.save()
    events.record(actor=actor, verb="complaint.reply_submitted", target=complaint,
                  message=_("Reply submitted for approval (%(outcome)s)")
                  % {"outcome": Outcome(outcome).label})
    notifications.reply_submitted(complaint)
    return complaint


def reply_approve_check(*, actor, complaint: Complaint) -> None:
    """What approving would refuse, checked without writing (the confirmation step)."""
    _require(actor, Perm.MANAGE_COMPLAINT)
    if actor.pk in (complaint.handler_id, complaint.reply_drafted_by_id):
        raise ValidationError(_("The reply is approved by someone other than its author "
                                "(four eyes)."))
    if not rules.can_move(complaint.status, Status.ANSWERED):
        raise ValidationError(_("No reply waits for approval."))


def _approvable(actor, complaint: Complaint) -> Complaint:
    _require(actor, Perm.MANAGE_COMPLAINT)
    complaint = _lock(complaint)
    reply_approve_check(actor=actor, complaint=complaint)
    return complaint


@transaction.atomic
def reply_return(*, actor, complaint: Complaint, note: str) -> Complaint:
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what is to be changed.")})
    complaint = _approvable(actor, complaint)
    _move(complaint, Status.ASSIGNED)
    complaint.return_note = note.strip()
    complaint.save()
    events.record(actor=actor, verb="complaint.reply_returned", target=complaint,
                  message=_("Reply returned: %(note)s") % {"note": note.strip()})
    notifications.reply_returned(complaint)
    return complaint


@transaction.atomic
def reply_approve(*, actor, complaint: Complaint) -> Complaint:
    """Approve the reply: the filer sees it; a substantiated complaint is published as
    ``complaint.substantiated`` with its target (for credit)."""
    complaint = _approvable(actor, complaint)
    _move(complaint, Status.ANSWERED)
    complaint.approved_by, complaint.answered_at = actor, timezone.now()
    complaint.save()
    events.record(actor=actor, verb="complaint.answered", target=complaint,
                  message=_("Reply approved and published to the filer"))
    notifications.reply_approved(complaint)
    if complaint.outcome in (Outcome.SUBSTANTIATED, Outcome.PARTLY):
        events.publish(
            "complaint.substantiated", complaint_id=complaint.pk, outcome=complaint.outcome,
            category=complaint.category, target_kind=complaint.target_kind,
            enterprise_id=complaint.enterprise_id, agency_id=complaint.agency_id,
        )
    return complaint


@transaction.atomic
def identity_reveal(*, actor, complaint: Complaint) -> dict:
    """The filer's name and contact, for a bureau admin; the look is logged (who, when)."""
    _require(actor, Perm.VIEW_COMPLAINT_IDENTITY)
    identity = FilerIdentity.objects.filter(complaint=complaint).first()
    events.record(actor=actor, verb=selectors.IDENTITY_VIEWED, target=complaint,
                  message=_("The filer's identity was looked at"))
    if identity is None:
        return {"anonymous": True, "name": "", "contact": ""}
    return {"anonymous": False, "name": crypto.decrypt(identity.name_encrypted),
            "contact": crypto.decrypt(identity.contact_encrypted)}
