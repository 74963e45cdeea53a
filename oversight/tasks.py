"""Oversight tasks: thin, idempotent (DESIGN.md §4.10). The reminders issue schedules them."""

from celery import shared_task

from oversight.services.rectification import rectifications_report_overdue


@shared_task(name="oversight.report_overdue_rectifications")
def report_overdue_rectifications() -> int:
    """Report each rectification past its deadline without an answer, once."""
    return len(rectifications_report_overdue())
