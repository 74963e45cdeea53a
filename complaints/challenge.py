"""The human check of the public forms, offline (no outside CAPTCHA service): a small sum
asked in words, its answer signed by the server with a time stamp and a one-time nonce, so
it cannot be forged, reused or kept for later."""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

SALT = "complaints.challenge"
MAX_AGE = 60 * 60  # seconds a question stays answerable
NUMBERS = "零一二三四五六七八九十"


def new() -> tuple[str, str]:
    """(question, token) of a fresh check."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(8)}, salt=SALT)
    question = _("What is %(a)s plus %(b)s? (answer in digits)") % {
        "a": NUMBERS[a], "b": NUMBERS[b]
    }
    return question, token


def passed(token: str, answer: str) -> bool:
    """Is ``answer`` right for ``token`` (signed, fresh, and not used before)?"""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    answer = (answer or "").strip()
    if not (answer.isascii() and answer.isdigit() and int(answer) == data["s"]):
        return False
    # one answer per question: a replayed token fails
    return cache.add(f"{SALT}:{data['n']}", 1, MAX_AGE)
