"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY``; the 18th is a check character:
31 − (Σ value×weight over the first 17 mod 31), where 31 maps to ``0``.
Shared by enterprises and agencies, so it lives in the core.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, or ``None`` when it is."""
    code = normalize(code)
    if len(code) != 18:
        return str(_("A unified social credit code has 18 characters (got %(n)d).") % {"n": len(code)})
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        return str(
            _("Characters not allowed in a unified social credit code: %(chars)s")
            % {"chars": " ".join(bad)}
        )
    if check_character(code[:17]) != code[17]:
        return str(_("The check character of this unified social credit code is wrong."))
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def validate_uscc(code: str) -> None:
    """Django validator."""
    reason = problem(code)
    if reason:
        raise ValidationError(reason, code="invalid_uscc")


def make(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    return first17 + check_character(first17)
