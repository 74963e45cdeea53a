"""Reference factor data every installation starts with. Bureau admins edit these rows
later (history kept); ``load`` only creates what is missing. Values and sources as in
DOMAIN.md and GB/T 32150-2015 Appendix B (defaults of common fossil fuels)."""

from decimal import Decimal as D

GB32150 = "GB/T 32150-2015 附录B 常用化石燃料相关参数缺省值"

FUELS = [
    # code, name, English, unit, NCV GJ/unit, CC tC/GJ, OF
    ("raw_coal", "原煤", "Raw coal", "t", D("20.908"), D("0.02637"), D("0.94")),
    ("coke", "焦炭", "Coke", "t", D("28.435"), D("0.02950"), D("0.93")),
    ("fuel_oil", "燃料油", "Fuel oil", "t", D("41.816"), D("0.02110"), D("0.98")),
    ("diesel", "柴油", "Diesel", "t", D("42.652"), D("0.02020"), D("0.98")),
    ("natural_gas", "天然气", "Natural gas", "10⁴ Nm³", D("389.31"), D("0.01530"), D("0.99")),
]

MEE_2022 = "生态环境部 环办气候〔2022〕111号: 2022年度全国电网排放因子 0.5703"
MEE_AVG = "生态环境部、国家统计局公布的全国电力平均二氧化碳排放因子"
GRID_FACTORS = [
    # region, data year, value, source
    ("national", 2022, D("0.5703"), MEE_2022),
    ("national", 2021, D("0.5568"), MEE_AVG + " (2021)"),
    ("national", 2022, D("0.5366"), MEE_AVG + " (2022)"),
    ("national", 2023, D("0.5306"), MEE_AVG + " (2023)"),
    ("ningxia", 2023, D("0.6187"), "宁夏回族自治区 2023年度省级电力平均二氧化碳排放因子"),
]
HEAT_FACTORS = [("national", 2015, D("0.11"), GB32150 + " 外购热力 0.11 tCO2/GJ")]

# reporting year -> (kind, region, data year, value) of the factor that applies
APPLICABILITY = [
    (2022, "grid", "national", 2022, D("0.5703")),
    (2023, "grid", "national", 2022, D("0.5703")),
    (2024, "grid", "national", 2022, D("0.5366")),
    (2025, "grid", "national", 2023, D("0.5306")),
    (2022, "heat", "national", 2015, D("0.11")),
    (2023, "heat", "national", 2015, D("0.11")),
    (2024, "heat", "national", 2015, D("0.11")),
    (2025, "heat", "national", 2015, D("0.11")),
]


def load(apps) -> None:
    FuelType = apps.get_model("reporting", "FuelType")  # noqa: N806
    FuelFactor = apps.get_model("reporting", "FuelFactor")  # noqa: N806
    EmissionFactor = apps.get_model("reporting", "EmissionFactor")  # noqa: N806
    FactorApplicability = apps.get_model("reporting", "FactorApplicability")  # noqa: N806
    for order, (code, name, name_en, unit, ncv, cc, of) in enumerate(FUELS, start=1):
        fuel, _ = FuelType.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "unit": unit, "sort_order": order}
        )
        FuelFactor.objects.get_or_create(
            fuel=fuel,
            valid_from_year=2015,
            defaults={"ncv": ncv, "carbon_content": cc, "oxidation_rate": of, "source": GB32150},
        )
    for kind, rows in (("grid", GRID_FACTORS), ("heat", HEAT_FACTORS)):
        for region, year, value, source in rows:
            EmissionFactor.objects.get_or_create(
                kind=kind, region=region, data_year=year, value=value, defaults={"source": source}
            )
    for reporting_year, kind, region, data_year, value in APPLICABILITY:
        factor = EmissionFactor.objects.get(kind=kind, region=region, data_year=data_year, value=value)
        FactorApplicability.objects.get_or_create(
            reporting_year=reporting_year, kind=kind, defaults={"factor": factor}
        )
