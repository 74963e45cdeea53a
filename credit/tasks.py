"""Credit tasks: thin, idempotent (DESIGN.md §4.10)."""

from celery import shared_task
from django.utils import timezone

from credit.services.sweep import default_years, sweep, system_actor


@shared_task(name="credit.sweep_deadlines")
def sweep_deadlines(year: int | None = None) -> int:
    """Record the credit events of the deadlines passed by today (Asia/Shanghai), as the
    system actor; a second run records nothing again."""
    today = timezone.localdate()
    actor = system_actor()
    return sum(sum(sweep(year=y, today=today, actor=actor).values())
               for y in ([year] if year else default_years(today)))
