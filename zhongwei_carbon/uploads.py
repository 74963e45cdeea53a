"""Checked uploads of documents (evidence, signed reports, decisions, objections): the size
limit and the file's own signature decide, never its name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"
EVIDENCE_MAGIC = (PDF_MAGIC, b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PDF, PNG, JPEG


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
    return data


def check_evidence(file, *, field: str = "file") -> None:
    """A PDF, PNG or JPEG document."""
    checked_bytes(file, field=field, magic=EVIDENCE_MAGIC,
                  message=_("Attach a PDF, PNG or JPEG file."))
