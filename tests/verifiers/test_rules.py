"""When an agency's and a verifier's qualifications count (both ends of the period included)."""

from datetime import date

from verifiers import rules

D = date(2026, 11, 25)


def test_qualification_state_at_the_edges():
    assert rules.qualification_state(date(2026, 1, 1), D, D) == rules.VALID  # last day counts
    assert rules.qualification_state(D, date(2027, 1, 1), D) == rules.VALID  # first day counts
    assert rules.qualification_state(date(2025, 1, 1), date(2026, 11, 24), D) == rules.EXPIRED
    assert rules.qualification_state(date(2026, 11, 26), date(2027, 1, 1), D) == rules.FUTURE


def test_staff_qualification_without_an_end_never_expires():
    assert not rules.staff_qualification_expired(None, D)
    assert not rules.staff_qualification_expired(D, D)
    assert rules.staff_qualification_expired(date(2026, 11, 24), D)


def Q(start, end, *sectors):  # noqa: N802
    return rules.Qualification(start, end, frozenset(sectors))


def test_verification_eligibility_needs_a_valid_qualification_covering_the_sector():
    e = rules.verification_eligibility
    assert e([], "power", D).state == rules.NO_QUALIFICATION
    ok = e([Q(date(2025, 1, 1), D, "power")], "power", D)  # the last day counts
    assert ok.ok and ok.valid_until == D
    expired = e([Q(date(2024, 1, 1), date(2026, 11, 24), "power")], "power", D)
    assert (expired.state, expired.valid_until) == (rules.QUALIFICATION_EXPIRED, date(2026, 11, 24))
    other = e([Q(date(2025, 1, 1), date(2027, 1, 1), "steel")], "power", D)
    assert (other.state, other.ok) == (rules.SECTOR_NOT_COVERED, False)
    future = e([Q(date(2026, 12, 1), date(2028, 1, 1), "power")], "power", D)
    assert (future.state, future.valid_from) == (rules.QUALIFICATION_NOT_YET_VALID, date(2026, 12, 1))
    # an expired covering one and a valid one for another sector: the sector is the reason
    both = e([Q(date(2020, 1, 1), date(2025, 1, 1), "power"),
              Q(date(2025, 1, 1), date(2027, 1, 1), "steel")], "power", D)
    assert both.state == rules.SECTOR_NOT_COVERED
