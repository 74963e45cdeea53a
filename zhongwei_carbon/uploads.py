"""Checked uploads of documents (evidence, signed reports, decisions, objections): the size
limit and the file's own signature decide, never its name."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.functional import lazy
from django.utils.text import format_lazy, get_valid_filename
from django.utils.translation import gettext as _

MB = 1024 * 1024
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


def store_documents(files, build) -> list:
    """Save checked documents (``(original name, bytes)`` pairs) as rows with a ``file``
    field: ``build(original_name=..., sha256=...)`` makes the unsaved row; the file is stored
    under its hash and the type its signature shows, never the uploader's name."""
    stored = []
    for original, data in files:
        digest = hashlib.sha256(data).hexdigest()
        row = build(original_name=original[:200], sha256=digest)
        row.file.save(f"{digest[:16]}{document_type(data[:16])[0]}", ContentFile(data), save=False)
        row.save()
        stored.append(row)
    return stored


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


def file_size(size: int, *, up: bool = False) -> str:
    """``size`` bytes for a message: ``10 MB``, ``2.5 MB``, ``800 KB``, ``100 B`` (MB of
    1,048,576 bytes, as the limit is set; at most one decimal). ``up`` rounds up, so that a
    file over the limit never reads as the limit itself."""
    if size < 1024:
        return f"{size} B"
    unit, name = (MB, "MB") if size >= MB // 10 else (1024, "KB")
    tenths = -(-size * 10 // unit) if up else round(size * 10 / unit)
    return f"{tenths // 10} {name}" if tenths % 10 == 0 else f"{tenths / 10:.1f} {name}"


def size_problem(size: int, limit: int | None = None) -> str | None:
    """Why a file of ``size`` bytes is refused (over the upload limit), or ``None``: the one
    limit and message of every upload."""
    limit = limit or settings.UPLOAD_MAX_BYTES
    if size <= limit:
        return None
    return _("The file is %(size)s; the limit is %(limit)s.") % {
        "size": file_size(size, up=True), "limit": file_size(limit)
    }


def _size_hint() -> str:
    return _("Up to %(limit)s per file.") % {"limit": file_size(settings.UPLOAD_MAX_BYTES)}


size_hint = lazy(_size_hint, str)


def help_with_limit(text=""):
    """A file field's help text followed by the upload limit, both read when the form is
    shown (the limit from ``settings.UPLOAD_MAX_BYTES``, like the refusal)."""
    return format_lazy("{} {}", text, size_hint()) if text else size_hint()


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
