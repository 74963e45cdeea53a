"""Celery: without a broker tasks run eagerly in-process; with Redis a real worker answers
(DESIGN.md §2). The worker test skips where Redis is unreachable, except under CI, where it
must fail instead."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
FALLBACK_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/zhongwei"


def _base_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    env.update(
        DJANGO_SETTINGS_MODULE="zhongwei_carbon.settings",
        DJANGO_DEBUG="true",
        # Settings only parse the URL here; it also keeps them from starting the embedded server.
        DATABASE_URL=os.environ.get("DATABASE_URL") or FALLBACK_DATABASE_URL,
    )
    env.update(overrides)
    return env


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


PROBE = """
import django
django.setup()
from django.conf import settings
from zhongwei_carbon.celery import ping
print(settings.CELERY_TASK_ALWAYS_EAGER, ping.delay().get(timeout=5))
"""


def test_no_broker_means_eager_tasks():
    result = _python(PROBE, _base_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "pong"]


def test_broker_set_means_queued_tasks():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)"
    )
    result = _python(code, _base_env(CELERY_BROKER_URL="redis://redis.invalid:6379/0"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "redis://redis.invalid:6379/0"]


@pytest.fixture
def redis_url():
    url = os.environ.get("CELERY_BROKER_URL") or DEFAULT_REDIS
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        reason = f"Redis unreachable at {url}: {exc}"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{reason} (CI is set: the worker test must run)")
        pytest.skip(reason)
    return url


@pytest.mark.redis
def test_real_worker_answers_ping(redis_url):
    from celery import Celery

    # A queue of our own, so that another worker on the same Redis cannot take the task.
    queue = f"zw-test-{uuid.uuid4().hex[:12]}"
    env = _base_env(CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=redis_url)
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "zhongwei_carbon", "worker",
            "--pool=solo", "--concurrency=1", "-Q", queue, "--hostname", f"{queue}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery("zw-test-client", broker=redis_url, backend=redis_url)
    result = None
    try:
        result = client.send_task("zhongwei_carbon.ping", queue=queue)
        assert result.get(timeout=15) == "pong"
        assert result.status == "SUCCESS"
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        if result is not None:
            result.forget()
        client.close()
