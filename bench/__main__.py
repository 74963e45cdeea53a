"""Run the benchmarks: ``python -m bench`` (all), or ``python -m bench ledger_import`` /
``python -m bench seed_demo`` / ``python -m bench scale`` ... (one). Each prints its figures;
none is run by the test suite."""

import os
import sys

BENCHES = (
    "ledger_import", "seed_demo", "adversarial_upload", "audit_chain", "list_draft", "exports",
    "scale", "credit", "reminders", "dashboard",
)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongwei_carbon.settings")
    import django

    django.setup()
    from cryptography.fernet import Fernet
    from django.conf import settings

    # benches turn DEBUG off (no query log), which ends the development key of the complaints'
    # identities: a throw-away key for the bench's own databases, unless one is configured
    if not settings.COMPLAINTS_ENCRYPTION_KEY:
        settings.COMPLAINTS_ENCRYPTION_KEY = Fernet.generate_key().decode()
    from importlib import import_module

    chosen = argv or list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        print(f"unknown bench {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
        return 2
    status = 0
    for name in chosen:
        print(f"== {name}")
        status |= import_module(f"bench.{name}").main() or 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
