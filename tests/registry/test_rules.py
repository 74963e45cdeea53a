"""Key-emitter list rules (registry/rules.py): thresholds and removal, pure functions.

Measures 2020 Art. 8 (26,000 tCO2e), 卫政办发〔2023〕61号 task 1 (10,000 tce),
Art. 11 (removal after two consecutive years below, or closure).
"""

from decimal import Decimal

import pytest

from registry.choices import EnterpriseStatus, ListChange, ListReason
from registry.rules import ListingDecision, YearFigures, decide_listing, meets_threshold

OPERATING = EnterpriseStatus.OPERATING
ABOVE = YearFigures(Decimal("30000.00"), Decimal("12000.00"))
BELOW = YearFigures(Decimal("20000.00"), Decimal("8000.00"))


def fig(emissions, energy=None):
    return YearFigures(
        Decimal(emissions) if emissions is not None else None,
        Decimal(energy) if energy is not None else None,
    )


def decide(was_listed, years, status=OPERATING):
    return decide_listing(was_listed=was_listed, status=status, recent_years=years)


# --- emission threshold: 26,000 tCO2e -------------------------------------------------


def test_25999_99_t_is_not_listed():
    assert decide(False, [fig("25999.99", "0")]) == ListingDecision(False, None, None)


def test_26000_00_t_is_listed_as_added():
    assert decide(False, [fig("26000.00", "0")]) == ListingDecision(
        True, ListChange.ADDED, ListReason.EMISSIONS_AT_THRESHOLD
    )


def test_26000_t_on_a_listed_enterprise_is_retained():
    assert decide(True, [fig("26000.00"), fig("0")]) == ListingDecision(
        True, ListChange.RETAINED, ListReason.EMISSIONS_AT_THRESHOLD
    )


# --- energy threshold: 10,000 tce ----------------------------------------------------


def test_9999_tce_is_not_listed():
    assert decide(False, [fig("20000.00", "9999")]) == ListingDecision(False, None, None)


def test_9999_99_tce_is_not_listed():
    assert meets_threshold(fig("25999.99", "9999.99")) is None


def test_10000_tce_is_listed_for_energy():
    assert decide(False, [fig("20000.00", "10000")]) == ListingDecision(
        True, ListChange.ADDED, ListReason.ENERGY_AT_THRESHOLD
    )


def test_energy_only_record_without_emissions_figure():
    assert meets_threshold(fig(None, "10000.00")) == ListReason.ENERGY_AT_THRESHOLD
    assert meets_threshold(fig(None, "9999.99")) is None


def test_emissions_reason_wins_when_both_thresholds_are_met():
    assert meets_threshold(fig("26000", "10000")) == ListReason.EMISSIONS_AT_THRESHOLD


def test_no_energy_figure_is_judged_on_emissions_alone():
    assert meets_threshold(fig("26000")) == ListReason.EMISSIONS_AT_THRESHOLD
    assert meets_threshold(fig("25999.99")) is None


# --- removal: two consecutive years below, or closed ------------------------------------


def test_one_year_below_stays_listed():
    assert decide(True, [BELOW, ABOVE]) == ListingDecision(
        True, ListChange.RETAINED, ListReason.ONE_YEAR_BELOW
    )


def test_two_consecutive_years_below_leaves():
    assert decide(True, [BELOW, BELOW]) == ListingDecision(
        False, ListChange.REMOVED, ListReason.TWO_YEARS_BELOW
    )


def test_two_years_just_below_both_thresholds_leaves():
    just_below = fig("25999.99", "9999.99")
    assert decide(True, [just_below, just_below]).change == ListChange.REMOVED


def test_below_then_back_above_is_retained_not_removed():
    # Basis year above again: the earlier low year does not count.
    assert decide(True, [ABOVE, BELOW]) == ListingDecision(
        True, ListChange.RETAINED, ListReason.EMISSIONS_AT_THRESHOLD
    )


def test_below_with_no_figure_for_the_year_before_stays_listed():
    # Two consecutive years below cannot be shown with one year of data.
    assert decide(True, [BELOW, None]) == ListingDecision(
        True, ListChange.RETAINED, ListReason.ONE_YEAR_BELOW
    )
    assert decide(True, [BELOW]).change == ListChange.RETAINED


def test_below_but_never_listed_stays_off():
    assert decide(False, [BELOW, BELOW]) == ListingDecision(False, None, None)


def test_closed_listed_enterprise_leaves_even_above_threshold():
    assert decide(True, [ABOVE, ABOVE], status=EnterpriseStatus.CLOSED) == ListingDecision(
        False, ListChange.REMOVED, ListReason.CLOSED
    )


def test_closed_unlisted_enterprise_is_not_added():
    assert decide(False, [ABOVE], status=EnterpriseStatus.CLOSED) == ListingDecision(
        False, None, None
    )


def test_suspended_enterprise_follows_the_thresholds():
    assert decide(False, [ABOVE], status=EnterpriseStatus.SUSPENDED).change == ListChange.ADDED


# --- no data ---------------------------------------------------------------------------


def test_listed_without_basis_year_figure_stays_pending_data():
    assert decide(True, [None, BELOW]) == ListingDecision(
        True, ListChange.RETAINED, ListReason.NO_DATA
    )
    assert decide(True, []) == ListingDecision(True, ListChange.RETAINED, ListReason.NO_DATA)


def test_unlisted_without_any_figure_stays_off():
    assert decide(False, []) == ListingDecision(False, None, None)
    assert decide(False, [None, ABOVE]) == ListingDecision(False, None, None)


@pytest.mark.parametrize(
    ("emissions", "energy", "listed"),
    [
        ("0", "0", False),
        ("25999.99", None, False),
        ("26000.00", None, True),
        ("26000.01", None, True),
        ("0", "9999.00", False),
        ("0", "10000.00", True),
    ],
)
def test_threshold_table(emissions, energy, listed):
    assert decide(False, [fig(emissions, energy)]).listed is listed


def test_record_years_and_source_ranks_are_one_rule():
    from datetime import date

    from registry import rules as r

    years = r.record_years(date(2026, 11, 25))
    assert (years[0], years[-1]) == (2005, 2026) and 2027 not in years and 2004 not in years
    assert r.source_may_replace("statistics", "verified")
    assert r.source_may_replace("verified", "verified")
    assert not r.source_may_replace("verified", "self_reported")
