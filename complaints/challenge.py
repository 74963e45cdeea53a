"""The human check of the public forms, offline (no outside CAPTCHA service): a small sum
asked in words. The token carries a one-time nonce, a time stamp and a keyed hash of the
answer with the nonce (never the answer: the signed token is readable), so it cannot be
forged, read, reused or kept for later. A token is spent by its first answer, right or
wrong, in the database (shared by every worker)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

SALT = "complaints.challenge"
MAX_AGE = 60 * 60  # seconds a question stays answerable
SPENT_KEPT = 2 * MAX_AGE  # seconds a spent nonce is kept (past it no token can carry it)
NUMBERS = "零一二三四五六七八九十"


def new() -> tuple[str, str]:
    """(question, token) of a fresh check."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    token = signing.dumps({"h": _digest(nonce, a + b), "n": nonce}, salt=SALT)
    question = _("What is %(a)s plus %(b)s? (answer in digits)") % {
        "a": NUMBERS[a], "b": NUMBERS[b]
    }
    return question, token


def _digest(nonce: str, answer: int) -> str:
    key = f"{SALT}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def _spend(nonce: str) -> bool:
    """Mark the token used; False when it was used before (by any worker)."""
    from complaints.models import SpentChallenge

    now = timezone.now()
    SpentChallenge.objects.filter(spent_at__lt=now - timedelta(seconds=SPENT_KEPT)).delete()
    try:
        with transaction.atomic():
            SpentChallenge.objects.create(nonce=nonce, spent_at=now)
    except IntegrityError:
        return False
    return True


def passed(token: str, answer: str) -> bool:
    """Is ``answer`` right for ``token`` (signed, fresh, and not used before)? The first
    answer spends the token, right or wrong: a bot cannot try every sum on one question."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or not _spend(str(data.get("n", ""))):
        return False
    answer = (answer or "").strip()
    if not (answer.isascii() and answer.isdigit() and len(answer) < 4):
        return False
    return hmac.compare_digest(_digest(data["n"], int(answer)), str(data.get("h", "")))
