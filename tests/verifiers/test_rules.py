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
