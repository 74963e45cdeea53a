"""Demo data for ``manage.py seed_demo``: fictitious enterprises, agencies and users.

Every name, code and figure here is invented for the demo; any likeness to a real company
is accidental. Figures are Decimal strings (tCO2e, tce). Years: 2023 and 2024 verified,
2025 self-reported. A few enterprises sit exactly on the listing thresholds (26,000 tCO2e,
10,000 tce: registry.rules) so the key-emitter lists show every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zhongwei_carbon.uscc import make as make_uscc

PASSWORD = "Demo-2026!"
YEARS = (2023, 2024, 2025)

SHAPOTOU, ZHONGNING, HAIYUAN = "640502", "640521", "640522"
PARK_ZW, PARK_ZN = "640500-P01", "640500-P02"

# The area's administrative division code goes into the USCC (positions 3-8).
_DIVISION = {SHAPOTOU: "640502", ZHONGNING: "640521", HAIYUAN: "640522", PARK_ZW: "640500", PARK_ZN: "640500"}

# facility kinds: (type, name, capacity MW or None, main fuel)
COAL2 = (("coal_unit", "1号机组", "330.00", "coal"), ("coal_unit", "2号机组", "330.00", "coal"))
CFB = (("cfb_unit", "1号循环流化床机组", "150.00", "coal"),)
GAS = (("gas_unit", "1号燃气机组", "200.00", "natural_gas"), ("boiler", "启动锅炉", None, "natural_gas"))
KILN = (("kiln", "熟料生产线", None, "coal"), ("process", "水泥粉磨站", None, "electricity"))
BOILER = (("boiler", "1号供热锅炉", None, "coal"),)
BOILERS = (("boiler", "1号供热锅炉", None, "coal"), ("boiler", "2号供热锅炉", None, "coal"))
FURNACE = (("furnace", "1号矿热炉", None, "electricity"), ("furnace", "2号矿热炉", None, "electricity"))
CELLS = (("electrolysis", "电解系列", None, "electricity"), ("process", "阳极焙烧炉", None, "natural_gas"))
CHEM = (("process", "合成装置", None, "coal"), ("boiler", "动力锅炉", None, "coal"))
REFINERY = (("process", "常减压装置", None, "fuel_oil"), ("furnace", "加热炉", None, "natural_gas"),
            ("boiler", "动力锅炉", None, "coal"))
PAPER = (("boiler", "碱回收锅炉", None, "coal"), ("process", "造纸生产线", None, "electricity"))
SMALL = (("boiler", "生产锅炉", None, "coal"),)
DATA_CENTRE = (("other", "数据中心机房", None, "electricity"),)


@dataclass(frozen=True)
class DemoEnterprise:
    key: str  # a stable short name, used by tests and the users below
    uscc: str
    name: str
    area: str
    sector: str
    facilities: tuple
    # emissions and energy by year; ``None`` energy means "not reported"
    figures: dict[int, tuple[str, str | None]]
    status: str = "operating"  # the final status, applied after the lists are published
    address: str = ""
    legal_representative: str = ""


def _steady(emissions: int, ratio: str = "2.60", trend=(Decimal("1.000"), Decimal("1.020"), Decimal("0.985"))):
    """Figures for an ordinary enterprise: a base level with a small trend over the years."""
    figures = {}
    for year, factor in zip(YEARS, trend, strict=True):
        e = (Decimal(emissions) * factor).quantize(Decimal("0.01"))
        figures[year] = (str(e), str((e / Decimal(ratio)).quantize(Decimal("0.01"))))
    return figures


# (key, name, area, sector, facilities, figures[, status])
_ROWS = [
    # --- 沙坡头区 -------------------------------------------------------------------------
    ("zwrd", "宁夏中卫热电有限公司", SHAPOTOU, "power", COAL2, _steady(3_150_000, "2.95")),
    ("spt_cement", "中卫市沙坡头水泥有限公司", SHAPOTOU, "building_materials", KILN, _steady(612_000, "7.80")),
    ("zw_newmat", "宁夏中卫新材料科技有限公司", SHAPOTOU, "chemical", CHEM, _steady(188_000)),
    ("spt_paper", "中卫市沙坡头纸业有限公司", SHAPOTOU, "paper", PAPER, _steady(96_500)),
    ("xuanhe_heat", "中卫市宣和供热有限公司", SHAPOTOU, "other", BOILERS, _steady(71_200, "2.55")),
    ("yingshui_alloy", "中卫市迎水铁合金有限公司", SHAPOTOU, "steel", FURNACE, _steady(143_000, "3.10")),
    ("cloud_dc", "宁夏中卫云数据中心有限公司", SHAPOTOU, "other", DATA_CENTRE, _steady(58_400, "5.05")),
    # exactly 26,000.00 t in 2024: on the 2025 list (emissions)
    ("dongyuan_bm", "中卫市东园建材有限公司", SHAPOTOU, "building_materials", KILN[:1],
     {2023: ("25400.00", "9480.00"), 2024: ("26000.00", "9650.00"), 2025: ("26410.00", "9790.00")}),
    ("zhenluo_chem", "中卫市镇罗化工有限公司", SHAPOTOU, "chemical", CHEM[:1], _steady(14_300)),
    ("spt_food", "宁夏沙坡头食品有限公司", SHAPOTOU, "other", SMALL, _steady(6_200)),
    # --- 中宁县 ---------------------------------------------------------------------------
    ("znfd", "宁夏中宁发电有限公司", ZHONGNING, "power", COAL2, _steady(2_870_000, "2.95")),
    ("shikong_cement", "中宁县石空水泥有限公司", ZHONGNING, "building_materials", KILN, _steady(455_000, "7.80")),
    ("zn_goji", "中宁县枸杞加工有限公司", ZHONGNING, "other", SMALL, _steady(4_800)),
    ("enhe_chem", "宁夏中宁恩和化工有限公司", ZHONGNING, "chemical", CHEM, _steady(121_000)),
    ("xinbao_alloy", "中宁县新堡铁合金有限公司", ZHONGNING, "steel", FURNACE, _steady(98_000, "3.10")),
    ("ningan_mg", "中宁县宁安镁业有限公司", ZHONGNING, "nonferrous", FURNACE[:1], _steady(67_000, "2.40")),
    # energy exactly 10,000.00 tce in 2024 while emissions stay below 26,000: listed (energy)
    ("zn_heat", "宁夏中宁热力有限公司", ZHONGNING, "other", BOILERS,
     {2023: ("23900.00", "9720.00"), 2024: ("24300.00", "10000.00"), 2025: ("24650.00", "10140.00")}),
    # energy 9,999.00 tce in 2024 and emissions below: not listed
    ("mingsha_bm", "中宁县鸣沙建材有限公司", ZHONGNING, "building_materials", KILN[:1],
     {2023: ("23700.00", "9810.00"), 2024: ("24100.00", "9999.00"), 2025: ("23850.00", "9890.00")}),
    ("zhouta_paper", "中宁县舟塔纸业有限公司", ZHONGNING, "paper", PAPER, _steady(33_800)),
    # --- 海原县 ---------------------------------------------------------------------------
    ("hy_power", "宁夏海原热电有限公司", HAIYUAN, "power", CFB, _steady(742_000, "2.95")),
    ("sanhe_cement", "海原县三河水泥有限公司", HAIYUAN, "building_materials", KILN, _steady(268_000, "7.80")),
    # 25,999.99 t in 2024, one cent below the threshold: not on the 2025 list; 2025 above
    ("guanqiao_bm", "海原县关桥建材有限公司", HAIYUAN, "building_materials", KILN[:1],
     {2023: ("25210.00", "9310.00"), 2024: ("25999.99", "9620.00"), 2025: ("26350.00", "9740.00")}),
    ("xian_heat", "海原县西安镇供热有限公司", HAIYUAN, "other", BOILER, _steady(18_900, "2.55")),
    ("hongyang_chem", "海原县红羊化工有限公司", HAIYUAN, "chemical", CHEM[:1], _steady(9_700)),
    ("liwang_food", "海原县李旺食品有限公司", HAIYUAN, "other", SMALL, _steady(3_100)),
    # --- 中卫工业园区 -----------------------------------------------------------------------
    ("park_power", "宁夏中卫工业园区热电有限公司", PARK_ZW, "power", COAL2[:1] + BOILER, _steady(1_260_000, "2.95")),
    ("zw_finechem", "宁夏中卫精细化工有限公司", PARK_ZW, "chemical", CHEM, _steady(236_000)),
    ("zw_silicon", "宁夏中卫硅业有限公司", PARK_ZW, "nonferrous", FURNACE, _steady(412_000, "3.40")),
    ("zw_carbide", "宁夏中卫电石有限公司", PARK_ZW, "chemical", FURNACE, _steady(538_000, "3.20")),
    ("zw_petro", "宁夏中卫石化有限公司", PARK_ZW, "petrochemical", REFINERY, _steady(684_000, "2.70")),
    ("zw_al", "宁夏中卫铝业有限公司", PARK_ZW, "nonferrous", CELLS, _steady(1_480_000, "3.60")),
    ("zw_steel", "宁夏中卫钢铁有限公司", PARK_ZW, "steel", FURNACE[:1] + BOILER, _steady(905_000, "3.10")),
    # listed in 2024 (2023 ≥ 26,000), below in 2024 and 2025: retained in 2025 (one year
    # below), removed from the 2026 draft (two consecutive years below)
    ("zw_coking", "宁夏中卫焦化有限公司", PARK_ZW, "petrochemical", REFINERY[1:],
     {2023: ("31200.00", "11800.00"), 2024: ("24800.00", "9400.00"), 2025: ("23900.00", "9100.00")}),
    ("park_heat", "中卫市工业园区供热有限公司", PARK_ZW, "other", BOILERS, _steady(44_600, "2.55")),
    # --- 中宁工业园区 -----------------------------------------------------------------------
    ("zn_gas_power", "宁夏中宁新能源发电有限公司", PARK_ZN, "power", GAS, _steady(386_000, "4.10")),
    ("zn_mn", "宁夏中宁锰业有限公司", PARK_ZN, "nonferrous", FURNACE, _steady(157_000, "3.10")),
    ("zn_carbon", "宁夏中宁碳素有限公司", PARK_ZN, "nonferrous", CELLS[1:], _steady(52_300)),
    ("zn_petro", "宁夏中宁石化有限公司", PARK_ZN, "petrochemical", REFINERY, _steady(298_000, "2.70")),
    # listed on the 2024 and 2025 lists, closed in 2025: removed from the 2026 draft (closed)
    ("zn_paper", "宁夏中宁造纸有限公司", PARK_ZN, "paper", PAPER,
     {2023: ("48000.00", "17900.00"), 2024: ("46500.00", "17300.00"), 2025: ("12000.00", "4500.00")},
     "closed"),
    ("zn_cement", "宁夏中宁水泥有限公司", PARK_ZN, "building_materials", KILN, _steady(347_000, "7.80")),
]

_ADDRESS = {
    SHAPOTOU: "宁夏回族自治区中卫市沙坡头区迎水桥镇工业路",
    ZHONGNING: "宁夏回族自治区中卫市中宁县石空镇新材料路",
    HAIYUAN: "宁夏回族自治区中卫市海原县三河镇园区路",
    PARK_ZW: "宁夏回族自治区中卫市中卫工业园区美利路",
    PARK_ZN: "宁夏回族自治区中卫市中宁工业园区长山路",
}
_PEOPLE = ["王建国", "李明", "张伟", "刘洋", "马志强", "杨军", "赵海", "陈刚", "周涛", "吴平"]


def enterprises() -> list[DemoEnterprise]:
    result = []
    for n, row in enumerate(_ROWS, start=1):
        key, name, area, sector, facilities, figures, *rest = row
        result.append(
            DemoEnterprise(
                key=key,
                uscc=make_uscc(f"91{_DIVISION[area]}MA76{n:05d}"),
                name=name,
                area=area,
                sector=sector,
                facilities=facilities,
                figures=figures,
                status=rest[0] if rest else "operating",
                address=f"{_ADDRESS[area]}{n}号",
                legal_representative=_PEOPLE[n % len(_PEOPLE)],
            )
        )
    return result


@dataclass(frozen=True)
class DemoAgency:
    key: str
    name: str
    uscc: str
    address: str
    contact_person: str
    qualifications: tuple  # (kind, certificate number, issued by, valid from, valid until)
    staff: tuple  # (name, qualification number, valid until)
    sectors: tuple = ()  # sector codes its verification qualification covers


AGENCIES = [
    DemoAgency(
        key="agency1",
        name="宁夏碳核查技术服务中心有限公司",
        uscc=make_uscc("91640100MA7600001"),
        address="宁夏回族自治区银川市金凤区宁安大街1号",
        contact_person="马丽",
        qualifications=(
            ("verification", "NXHC-2024-001", "宁夏回族自治区生态环境厅", "2024-01-01", "2026-12-31"),
            ("accounting", "NXHS-2023-017", "宁夏回族自治区生态环境厅", "2023-06-01", "2026-05-31"),
        ),
        staff=(("马丽", "HCY-640001", "2027-06-30"), ("白雪", "HCY-640002", "2026-12-31"),
               ("丁磊", "HCY-640003", "2027-03-31")),
        sectors=("power", "steel", "building_materials", "nonferrous", "petrochemical", "chemical",
                 "other"),
    ),
    DemoAgency(
        key="agency2",
        name="西北低碳认证咨询有限公司",
        uscc=make_uscc("91620100MA7600002"),
        address="甘肃省兰州市城关区天水北路8号",
        contact_person="孙强",
        qualifications=(
            ("verification", "GSHC-2024-009", "甘肃省生态环境厅", "2024-03-01", "2027-02-28"),
            ("testing", "CMA-2022-1122", "甘肃省市场监督管理局", "2022-09-01", "2028-08-31"),
        ),
        staff=(("孙强", "HCY-620011", "2027-12-31"), ("韩梅", "HCY-620012", "2026-09-30")),
        sectors=("power", "building_materials", "other"),  # not steel/nonferrous: see assign page
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str  # "" for the /admin/-only superuser, who holds no portal role
    area: str | None = None  # area code
    enterprise: str | None = None  # DemoEnterprise.key
    agency: str | None = None  # DemoAgency.key
    department: str | None = None  # Department.code
    is_signatory: bool = False
    superuser: bool = False


USERS = [
    DemoUser("admin", "市生态环境局管理员", "bureau_admin"),
    # a second administrator for the four-eyes steps (credit events, complaint replies, surrenders)
    DemoUser("admin2", "市生态环境局复核管理员", "bureau_admin"),
    DemoUser("reviewer", "市生态环境局审核员", "bureau_reviewer"),
    DemoUser("shapotou", "沙坡头区经办人", "area_official", area=SHAPOTOU),
    DemoUser("zhongning", "中宁县经办人", "area_official", area=ZHONGNING),
    DemoUser("haiyuan", "海原县经办人", "area_official", area=HAIYUAN),
    DemoUser("park", "中卫工业园区管委会经办人", "area_official", area=PARK_ZW),
    DemoUser("ent1", "中卫热电填报人", "enterprise_user", enterprise="zwrd", is_signatory=True),
    DemoUser("ent2", "中宁发电填报人", "enterprise_user", enterprise="znfd"),
    DemoUser("agency1", "马丽", "agency_staff", agency="agency1"),
    DemoUser("agency2", "孙强", "agency_staff", agency="agency2"),
    # the reform programme's partners: development-reform, the statistics bureau, a bank
    DemoUser("fgw", "市发展改革委联络员", "department_liaison", department="development-reform"),
    DemoUser("stats", "市统计局联络员", "department_liaison", department="statistics"),
    DemoUser("bank1", "宁夏银行中卫分行联络员", "department_liaison", department="bank-ningxia"),
    # Django's /admin/ only: a superuser has no role in the portal (issue 9 §15).
    DemoUser("root", "系统管理员", "", superuser=True),
]

# City departments and banks of the reform programme (卫政办发〔2023〕61号 names them as the
# tasks' lead and supporting units): (code, name, English name, kind)
DEPARTMENTS = [
    ("ecology-environment", "市生态环境局", "Ecology and Environment Bureau", "department"),
    ("development-reform", "市发展和改革委员会", "Development and Reform Commission", "department"),
    ("industry-it", "市工业和信息化局", "Industry and Information Technology Bureau", "department"),
    ("market-regulation", "市市场监督管理局", "Market Regulation Bureau", "department"),
    ("public-security", "市公安局", "Public Security Bureau", "department"),
    ("finance", "市财政局", "Finance Bureau", "department"),
    ("financial-affairs", "市地方金融监督管理局", "Local Financial Supervision Bureau", "department"),
    ("statistics", "市统计局", "Statistics Bureau", "department"),
    ("natural-resources", "市自然资源局", "Natural Resources Bureau", "department"),
    ("pboc", "中国人民银行中卫市分行", "People's Bank of China, Zhongwei Branch", "department"),
    ("bank-ningxia", "宁夏银行中卫分行", "Bank of Ningxia, Zhongwei Branch", "bank"),
    ("bank-abc", "中国农业银行中卫分行", "Agricultural Bank of China, Zhongwei Branch", "bank"),
]
# The data the bureau grants them (department code, dataset)
DEPARTMENT_GRANTS = [
    ("development-reform", "credit_export"),
    ("pboc", "credit_export"),
    ("development-reform", "climate_finance"),
    ("statistics", "statistics_entry"),
    ("bank-ningxia", "climate_finance"),
    ("bank-abc", "climate_finance"),
]

# Key-emitter lists: published (year, document number), then the draft year.
PUBLISHED_LISTS = ((2024, "卫环发〔2024〕15号"), (2025, "卫环发〔2025〕12号"))
DRAFT_LIST_YEAR = 2026
