"""Demo data of the programme's finance topic (called by programme.demo_seed; idempotent):
a dozen climate-finance projects in every state of the workflow, some pushed to 宁夏银行中卫
分行 (bank-ningxia) with its responses (one loan granted), and one active allowance pledge of
宁夏中卫热电 (ent1's enterprise) to that bank, small enough for the demo's surrender flows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.models import User
from allowances.choices import PledgeStatus
from allowances.models import Pledge
from allowances.services import ledger
from allowances.services import pledges as pledge_svc
from programme.models import BankResponse, ClimateProject, ReviewDecision
from programme.services import finance as svc
from registry.models import Department

D = Decimal
# title, proposer, category, subtype, investment, need (10k yuan), reduction (tCO2e/a),
# how far it goes: draft | submitted | returned | rejected | bureau | library | pushed,
# and for a pushed project the banks' responses {bank code: (response, amount, date)}
PROJECTS = [
    ("中卫热电2×350MW机组灵活性改造及余热回收项目", "ent1", "mitigation", "efficiency",
     D("42000"), D("30000"), D("185000"), "pushed",
     {"bank-ningxia": ("loan_granted", D("20000"), date(2026, 3, 18)),
      "bank-abc": ("interested", None, date(2026, 3, 2))}),
    ("中卫热电厂区10MW分布式光伏项目", "ent1", "mitigation", "renewable",
     D("4200"), D("3000"), D("9800"), "pushed",
     {"bank-ningxia": ("interested", None, date(2026, 4, 8))}),
    ("中卫热电烟气二氧化碳捕集利用示范（10万吨/年）", "ent1", "mitigation", "ccus",
     D("26000"), D("18000"), D("100000"), "library", {}),
    ("中宁发电厂储能调峰一体化项目", "ent2", "mitigation", "renewable",
     D("15000"), D("12000"), D("32000"), "pushed",
     {"bank-ningxia": ("declined", None, date(2026, 4, 20))}),
    ("中宁发电厂循环水余热供暖项目", "ent2", "mitigation", "efficiency",
     D("6800"), D("5000"), D("21000"), "bureau", {}),
    ("沙坡头区腾格里沙漠边缘防沙治沙与碳汇林项目", "shapotou", "both", "sinks",
     D("9600"), D("8000"), D("15000"), "pushed", {"bank-ningxia": ("pending", None, None)}),
    ("沙坡头区城乡公交新能源化更新项目", "shapotou", "mitigation", "transport",
     D("5400"), D("3500"), D("6200"), "submitted", {}),
    ("中宁县枸杞产区节水灌溉与抗旱能力提升项目", "zhongning", "adaptation", "water",
     D("7300"), D("6000"), D("0"), "library", {}),
    ("中宁县公共建筑节能改造项目", "zhongning", "mitigation", "buildings",
     D("2600"), D("2000"), D("4100"), "returned", {}),
    ("中卫工业园区绿电直供与微电网项目", "park", "mitigation", "renewable",
     D("38000"), D("25000"), D("96000"), "pushed",
     {"bank-ningxia": ("interested", None, date(2026, 5, 6))}),
    ("中卫工业园区铁合金矿热炉节能改造项目", "park", "mitigation", "industry",
     D("12000"), D("9000"), D("41000"), "rejected", {}),
    ("中卫工业园区氢能重卡示范线（草案）", "park", "mitigation", "transport",
     D("20000"), D("15000"), D("12000"), "draft", {}),
]
ORDER = ["draft", "submitted", "bureau", "library", "pushed"]

PLEDGE_CONTRACT = "NXBC-ZW-ZY-2026-001"
PLEDGE_TONNES = 100_000  # of ent1's 2.7 Mt: the demo's surrenders never need that many


def _user(name):
    return User.objects.get(username=name)


def _project(actor, fgw, title, proposer, category, subtype, investment, need, reduction,
             goal, responses) -> bool:
    if ClimateProject.objects.filter(title=title).exists():
        return False
    user = _user(proposer)
    membership = user.memberships.filter(is_active=True).first()
    data = {"title": title, "category": category, "subtype": subtype,
            "total_investment": investment, "financing_need": need,
            "annual_reduction": reduction,
            "description": f"{title}：项目概况、建设内容、减排测算与融资方案（演示数据）。"}
    if membership.enterprise_id:
        data["enterprise"] = membership.enterprise
    else:
        data["enterprise"], data["area"] = None, membership.area
    project = svc.climate_project_create(actor=user, data=data)
    if goal == "draft":
        return True
    svc.climate_project_submit(actor=user, project=project)
    if goal == "returned":
        svc.climate_project_review(actor=actor, project=project, decision=ReviewDecision.RETURN,
                                   opinion="请补充节能量测算依据和第三方评估报告。")
        return True
    if goal == "rejected":
        svc.climate_project_review(actor=actor, project=project, decision=ReviewDecision.REJECT,
                                   opinion="项目属于产能置换范围，不符合气候投融资支持方向。")
        return True
    if ORDER.index(goal) < ORDER.index("bureau"):
        return True
    svc.climate_project_review(actor=actor, project=project, decision=ReviewDecision.PASS,
                               opinion="材料齐全，减排测算合理。")
    if goal == "bureau":
        return True
    svc.climate_project_review(actor=fgw, project=project, decision=ReviewDecision.PASS,
                               opinion="符合产业政策，同意入库。")
    if goal == "library":
        return True
    banks = list(Department.objects.filter(code__in=responses))
    shares = svc.climate_project_push(actor=actor, project=project, banks=banks)
    for share in shares:
        response, amount, when = responses[share.department.code]
        if response == BankResponse.PENDING:
            continue
        liaison = share.department.membership_set.filter(is_active=True).first()
        if liaison is None:
            continue
        svc.climate_share_respond(actor=liaison.user, share=share, response=response,
                                  loan_amount=amount, response_date=when,
                                  note="演示：银行对接意见。")
    return True


def _pledge(actor) -> bool:
    if Pledge.objects.filter(contract_number=PLEDGE_CONTRACT).exists():
        return False
    enterprise = _user("ent1").memberships.get().enterprise
    pledge_svc.pledge_register(
        actor=actor, account=ledger.account_for(enterprise),
        pledgee=Department.objects.get(code="bank-ningxia"), quantity=PLEDGE_TONNES,
        contract_number=PLEDGE_CONTRACT, loan_amount=D("500.00"),
        start_date=date(2026, 3, 1), end_date=date(2027, 2, 28),
        note="碳排放配额质押贷款（演示）",
    )
    return True


def seed(*, actor, stdout) -> None:
    fgw = _user("fgw")
    made = sum(_project(actor, fgw, *row) for row in PROJECTS)
    pledged = _pledge(actor)
    active = Pledge.objects.filter(status=PledgeStatus.ACTIVE).count()
    if stdout is not None:
        stdout.write(f"  climate-finance projects: {made} new, {len(PROJECTS)} in the demo; "
                     f"allowance pledges active: {active}{' (1 new)' if pledged else ''}")
