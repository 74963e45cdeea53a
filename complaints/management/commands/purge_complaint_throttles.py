"""``manage.py purge_complaint_throttles``: delete the filing and tracking throttle rows older
than the window (PUBLIC_FORM_WINDOW) and the spent human checks past their use, so that nothing
stored ties a network address to a filing time for longer. Safe to run at any time and as
often as wanted; Celery beat runs it (``complaints.purge_throttles``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from complaints import retention


class Command(BaseCommand):
    help = "Delete complaint filing/tracking throttle rows and spent human checks past their window."

    def handle(self, *args, **options):
        purged = retention.throttles_purge()
        self.stdout.write(_(
            "Deleted %(submissions)d expired throttle rows and %(challenges)d spent human checks."
        ) % purged)
