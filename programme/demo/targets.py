"""Demo data of the programme's targets topic (called by programme.demo_seed; idempotent):
the city's statistics 2020–2025, entered by the statistics bureau's liaison (``stats``), with
one revision of 2024 (the final GDP verification replacing the preliminary figure), and the
sectors' expected national-market entry years where the reference data left them open.

The figures are FICTITIOUS but consistent (Zhongwei-sized: GDP ≈ 431 亿元 in 2020): by 2025
energy use per unit of GDP falls about 13 % against 2020 (short of the −15 % target) and CO2
per unit of GDP about 16.5 % (past the −16 % target)."""

from decimal import Decimal

from accounts.models import User
from programme.models import CityStatistic
from programme.services import coverage as coverage_svc
from programme.services import targets as svc
from registry.models import Sector

GDP = "中卫市统计局《中卫市{y}年国民经济和社会发展统计公报》(按2020年不变价折算)"
GDP_FINAL = "《宁夏统计年鉴2025》中卫市地区生产总值最终核实数(按2020年不变价折算)"
ENERGY = "中卫市统计局《{y}年中卫市能源平衡表》"
CO2 = "中卫市温室气体排放清单({y}年, 市生态环境局、市统计局编制)"
# year: GDP (亿元, 2020 prices), energy (万吨标准煤), CO2 (万吨)
FIGURES = {
    2020: ("431.00", "1052.30", "2436.80"),
    2021: ("463.33", "1102.95", "2541.00"),
    2022: ("483.25", "1120.88", "2551.89"),
    2023: ("515.14", "1159.63", "2621.26"),
    2024: ("541.90", "1190.74", "2677.20"),  # the preliminary GDP, revised below
    2025: ("576.08", "1223.67", "2719.64"),
}
REVISION_2024 = ("545.53", "年度地区生产总值最终核实: 以最终核实数替代初步核算数")

WIDER = ("中共中央办公厅 国务院办公厅《关于推进绿色低碳转型加强全国碳市场建设的意见》(2025-08): "
         "到2027年全国碳排放权交易市场基本覆盖工业领域主要排放行业")
# sectors the reference data leaves undecided: (year, source)
ENTRY = {
    "petrochemical": (2027, WIDER),
    "chemical": (2027, WIDER),
    "paper": (2027, WIDER),
    "aviation": (None, "生态环境部尚未公布纳入时间"),
}


def seed(*, actor, stdout) -> None:
    liaison = User.objects.filter(username="stats").first() or actor
    for year, (gdp, energy, co2) in FIGURES.items():
        if CityStatistic.objects.filter(year=year).exists():
            continue
        stat = svc.statistic_create(actor=liaison, data={
            "year": year, "gdp": Decimal(gdp), "gdp_source": GDP.format(y=year),
            "energy": Decimal(energy), "energy_source": ENERGY.format(y=year),
            "co2": Decimal(co2), "co2_source": CO2.format(y=year)})
        if year == 2024:
            final, reason = REVISION_2024
            svc.statistic_revise(actor=liaison, statistic=stat, reason=reason,
                                 data={"gdp": Decimal(final), "gdp_source": GDP_FINAL})
    for code, (year, source) in ENTRY.items():
        sector = Sector.objects.filter(code=code, national_market_entry_year__isnull=True,
                                       entry_source="").first()
        if sector is not None:
            coverage_svc.sector_entry_set(actor=actor, sector=sector, year=year, source=source)
    stdout.write(f"Targets: {CityStatistic.objects.count()} years of city statistics.\n")
