"""Row locks are ``FOR NO KEY UPDATE`` (issue 11 §1). A ``FOR UPDATE`` also blocks the
foreign-key checks (``FOR KEY SHARE``) of other transactions' new rows pointing at the locked
row; Django's foreign keys are checked at commit, after the audit chain's advisory lock and
other row locks are taken, so such a lock is a deadlock waiting to happen (the ledger's
surrender against a new holding; a cycle update against a posting of that cycle:
tests/allowances/test_concurrency.py, tests/core/test_audit_chain_concurrency.py).

Every ``select_for_update`` of the project passes ``no_key=True``, except a lock on rows the
transaction then deletes, which says so on the line above (``FOR UPDATE (not NO KEY)``)."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
SKIP = {".venv", "tests", "migrations", "node_modules", "static", "bench"}
CALL = re.compile(r"select_for_update\(([^)]*)\)")
JUSTIFIED = "FOR UPDATE (not NO KEY)"


def _sources():
    for path in sorted(BASE_DIR.rglob("*.py")):
        if not SKIP & set(path.relative_to(BASE_DIR).parts[:-1]):
            yield path


def test_every_row_lock_is_no_key_unless_the_row_is_deleted():
    found, offenders = 0, []
    for path in _sources():
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            for match in CALL.finditer(line):
                found += 1
                if "no_key=True" in match.group(1):
                    continue
                if n and JUSTIFIED in lines[n - 1]:
                    continue
                offenders.append(f"{path.relative_to(BASE_DIR)}:{n + 1}: {line.strip()}")
    assert found > 30  # the scan sees the services' locks
    assert offenders == []
