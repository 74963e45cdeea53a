"""Uploads held between a validated form and its confirmation step.

An irreversible step is confirmed only after the server has checked the form (file
signature included); the checked file waits here, under a random token kept in the user's
session, until the user confirms (``take``) or leaves (it is overwritten by the next upload of
the same form, and the session expiry forgets it). Staged files are never served."""

from __future__ import annotations

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

SESSION_KEY = "staged_uploads"
FOLDER = "staging"


def stage(request, file, *, purpose: str) -> str:
    """Keep the checked upload ``file`` for ``purpose`` (e.g. ``verification:12``); returns
    the token the confirmation form posts back."""
    token = secrets.token_urlsafe(16)
    file.seek(0)
    path = default_storage.save(f"{FOLDER}/{token}", ContentFile(file.read()))
    file.seek(0)
    staged = request.session.get(SESSION_KEY, {})
    for old_token, entry in list(staged.items()):  # one staged file per purpose
        if entry["purpose"] == purpose:
            default_storage.delete(entry["path"])
            del staged[old_token]
    staged[token] = {"path": path, "name": file.name, "purpose": purpose}
    request.session[SESSION_KEY] = staged
    return token


def get(request, token: str, *, purpose: str) -> ContentFile | None:
    """The file staged under ``token`` for ``purpose`` by this session, or ``None``."""
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if not entry or entry["purpose"] != purpose or not default_storage.exists(entry["path"]):
        return None
    with default_storage.open(entry["path"], "rb") as handle:
        return ContentFile(handle.read(), name=entry["name"])


def discard(request, token: str) -> None:
    """Forget the staged file (after the step was done)."""
    staged = request.session.get(SESSION_KEY, {})
    entry = staged.pop(token or "", None)
    if entry:
        default_storage.delete(entry["path"])
        request.session[SESSION_KEY] = staged
