"""programme.rules: the 2025 targets' arithmetic (卫政办发〔2023〕61号), pinned by worked
examples computed by hand."""

from decimal import Decimal as D

import pytest

from programme import rules


def test_the_targets_and_their_source_are_stated_once():
    assert rules.BASE_YEAR == 2020 and rules.TARGET_YEAR == 2025
    assert rules.ENERGY_INTENSITY_TARGET == D("-15")
    assert rules.CO2_INTENSITY_TARGET == D("-16")
    assert "卫政办发〔2023〕61号" in rules.TARGETS_SOURCE


def test_intensity_is_tonnes_per_10k_yuan_to_four_places_half_up():
    """万吨 / 亿元 = 吨/万元.
    1000 万吨标准煤 / 431 亿元 = 2.320185… → 2.3202;
    1.00005 / 1 = 1.00005 → 1.0001 (half up; half-even would keep 1.0000);
    1035 / 450 = 2.3 exactly → 2.3000."""
    assert rules.intensity(D("1000.00"), D("431.00")) == D("2.3202")
    assert rules.intensity(D("1.00005"), D("1")) == D("1.0001")
    assert rules.intensity(D("1035.00"), D("450.00")) == D("2.3000")
    with pytest.raises(ValueError):
        rules.intensity(D("1"), D("0"))


def test_worked_example_2023_one_on_track_one_not():
    """Base 2020: GDP 400 亿元, energy 1000 万tce, CO2 2000 万t.
    2023: GDP 450, energy 1035, CO2 2016.
    Energy: 1035/450 = 2.3000 against 1000/400 = 2.5000: 2.3/2.5 − 1 = −0.08 → −8.00 %.
      Path target 2023: −15 × (2023−2020)/(2025−2020) = −15 × 3/5 = −9.00 %.
      −8.00 > −9.00: not on track; progress −8/−15 = 53.33 %.
    CO2: 2016/450 = 4.4800 against 2000/400 = 5.0000: 4.48/5 − 1 = −0.104 → −10.40 %.
      Path target: −16 × 3/5 = −9.60 %; −10.40 ≤ −9.60: on track; progress −10.4/−16 = 65.00 %."""
    assert rules.change_percent(D("1035"), D("450"), D("1000"), D("400")) == D("-8.00")
    assert rules.path_target(2023, rules.ENERGY_INTENSITY_TARGET) == D("-9.00")
    assert rules.on_track(D("-8.00"), D("-9.00")) is False
    assert rules.progress_percent(D("-8.00"), rules.ENERGY_INTENSITY_TARGET) == D("53.33")

    assert rules.change_percent(D("2016"), D("450"), D("2000"), D("400")) == D("-10.40")
    assert rules.path_target(2023, rules.CO2_INTENSITY_TARGET) == D("-9.60")
    assert rules.on_track(D("-10.40"), D("-9.60")) is True
    assert rules.progress_percent(D("-10.40"), rules.CO2_INTENSITY_TARGET) == D("65.00")


def test_worked_example_2025_exactly_on_the_targets():
    """2025: GDP 500, energy 1062.5, CO2 2100 (base as above).
    Energy: 1062.5/500 = 2.1250; 2.125/2.5 − 1 = −0.15 → −15.00 % = the target: on track, 100 %.
    CO2: 2100/500 = 4.2000; 4.2/5 − 1 = −0.16 → −16.00 % = the target: on track, 100 %."""
    energy = rules.change_percent(D("1062.5"), D("500"), D("1000"), D("400"))
    co2 = rules.change_percent(D("2100"), D("500"), D("2000"), D("400"))
    assert (energy, co2) == (D("-15.00"), D("-16.00"))
    assert rules.path_target(2025, rules.ENERGY_INTENSITY_TARGET) == D("-15.00")
    assert rules.on_track(energy, rules.ENERGY_INTENSITY_TARGET)
    assert rules.on_track(co2, rules.CO2_INTENSITY_TARGET)
    assert rules.progress_percent(energy, rules.ENERGY_INTENSITY_TARGET) == D("100.00")


def test_change_is_rounded_half_up_from_the_unrounded_ratio():
    """Base 100/100, year 87.655/100: ratio 0.87655 → −12.345 % → −12.35 (half up, away from
    zero). A rise is positive: 105/100 against 100/100 → +5.00 %; its progress is negative."""
    assert rules.change_percent(D("87.655"), D("100"), D("100"), D("100")) == D("-12.35")
    assert rules.change_percent(D("105"), D("100"), D("100"), D("100")) == D("5.00")
    assert rules.progress_percent(D("5.00"), D("-15")) == D("-33.33")


def test_path_target_is_zero_at_the_base_and_full_from_the_target_year():
    """2020 and before: 0.00 (never "-0.00"); 2021: −15 × 1/5 = −3.00; 2024: −16 × 4/5 =
    −12.80; 2026: the full −15.00."""
    assert str(rules.path_target(2020, D("-15"))) == "0.00"
    assert rules.path_target(2019, D("-15")) == D("0.00")
    assert rules.path_target(2021, D("-15")) == D("-3.00")
    assert rules.path_target(2024, D("-16")) == D("-12.80")
    assert rules.path_target(2026, D("-15")) == D("-15.00")
