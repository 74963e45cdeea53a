"""Bench: ``manage.py seed_demo`` on an empty database, then again (idempotent run).

The time a newcomer waits in ``make demo``. It used to be a timed assertion in the test suite
(``< 30 s``), which failed on a busy machine (49–67 s seen): timings are printed here, on
demand, never asserted in tests. A throw-away database (``test_<name>``) is created, migrated,
seeded twice and dropped again; the development database is not touched.
"""

from __future__ import annotations

import io
import time

from django.core.management import call_command
from django.db import connection

TARGET_SECONDS = 30.0


def main() -> int:
    from django.conf import settings

    settings.DEBUG = False  # no query log
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            call_command("seed_demo", stdout=io.StringIO())
            timings.append(time.perf_counter() - started)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    first, second = timings
    verdict = "ok" if first <= TARGET_SECONDS else "SLOWER than the target"
    print(f"seed_demo: first run {first:.1f} s (target {TARGET_SECONDS:.0f} s: {verdict}), "
          f"second run {second:.1f} s (adds nothing)")
    return 0


if __name__ == "__main__":
    raise SystemExit("run through `python -m bench` (it sets Django up)")
