"""Reference data every installation starts with: the city's areas (DOMAIN.md) and the
sectors with the year each enters the national market. Bureau admins may edit them later;
``load`` only creates what is missing. Used by a data migration and by tests that flush
the database."""

AREAS = [
    # code, name, English name, kind, order
    ("640502", "沙坡头区", "Shapotou District", "district", 1),
    ("640521", "中宁县", "Zhongning County", "county", 2),
    ("640522", "海原县", "Haiyuan County", "county", 3),
    ("640500-P01", "中卫工业园区", "Zhongwei Industrial Park", "park", 4),
    ("640500-P02", "中宁工业园区", "Zhongning Industrial Park", "park", 5),
]

EXPANSION_2025 = "生态环境部《全国碳排放权交易市场覆盖钢铁、水泥、铝冶炼行业工作方案》(2025-03)"
SECTORS = [
    # code, name, English name, entry year, source
    ("power", "发电", "Power generation", 2021, "生态环境部《碳排放权交易管理办法(试行)》2020; 全国市场2021年启动"),
    ("steel", "钢铁", "Iron and steel", 2024, EXPANSION_2025),
    ("building_materials", "建材", "Building materials", 2024, EXPANSION_2025 + " (水泥熟料)"),
    ("nonferrous", "有色", "Nonferrous metals", 2024, EXPANSION_2025 + " (铝冶炼)"),
    ("petrochemical", "石化", "Petrochemical", None, ""),
    ("chemical", "化工", "Chemical", None, ""),
    ("paper", "造纸", "Paper", None, ""),
    ("aviation", "航空", "Aviation", None, ""),
    ("other", "其他", "Other", None, ""),
]


def load(Area, Sector) -> None:  # noqa: N803 (model classes, historical or real)
    for code, name, name_en, kind, order in AREAS:
        Area.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "kind": kind, "sort_order": order}
        )
    for order, (code, name, name_en, year, source) in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "national_market_entry_year": year,
                "entry_source": source,
                "sort_order": order,
            },
        )
