"""Demo data of the programme's ccer topic (called by programme.demo_seed): a dozen fictitious
but plausible CCER library projects in Zhongwei's counties and park, over the types and stages;
the registered solar and waste-heat projects are the CCER projects whose units the allowances
demo already put in the ledger (CCER-2024-0001, CCER-2024-0002). Idempotent: a project whose
library number exists is left as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from programme.models import CCERLibraryProject
from programme.services import ccer as svc
from registry.choices import Dataset
from registry.models import Area, Department, Enterprise
from registry.services.departments import grant_give

SHAPOTOU, ZHONGNING, HAIYUAN, PARK = "640502", "640521", "640522", "640500-P01"
RENEWABLE = ("CM-001-V02", "可再生能源联网发电")

# (number, name, owner: enterprise USCC key of the registry demo or a name, area, type,
#  methodology, (scale, unit), crediting period, [(stage, date, note, registry code)],
#  {year: (expected, issued)})
PROJECTS = [
    ("ZW-CCER-001", "中卫沙坡头100MW光伏发电项目（演示）", "中卫沙坡头光伏发电有限公司（演示）",
     SHAPOTOU, "solar", RENEWABLE, ("100", "MW"), (date(2024, 1, 1), date(2033, 12, 31)),
     [("design", date(2023, 9, 15), "", ""), ("validation", date(2023, 12, 1), "", ""),
      ("registered", date(2024, 6, 18), "", "CCER-2024-0001")],
     {2024: ("132000", "126540"), 2025: ("132000", "129800"), 2026: ("131000", None)},
     "issued"),
    ("ZW-CCER-002", "中宁电厂余热发电项目（演示）", "宁夏中宁发电有限公司", ZHONGNING, "other",
     ("CM-005-V02", "通过废能回收减排温室气体"), ("12", "MW"), (date(2024, 1, 1), date(2030, 12, 31)),
     [("design", date(2023, 6, 1), "", ""), ("validation", date(2023, 10, 10), "", ""),
      ("registered", date(2024, 3, 20), "", "CCER-2024-0002")],
     {2024: ("42000", "40120"), 2025: ("42000", None)}, "issued"),
    ("ZW-CCER-003", "中宁县长山头50MW风电项目（演示）", "中宁县长山头风力发电有限公司（演示）",
     ZHONGNING, "wind", RENEWABLE, ("50", "MW"), (date(2025, 10, 1), date(2035, 9, 30)),
     [("design", date(2024, 11, 20), "", ""), ("validation", date(2025, 3, 2), "", ""),
      ("registered", date(2025, 9, 12), "审定报告已公示", "CCER-2025-0107")],
     {2025: ("24000", None), 2026: ("98000", None)}, None),
    ("ZW-CCER-004", "海原县南华山风电场二期项目（演示）", "海原县南华山新能源有限公司（演示）",
     HAIYUAN, "wind", RENEWABLE, ("80", "MW"), None,
     [("design", date(2025, 5, 6), "", ""), ("validation", date(2026, 4, 15), "审定机构已进场", "")],
     {2027: ("152000", None)}, None),
    ("ZW-CCER-005", "海原县西华山造林碳汇项目（演示）", "海原县林业和草原局（演示）", HAIYUAN,
     "forestry_sink", ("CCER-14-001-V01", "造林碳汇"), ("2400", "ha"),
     (date(2025, 1, 1), date(2054, 12, 31)),
     [("design", date(2026, 3, 18), "委托编制项目设计文件", "")],
     {2026: ("8600", None), 2027: ("9100", None)}, None),
    ("ZW-CCER-006", "中卫工业园区光伏制氢示范项目（演示）", "宁夏中卫绿氢能源有限公司（演示）",
     PARK, "hydrogen", ("", ""), ("20", "MW"), None, [], {}, None),
    ("ZW-CCER-007", "中卫市生活垃圾填埋场甲烷回收发电项目（演示）", "中卫市环卫服务有限公司（演示）",
     SHAPOTOU, "methane", ("CM-077-V01", "垃圾填埋气项目"), ("6000000", "Nm3/a"),
     (date(2025, 6, 1), date(2032, 5, 31)),
     [("design", date(2024, 8, 8), "", ""), ("validation", date(2025, 1, 16), "", ""),
      ("registered", date(2025, 11, 5), "", "CCER-2025-0213")],
     {2025: ("12500", None), 2026: ("23000", None)}, None),
    ("ZW-CCER-008", "中卫热电厂区屋顶分布式光伏项目（演示）", "宁夏中卫热电有限公司", SHAPOTOU,
     "solar", RENEWABLE, ("6.5", "MW"), None,
     [("design", date(2026, 9, 1), "", "")], {2027: ("5200", None)}, None),
    ("ZW-CCER-009", "中宁县黄河干流小水电增效扩容项目（演示）", "中宁县水利工程管理站（演示）",
     ZHONGNING, "hydro", ("", ""), ("3.2", "MW"), None,
     [("withdrawn", date(2025, 8, 1), "来水不足，业主放弃开发", "")], {}, None),
    ("ZW-CCER-010", "沙坡头区生物质成型燃料供热项目（演示）", "中卫市宣和供热有限公司", SHAPOTOU,
     "other_renewable", ("CMS-026-V01", "使用可再生能源供热"), ("60000", "t/a"), None,
     [("design", date(2025, 7, 10), "", ""), ("validation", date(2026, 6, 22), "", "")],
     {2027: ("31000", None)}, None),
    ("ZW-CCER-011", "中卫市绿色出行碳普惠项目（演示）", "中卫市交通运输局（演示）", SHAPOTOU,
     "carbon_inclusion", ("", "中卫市碳普惠绿色出行减排量核算方法（演示）"), None, None, [], {},
     None),
    ("ZW-CCER-012", "海原县光伏扶贫电站打捆项目（演示）", "海原县乡村振兴投资有限公司（演示）",
     HAIYUAN, "solar", RENEWABLE, ("36", "MW"), None,
     [("design", date(2025, 4, 2), "", ""), ("validation", date(2025, 10, 9), "", ""),
      ("design", date(2026, 2, 27), "审定未通过：基准线情景论证不足，退回修改", "")],
     {2027: ("41000", None)}, None),
]


def _figure(value):
    return Decimal(value) if value is not None else None


# the development-reform commission's liaison (fgw) reads the library
GRANTS = ["development-reform", "natural-resources"]


def _grants(actor) -> None:
    for code in GRANTS:
        department = Department.objects.filter(code=code).first()
        if department is not None and not department.grants.filter(
                dataset=Dataset.CCER_LIBRARY, revoked_at__isnull=True).exists():
            grant_give(actor=actor, department=department, dataset=Dataset.CCER_LIBRARY)


def seed(*, actor, stdout) -> None:
    _grants(actor)
    created = 0
    by_name = {e.name: e for e in Enterprise.objects.all()}
    for (code, name, owner, area, kind, (m_code, m_name), scale, period, stages, years,
         final) in PROJECTS:
        if CCERLibraryProject.objects.filter(code=code).exists():
            continue
        enterprise = by_name.get(owner)
        data = {
            "code": code, "name": name, "owner_enterprise": enterprise,
            "owner_name": "" if enterprise else owner, "area": Area.objects.get(code=area),
            "project_type": kind, "methodology_code": m_code, "methodology_name": m_name,
            "capacity": Decimal(scale[0]) if scale else None,
            "capacity_unit": scale[1] if scale else "",
            "crediting_start": period[0] if period else None,
            "crediting_end": period[1] if period else None,
        }
        project = svc.project_create(actor=actor, data=data)
        for stage, on, note, registry_code in stages:
            project = svc.project_move(actor=actor, project=project, to_stage=stage, on=on,
                                       note=note, registry_code=registry_code,
                                       inside_national_ets=code == "ZW-CCER-002")
        for year, (expected, issued) in years.items():
            svc.reduction_set(actor=actor, project=project, year=year,
                              expected=_figure(expected), issued=_figure(issued))
        if final:
            issued_on = max(date(year + 1, 3, 15) for year, (_e, i) in years.items() if i)
            svc.project_move(actor=actor, project=project, to_stage=final, on=issued_on,
                             note="减排量登记完成")
        created += 1
    stdout.write(f"CCER library: {created} projects added "
                 f"({CCERLibraryProject.objects.count()} in all)")
