"""Test settings: the real settings, with test-only defaults for what the environment
would otherwise have to provide, and faster password hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("COMPLAINTS_ENCRYPTION_KEY", "dGVzdC1vbmx5LWNvbXBsYWludHMta2V5LTAxMjM0NTY=")

from zhongwei_carbon.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests run tasks in-process; the worker tests (tests/core/test_celery_worker.py) talk to Redis.
CELERY_TASK_ALWAYS_EAGER = True
