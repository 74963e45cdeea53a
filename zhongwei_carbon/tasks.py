"""Core tasks: thin, idempotent (DESIGN.md §4.10)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhongwei_carbon.models import Notification


@shared_task(name="zhongwei_carbon.email_notification", autoretry_for=(OSError,), max_retries=5)
def email_notification(notification_id: int) -> bool:
    """E-mail one notification; a second run (retry, duplicate delivery) sends nothing."""
    with transaction.atomic():
        # the note only: the recipient's user row stays free (a login updates it) while the
        # mail goes out
        note = (
            Notification.objects.select_for_update(no_key=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if note is None or not note.recipient.email:
            return False
        send_mail(
            note.subject,
            f"{note.body}\n\n{note.link}".strip(),
            settings.DEFAULT_FROM_EMAIL,
            [note.recipient.email],
        )
        note.emailed_at = timezone.now()
        note.save(update_fields=["emailed_at"])
    return True


@shared_task(name="core.send_reminders")
def send_reminders(today: str | None = None) -> int:
    """Send the deadline reminders of ``today`` (ISO date; by default today in Asia/Shanghai,
    as the beat runs it); a second run sends nothing again. The reminders are the system's:
    no user acts, so nothing is attributed."""
    from datetime import date

    from zhongwei_carbon.reminders.service import send_reminders as run

    day = date.fromisoformat(today) if today else timezone.localdate()
    return sum(run(today=day).values())
