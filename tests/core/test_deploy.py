"""Production settings: `manage.py check --deploy` is silent, and the settings refuse to
start without a secret key (DESIGN.md §4.9). Each check runs in a subprocess with a clean,
production-like environment, so the test settings of this pytest run do not leak in."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# A syntactically valid URL is enough: `check --deploy` does not open a connection unless
# --database is given; it also keeps the settings from starting the embedded server.
FALLBACK_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhongwei"

# Variables of settings.py that must not leak from the developer's shell into the check.
_SETTINGS_VARS = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_COOKIES",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_SETTINGS_MODULE",
)


def production_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="zhongwei_carbon.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="carbon.zhongwei.gov.cn",
        DATABASE_URL=os.environ.get("DATABASE_URL") or FALLBACK_DATABASE_URL,
    )
    env.update(overrides)
    return env


def run_manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_silent_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "no issues" in output


def test_check_deploy_would_catch_a_weak_secret_key():
    """The check above can fail: a short key is reported (security.W009)."""
    env = production_env(DJANGO_SECRET_KEY="too-short")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_check_deploy_would_catch_debug_on():
    env = production_env(DJANGO_DEBUG="true")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["", None])
def test_settings_refuse_to_start_without_secret_key(value):
    env = production_env()
    if value is None:
        del env["DJANGO_SECRET_KEY"]
    else:
        env["DJANGO_SECRET_KEY"] = value
    if (BASE_DIR / ".env").exists() and value is None:
        pytest.skip("a local .env file may provide DJANGO_SECRET_KEY")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_runs_without_secret_key():
    """The demo (DJANGO_DEBUG=true) needs no secret key; only production does."""
    env = production_env(DJANGO_DEBUG="true")
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode == 0, result.stderr
