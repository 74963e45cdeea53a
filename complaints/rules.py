"""Pure rules of the complaint channel (no ORM, no request): the workflow's allowed
transitions, the reply deadline's default, who may not handle a complaint (conflict of
interest) and where a merge ends (its root)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from complaints.choices import Status, TargetKind

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


# Why a handler may not be given a complaint (``handler_conflict``)
CONFLICT_OWN_AREA = "own_area"  # about an official of the area the handler is an official of
CONFLICT_MEMBER = "member"  # about the enterprise or agency the handler belongs to


def handler_conflict(*, target_kind: str, area_id, enterprise_id, agency_id,
                     official_of: Iterable = (), enterprises: Iterable = (),
                     agencies: Iterable = ()) -> str:
    """Why the handler may not handle the complaint, or "" when he may. ``official_of``: the
    areas he is a county / park official of; ``enterprises``, ``agencies``: those he is a
    member of (his active memberships). A complaint about an official of a county or park is
    not investigated by that county's or park's own officials; a complaint about an
    enterprise or an agency not by its own people."""
    if target_kind == TargetKind.OFFICIAL and area_id is not None and area_id in set(official_of):
        return CONFLICT_OWN_AREA
    if enterprise_id is not None and enterprise_id in set(enterprises):
        return CONFLICT_MEMBER
    if agency_id is not None and agency_id in set(agencies):
        return CONFLICT_MEMBER
    return ""


def merge_root(start, parent: Callable) -> object | None:
    """The complaint a merge into ``start`` ends at: ``start`` itself, or what it was merged
    into, followed to the end (``parent(pk)`` gives the complaint a pk was merged into, or
    ``None``). ``None`` when the chain runs in a circle."""
    seen, current = set(), start
    while current is not None:
        if current in seen:
            return None
        seen.add(current)
        following = parent(current)
        if following is None:
            return current
        current = following
    return None
