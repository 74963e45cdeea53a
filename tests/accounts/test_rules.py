"""accounts/rules.py: when a lockout ends, when a public form takes submissions again, and
the minutes a user is told to wait."""

from datetime import UTC, datetime, timedelta

from accounts import rules

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
COOLOFF = timedelta(minutes=15)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def test_not_locked_below_the_limit():
    assert rules.lockout_ends([(at(0), 2), (at(1), 2)], limit=5, cooloff=COOLOFF) is None
    assert rules.lockout_ends([], limit=5, cooloff=COOLOFF) is None


def test_one_record_locks_until_a_cooloff_after_its_last_failure():
    assert rules.lockout_ends([(at(3), 5)], limit=5, cooloff=COOLOFF) == at(18)


def test_the_lock_ends_when_the_record_taking_the_sum_below_the_limit_expires():
    # 2 failures (last at 0), 2 (last at 4), 3 (last at 9): 7 ≥ 5. When the first expires
    # (at 15) 5 are left: still locked; when the second expires (at 19) 3: unlocked.
    rows = [(at(9), 3), (at(0), 2), (at(4), 2)]  # any order
    assert rules.lockout_ends(rows, limit=5, cooloff=COOLOFF) == at(19)
    # with a limit of 3, the third record alone keeps the lock until it expires (at 24)
    assert rules.lockout_ends(rows, limit=3, cooloff=COOLOFF) == at(24)


def test_window_retry_after():
    hour = timedelta(hours=1)
    now = at(60)
    hits = [at(10), at(20), at(30)]
    assert rules.window_retry_after(hits, limit=4, window=hour, now=now) is None
    # 3 hits in the window, limit 3: the oldest must leave first (at 10 + 60)
    assert rules.window_retry_after(hits, limit=3, window=hour, now=now) == at(70)
    # limit 2: a new hit fits when only one is left, after the one at 20 leaves
    assert rules.window_retry_after(hits, limit=2, window=hour, now=now) == at(80)
    # hits older than the window do not count
    assert rules.window_retry_after([at(-5), at(0)], limit=2, window=hour, now=now) is None


def test_minutes_to_wait_round_up_and_never_zero():
    assert rules.minutes_to_wait(at(15), at(0)) == 15
    assert rules.minutes_to_wait(at(15), at(0) + timedelta(seconds=1)) == 15
    assert rules.minutes_to_wait(at(14) + timedelta(seconds=1), at(0)) == 15
    assert rules.minutes_to_wait(at(0) + timedelta(seconds=10), at(0)) == 1
    assert rules.minutes_to_wait(at(0), at(1)) == 1


def test_an_address_count_reaches_the_user_limit_exactly_at_its_own_limit():
    scale = [rules.failures_on_user_scale(n, limit=30, user_limit=5) for n in (0, 5, 29, 30, 31)]
    assert scale == [0, 0, 4, 5, 5]
    assert rules.failures_on_user_scale(4, limit=5, user_limit=5) == 4  # same limit: unchanged
