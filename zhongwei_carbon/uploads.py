"""Checked uploads of documents (evidence, signed reports, decisions, objections): the size
limit and the file's own signature decide, never its name."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
EVIDENCE_MAGIC = (PDF_MAGIC, PNG_MAGIC, JPEG_MAGIC)
# signature -> (extension, content type): what a document IS decides how it is stored and served
DOCUMENT_TYPES = (
    (PDF_MAGIC, ".pdf", "application/pdf"),
    (PNG_MAGIC, ".png", "image/png"),
    (JPEG_MAGIC, ".jpg", "image/jpeg"),
)


def document_type(head: bytes) -> tuple[str, str] | None:
    """(extension, content type) of a document from its first bytes, or ``None``."""
    for magic, ext, content_type in DOCUMENT_TYPES:
        if head.startswith(magic):
            return ext, content_type
    return None


def stored_name(original: str, data: bytes) -> str:
    """The name a checked document is stored under: the uploader's name without any of its
    extensions (``evil.pdf.exe`` → ``evil``), made safe, plus the extension of the type its
    signature shows (``.pdf``); never the uploader's extension."""
    stem = os.path.basename(original or "").split(".", 1)[0]
    try:
        stem = get_valid_filename(stem)
    except Exception:  # SuspiciousFileOperation: nothing usable is left of the name
        stem = ""
    kind = document_type(data[:16])
    return (stem or "document")[:80] + (kind[0] if kind else "")


def size_problem(size: int, limit: int | None = None) -> str | None:
    """Why a file of ``size`` bytes is refused (over the upload limit), or ``None``: the one
    limit and message of every upload."""
    limit = limit or settings.UPLOAD_MAX_BYTES
    if size <= limit:
        return None
    return _("The file is %(size).1f MB; the limit is %(limit).1f MB.") % {
        "size": size / 1048576, "limit": limit / 1048576
    }


def checked_bytes(file, *, field: str, magic: tuple[bytes, ...], message: str) -> bytes:
    """The upload's bytes after size and signature checks; a refusal is a ValidationError on
    ``field``."""
    problem = size_problem(file.size)
    if problem:
        raise ValidationError({field: problem})
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not data.startswith(magic):
        raise ValidationError({field: message})
    if hasattr(file, "name"):
        file.name = stored_name(file.name, data)  # stored under the detected type's extension
    return data


def check_evidence(file, *, field: str = "file") -> None:
    """A PDF, PNG or JPEG document."""
    checked_bytes(file, field=field, magic=EVIDENCE_MAGIC,
                  message=_("Attach a PDF, PNG or JPEG file."))
