"""The penalty ranges of violation cases (Interim Regulations, Decree 775, Art. 21–23): the
rows seeded from DOMAIN.md and the pure rules over them — the DOMAIN figures, the boundaries,
gains multiples rounded inwards to whole yuan, the newest row of a year, never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from oversight import penalty_rules as rules
from oversight import reference
from verifiers import rules as verifier_rules

ROWS = [rules.RangeRow(a, k, Decimal(lo), Decimal(hi), y, s)
        for a, k, lo, hi, y, s in reference.PENALTY_RANGES]


def p(article, gains=None, year=2026):
    return rules.penalties(ROWS, article=article, year=year, illegal_gains=gains)


def test_art_21_fine_is_50_000_to_500_000():
    got = p("21")
    assert (got.fine.low, got.fine.high, got.basis) == (50_000, 500_000, "fine")
    assert got.person_fine is None and got.allocation_cut is None and got.ban_years is None
    assert "第二十一条" in got.fine.source


def test_art_22_without_gains_is_500_000_to_2_000_000_and_persons_and_cut():
    for gains in (None, 0):
        got = p("22", gains)
        assert (got.fine.low, got.fine.high, got.basis) == (500_000, 2_000_000, "fine")
    got = p("22")
    assert (got.person_fine.low, got.person_fine.high) == (50_000, 200_000)
    assert (got.allocation_cut.low, got.allocation_cut.high) == (Decimal(50), Decimal(100))


def test_art_22_with_gains_is_5_to_10_times_the_gains():
    got = p("22", 300_000)
    assert (got.fine.low, got.fine.high, got.basis) == (1_500_000, 3_000_000, "gains_multiple")
    assert isinstance(got.fine.low, int) and isinstance(got.fine.high, int)


def test_art_23_agency_200_000_to_1_000_000_and_a_ban_of_up_to_5_years():
    got = p("23")
    assert (got.fine.low, got.fine.high) == (200_000, 1_000_000)
    assert got.ban_years.high == Decimal(5)


@pytest.mark.parametrize("article, low, high", [("21", 50_000, 500_000),
                                                 ("22", 500_000, 2_000_000),
                                                 ("23", 200_000, 1_000_000)])
def test_the_boundaries_are_inside_and_one_yuan_beyond_is_outside(article, low, high):
    fine = p(article).fine
    assert fine.contains(low) and fine.contains(high)
    assert not fine.contains(low - 1) and not fine.contains(high + 1)
    assert not fine.contains(None)


def test_a_multiple_of_odd_gains_is_rounded_inwards_to_whole_yuan():
    rows = [rules.RangeRow("22", "gains_multiple", Decimal("5.5"), Decimal("10.5"), 2024)]
    got = rules.penalties(rows, article="22", year=2026, illegal_gains=3)
    assert (got.fine.low, got.fine.high) == (17, 31)  # 16.5 up, 31.5 down: never beyond the law


def test_the_newest_row_not_after_the_case_year_applies():
    newer = rules.RangeRow("21", "fine", Decimal(60_000), Decimal(600_000), 2027, "新规")
    rows = [*ROWS, newer]
    assert rules.penalties(rows, article="21", year=2026, illegal_gains=None).fine.high == 500_000
    got = rules.penalties(rows, article="21", year=2027, illegal_gains=None).fine
    assert (got.low, got.high, got.source) == (60_000, 600_000, "新规")
    assert rules.penalties(ROWS, article="21", year=2023, illegal_gains=None).fine is None


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        p("22", 1000.5)
    with pytest.raises(TypeError):
        p("21").fine.contains(50_000.0)


def test_a_ban_ends_at_most_the_same_day_years_later():
    assert rules.ban_latest_end(date(2026, 12, 3), 5) == date(2031, 12, 3)
    assert rules.ban_latest_end(date(2028, 2, 29), Decimal(5)) == date(2033, 2, 28)


def test_case_transitions():
    assert rules.case_next_status("open", "decided")
    assert not rules.case_next_status("open", "referred")
    assert rules.case_next_status("decided", "referred")
    assert rules.case_next_status("referred", "closed")
    assert not rules.case_next_status("closed", "open")


def test_an_agency_is_suspended_up_to_and_including_the_end_date():
    until = date(2027, 6, 30)
    assert verifier_rules.suspended(until, date(2027, 6, 30))
    assert not verifier_rules.suspended(until, date(2027, 7, 1))
    assert not verifier_rules.suspended(None, date(2027, 7, 1))


@pytest.mark.django_db
def test_the_data_migration_seeded_the_rows():
    from oversight.models import PenaltyRange

    assert PenaltyRange.objects.count() == len(reference.PENALTY_RANGES)
    row = PenaltyRange.objects.get(article="22", kind="gains_multiple")
    assert (row.low, row.high, row.year) == (Decimal(5), Decimal(10), 2024)
