"""Demo data of the programme's task tracker (called by programme.demo_seed; idempotent): the
twelve tasks of 卫政办发〔2023〕61号 with their units as the plan lists them (counties and
parks first, then the city departments and banks), sub-items and milestones, and two quarters
of progress reports (2026 Q2 and Q3): mostly accepted, some returned or awaiting review, and a
few Q3 reports not filed or still drafts (overdue).

Reports of a unit with a portal account go through the services as its people would file
them; a unit without one (most departments) sends its report on paper and the task group
office records it (written directly, with an event saying so)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from programme.models import ProgrammeTask, ProgressReport, ReportFigure, TaskUnit
from programme.services import task_reports, tasks
from programme.tasks_choices import ReportStatus
from registry.models import Area, Department
from zhongwei_carbon import events

AREAS = "AREAS"  # every county, district and park
REPORTS_FROM = date(2026, 4, 1)
# (number, title, description, lead codes, supporting codes, sub-items, milestones)
TASKS = [
    (1, "重点排放单位分类管理", "年温室气体排放量达到2.6万吨二氧化碳当量（综合能源消费量约1万吨标准煤）的企业纳入重点排放单位名录，按年度核查结果动态调整。",
     ["ecology-environment"], [AREAS, "development-reform", "industry-it", "statistics"],
     ["摸排年排放2.6万吨以上企业", "报送并公开重点排放单位名录", "按核查结果年度调整名录"],
     [("2026年度名录报送自治区", date(2026, 6, 30)), ("2027年度名录调整", date(2027, 3, 31))]),
    (2, "排放报告、核查与复查", "企业建立能源消费和碳排放台账，日常数据质量监管；生态环境、市场监管、公安联合执法，严厉打击虚报、瞒报、弄虚作假。",
     ["ecology-environment"], [AREAS, "market-regulation", "public-security"],
     ["月度台账存证", "年度排放报告核查与复查", "数据质量联合执法"],
     [("2025年度核查完成", date(2026, 6, 30)), ("联合执法专项行动", date(2026, 11, 30))]),
    (3, "逐步扩大行业覆盖范围", "发电行业先行，逐步纳入钢铁、建材、石化、化工、有色、造纸等行业。",
     ["ecology-environment"], [AREAS, "development-reform", "industry-it"],
     ["摸清拟纳入行业企业底数", "组织拟纳入企业做好准备"],
     [("建材、有色行业企业清单", date(2026, 9, 30))]),
    (4, "配额分配与清缴履约", "自治区生态环境厅分配配额后，通知企业并监督按时足额清缴；国家核证自愿减排量抵销比例不超过应清缴配额的5%；提高履约率。",
     ["ecology-environment"], [AREAS],
     ["通知配额分配结果", "督促按时足额清缴", "统计履约率"],
     [("2025年度配额清缴", date(2026, 12, 31))]),
    (5, "信息公开与信用监管", "重点排放单位公开排放信息；对登记、交易、核查、清缴实施信用监管；未按时足额清缴纳入环境信用评价；畅通投诉举报渠道。",
     ["ecology-environment"], [AREAS, "development-reform", "market-regulation"],
     ["排放信息公开", "环境信用评价", "投诉举报处理"],
     [("2025年度信用评价结果发布", date(2026, 10, 31))]),
    (6, "技术服务机构监管", "对咨询、碳资产管理、检测等技术服务机构开展检查，违规行为依法处理并报自治区。",
     ["ecology-environment"], ["market-regulation"],
     ["双随机检查技术服务机构", "违规行为处理与报送"],
     [("年度机构检查", date(2026, 11, 30))]),
    (7, "核查机构复查整改", "核查机构按复查意见修改核查报告并对结论负责。",
     ["ecology-environment"], ["market-regulation"],
     ["复查意见送达", "核查报告整改跟踪"], []),
    (8, "绿色试点与碳排放环境影响评价", "开展绿色低碳试点，将碳排放纳入建设项目环境影响评价。",
     ["ecology-environment"], [AREAS, "development-reform", "industry-it", "natural-resources"],
     ["确定试点园区和企业", "环评中开展碳排放评价"],
     [("试点方案印发", date(2026, 8, 31))]),
    (9, "企业培训", "组织重点排放单位和拟纳入企业开展碳市场能力建设培训。",
     ["ecology-environment"], [AREAS, "industry-it"],
     ["年度培训计划", "分行业专题培训"],
     [("上半年培训", date(2026, 6, 30)), ("下半年培训", date(2026, 11, 30))]),
    (10, "碳金融", "建立气候投融资项目库，推动配额质押贷款等碳金融产品。",
     ["ecology-environment", "development-reform"],
     [AREAS, "financial-affairs", "pboc", "bank-ningxia", "bank-abc"],
     ["气候投融资项目入库", "项目向银行推送", "配额质押贷款"],
     [("首批项目推送银行", date(2026, 9, 30))]),
    (11, "CCER项目储备与碳普惠", "储备风电、光伏、水电、氢能、其他可再生能源、甲烷利用、林业碳汇等CCER项目，探索碳普惠。",
     ["ecology-environment"], [AREAS, "development-reform", "natural-resources"],
     ["CCER项目清单", "林业碳汇项目开发", "碳普惠机制研究"],
     [("项目清单更新", date(2026, 12, 31))]),
    (12, "统计与碳核算", "分行业开展统计和碳排放核算，开展碳汇监测。",
     ["statistics"], ["ecology-environment", "development-reform", "natural-resources"],
     ["分行业能源统计", "城市温室气体清单", "碳汇监测"],
     [("2025年温室气体清单", date(2026, 9, 30))]),
]

# how a unit's report of a quarter ends in the demo: the unit's index in the whole programme
# decides, so each login sees a mix (fgw: a return in task 10; bank1 and shapotou: overdue)
Q2_PLAN = ("accepted", "accepted", "accepted", "returned", "accepted", "submitted")
Q3_PLAN = ("accepted", "missing", "submitted", "returned", "draft", "accepted", "submitted")
FORCED = {  # (task, unit code, quarter) -> outcome
    (10, "development-reform", 3): "returned", (10, "bank-ningxia", 3): "missing",
    (12, "statistics", 3): "draft", (2, "640502", 3): "missing", (1, "640502", 3): "returned",
    (12, "statistics", 2): "accepted", (10, "bank-ningxia", 2): "accepted",
}


def seed(*, actor, stdout) -> None:
    from accounts.models import Membership

    if ProgrammeTask.objects.filter(number__lte=len(TASKS)).count() >= len(TASKS):
        return
    areas = list(Area.objects.all())
    departments = {d.code: d for d in Department.objects.all()}
    reviewer = (Membership.objects.filter(role="bureau_reviewer", is_active=True)
                .select_related("user").first())
    reviewer = reviewer.user if reviewer else actor
    index = 0
    for number, title, description, leads, supporting, items, milestones in TASKS:
        task = ProgrammeTask.objects.filter(number=number).first() or tasks.task_create(
            actor=actor, number=number, title=title, description=description,
            reports_from=REPORTS_FROM)
        if task.units.exists():
            continue
        for role, codes in (("lead", leads), ("supporting", supporting)):
            for code in codes:
                if code == AREAS:
                    for area in areas:
                        tasks.unit_add(actor=actor, task=task, role=role, area=area)
                else:
                    tasks.unit_add(actor=actor, task=task, role=role,
                                   department=departments[code])
        for text in items:
            tasks.item_add(actor=actor, task=task, text=text)
        for name, due in milestones:
            milestone = tasks.milestone_add(actor=actor, task=task, title=name, due_date=due)
            if due < date(2026, 10, 1):
                tasks.milestone_done(actor=actor, milestone=milestone, done_on=due)
        task = tasks.task_start(actor=actor, task=task)
        for unit in task.units.select_related("area", "department"):
            code = unit.area.code if unit.area_id else unit.department.code
            for quarter, plan in ((2, Q2_PLAN), (3, Q3_PLAN)):
                outcome = FORCED.get((number, code, quarter), plan[index % len(plan)])
                _report(unit, quarter, outcome, actor=actor, reviewer=reviewer)
            index += 1
    stdout.write(f"  programme tasks: {ProgrammeTask.objects.count()} tasks, "
                 f"{ProgressReport.objects.count()} progress reports")


def _filer(unit: TaskUnit, admin):
    from accounts.models import Membership

    if unit.is_bureau:
        return admin
    scope = {"area": unit.area} if unit.area_id else {"department": unit.department}
    m = Membership.objects.filter(is_active=True, **scope).select_related("user").first()
    return m.user if m else None


def _text(unit: TaskUnit, quarter: int) -> tuple[str, list]:
    task = unit.task
    items = list(task.items.values_list("text", flat=True))
    done = items[(quarter - 2) % len(items)] if items else task.title
    text = (f"{unit}第{quarter}季度：围绕“{task.title}”，完成{done}相关工作，"
            f"组织召开工作推进会{quarter}次；下一步继续按专项小组部署推进。")
    figures = [("推进会", Decimal(quarter), "次"),
               ("涉及企业", Decimal(5 + (task.number * 3 + quarter) % 17), "家")]
    return text, figures


def _report(unit, quarter, outcome, *, actor, reviewer) -> None:
    if outcome == "missing" or ProgressReport.objects.filter(
            unit=unit, year=2026, period=quarter).exists():
        return
    text, figures = _text(unit, quarter)
    filer = _filer(unit, actor)
    if filer is None:
        _paper_report(unit, quarter, outcome, text, figures, actor)
        return
    report = task_reports.report_save(actor=filer, unit=unit, year=2026, period=quarter,
                                      text=text, figures=figures)
    if outcome == "draft":
        return
    task_reports.report_submit(actor=filer, report=report)
    if outcome == "accepted":
        task_reports.report_accept(actor=reviewer, report=report, note="")
    elif outcome == "returned":
        task_reports.report_return(actor=reviewer, report=report,
                                   note="请补充具体数据和佐证材料（会议纪要、文件）。")


def _paper_report(unit, quarter, outcome, text, figures, actor) -> None:
    """A unit without a portal account sent its report on paper: the office records it."""
    status = {"draft": ReportStatus.SUBMITTED, "returned": ReportStatus.ACCEPTED}.get(
        outcome, outcome)
    now = timezone.now()
    report = ProgressReport.objects.create(
        unit=unit, year=2026, period=quarter, status=status, text=text, created_by=actor,
        submitted_by=actor, submitted_at=now,
        reviewed_by=actor if status == ReportStatus.ACCEPTED else None,
        reviewed_at=now if status == ReportStatus.ACCEPTED else None)
    ReportFigure.objects.bulk_create(ReportFigure(report=report, position=i, label=label,
                                                  value=value, unit=u)
                                     for i, (label, value, u) in enumerate(figures, start=1))
    events.record(actor=actor, verb="programme.report_recorded", target=report,
                  message="专项小组办公室根据该单位报送的纸质材料录入")



