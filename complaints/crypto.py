"""Encryption at rest of the filer's identity (Interim Regulations Art. 18: the filer stays
confidential). Fernet (AES-128-CBC + HMAC-SHA256) with ``settings.COMPLAINTS_ENCRYPTION_KEY``;
with DEBUG and no key, a key derived from SECRET_KEY stands in (development only).

Keys rotate: the setting may hold several keys separated by commas. The first encrypts, every
one decrypts (cryptography's MultiFernet); ``manage.py rotate_complaint_keys`` re-encrypts the
stored identities with the first, after which the others can be dropped."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def configured_keys() -> list[str]:
    """The keys of the setting, first (encrypting) first: a comma-separated string or a list."""
    value = getattr(settings, "COMPLAINTS_ENCRYPTION_KEY", "") or ""
    if isinstance(value, bytes):
        value = value.decode()
    parts = value.split(",") if isinstance(value, str) else value
    return [key.strip() for key in parts if key.strip()]


def malformed_positions(keys: list[str]) -> list[int]:
    """1-based positions of the keys that are not Fernet keys (the keys are never shown)."""
    bad = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            bad.append(position)
    return bad


def _keys() -> list[bytes]:
    keys = configured_keys()
    if keys:
        return [k.encode() for k in keys]
    if settings.DEBUG:
        digest = hashlib.sha256(b"complaints-identity:" + settings.SECRET_KEY.encode()).digest()
        return [base64.urlsafe_b64encode(digest)]
    raise ImproperlyConfigured("Set COMPLAINTS_ENCRYPTION_KEY (a Fernet key) to store complaints.")


def _fernet() -> MultiFernet:
    keys = _keys()
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "COMPLAINTS_ENCRYPTION_KEY is not a valid Fernet key (or comma-separated list of "
            "Fernet keys)."
        ) from exc


def encrypt(text: str) -> str:
    """The ciphertext of ``text`` under the first key ("" stays "": nothing was given)."""
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


class Rotator:
    """Re-encrypts tokens with the first key; one per run (the keys are read once)."""

    def __init__(self):
        self.multi = _fernet()
        self.primary = Fernet(_keys()[0])

    def is_current(self, token: str) -> bool:
        """Is ``token`` ("" included) already readable with the first key?"""
        if not token:
            return True
        try:
            self.primary.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def rotate(self, token: str) -> str:
        """``token`` under the first key (its time stamp kept); a token no key reads is an
        ImproperlyConfigured error (nothing is written: the caller's transaction rolls back)."""
        if self.is_current(token):
            return token
        try:
            return self.multi.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "A filer's identity cannot be decrypted with any key of "
                "COMPLAINTS_ENCRYPTION_KEY; add the key it was written with."
            ) from exc
