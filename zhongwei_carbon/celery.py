"""The Celery app (cookiecutter-django style); tasks live in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongwei_carbon.settings")

app = Celery("zhongwei_carbon")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="zhongwei_carbon.ping")
def ping() -> str:
    """Health check used by the worker test and the compose health check."""
    return "pong"
