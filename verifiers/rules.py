"""Agency qualification rules (pure: no ORM, no request): when a qualification counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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


def suspended(until: date | None, today: date) -> bool:
    """An agency suspended or banned "until" a day may not be assigned up to and including
    that day, and may again from the next day."""
    return until is not None and today <= until


# --- who may verify a report (Interim Regulations Art. 13; the agency's own qualification) ---

ELIGIBLE = "eligible"
NO_QUALIFICATION = "no_qualification"
QUALIFICATION_EXPIRED = "expired"
QUALIFICATION_NOT_YET_VALID = "not_yet_valid"
SECTOR_NOT_COVERED = "sector_not_covered"


@dataclass(frozen=True)
class Qualification:
    """What the rule needs of one verification qualification."""

    valid_from: date
    valid_until: date
    sectors: frozenset  # sector keys (any hashable: code or pk) the qualification covers


@dataclass(frozen=True)
class Eligibility:
    state: str
    valid_until: date | None = None  # the end date the user should see (see below)
    valid_from: date | None = None

    @property
    def ok(self) -> bool:
        return self.state == ELIGIBLE


def verification_eligibility(
    qualifications: Iterable[Qualification], sector, today: date
) -> Eligibility:
    """Whether an agency holding ``qualifications`` (its *verification* qualifications only)
    may be assigned a report of ``sector`` on ``today``: one qualification must be valid on
    ``today`` (``qualification_state``) and cover the sector.

    Refused: no qualification; none valid today (``valid_until`` = the last end date, of a
    covering qualification when there is one); valid but none covering the sector. Eligible:
    ``valid_until`` = the latest end date among the valid covering qualifications.
    """
    quals = list(qualifications)
    if not quals:
        return Eligibility(NO_QUALIFICATION)
    valid = [q for q in quals if qualification_state(q.valid_from, q.valid_until, today) == VALID]
    covering_valid = [q for q in valid if sector in q.sectors]
    if covering_valid:
        return Eligibility(ELIGIBLE, valid_until=max(q.valid_until for q in covering_valid))
    if valid:
        return Eligibility(SECTOR_NOT_COVERED, valid_until=max(q.valid_until for q in valid))
    covering = [q for q in quals if sector in q.sectors] or quals
    future = [q for q in covering if q.valid_from > today]
    if future:
        first = min(future, key=lambda q: q.valid_from)
        return Eligibility(QUALIFICATION_NOT_YET_VALID, valid_until=first.valid_until,
                           valid_from=first.valid_from)
    return Eligibility(QUALIFICATION_EXPIRED, valid_until=max(q.valid_until for q in covering))
