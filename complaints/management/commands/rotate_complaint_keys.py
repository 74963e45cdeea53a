"""``manage.py rotate_complaint_keys``: re-encrypt every stored filer identity with the first
key of COMPLAINTS_ENCRYPTION_KEY.

Rotation: put the new key first and keep the old ones after it
(``COMPLAINTS_ENCRYPTION_KEY=new,old``), restart, run this command, then drop the old keys.
All rows change in one transaction (in batches); a second run changes nothing. A row that no
configured key can read stops the run with nothing changed (exit 1)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from complaints import retention


class Command(BaseCommand):
    help = "Re-encrypt the complainants' identities with the first COMPLAINTS_ENCRYPTION_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=retention.ROTATE_BATCH,
                            help="Rows read and written at a time (default %(default)s).")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError(_("The batch size must be at least 1."))
        try:
            result = retention.identities_rotate_keys(batch_size=options["batch_size"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_(
            "Re-encrypted %(rotated)d identities with the first key; %(current)d were already "
            "under it."
        ) % result)
