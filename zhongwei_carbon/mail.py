"""E-mail of notifications (issue 15): each user's mode per topic, the daily digest and the
dead letters.

- ``route(notes)``: when notices are created, each recipient's preference for the topic
  (``accounts.MailPreference``, immediate by default) is written on the notice; only the
  immediate ones are queued (``zhongwei_carbon.tasks.email_notification``).
- ``send_notification`` mails one notice, ``send_digest`` one user's digest of a day: at most
  one digest per user and day (``MailDigest``), listing the digest notices not yet mailed.
- SMTP errors (``MAIL_ERRORS``) are retried by the tasks with exponential backoff; after the
  last attempt ``record_failure`` keeps a dead letter (``MailFailure``) and the notices stay
  un-mailed. ``retry`` queues a dead letter again; a run that ends without an error removes it.

The tasks are thin: they call these functions. The core never imports ``accounts`` at module
level (it sits below it).
"""

from __future__ import annotations

import smtplib
import socket
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from zhongwei_carbon.models import MailDigest, MailFailure, MailMode, Notification

# what a retry may cure: the server refused or dropped us, the network failed or timed out
MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, socket.timeout, OSError)
# the tasks' retry policy: 6 attempts, waits of about 1, 2, 4, 8, 16 minutes (with jitter)
RETRY_POLICY = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def enqueue(task, *args) -> None:
    """Queue a mail task. Without a broker (the demo) tasks run in-process: there a mail's
    retries run at once, one after the other, and a mail that still fails ends as a dead
    letter instead of an error on the page whose step queued it."""
    conf = task.app.conf
    if not conf.task_always_eager:
        task.delay(*args)
        return
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        task.delay(*args)
    finally:
        conf.task_eager_propagates = propagates


def absolute(path: str) -> str:
    """``path`` on the portal as a full address for a mail (``PORTAL_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.PORTAL_URL.rstrip("/") + path


def note_url(note: Notification) -> str:
    """The mail's link: the inbox entry, which marks the notice read and opens its page."""
    return absolute(reverse("notification_open", args=[note.pk]))


def preferences(user_ids, topics=None) -> dict[tuple[int, str], str]:
    """{(user id, topic): mode} of the users' stored preferences (one query); a pair
    missing is immediate."""
    from accounts.models import MailPreference

    qs = MailPreference.objects.filter(user_id__in=set(user_ids))
    if topics is not None:
        qs = qs.filter(topic__in=set(topics))
    return {(u, t): m for u, t, m in qs.values_list("user_id", "topic", "mode")}


def route(notes) -> list[int]:
    """Decide and record each new notice's mail mode from its recipient's preference; the
    ids to mail now. Two queries whatever the number of notices."""
    notes = [n for n in notes if n.pk and n.recipient.email]
    if not notes:
        return []
    prefs = preferences([n.recipient_id for n in notes], [n.topic for n in notes])
    by_mode: dict[str, list[int]] = {mode: [] for mode in MailMode.values}
    for note in notes:
        note.mail_mode = prefs.get((note.recipient_id, note.topic), MailMode.IMMEDIATE)
        by_mode[note.mail_mode].append(note.pk)
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(mail_mode=Case(
        *[When(pk__in=ids, then=Value(mode)) for mode, ids in by_mode.items() if ids],
        default=Value(MailMode.IMMEDIATE),
    ))
    return by_mode[MailMode.IMMEDIATE]


# --- one notice ---


