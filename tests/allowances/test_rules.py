"""Allocation, surrender and penalty rules pinned with figures computed by hand (DOMAIN.md
"Allocation and surrender"; Measures Art. 29; Interim Regulations Art. 24). Pure: no database."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allowances import rules
from allowances.rules import UnitAllocation

# 2024 benchmarks (DOMAIN.md), passed in as data
COAL_I = D("0.7910")
GAS = D("0.3288")
HEAT_COAL = D("0.1033")

# Illustrative Ff bands (data of a plan): load factor as a fraction
BANDS = [
    (D("0.65"), None, D("1.000")),
    (D("0.60"), D("0.65"), D("1.007")),
    (D("0.50"), D("0.60"), D("1.015")),
    (None, D("0.50"), D("1.030")),
]

# --- allocation ---------------------------------------------------------------------------------


def test_domain_power_example():
    # Class I, Qe 3,000,000 MWh × 0.7910 × Ff 1 = 2,373,000
    #          Qh 1,000,000 GJ × 0.1033        =   103,300
    #                                            2,476,300
    assert rules.power_allocation(
        power_mwh=D("3000000"), benchmark=COAL_I, load_factor_correction=D("1"),
        heat_gj=D("1000000"), heat_benchmark=HEAT_COAL,
    ) == 2476300


def test_power_allocation_rounds_half_up_once_at_the_end():
    # 1,000.5 MWh × 0.7910 = 791.39550; 1 GJ × 0.1033 = 0.1033 → 791.4988 → 791
    assert rules.power_allocation(
        power_mwh=D("1000.5"), benchmark=COAL_I, load_factor_correction=D("1"),
        heat_gj=D("1"), heat_benchmark=HEAT_COAL,
    ) == 791
    # 1,000 MWh × 0.7910 = 791.0; 5 GJ × 0.1 = 0.5 → 791.5 → 792 (half up)
    assert rules.power_allocation(
        power_mwh=D("1000"), benchmark=COAL_I, load_factor_correction=D("1"),
        heat_gj=D("5"), heat_benchmark=D("0.1"),
    ) == 792
    # Rounded once, after the sum: Ae 1 × 0.4 = 0.4, Ah 1 × 0.4 = 0.4 → 0.8 → 1
    # (rounding each part first would give 0 + 0 = 0)
    assert rules.power_allocation(
        power_mwh=D("1"), benchmark=D("0.4"), load_factor_correction=D("1"),
        heat_gj=D("1"), heat_benchmark=D("0.4"),
    ) == 1


def test_power_allocation_with_load_factor_correction():
    # Load factor 0.62 falls in [0.60, 0.65) → Ff 1.007
    ff = rules.load_factor_correction(D("0.62"), BANDS)
    assert ff == D("1.007")
    # 1,000,000 MWh × 0.3288 (gas) × 1.007 = 331,101.6 ; no heat → 331,102
    assert rules.power_allocation(
        power_mwh=D("1000000"), benchmark=GAS, load_factor_correction=ff,
        heat_gj=D("0"), heat_benchmark=D("0.0533"),
    ) == 331102


def test_load_factor_band_boundaries():
    # Lower bound inclusive, upper exclusive
    assert rules.load_factor_correction(D("0.65"), BANDS) == D("1.000")
    assert rules.load_factor_correction(D("0.6499"), BANDS) == D("1.007")
    assert rules.load_factor_correction(D("0.60"), BANDS) == D("1.007")
    assert rules.load_factor_correction(D("0.50"), BANDS) == D("1.015")
    assert rules.load_factor_correction(D("0.10"), BANDS) == D("1.030")
    assert rules.load_factor_correction(D("1"), BANDS) == D("1.000")


def test_load_factor_bands_must_match_exactly_one():
    with pytest.raises(ValueError):
        rules.load_factor_correction(D("0.55"), [(D("0.60"), None, D("1"))])  # gap
    with pytest.raises(ValueError):
        rules.load_factor_correction(
            D("0.70"), [(D("0.60"), None, D("1")), (D("0.65"), None, D("1.01"))]
        )  # overlap


def test_intensity_allocation():
    # 120,000 t clinker × 0.8576 tCO2/t = 102,912.0
    assert rules.intensity_allocation(D("120000"), D("0.8576")) == 102912
    # 3 × 0.5 = 1.5 → 2 (half up); 3 × 0.49 = 1.47 → 1
    assert rules.intensity_allocation(D("3"), D("0.5")) == 2
    assert rules.intensity_allocation(D("3"), D("0.49")) == 1


def test_domain_pre_allocation_example_is_activity_based():
    # DOMAIN.md: gas unit, Y−1 output 1,000,000 MWh × 0.3288 (Be of year Y) × Ff 1 = 328,800
    # → pre-allocation 70 % = 230,160 t
    prior = rules.power_allowance(
        power_mwh=D("1000000"), benchmark=GAS, load_factor_correction=D("1"),
        heat_gj=D("0"), heat_benchmark=D("0.0533"),
    )
    assert prior == D("328800")
    assert rules.pre_allocation([prior]) == 230160
    assert rules.PRE_ALLOCATION_SHARE == D("0.70")
    # not 70 % of the prior year's emissions: the argument is the units' allowances on last
    # year's activity data, never an emissions figure
    with pytest.raises(TypeError):
        rules.pre_allocation(D("328800"))


def test_pre_allocation_sums_the_units_and_rounds_once():
    # DOMAIN's class I example on Y−1 data: 2,373,000 + 103,300 = 2,476,300 → 1,733,410
    coal = rules.power_allowance(
        power_mwh=D("3000000"), benchmark=COAL_I, load_factor_correction=D("1"),
        heat_gj=D("1000000"), heat_benchmark=HEAT_COAL,
    )
    assert rules.pre_allocation([coal]) == 1733410
    # Two units of 0.5 t each: 0.70 × 1.0 = 0.7 → 1 (rounding each unit first: 0.35 → 0 twice)
    half = rules.power_allowance(power_mwh=D("1"), benchmark=D("0.5"),
                                 load_factor_correction=D("1"), heat_gj=D("0"),
                                 heat_benchmark=D("0"))
    assert rules.pre_allocation([half, half]) == 1
    # 100,000.75 × 0.70 = 70,000.525 → 70,001 (half up); 100,000.70 → 70,000.49 → 70,000
    assert rules.pre_allocation([D("100000.75")]) == 70001
    assert rules.pre_allocation([D("100000.70")]) == 70000
    # Ff of year Y applies to the prior year's output: 1,000,000 × 0.3288 × 1.007 = 331,101.6
    # → × 0.70 = 231,771.12 → 231,771
    ff = rules.load_factor_correction(D("0.62"), BANDS)
    corrected = rules.power_allowance(power_mwh=D("1000000"), benchmark=GAS,
                                      load_factor_correction=ff, heat_gj=D("0"),
                                      heat_benchmark=D("0.0533"))
    assert rules.pre_allocation([corrected]) == 231771
    # intensity units: 70 % × prior-year output × year-Y intensity: 120,000 × 0.8576 × 0.70
    # = 72,038.4 → 72,038
    assert rules.pre_allocation([rules.intensity_allowance(D("120000"), D("0.8576"))]) == 72038
    # the share is a parameter: a later plan may set another
    assert rules.pre_allocation([D("100000")], share=D("0.60")) == 60000
    # no units: an error, never a zero pre-allocation
    with pytest.raises(ValueError):
        rules.pre_allocation([])


def test_gas_unit_topped_up_to_verified_emissions():
    # Gas unit: allocation 300,000, verified 331,101.6 → obligation 331,102; top-up 31,102
    result = rules.final_allocation([UnitAllocation(300000, D("331101.6"), gas=True)])
    assert (result.computed, result.gas_top_up, result.cap_top_up) == (300000, 31102, 0)
    assert result.allocation == 331102 == rules.obligation(D("331101.6"))
    assert result.top_up == 31102


def test_gas_unit_with_a_surplus_keeps_it():
    result = rules.final_allocation([UnitAllocation(350000, D("331101.6"), gas=True)])
    assert (result.allocation, result.top_up) == (350000, 0)


def test_shortfall_capped_at_20_percent():
    # Verified 100,000, allocation 70,000 → shortfall 30,000 > 20 % × 100,000 = 20,000
    # → top-up 30,000 − 20,000 = 10,000, final 80,000
    result = rules.final_allocation([UnitAllocation(70000, D("100000"))])
    assert (result.computed, result.gas_top_up, result.cap_top_up) == (70000, 0, 10000)
    assert result.allocation == 80000


def test_shortfall_within_the_cap_gets_no_top_up():
    # Verified 100,000, allocation 80,000 → shortfall exactly 20,000 = cap → no top-up
    assert rules.final_allocation([UnitAllocation(80000, D("100000"))]).top_up == 0


def test_shortfall_cap_with_fractions():
    # Verified 100,000.5 → obligation 100,001; cap 20 % × 100,000.5 = 20,000.1 → 20,000
    # allocation 70,000 → shortfall 30,001 − 20,000 = top-up 10,001
    result = rules.final_allocation([UnitAllocation(70000, D("100000.5"))])
    assert result.cap_top_up == 10001
    assert result.allocation == 80001


def test_enterprise_with_gas_and_coal_units():
    # Coal: 70,000 allocated, 90,000 verified; gas: 5,000 allocated, 10,000 verified
    # Gas top-up: 10,000 − 5,000 = 5,000 → allocation 80,000
    # Enterprise: verified 100,000; shortfall 100,000 − 80,000 = 20,000 = cap → no cap top-up
    result = rules.final_allocation(
        [UnitAllocation(70000, D("90000")), UnitAllocation(5000, D("10000"), gas=True)]
    )
    assert (result.computed, result.gas_top_up, result.cap_top_up) == (75000, 5000, 0)
    assert result.allocation == 80000
    # Same with coal 60,000 allocated: gas top-up 5,000 → 70,000; shortfall 30,000 − 20,000
    # → cap top-up 10,000; final 80,000
    result = rules.final_allocation(
        [UnitAllocation(60000, D("90000")), UnitAllocation(5000, D("10000"), gas=True)]
    )
    assert (result.gas_top_up, result.cap_top_up, result.allocation) == (5000, 10000, 80000)


def test_shortfall_cap_uses_the_enterprise_total_when_units_lack_figures():
    # Two coal units allocated 40,000 + 30,000 with no verified figure of their own; the
    # enterprise verified 100,000 → cap 20,000, shortfall 30,000 → top-up 10,000, final 80,000
    units = [UnitAllocation(40000, D("0")), UnitAllocation(30000, D("0"))]
    result = rules.final_allocation(units, verified_total=D("100000"))
    assert (result.computed, result.cap_top_up, result.allocation) == (70000, 10000, 80000)
    # without the total the units' zero figures mean no shortfall at all
    assert rules.final_allocation(units).top_up == 0
    with pytest.raises(ValueError):  # a total below the units' own figures is inconsistent
        rules.final_allocation([UnitAllocation(1, D("50"))], verified_total=D("49"))


def test_allocation_objection_windows_are_the_measures_art_16():
    assert (rules.ALLOCATION_OBJECTION_WORKING_DAYS, rules.ALLOCATION_DECISION_WORKING_DAYS) == (7, 10)


def test_allocation_method_registry():
    assert set(rules.ALLOCATION_METHODS) == {"power_benchmark", "intensity"}
    assert rules.allocate("power_benchmark", {
        "power_mwh": D("3000000"), "benchmark": COAL_I, "load_factor_correction": D("1"),
        "heat_gj": D("1000000"), "heat_benchmark": HEAT_COAL,
    }) == 2476300
    assert rules.allocate("intensity", {"output": D("120000"), "intensity": D("0.8576")}) == 102912
    with pytest.raises(KeyError):
        rules.allocate("intensity", {"output": D("1")})
    with pytest.raises(KeyError):
        rules.allocate("no_such_method", {})


def test_floats_and_negatives_are_refused():
    with pytest.raises(TypeError):
        rules.intensity_allocation(1.5, D("1"))
    with pytest.raises(ValueError):
        rules.pre_allocation([D("-1")])
    with pytest.raises(ValueError):
        rules.final_allocation([UnitAllocation(-1, D("10"))])


# --- surrender ------------------------------------------------------------------------------------


def test_obligation_rounds_up_to_whole_tonnes():
    assert rules.obligation(D("10573.36")) == 10574
    assert rules.obligation(D("10573.01")) == 10574
    assert rules.obligation(D("10573")) == 10573
    assert rules.obligation(D("0")) == 0


@pytest.mark.parametrize(
    ("obligation", "cap"),
    [
        (19999, 999),  # 19,999 × 5 % = 999.95 → 999
        (20000, 1000),  # 1,000.00
        (20019, 1000),  # 1,000.95 → 1,000
        (20020, 1001),  # 1,001.00
        (19, 0),  # 0.95 → 0
        (0, 0),
    ],
)
def test_ccer_cap_is_5_percent_rounded_down(obligation, cap):
    assert rules.ccer_cap(obligation) == cap


def test_headroom_and_remaining():
    # Obligation 20,020: cap 1,001; 400 CCER used → 601 left; 1,200 used (over) → 0
    assert rules.headroom(20020, 400) == 601
    assert rules.headroom(20020, 1001) == 0
    assert rules.headroom(20020, 1200) == 0
    # 20,020 due, 15,000 surrendered → 5,020; over-surrendered → 0
    assert rules.remaining(20020, 15000) == 5020
    assert rules.remaining(20020, 21000) == 0


def test_ccer_eligibility():
    assert rules.ccer_eligible(project_in_national_ets=False) is True
    assert rules.ccer_eligible(project_in_national_ets=True) is False


DEADLINE = date(2025, 12, 31)


@pytest.mark.parametrize(
    ("surrendered", "surrendered_on", "today", "status"),
    [
        (0, None, date(2025, 12, 31), rules.NOT_DUE),  # deadline day, nothing yet
        (500, None, date(2025, 12, 31), rules.IN_PROGRESS),  # deadline day, partial
        (1000, date(2025, 12, 31), date(2025, 12, 31), rules.COMPLIED),  # on the day: on time
        (1000, date(2025, 12, 30), date(2026, 3, 1), rules.COMPLIED),
        (1200, date(2025, 11, 2), date(2025, 11, 2), rules.COMPLIED),  # surplus
        (0, None, date(2026, 1, 1), rules.SHORT),  # the day after
        (999, None, date(2026, 1, 1), rules.SHORT),
        (1000, date(2026, 1, 1), date(2026, 1, 1), rules.COMPLIED_LATE),  # met the day after
    ],
)
def test_compliance_status_at_the_deadline(surrendered, surrendered_on, today, status):
    assert rules.compliance_status(1000, surrendered, DEADLINE, surrendered_on, today) == status


def test_compliance_status_edges():
    assert rules.compliance_status(0, 0, DEADLINE, None, date(2026, 1, 1)) == rules.COMPLIED
    assert rules.compliance_status(1000, 0, None, None, date(2026, 1, 1)) == rules.NOT_DUE
    with pytest.raises(ValueError):
        rules.compliance_status(1000, 1000, DEADLINE, None, date(2025, 6, 1))


def test_compliance_rate_by_count_and_by_tonnes():
    # Four enterprises due; the 0 row is not due and is left out.
    # (1,000, 1,000) full; (2,000, 2,500) full, surplus 500 not counted; (3,000, 1,500) short;
    # (4,000, 0) short.
    rate = rules.compliance_rate([(1000, 1000), (2000, 2500), (3000, 1500), (4000, 0), (0, 0)])
    assert (rate.due_count, rate.complied_count) == (4, 2)
    # by count 2 / 4 = 0.5
    assert rate.by_count == D("0.5000")
    # by tonnes (1,000 + 2,000 + 1,500 + 0) / (1,000 + 2,000 + 3,000 + 4,000) = 4,500 / 10,000
    assert (rate.surrendered_tonnes, rate.due_tonnes) == (4500, 10000)
    assert rate.by_tonnes == D("0.4500")
    # 2 of 3 → 0.66666… → 0.6667 (half up)
    assert rules.compliance_rate([(1, 1), (1, 1), (1, 0)]).by_count == D("0.6667")
    assert rules.compliance_rate([]).by_count is None
    assert rules.compliance_rate([]).by_tonnes is None


# --- penalties (Art. 24) ------------------------------------------------------------------------


def test_art_24_fine_range_and_next_year_cut():
    # Obligation 100,000, surrendered 96,500 → 3,500 t short
    short = rules.tonnes_short(100000, 96500)
    assert short == 3500
    # November average price 88.34 CNY/t: 3,500 × 88.34 = 309,190.00
    # 5 × = 1,545,950.00 ; 10 × = 3,091,900.00
    assert rules.short_surrender_fine_range(short, D("88.34")) == (
        D("1545950.00"), D("3091900.00")
    )
    # not corrected by the correction deadline: next year's allocation cut by the same 3,500 t
    assert rules.next_year_cut(obligation=100000, surrendered_by_correction_deadline=96500,
                               correction_deadline=date(2025, 1, 31), today=date(2025, 2, 1)) == 3500


def test_fine_rounds_to_the_fen():
    # 1 t × 0.001 CNY = 0.001: 5 × = 0.005 → 0.01 (half up); 10 × = 0.010 → 0.01
    assert rules.short_surrender_fine_range(1, D("0.001")) == (D("0.01"), D("0.01"))
    assert rules.short_surrender_fine_range(0, D("88.34")) == (D("0.00"), D("0.00"))


@pytest.mark.parametrize(
    "deadline, start",
    [
        (date(2025, 12, 31), date(2025, 12, 1)),  # a month end: its calendar month
        (date(2026, 1, 15), date(2025, 12, 16)),
        (date(2025, 3, 31), date(2025, 3, 1)),
        (date(2025, 4, 30), date(2025, 4, 1)),
        (date(2024, 2, 29), date(2024, 2, 1)),  # leap year
        (date(2023, 2, 28), date(2023, 2, 1)),
        (date(2024, 2, 28), date(2024, 1, 29)),  # not the month end in a leap year
        (date(2025, 1, 31), date(2025, 1, 1)),
        (date(2025, 3, 30), date(2025, 3, 1)),  # 30 Feb clamped to 28 Feb
        (date(2024, 3, 29), date(2024, 3, 1)),  # 29 Feb 2024 exists
        (date(2025, 5, 30), date(2025, 5, 1)),  # 30 Apr is April's end: not 31 Apr
        (date(2025, 7, 15), date(2025, 6, 16)),
    ],
)
def test_price_window_is_the_month_long_window_ending_on_the_deadline(deadline, start):
    assert rules.price_window(deadline) == (start, deadline)


def test_calendar_month_of_a_window():
    assert rules.calendar_month_of(date(2025, 12, 1), date(2025, 12, 31)) == date(2025, 12, 1)
    assert rules.calendar_month_of(date(2024, 2, 1), date(2024, 2, 29)) == date(2024, 2, 1)
    assert rules.calendar_month_of(date(2025, 12, 16), date(2026, 1, 15)) is None
    assert rules.calendar_month_of(date(2025, 12, 1), date(2025, 12, 30)) is None
    with pytest.raises(ValueError):
        rules.calendar_month_of(date(2025, 12, 2), date(2025, 12, 1))


def test_window_average_is_weighted_by_volume_by_hand():
    days = [
        rules.TradingDay(date(2025, 12, 15), D("100.00"), 1000),  # before the window: ignored
        rules.TradingDay(date(2025, 12, 16), D("80.00"), 3000),
        rules.TradingDay(date(2026, 1, 5), D("90.00"), 1000),
        rules.TradingDay(date(2026, 1, 15), D("85.55"), 2),
        rules.TradingDay(date(2026, 1, 16), D("1.00"), 10**6),  # after: ignored
    ]
    # (80 × 3,000 + 90 × 1,000 + 85.55 × 2) ÷ 4,002 = 330,171.10 ÷ 4,002 = 82.5015… → 82.50
    assert rules.window_average(days, date(2025, 12, 16), date(2026, 1, 15)) == (D("82.50"), 3)
    # half up to the fen: (10.00 × 1 + 10.01 × 1) ÷ 2 = 10.005 → 10.01
    pair = [rules.TradingDay(date(2025, 12, 1), D("10.00"), 1),
            rules.TradingDay(date(2025, 12, 2), D("10.01"), 1)]
    assert rules.window_average(pair, date(2025, 12, 1), date(2025, 12, 31)) == (D("10.01"), 2)


def test_window_without_trading_days_has_no_price():
    with pytest.raises(ValueError, match="no trading day"):
        rules.window_average(
            [rules.TradingDay(date(2025, 11, 30), D("80"), 1)], date(2025, 12, 1), date(2025, 12, 31)
        )
    with pytest.raises(TypeError):
        rules.window_average([rules.TradingDay(date(2025, 12, 1), 80.0, 1)],
                             date(2025, 12, 1), date(2025, 12, 31))


def _cut(surrendered, today, deadline=date(2025, 1, 31), obligation=30000):
    return rules.next_year_cut(obligation=obligation, surrendered_by_correction_deadline=surrendered,
                               correction_deadline=deadline, today=today)


def test_art_24_correction_example():
    # issue 9: 30,000 t short at the surrender deadline (nothing surrendered by then): the fine
    # is on 30,000 t whatever comes later ...
    assert rules.short_surrender_fine_range(rules.tonnes_short(30000, 0), D("80.00")) == (
        D("12000000.00"), D("24000000.00"))
    # ... 10,000 t surrendered before the correction deadline → cut 20,000 t
    assert _cut(10000, date(2025, 2, 1)) == 20000
    # corrected in full (or more) → no cut
    assert _cut(30000, date(2025, 2, 1)) == 0
    assert _cut(30001, date(2025, 2, 1)) == 0


def test_cut_not_known_before_the_correction_deadline_has_passed():
    assert _cut(10000, date(2025, 1, 31)) is None  # the deadline day itself still counts
    assert _cut(10000, date(2025, 1, 1)) is None
    assert _cut(10000, date(2025, 2, 1), deadline=None) is None


def test_next_year_cut_takes_whole_non_negative_tonnes():
    assert _cut(0, date(2025, 2, 1), obligation=0) == 0
    with pytest.raises(TypeError):
        _cut(D("1.5"), date(2025, 2, 1))
    with pytest.raises(ValueError):
        _cut(-1, date(2025, 2, 1))


# --- properties ---------------------------------------------------------------------------------

obligations = st.integers(min_value=0, max_value=10**9)
tonnes = st.decimals(min_value=0, max_value=10**8, places=2)


@settings(max_examples=1000)
@given(obligations)
def test_ccer_cap_property(o):
    cap = rules.ccer_cap(o)
    assert cap <= D("0.05") * o < cap + 1


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**8), st.decimals(min_value=0, max_value=10**4, places=2))
def test_fine_min_not_above_max(short, price):
    low, high = rules.short_surrender_fine_range(short, price)
    assert D(0) <= low <= high
    assert low == (short * price * 5).quantize(D("0.01"))  # exact: 2-place price × 5


@settings(max_examples=500)
@given(tonnes)
def test_obligation_never_below_verified(verified):
    o = rules.obligation(verified)
    assert o - 1 < verified <= o


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**8), tonnes, st.booleans())
def test_final_allocation_properties(computed, verified, gas):
    result = rules.final_allocation([UnitAllocation(computed, verified, gas=gas)])
    o = rules.obligation(verified)
    assert result.allocation >= computed
    # the remaining shortfall is within 20 % of verified emissions …
    assert o - result.allocation <= D("0.20") * verified
    # … and the cap top-up is the least that achieves it
    if result.cap_top_up:
        assert o - (result.allocation - 1) > D("0.20") * verified
    if gas:
        assert result.allocation >= o
