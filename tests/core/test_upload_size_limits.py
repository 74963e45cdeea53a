"""Issue 10 §6: request and upload limits. One setting (UPLOAD_MAX_BYTES) is the limit that
every upload checks, that every refusal states with the file's real size, and that the help
text under every file field shows; Django's request limits and the documented proxy body
limit are derived from it; an oversized file is never kept whole on disk."""

import importlib
import math
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from reporting.models import LedgerEvidence
from tests import factories as f
from zhongwei_carbon import uploads

MB = 1024 * 1024
PDF = b"%PDF-1.7 stamped ledger\n"
BASE = Path(settings.BASE_DIR)


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


# --- settings ------------------------------------------------------------------------------


def test_request_limits_follow_the_upload_limit():
    assert settings.UPLOAD_MAX_BYTES == 10 * MB  # the default (.env.example documents it)
    # a file is held in memory only up to 2.5 MB, never above the upload limit
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == min(settings.UPLOAD_MAX_BYTES, 2.5 * MB)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2.5 * MB  # the fields besides files
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 10
    assert settings.FILE_UPLOAD_HANDLERS == [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "zhongwei_carbon.upload_handlers.BoundedTemporaryFileUploadHandler",
    ]
    assert settings.UPLOAD_MAX_REQUEST_BYTES == (
        settings.UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def test_the_proxy_body_limit_is_documented_from_the_settings():
    """README's production section and docker-compose.yml name the nginx body limit that
    lets the largest upload request through (13m for the default 10 MB)."""
    megabytes = math.ceil(settings.UPLOAD_MAX_REQUEST_BYTES / MB)
    assert megabytes == 13
    readme = (BASE / "README.md").read_text()
    production = readme[readme.index("## Production"):]
    production = production[: production.index("\n## ", 1)]
    assert f"client_max_body_size {megabytes}m;" in production
    assert "UPLOAD_MAX_BYTES" in production
    assert f"client_max_body_size {megabytes}m" in (BASE / "docker-compose.yml").read_text()


# --- an oversized file is counted, not kept ------------------------------------------------


def _multipart_request(size: int):
    body = (
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"x" * (size - len(PDF)) + b"\r\n"
        b"--BOUNDARY--\r\n"
    )
    return RequestFactory().generic(
        "POST", "/", data=body, content_type="multipart/form-data; boundary=BOUNDARY"
    )


def test_an_oversized_file_keeps_its_size_but_not_its_bytes(settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 50_000
    upload = _multipart_request(3_000_000).FILES["file"]
    assert upload.size == 3_000_000  # what was sent: the refusal names it
    assert len(upload.read()) == 100_001  # what was kept: the limit and one byte
    with translation.override("en"):
        assert uploads.size_problem(upload.size) == "The file is 2.9 MB; the limit is 97.7 KB."


def test_a_file_within_the_limit_arrives_whole(settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 50_000
    for size in (40_000, 100_000):  # in memory; streamed to a temporary file
        upload = _multipart_request(size).FILES["file"]
        data = upload.read()
        assert upload.size == len(data) == size and data.startswith(PDF)
        assert uploads.size_problem(upload.size) is None


# --- the refusal states the real size and the limit ----------------------------------------


def test_file_sizes_in_messages():
    assert uploads.file_size(10 * MB) == "10 MB"
    assert uploads.file_size(int(2.5 * MB)) == "2.5 MB"
    assert uploads.file_size(10 * MB + 1, up=True) == "10.1 MB"  # over the limit reads over
    assert uploads.file_size(10 * MB + 1) == "10 MB"
    assert uploads.file_size(50_000) == "48.8 KB"
    assert uploads.file_size(100) == "100 B"


@pytest.mark.django_db
def test_evidence_refusal_states_the_real_size_and_limit(client_as, ent_a, enterprise_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1 * MB
    ledger = f.ledger_make(f.FacilityFactory(enterprise=enterprise_a), month=5)
    url = reverse("reporting:ledger_evidence_upload", kwargs={"pk": ledger.pk})
    big = SimpleUploadedFile("stamped.pdf", PDF + b"x" * (3 * MB - len(PDF)))
    response = client_as(ent_a).post(url, {"file": big})
    assert response.status_code == 200
    message = "文件大小为 3 MB,超过上限 1 MB。"
    assert response.context["form"].errors["file"] == [message]
    assert message in response.content.decode()
    assert not LedgerEvidence.objects.exists()
    # the hint under the field states the same limit
    assert "单个文件不超过 1 MB。" in client_as(ent_a).get(url).content.decode()
    # a file at the limit is attached
    ok = SimpleUploadedFile("stamped.pdf", PDF + b"x" * (1 * MB - len(PDF)))
    assert client_as(ent_a).post(url, {"file": ok}).status_code == 302
    assert LedgerEvidence.objects.get().ledger == ledger


# --- every file field shows the limit ------------------------------------------------------


def upload_forms() -> list[type[forms.Form]]:
    """Every form class of the project with a file field (forms live in forms modules and,
    for small ones, in the views)."""
    for path in sorted(BASE.glob("*/forms*.py")) + sorted(BASE.glob("*/forms/*.py")) + sorted(
        BASE.glob("*/views/*.py")
    ) + sorted(BASE.glob("*/views.py")):
        if ".venv" not in path.parts and "tests" not in path.parts:
            importlib.import_module(".".join(path.relative_to(BASE).with_suffix("").parts))
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        module = cls.__module__.split(".")[0]
        if (BASE / module).is_dir() and any(
            isinstance(field, forms.FileField) for field in getattr(cls, "base_fields", {}).values()
        ):
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__name__}")


def test_every_file_field_states_the_limit(settings):
    classes = upload_forms()
    names = {f"{c.__module__}.{c.__name__}" for c in classes}
    assert {
        "reporting.forms.ledgers.EvidenceForm",
        "reporting.forms.ledgers.UploadForm",
        "reporting.forms.reports.ReportUploadForm",
        "reporting.forms.verification.VerificationFileForm",
        "registry.views.imports.ImportForm",
        "allowances.views.statements.ImportForm",
        "allowances.views.allocation.ImportForm",
    } <= names, names
    for limit, text in [(10 * MB, "单个文件不超过 10 MB。"), (int(2.5 * MB), "单个文件不超过 2.5 MB。")]:
        settings.UPLOAD_MAX_BYTES = limit
        for cls in classes:
            for name, field in cls.base_fields.items():
                if isinstance(field, forms.FileField):
                    assert re.search(re.escape(text) + "$", zh(field.help_text)), (cls, name)