def send_notification(notification_id: int) -> bool:
    """Mail one notice (immediate mode) unless it was mailed already; True when sent. A run
    that ends without an error removes the notice's dead letter. SMTP errors propagate."""
    with transaction.atomic():
        # the note only: the recipient's user row stays free (a login updates it) while the
        # mail goes out
        note = (
            Notification.objects.select_for_update(no_key=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        sent = False
        if (note is not None and note.emailed_at is None and note.recipient.email
                and note.mail_mode in (MailMode.IMMEDIATE, "")):
            body = "\n\n".join(part for part in (note.body, note_url(note)) if part)
            send_mail(note.subject, body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email])
            note.emailed_at = timezone.now()
            note.save(update_fields=["emailed_at"])
            sent = True
        MailFailure.objects.filter(notification_id=notification_id).delete()
    return sent


# --- the daily digest ---


def pending_digest(user_id: int):
    """The user's digest notices not yet mailed, oldest first."""
    return Notification.objects.filter(
        recipient_id=user_id, mail_mode=MailMode.DIGEST, emailed_at__isnull=True
    ).order_by("created_at", "id")


def digest_recipients(day: date) -> list[int]:
    """Ids of the active users with an address who have digest notices to mail and got no
    digest on ``day`` (one query)."""
    done = MailDigest.objects.filter(day=day).values("recipient_id")
    return list(
        Notification.objects.filter(
            mail_mode=MailMode.DIGEST, emailed_at__isnull=True,
            recipient__is_active=True, recipient__email__gt="",
        )
        .exclude(recipient_id__in=done)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def digest_text(notes) -> tuple[str, str]:
    """(subject, body) of a digest: the count, then a line per notice with its link."""
    count = len(notes)
    subject = ngettext(
        "Zhongwei carbon market: %(count)d new notice",
        "Zhongwei carbon market: %(count)d new notices",
        count,
    ) % {"count": count}
    lines = [f"- {n.subject}\n  {note_url(n)}" for n in notes]
    settings_url = absolute(reverse("accounts:mail_preferences"))
    footer = _("Change which notices are e-mailed and how: %(url)s") % {"url": settings_url}
    return subject, "\n".join(lines) + "\n\n" + footer


def send_digest(user_id: int, day: date) -> int:
    """Mail the user's digest of ``day``: one mail listing the digest notices not yet mailed,
    which are then marked mailed. At most one per user and day: a second run sends nothing
    (0). A run that ends without an error removes that day's dead letter."""
    from accounts.models import User

    with transaction.atomic():
        user = User.objects.filter(pk=user_id, is_active=True).first()
        sent = 0
        # the day's row first: a concurrent run waits on it, then finds it taken
        if user is not None and user.email:
            digest, new = MailDigest.objects.get_or_create(recipient=user, day=day)
            notes = list(pending_digest(user_id).select_for_update(no_key=True, of=("self",))) if new else []
            if notes:
                with override(settings.LANGUAGE_CODE):
                    subject, body = digest_text(notes)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
                    emailed_at=timezone.now())
                digest.count = sent = len(notes)
                digest.save(update_fields=["count"])
            elif new:
                digest.delete()  # nothing to send: a later run that day may still send
        MailFailure.objects.filter(kind=MailFailure.Kind.DIGEST, recipient_id=user_id,
                                   day=day).delete()
    return sent


def queue_digests(day: date) -> int:
    """Queue one digest task per user who has one due on ``day``; the count queued."""
    from zhongwei_carbon.tasks import email_digest

    users = digest_recipients(day)
    for user_id in users:
        enqueue(email_digest, user_id, day.isoformat())
    return len(users)


# --- dead letters ---


def record_failure(*, notification_id: int | None = None, user_id: int | None = None,
                   day: date | None = None, error: BaseException, attempts: int):
    """Keep the dead letter of a mail whose last attempt failed (one row per notice, or per
    user and digest day: a failure again adds its attempts). The notices stay un-mailed."""
    from accounts.models import User

    now = timezone.now()
    if notification_id is not None:
        note = Notification.objects.select_related("recipient").filter(
            pk=notification_id).first()
        if note is None:
            return None
        lookup = {"notification": note}
        values = {"kind": MailFailure.Kind.NOTIFICATION, "recipient": note.recipient,
                  "address": note.recipient.email, "subject": note.subject}
    else:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return None
        lookup = {"kind": MailFailure.Kind.DIGEST, "recipient": user, "day": day}
        count = pending_digest(user.pk).count()
        with override(settings.LANGUAGE_CODE):
            values = {"address": user.email, "subject": ngettext(
                "Daily digest of %(count)d notice", "Daily digest of %(count)d notices", count,
            ) % {"count": count}}
    text = f"{type(error).__name__}: {error}"[:2000]
    with transaction.atomic():
        failure, new = MailFailure.objects.select_for_update(no_key=True).get_or_create(
            **lookup, defaults={**values, "error": text, "attempts": attempts, "failed_at": now},
        )
        if not new:
            for field, value in values.items():
                setattr(failure, field, value)
            failure.error, failure.failed_at, failure.requeued_at = text, now, None
            failure.attempts += attempts
            failure.save()
    return failure


def retry(failures) -> int:
    """Queue the dead letters' mails again (after commit); a run that succeeds removes its
    dead letter, one that fails for good records it again. The count queued."""
    from zhongwei_carbon.tasks import email_digest, email_notification

    jobs = []
    for failure in failures:
        if failure.kind == MailFailure.Kind.DIGEST:
            jobs.append((email_digest, (failure.recipient_id, failure.day.isoformat())))
        else:
            jobs.append((email_notification, (failure.notification_id,)))
    MailFailure.objects.filter(pk__in=[f.pk for f in failures]).update(
        requeued_at=timezone.now())
    transaction.on_commit(lambda: [enqueue(task, *args) for task, args in jobs])
    return len(jobs)
