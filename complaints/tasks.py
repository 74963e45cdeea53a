"""Complaint tasks: thin, idempotent (DESIGN.md §4.10)."""

from celery import shared_task

from complaints import retention


@shared_task(name="complaints.purge_throttles")
def purge_throttles() -> dict[str, int]:
    """Delete the filing and tracking throttle rows past the window (scheduled on beat)."""
    return retention.throttles_purge()
