"""``manage.py verify_audit_chain``: check the hash chains of the audit tables (business events,
allowance ledger entries), print what was checked and the first broken row of each chain.

Exit status 0 when every chain is intact, 1 otherwise (for CI and monitoring).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhongwei_carbon import audit_check


class Command(BaseCommand):
    help = "Verify the hash chains of the audit tables; exit 1 and name the first broken row."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chain",
            action="append",
            choices=sorted(audit_check.CHAINS),
            help="Check only this chain (repeatable); all chains by default.",
        )

    def handle(self, *args, **options):
        names = options["chain"] or list(audit_check.CHAINS)
        broken = 0
        for name in names:
            report = audit_check.verify(name)
            label = audit_check.CHAINS[name].label
            line = _("%(label)s [%(chain)s]: %(rows)s rows, %(checked)s verified, %(status)s") % {
                "label": label,
                "chain": name,
                "rows": report.rows,
                "checked": report.checked,
                "status": _("intact") if report.ok else _("BROKEN"),
            }
            self.stdout.write(line)
            if report.ok:
                continue
            broken += 1
            self.stdout.write("  " + audit_check.explain(report))
            self.stdout.write(
                "  "
                + _("table %(table)s, id %(id)s, %(problem)s: %(detail)s")
                % {
                    "table": audit_check.CHAINS[name].model._meta.db_table,
                    "id": report.broken.row_id,
                    "problem": report.broken.problem,
                    "detail": report.broken.detail,
                }
            )
        if broken:
            raise CommandError(_("The audit trail is broken (%(n)s chains).") % {"n": broken})
