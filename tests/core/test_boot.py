"""Worker boot (issue 11 §8): openpyxl costs every gunicorn and Celery worker ~140 ms to
import, and only the requests and tasks that write or read a workbook need it. Loading the
WSGI application, the URL conf with every view, every app's views, API and tasks modules, and
the Celery app imports no openpyxl; the modules import it where they use it. Checked in a
fresh interpreter with production settings (the test run itself has imported openpyxl long
before)."""

import subprocess
import sys

from tests.core.test_deploy import BASE_DIR, production_env

BOOT = """
import importlib, pkgutil, sys
from django.apps import apps
from zhongwei_carbon.wsgi import application
from zhongwei_carbon.celery import app as celery_app
from django.urls import get_resolver

def walk(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            walk(pattern)

walk(get_resolver())
celery_app.loader.import_default_modules()
imported = []
for config in apps.get_app_configs():
    if not config.path.startswith(sys.argv[1]):
        continue
    for name in ("views", "api", "tasks", "urls", "admin"):
        try:
            module = importlib.import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
            continue
        imported.append(module.__name__)
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), module.__name__ + "."):
            importlib.import_module(info.name)
            imported.append(info.name)
assert len(imported) > 30, imported
print(sorted(m for m in sys.modules if m == "openpyxl" or m.startswith("openpyxl.")))
"""


def test_booting_a_worker_does_not_import_openpyxl():
    result = subprocess.run(
        [sys.executable, "-c", BOOT, str(BASE_DIR)],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_check_would_see_openpyxl():
    """The check above can fail: a module that imports openpyxl is seen."""
    result = subprocess.run(
        [sys.executable, "-c", BOOT.replace("walk(get_resolver())", "import openpyxl"),
         str(BASE_DIR)],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "'openpyxl'" in result.stdout


def test_column_letter_is_openpyxl_s():
    from openpyxl.utils import get_column_letter

    from zhongwei_carbon.excel import column_letter

    assert [column_letter(i) for i in range(1, 18_279)] == [
        get_column_letter(i) for i in range(1, 18_279)
    ]
    for wrong in (0, 18_279):
        try:
            column_letter(wrong)
        except ValueError:
            continue
        raise AssertionError(wrong)
