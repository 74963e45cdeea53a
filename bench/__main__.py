"""Run the benchmarks: ``python -m bench``."""

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongwei_carbon.settings")
    import django

    django.setup()
    from bench import ledger_import

    return ledger_import.main()


if __name__ == "__main__":
    sys.exit(main())
