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
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set while browser tests run; never in production
    "DATABASE_CONN_MAX_AGE",
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


SHOW_CONNECTION = (
    "import django; django.setup(); from django.db import connection as c; "
    "print(c.settings_dict['CONN_MAX_AGE'], c.settings_dict['CONN_HEALTH_CHECKS'])"
)


def _connection_settings(env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SHOW_CONNECTION], cwd=BASE_DIR, env=env, capture_output=True,
        text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_keeps_database_connections():
    """Issue 11 §6: a worker keeps its connection 60 s, health-checked before reuse; the
    development server (DEBUG) opens one per request; the environment can set it."""
    assert _connection_settings(production_env()) == "60 True"
    assert _connection_settings(production_env(DJANGO_DEBUG="true")) == "0 True"
    assert _connection_settings(production_env(DATABASE_CONN_MAX_AGE="0")) == "0 True"


# --- docker-compose.yml, Dockerfile, .env.example ---------------------------------------


def _compose() -> dict:
    import yaml

    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))


def _command(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_compose_has_the_five_services_with_their_images():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."
        assert services[name]["image"] == "zhongwei-carbon:latest"


def test_compose_commands():
    services = _compose()["services"]
    web = _command(services["web"])
    # migrate and collectstatic run before gunicorn starts, gunicorn serves the WSGI app
    assert web.index("migrate --noinput") < web.index("collectstatic --noinput") < web.index("gunicorn")
    assert "gunicorn zhongwei_carbon.wsgi:application" in web
    assert "--bind 0.0.0.0:8000" in web
    assert _command(services["worker"]).startswith("celery -A zhongwei_carbon worker")
    assert _command(services["beat"]).startswith("celery -A zhongwei_carbon beat")


def test_compose_every_service_has_a_healthcheck():
    services = _compose()["services"]
    for name, service in services.items():
        check = service.get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert check.get("interval") and check.get("retries"), name
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
    assert services["redis"]["healthcheck"]["test"][1:] == ["redis-cli", "ping"]
    assert "/healthz/" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in services["worker"]["healthcheck"]["test"][1]


def test_compose_dependencies_wait_for_health():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"] == {"condition": "service_healthy"}, name
        assert depends["redis"] == {"condition": "service_healthy"}, name
    # the worker and beat start after web has migrated the database
    assert services["worker"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert services["beat"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_compose_environment_is_production():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        env = service["environment"]
        assert env["DJANGO_DEBUG"] == "false"
        assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")  # required, no default
        assert "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert env["DATABASE_CONN_MAX_AGE"] == "${DATABASE_CONN_MAX_AGE:-60}"  # issue 11 §6
        assert [e["path"] for e in service["env_file"]] == [".env"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_dockerfile_is_slim_and_runs_as_non_root():
    lines = [
        line.strip()
        for line in (BASE_DIR / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert lines[0] == "FROM python:3.11-slim"
    assert "RUN pip install -c requirements.lock ." in lines  # the pinned set, as CI audits it
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    ignored = (BASE_DIR / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", ".env", ".pgdata"} <= set(ignored)


def test_env_example_documents_every_setting_variable():
    import re

    settings_source = (BASE_DIR / "zhongwei_carbon" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", settings_source))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= read  # the regex works
    example = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.M))
    assert read - documented == set()


def test_env_example_copied_for_the_demo_keeps_the_embedded_database():
    """`cp .env.example .env` must not silently switch the demo off the embedded PostgreSQL
    (and its in-process tasks): the server settings are there, commented out."""
    example = BASE_DIR / ".env.example"
    active = {}
    for line in example.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _sep, value = line.partition("=")
            active[key.strip()] = value.strip()
    assert "DATABASE_URL" not in active
    assert "CELERY_BROKER_URL" not in active
    assert "# DATABASE_URL=" in example.read_text(encoding="utf-8")
