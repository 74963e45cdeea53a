"""Demo data of the programme's training topic (called by programme.demo_seed): four
sessions of 2025–2026 with attendees from several enterprises (宁夏中卫热电, ent1's, among
them), the counties and departments. Idempotent: a session is found by its title and date."""

from datetime import date
from decimal import Decimal

from programme.models import TrainingSession
from programme.services import training as services
from registry.models import Area, Department, Enterprise

# (title, date, organiser department code or None for the bureau, place, topic, hours,
#  attendees: (kind, enterprise name / department code / area code, person, position))
SESSIONS = [
    ("全国碳市场重点排放单位数据质量管理培训", date(2025, 4, 17), None, "中卫市生态环境局三楼会议室",
     "月度台账、燃料元素碳含量检测与排放报告编制", Decimal("6.0"), [
         ("enterprise", "宁夏中卫热电有限公司", "马建国", "能源管理部部长"),
         ("enterprise", "宁夏中卫热电有限公司", "杨丽", "碳排放管理员"),
         ("enterprise", "宁夏中宁发电有限公司", "王海涛", "环保专工"),
         ("enterprise", "中卫市沙坡头水泥有限公司", "李志强", "安环部副部长"),
         ("enterprise", "宁夏中卫新材料科技有限公司", "张敏", "能源统计员"),
         ("area", "640502", "刘洋", "沙坡头区生态环境分局科员"),
         ("area", "640521", "陈晓东", "中宁县生态环境分局科员"),
     ]),
    ("碳排放权交易与履约清缴实务", date(2025, 9, 23), "development-reform", "中卫市行政中心报告厅",
     "配额分配、清缴流程、CCER 抵销规则", Decimal("4.0"), [
         ("enterprise", "宁夏中卫热电有限公司", "马建国", "能源管理部部长"),
         ("enterprise", "宁夏中宁发电有限公司", "赵磊", "市场营销部经理"),
         ("enterprise", "中宁县石空水泥有限公司", "孙静", "财务主管"),
         ("department", "industry-it", "周涛", "节能科科长"),
         ("department", "statistics", "吴芳", "能源统计科科员"),
     ]),
    ("气候投融资与碳排放权质押融资政策宣讲", date(2025, 11, 12), "pboc", "中国人民银行中卫市分行培训室",
     "碳减排支持工具、配额质押贷款流程", Decimal("3.0"), [
         ("enterprise", "宁夏中卫热电有限公司", "杨丽", "碳排放管理员"),
         ("enterprise", "宁夏中卫云数据中心有限公司", "郑凯", "运维总监"),
         ("department", "bank-ningxia", "何亮", "公司业务部客户经理"),
         ("department", "bank-abc", "许娜", "绿色金融专员"),
         ("department", "financial-affairs", "冯伟", "科员"),
     ]),
    ("2026 年度碳排放核算与核查要点", date(2026, 3, 19), None, "中卫工业园区管委会会议室",
     "核算指南修订、核查常见问题与整改", Decimal("6.5"), [
         ("enterprise", "宁夏中卫热电有限公司", "马建国", "能源管理部部长"),
         ("enterprise", "中卫市迎水铁合金有限公司", "黄斌", "生产技术部部长"),
         ("enterprise", "中卫市沙坡头纸业有限公司", "林琳", "环保专员"),
         ("area", "640500-P01", "高峰", "工业园区管委会经发局科员"),
     ]),
]
# the training records are shared with development-reform (a grant the demo shows to fgw)
TRAINING_GRANTS = ["development-reform"]


def _organisation(kind: str, key: str) -> dict:
    if kind == "enterprise":
        return {"enterprise": Enterprise.objects.filter(name=key).first()}
    if kind == "department":
        return {"department": Department.objects.filter(code=key).first()}
    return {"area": Area.objects.filter(code=key).first()}


def seed(*, actor, stdout) -> None:
    from registry.services import departments as department_services

    for code in TRAINING_GRANTS:
        department = Department.objects.filter(code=code).first()
        if department and not department.grants.filter(dataset="training",
                                                       revoked_at__isnull=True).exists():
            department_services.grant_give(actor=actor, department=department,
                                           dataset="training", note="培训记录共享")
    created = 0
    for title, held_on, organiser, place, topic, hours, attendees in SESSIONS:
        if TrainingSession.objects.filter(title=title, held_on=held_on).exists():
            continue
        session = services.session_create(actor=actor, data={
            "title": title, "held_on": held_on, "place": place, "topic": topic, "hours": hours,
            "organiser": Department.objects.filter(code=organiser).first() if organiser else None,
        })
        rows = []
        for kind, key, person, position in attendees:
            organisation = _organisation(kind, key)
            if all(v is not None for v in organisation.values()):
                rows.append({**organisation, "person_name": person, "position": position})
        if rows:
            services.attendees_add(actor=actor, session=session, rows=rows)
        created += 1
    stdout.write(f"Training: {created} session(s) added, {len(SESSIONS) - created} kept.\n")
