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

from zhongwei_carbon.notifications import members, notify
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


def filed(complaint):
    notify(recipients=_admins(), key=f"complaint:{complaint.pk}:filed",
           subject=_("New complaint %(number)s to triage") % {"number": complaint.number},
           body=complaint.get_category_display(), link=complaint.get_absolute_url())


def assigned(complaint):
    stamp = timezone.now().isoformat()
    notify(recipients=[complaint.handler], key=f"complaint:{complaint.pk}:assigned:{stamp}",
           subject=_("Complaint %(number)s assigned to you, reply due %(due)s")
           % {"number": complaint.number, "due": complaint.reply_due.isoformat()},
           body=complaint.get_category_display(), link=complaint.get_absolute_url())


def reply_submitted(complaint):
    stamp = timezone.now().isoformat()
    notify(recipients=[u for u in _admins() if u.pk != complaint.handler_id],
           key=f"complaint:{complaint.pk}:reply:{stamp}",
           subject=_("Reply to complaint %(number)s awaits approval") % {"number": complaint.number},
           link=complaint.get_absolute_url())


def reply_returned(complaint):
    stamp = timezone.now().isoformat()
    notify(recipients=[complaint.handler], key=f"complaint:{complaint.pk}:returned:{stamp}",
           subject=_("Reply to complaint %(number)s returned") % {"number": complaint.number},
           body=complaint.return_note, link=complaint.get_absolute_url())


def reply_approved(complaint):
    notify(recipients=[complaint.handler], key=f"complaint:{complaint.pk}:answered",
           subject=_("Reply to complaint %(number)s approved") % {"number": complaint.number},
           link=complaint.get_absolute_url())
