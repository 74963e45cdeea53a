"""``manage.py credit_sweep [--year Y] [--today YYYY-MM-DD]``: record the credit events that
deadlines make known (``credit.services.sweep``), as the system actor. Without ``--year``:
the current year and the one before (a year's last deadlines fall in the next)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from credit.services.sweep import default_years, sweep, system_actor


class Command(BaseCommand):
    help = "Record the credit events of deadlines passed (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the year to sweep (default: this and last)")
        parser.add_argument("--today", help="the day to decide on (YYYY-MM-DD, Asia/Shanghai)")

    def handle(self, *args, year=None, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today takes a date as YYYY-MM-DD") from None
        actor = system_actor()
        for y in ([year] if year else default_years(day)):
            counts = sweep(year=y, today=day, actor=actor)
            total = sum(counts.values())
            detail = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
            self.stdout.write(f"{y}: {total} new credit events" + (f" ({detail})" if detail else ""))
