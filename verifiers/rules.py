"""Agency qualification rules (pure: no ORM, no request): when a qualification counts."""

from __future__ import annotations

from datetime import date

EXPIRED, FUTURE, VALID = "expired", "future", "valid"


def qualification_state(valid_from: date, valid_until: date, today: date) -> str:
    """A qualification is valid from ``valid_from`` to ``valid_until``, both days included."""
    if valid_until < today:
        return EXPIRED
    if valid_from > today:
        return FUTURE
    return VALID


def staff_qualification_expired(valid_until: date | None, today: date) -> bool:
    """A verifier's own qualification without an end date never expires."""
    return valid_until is not None and valid_until < today
