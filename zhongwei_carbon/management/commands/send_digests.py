"""``manage.py send_digests [--today YYYY-MM-DD]``: send that day's e-mail digests
(``zhongwei_carbon.mail``): one mail per user with digest notices not yet e-mailed; a second
run the same day sends nothing again."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhongwei_carbon.mail import queue_digests


class Command(BaseCommand):
    help = "Send today's e-mail digests (idempotent: at most one mail per user and day)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the digest day (YYYY-MM-DD, Asia/Shanghai)")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today takes a date as YYYY-MM-DD") from None
        self.stdout.write(f"{day}: {queue_digests(day)} digest mails queued")
