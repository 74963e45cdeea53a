"""Encryption at rest of the filer's identity (Interim Regulations Art. 18: the filer stays
confidential). Fernet (AES-128-CBC + HMAC-SHA256) with ``settings.COMPLAINTS_ENCRYPTION_KEY``;
with DEBUG and no key, a key derived from SECRET_KEY stands in (development only)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _key() -> bytes:
    key = getattr(settings, "COMPLAINTS_ENCRYPTION_KEY", "")
    if key:
        return key.encode() if isinstance(key, str) else key
    if settings.DEBUG:
        digest = hashlib.sha256(b"complaints-identity:" + settings.SECRET_KEY.encode()).digest()
        return base64.urlsafe_b64encode(digest)
    raise ImproperlyConfigured("Set COMPLAINTS_ENCRYPTION_KEY (a Fernet key) to store complaints.")


def _fernet() -> Fernet:
    try:
        return Fernet(_key())
    except ValueError as exc:
        raise ImproperlyConfigured("COMPLAINTS_ENCRYPTION_KEY is not a valid Fernet key.") from exc


def encrypt(text: str) -> str:
    """The ciphertext of ``text`` ("" stays "": nothing was given)."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A filer's identity cannot be decrypted with COMPLAINTS_ENCRYPTION_KEY."
        ) from exc
