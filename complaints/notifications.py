"""Inbox notifications of each hand-off of a complaint (they name the complaint by its
number and category, never the filer), and the filer's own receipt by e-mail."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongwei_carbon.models import Topic
from zhongwei_carbon.notifications import members, notify, resolve
from zhongwei_carbon.roles import Role

logger = logging.getLogger(__name__)
# e-mail backends that print the message (address, secret) instead of sending it
WRITES_TO_LOGS = {"django.core.mail.backends.console.EmailBackend",
                  "django.core.mail.backends.filebased.EmailBackend"}


def _send_receipt(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except Exception:  # the filer has the number on screen; the address is never logged
        logger.warning("A complaint receipt could not be e-mailed.")


def receipt(complaint, secret: str, contact: str) -> None:
    """When the contact given is an e-mail address: the tracking number and secret, sent once
    after commit, in-process (the address never goes through the task queue or a log)."""
    try:
        validate_email(contact)
    except ValidationError:
        return
    if not settings.DEBUG and settings.EMAIL_BACKEND in WRITES_TO_LOGS:
        # the console backend prints the address and the secret into the server's logs: a
        # production server without a mail server set sends no receipt (the filer has the
        # number and the code on screen)
        return
    subject = _("Your complaint %(number)s has been received") % {"number": complaint.number}
    body = _(
        "The Zhongwei City Ecology and Environment Bureau has received your complaint.\n\n"
        "Tracking number: %(number)s\nSecret code: %(secret)s\n\n"
        "Follow it and read the reply at %(path)s with both. Keep this message to yourself: "
        "anyone with the number and the code can read the reply."
    ) % {"number": complaint.number, "secret": secret,
         "path": reverse("complaints_public:complaint_track")}
    transaction.on_commit(partial(_send_receipt, contact, subject, body))


def _admins():
    return members(roles=[Role.BUREAU_ADMIN])


def _notify(complaint, recipients, key: str, subject: str, *, todo: bool, body: str = ""):
    notify(recipients=recipients, key=f"complaint:{complaint.pk}:{key}", subject=subject,
           body=body or complaint.get_category_display(), link=complaint.get_absolute_url(),
           topic=Topic.COMPLAINT, todo=todo, obj=complaint)


def filed(complaint):
    """The bureau administrators: a to-do (triage and assign), open until the complaint is
    assigned, not accepted or merged."""
    _notify(complaint, _admins(), "filed",
            _("New complaint %(number)s to triage") % {"number": complaint.number}, todo=True)


def triaged(complaint):
    """Not accepted or merged: nothing is left to do about it."""
    resolve(complaint)


def assigned(complaint, previous_handler_id=None):
    """The handler's to-do (investigate and reply); the triage to-dos and a previous
    handler's to-dos are done."""
    resolve(complaint)
    if previous_handler_id and previous_handler_id != complaint.handler_id:
        from accounts.models import User

        _notify(complaint, User.objects.filter(pk=previous_handler_id),
                f"reassigned:{_stamp()}",
                _("Complaint %(number)s was assigned to another handler")
                % {"number": complaint.number}, todo=False)
    _notify(complaint, [complaint.handler], f"assigned:{_stamp()}",
            _("Complaint %(number)s assigned to you, reply due %(due)s")
            % {"number": complaint.number, "due": complaint.reply_due.isoformat()}, todo=True)


def _approvers(complaint):
    """Who may approve the reply: bureau administrators other than its author (four eyes)."""
    authors = {complaint.handler_id, complaint.reply_drafted_by_id}
    return [u for u in _admins() if u.pk not in authors]


def reply_submitted(complaint):
    resolve(complaint, recipients=[complaint.handler])
    resolve(complaint, key_prefix="reminder:")  # the late reply's escalations: it is in
    _notify(complaint, _approvers(complaint), f"reply:{_stamp()}",
            _("Reply to complaint %(number)s awaits approval") % {"number": complaint.number},
            todo=True)


def reply_returned(complaint):
    resolve(complaint, key_prefix=f"complaint:{complaint.pk}:reply:")
    # the approvers' reminders too: the reply is back with the handler
    resolve(complaint, key_prefix="reminder:", recipients=_admins())
    _notify(complaint, [complaint.handler], f"returned:{_stamp()}",
            _("Reply to complaint %(number)s returned") % {"number": complaint.number},
            todo=True, body=complaint.return_note)


def reply_approved(complaint):
    resolve(complaint)  # the approvers' to-dos and any reminder left
    _notify(complaint, [complaint.handler], "answered",
            _("Reply to complaint %(number)s approved") % {"number": complaint.number},
            todo=False)


def _stamp() -> str:
    return timezone.now().isoformat()
