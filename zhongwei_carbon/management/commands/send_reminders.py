"""``manage.py send_reminders [--today YYYY-MM-DD]``: send the deadline reminders due on
that day (``zhongwei_carbon.reminders.service``); a second run sends nothing again."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhongwei_carbon.reminders.service import send_reminders


class Command(BaseCommand):
    help = "Send the deadline reminders due today (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to decide on (YYYY-MM-DD, Asia/Shanghai)")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today takes a date as YYYY-MM-DD") from None
        counts = send_reminders(today=day)
        detail = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        self.stdout.write(f"{day}: {sum(counts.values())} new reminders" + (f" ({detail})" if detail else ""))
