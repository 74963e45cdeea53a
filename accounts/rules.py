"""Rules of login and public-form protection: pure functions of times and counts (no ORM, no
request). The limits themselves are settings (LOGIN_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT,
LOGIN_COOLOFF_MINUTES,
PUBLIC_FORM_LIMIT; .env.example)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta


def failures_on_user_scale(failures: int, *, limit: int, user_limit: int) -> int:
    """django-axes compares one count with one limit (the user name's). A key with a limit of
    its own (an address) is reported on the user name's scale: the result reaches
    ``user_limit`` exactly when ``failures`` reaches ``limit``."""
    return failures * user_limit // limit


def lockout_ends(
    failures: Iterable[tuple[datetime, int]], *, limit: int, cooloff: timedelta
) -> datetime | None:
    """When logins for one key (a user name or an address) are allowed again; ``None`` when
    the key is not locked.

    ``failures`` are django-axes' records for the key still within the cool-off, each as
    (time of its last failure, failures it counts). The key is locked while the records
    within the cool-off add up to ``limit``; records drop out oldest first, one cool-off
    after their last failure, so the lock ends when the record whose expiry takes the sum
    below ``limit`` expires.
    """
    rows = sorted(failures)
    remaining = sum(count for _, count in rows)
    if remaining < limit:
        return None
    for last_failure, count in rows:
        remaining -= count
        if remaining < limit:
            return last_failure + cooloff
    return None  # pragma: no cover - the loop always returns once the sum drops to 0


def window_retry_after(
    hits: Iterable[datetime], *, limit: int, window: timedelta, now: datetime
) -> datetime | None:
    """For a sliding-window limit (at most ``limit`` hits in any ``window``): when the next
    hit is allowed, or ``None`` if it is allowed now."""
    recent = sorted((t for t in hits if t > now - window), reverse=True)
    if len(recent) < limit:
        return None
    # the hit that must leave the window before a new one fits
    return recent[limit - 1] + window


def minutes_to_wait(until: datetime, now: datetime) -> int:
    """Whole minutes to tell a user to wait, rounded up, never less than one."""
    return max(1, math.ceil((until - now).total_seconds() / 60))
