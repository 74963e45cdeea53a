"""Accounting rules pinned with figures computed by hand (DOMAIN.md "Accounting")."""

from decimal import Decimal as D

import pytest

from reporting import rules
from reporting.models import FuelType
from reporting.selectors.factors import MissingFactor, factor_for, fuel_defaults

# --- purchased electricity ----------------------------------------------------------------


def test_domain_electricity_example():
    # DOMAIN.md: 18,540 MWh × 0.5703 tCO2/MWh = 10,573.362 → 10,573.36 t
    assert rules.electricity_emissions(mwh=D("18540"), factor=D("0.5703")) == D("10573.36")


@pytest.mark.django_db
def test_domain_electricity_example_through_the_seeded_factor_row():
    factor = factor_for("grid", 2022)
    assert factor == D("0.5703")
    assert rules.electricity_emissions(mwh=D("18540"), factor=factor) == D("10573.36")


@pytest.mark.django_db
def test_factor_per_reporting_year_is_data():
    # Seeded applicability rows: 2023 still uses the 2022 national factor, 2024 the 2022
    # average, 2025 the 2023 average.
    assert [factor_for("grid", y) for y in (2022, 2023, 2024, 2025)] == [
        D("0.5703"), D("0.5703"), D("0.5366"), D("0.5306")
    ]
    assert factor_for("heat", 2024) == D("0.1100")
    with pytest.raises(MissingFactor):
        factor_for("grid", 2019)


def test_heat():
    # 12,345 GJ × 0.11 tCO2/GJ = 1,357.95 t
    assert rules.heat_emissions(gj=D("12345"), factor=D("0.11")) == D("1357.95")


# --- fuel combustion -------------------------------------------------------------------------

# 1,000 t raw coal × 20.908 GJ/t × 0.02637 tC/GJ × 0.94 × 44/12:
#   1,000 × 20.908        = 20,908 GJ
#   20,908 × 0.02637      = 551.34396 tC
#   551.34396 × 0.94      = 518.2633224 tC oxidised
#   518.2633224 × 44/12   = 518.2633224 × 11 / 3 = 5,700.8965464 / 3 = 1,900.2988488 t
#   rounded to 0.01 t     = 1,900.30 t
RAW_COAL_1000T = D("1900.30")


def test_combustion_by_hand():
    e = rules.combustion_emissions(
        consumption=D("1000"), ncv=D("20.908"), cc=D("0.02637"), of=D("0.94")
    )
    assert e == RAW_COAL_1000T


@pytest.mark.django_db
def test_combustion_with_seeded_default_factors():
    defaults = fuel_defaults(FuelType.objects.get(code="raw_coal"), 2024)
    assert (defaults.ncv, defaults.carbon_content, defaults.oxidation_rate) == (
        D("20.908"), D("0.02637"), D("0.94")
    )
    e = rules.combustion_emissions(
        consumption=D("1000"), ncv=defaults.ncv, cc=defaults.carbon_content, of=defaults.oxidation_rate
    )
    assert e == RAW_COAL_1000T


@pytest.mark.django_db
def test_fuel_defaults_latest_row_not_after_the_year():
    from reporting.models import FuelFactor

    coal = FuelType.objects.get(code="raw_coal")
    FuelFactor.objects.create(
        fuel=coal, valid_from_year=2025, ncv=D("21"), carbon_content=D("0.026"),
        oxidation_rate=D("0.98"), source="t",
    )
    assert fuel_defaults(coal, 2024).ncv == D("20.908")
    assert fuel_defaults(coal, 2025).ncv == D("21")
    assert fuel_defaults(coal, 2030).ncv == D("21")
    with pytest.raises(MissingFactor):
        fuel_defaults(coal, 2014)


# --- process emissions -------------------------------------------------------------------


def test_cement_clinker_by_hand():
    # 10,000 t clinker, CaO 65 %, MgO 2 %:
    #   0.65 × 44/56   = 28.6/56  = 0.510714285714…
    #   0.02 × 44/40.3 = 0.88/40.3 = 0.021836228287…
    #   sum            = 0.532550514002…
    #   × 10,000 t     = 5,325.50514… → 5,325.51 t
    e = rules.process_emissions(
        "cement_clinker",
        {"clinker_t": D("10000"), "cao_fraction": D("0.65"), "mgo_fraction": D("0.02")},
    )
    assert e == D("5325.51")


def test_aluminium_anode_by_hand():
    # 2,000 t anodes, sulphur 2 %, ash 0.4 %:
    #   1 − 0.02 − 0.004 = 0.976; 2,000 × 0.976 = 1,952 tC
    #   1,952 × 44/12 = 21,472/3 = 7,157.333… → 7,157.33 t
    e = rules.process_emissions(
        "aluminium_anode",
        {"anode_t": D("2000"), "sulphur_fraction": D("0.02"), "ash_fraction": D("0.004")},
    )
    assert e == D("7157.33")


def test_process_formula_missing_parameter():
    with pytest.raises(KeyError):
        rules.process_emissions("cement_clinker", {"clinker_t": D("1")})


# --- rounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,rounded",
    [
        ("0.005", "0.01"),  # half up, not half even
        ("0.015", "0.02"),
        ("0.0049999", "0.00"),
        ("2.675", "2.68"),  # a float would give 2.67
        ("10573.362", "10573.36"),
        ("10573.365", "10573.37"),
        ("1900.2988488", "1900.30"),
    ],
)
def test_round_tonnes_half_up(raw, rounded):
    assert rules.round_tonnes(D(raw)) == D(rounded)
    assert str(rules.round_tonnes(D(raw))) == rounded


def test_electricity_rounds_half_up_at_the_boundary():
    # 10 MWh × 0.0005 = 0.005 t exactly → 0.01 t
    assert rules.electricity_emissions(mwh=D("10"), factor=D("0.0005")) == D("0.01")


# --- tolerance ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "annual,monthly,flagged",
    [
        ("102.00", "100", False),  # exactly 2 %: within tolerance
        ("98.00", "100", False),
        ("102.01", "100", True),  # 2.01 %
        ("97.99", "100", True),
        ("100", "100", False),
        ("0", "0", False),  # nothing reported, nothing in the ledgers
        ("5", "0", True),  # a figure without any ledger
    ],
)
def test_tolerance_boundary(annual, monthly, flagged):
    assert rules.exceeds_tolerance(D(annual), D(monthly), D("0.02")) is flagged


def test_deviation_is_relative_to_the_ledgers():
    assert rules.deviation(D("102"), D("100")) == D("0.02")
    assert rules.deviation(D("0"), D("0")) is None
