"""Core tasks: thin, idempotent (DESIGN.md §4.10)."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from zhongwei_carbon import mail


@shared_task(bind=True, name="zhongwei_carbon.email_notification", **mail.RETRY_POLICY)
def email_notification(self, notification_id: int) -> bool:
    """E-mail one notification; a second run (retry, duplicate delivery) sends nothing. SMTP
    errors are retried with backoff; after the last attempt the mail becomes a dead letter."""
    try:
        return mail.send_notification(notification_id)
    except mail.MAIL_ERRORS as exc:
        if self.request.retries < self.max_retries:
            raise  # autoretry_for: again after the backoff
        mail.record_failure(notification_id=notification_id, error=exc,
                            attempts=self.request.retries + 1)
        return False


@shared_task(bind=True, name="zhongwei_carbon.email_digest", **mail.RETRY_POLICY)
def email_digest(self, user_id: int, day: str) -> int:
    """E-mail one user's digest of ``day`` (ISO date): at most one per user and day; retried
    and dead-lettered like ``email_notification``."""
    try:
        return mail.send_digest(user_id, date.fromisoformat(day))
    except mail.MAIL_ERRORS as exc:
        if self.request.retries < self.max_retries:
            raise
        mail.record_failure(user_id=user_id, day=date.fromisoformat(day), error=exc,
                            attempts=self.request.retries + 1)
        return 0


@shared_task(name="core.send_digests")
def send_digests() -> int:
    """Queue today's (Asia/Shanghai) digest mails: one per user with digest notices not yet
    mailed; a second run the same day sends nothing again."""
    return mail.queue_digests(timezone.localdate())


@shared_task(name="core.send_reminders")
def send_reminders(today: str | None = None) -> int:
    """Send the deadline reminders of ``today`` (ISO date; by default today in Asia/Shanghai,
    as the beat runs it); a second run sends nothing again. The reminders are the system's:
    no user acts, so nothing is attributed."""
    from zhongwei_carbon.reminders.service import send_reminders as run

    day = date.fromisoformat(today) if today else timezone.localdate()
    return sum(run(today=day).values())
