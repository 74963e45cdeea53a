"""Pure rules of the complaint channel (no ORM, no request): the workflow's allowed
transitions and the reply deadline's default."""

from __future__ import annotations

from complaints.choices import Status

# Working days the handler has to reply, counted from the assignment (the bureau may set
# another number on each assignment). Source: the bureau's service commitment for letters and
# complaints (信访、投诉举报办理), 15 working days; Interim Regulations Art. 18 sets no figure.
DEFAULT_REPLY_WORKING_DAYS = 15
MAX_REPLY_WORKING_DAYS = 60

# status -> statuses it may move to (one table: services refuse anything else)
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.REJECTED, Status.MERGED}),
    Status.ACCEPTED: frozenset({Status.ASSIGNED, Status.MERGED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.REPLY_PENDING}),
    Status.REPLY_PENDING: frozenset({Status.ANSWERED, Status.ASSIGNED}),
    Status.ANSWERED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.MERGED: frozenset(),
}


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def tracking_number(year: int, sequence: int) -> str:
    """The number the filer tracks a complaint by: ``TS2026-00007`` (the year's sequence)."""
    return f"TS{year}-{sequence:05d}"


def is_overdue(reply_due, today, answered: bool) -> bool:
    return bool(reply_due) and not answered and today > reply_due


def on_time_rate(on_time: int, answered: int):
    """Share of replies approved by their due date, in percent with one decimal (half up);
    ``None`` when nothing with a due date was answered."""
    from decimal import ROUND_HALF_UP, Decimal

    if not answered:
        return None
    return (Decimal(on_time) * 100 / Decimal(answered)).quantize(Decimal("0.1"), ROUND_HALF_UP)
