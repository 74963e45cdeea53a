"""Demo data of the oversight app: the inspector directory (the reviewer, the four county and
park officials, two outside experts, one declared conflict), the published 2026
double-random plan with results (a draw with a fixed seed, so every demo shows the same
targets), an inspection opened on a complaint whose rectification ent1 has answered, and a
decided Art. 21 violation case from the plan's inspection that concluded "violation".
Loaded by ``manage.py seed_demo`` after the allowances demo data; idempotent (every row is found
by its natural key before anything is made). Everything goes through the services."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from oversight.choices import CheckResult, Conclusion, InspectorKind, PlanStatus, TargetKind
from oversight.models import (
    ConflictDeclaration,
    Inspection,
    InspectionPlan,
    Inspector,
    ViolationCase,
)
from oversight.services import inspections, inspectors, plans, rectification, violations
from registry.models import Area, Enterprise
from verifiers.models import Agency
from zhongwei_carbon.notifications import members
from zhongwei_carbon.roles import Role

PLAN_YEAR = 2026
PLAN_TITLE = "2026年度碳排放数据质量及核查机构双随机抽查"
LEGAL_BASIS = "《碳排放权交易管理办法（试行）》第三十一条；《碳排放权交易管理暂行条例》第二十一至二十三条"
PLAN_START, PLAN_END = date(2026, 4, 1), date(2026, 10, 31)
DRAW_SEED = 20260401  # a fixed seed: the demo draws the same targets every time
STAFF = [
    # username, kind, area code, organisation
    ("reviewer", InspectorKind.BUREAU, None, "中卫市生态环境局"),
    ("shapotou", InspectorKind.COUNTY, "640502", "沙坡头区生态环境分局"),
    ("zhongning", InspectorKind.COUNTY, "640521", "中宁县生态环境分局"),
    ("haiyuan", InspectorKind.COUNTY, "640522", "海原县生态环境分局"),
    ("park", InspectorKind.COUNTY, "640500-P01", "中卫工业园区管委会"),
]
EXPERTS = [("王建国", "宁夏大学能源学院"), ("李慧", "宁夏计量测试院")]
# the outcome of the drawn key emitters' inspections, in the order drawn (the rest stay open;
# a drawn agency is found in order): "accepted" is a rectification answered by the
# enterprise and accepted by the inspector
ACCEPTED = "accepted"
OUTCOMES = [Conclusion.NO_PROBLEM, ACCEPTED, Conclusion.VIOLATION, Conclusion.RECTIFY,
            Conclusion.NO_PROBLEM]
COMPLAINT = "公众举报（演示）：燃料化验记录与月度台账不一致"
PDF = b"%PDF-1.4\n% demo evidence\n"


def _inspectors(actor) -> list[Inspector]:
    found = []
    for username, kind, area_code, organisation in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        inspector = Inspector.objects.filter(user=user).first() or inspectors.inspector_create(
            actor=actor, kind=kind, user=user, organisation=organisation,
            area=Area.objects.get(code=area_code) if area_code else None,
        )
        found.append(inspector)
    for name, organisation in EXPERTS:
        inspector = Inspector.objects.filter(kind=InspectorKind.EXPERT, name=name).first()
        found.append(inspector or inspectors.inspector_create(
            actor=actor, kind=InspectorKind.EXPERT, name=name, organisation=organisation))
    expert, agency = found[-2], Agency.objects.order_by("pk").first()
    if agency and not ConflictDeclaration.objects.filter(inspector=expert, agency=agency).exists():
        inspectors.conflict_declare(actor=actor, inspector=expert, agency=agency,
                                    reason="曾在该机构兼职（演示）", declared_on=date(2026, 3, 1))
    return found


def _plan(actor, pool) -> tuple[InspectionPlan, bool]:
    """The plan, drawn and published; ``True`` when it was published just now."""
    plan = InspectionPlan.objects.filter(year=PLAN_YEAR, title=PLAN_TITLE).first()
    if plan is None:
        plan = plans.plan_create(
            actor=actor, year=PLAN_YEAR, title=PLAN_TITLE, targets="both",
            legal_basis=LEGAL_BASIS, start_date=PLAN_START, end_date=PLAN_END, listed_year=2025,
            enterprise_count=6, agency_count=1, inspectors_per_target=2, exclude_own_area=True,
            exclude_conflicts=True, recent_months=12, inspectors=pool,
        )
    if plan.status == PlanStatus.DRAFT:
        plans.plan_draw(actor=actor, plan=plan, seed=DRAW_SEED)
        plan.refresh_from_db()
    if plan.status != PlanStatus.DRAWN:
        return plan, False
    plans.plan_publish(actor=actor, plan=plan)
    plan.refresh_from_db()
    return plan, True


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _conduct(inspection, user, day, conclusion) -> None:
    """Record, find and conclude as ``user``, one of the inspection's inspectors."""
    problem = conclusion != Conclusion.NO_PROBLEM
    checks = list(inspection.checks.order_by("item__sort_order"))
    results = {c.pk: (CheckResult.OK, "") for c in checks}
    if problem:
        results[checks[0].pk] = (CheckResult.PROBLEM, "部分月份记录缺失")
    inspections.inspection_record(actor=user, inspection=inspection, inspected_on=day,
                                  results=results)
    if problem:
        inspections.finding_add(actor=user, inspection=inspection, check=checks[0],
                                text="2025年3月、7月燃料化验记录缺失，台账数据无原始凭证支撑。",
                                files=[_pdf("现场检查照片.pdf")])
    inspections.inspection_conclude(
        actor=user, inspection=inspection, conclusion=conclusion,
        note={Conclusion.NO_PROBLEM: "台账、计量和原始凭证完整一致，未发现问题。",
              Conclusion.RECTIFY: "记录不完整，责令限期整改。",
              Conclusion.VIOLATION: "未按规定保存原始记录，涉嫌违反条例第二十一条，移送立案。"}[
            conclusion],
        requirements="补齐缺失月份的化验记录并完善台账管理制度。" if conclusion == Conclusion.RECTIFY
        else "", working_days=20 if conclusion == Conclusion.RECTIFY else None,
    )


def _results(plan) -> int:
    today = timezone.localdate()
    done = 0
    queue = list(OUTCOMES)
    rows = Inspection.objects.filter(plan=plan, status="open").select_related(
        "drawn_target").order_by("drawn_target__position")
    for index, inspection in enumerate(rows):
        agency = inspection.target_kind == TargetKind.AGENCY
        if not queue and not agency:
            continue
        staff = [i.inspector.user for i in inspection.inspectors.select_related("inspector__user")
                 if i.inspector.user is not None]
        day = min(PLAN_START + timedelta(days=20 * (index + 1)), today)
        if not staff or day < PLAN_START:
            continue
        # the drawn agency is found in order (the league shows its concluded inspection)
        outcome = Conclusion.NO_PROBLEM if agency else queue.pop(0)
        _conduct(inspection, staff[0], day,
                 Conclusion.RECTIFY if outcome == ACCEPTED else outcome)
        if outcome == ACCEPTED:
            _answer_and_accept(inspection, staff[0])
        done += 1
    return done


def _answer_and_accept(inspection, inspector_user) -> None:
    users = members(roles=[Role.ENTERPRISE_USER], enterprise_id=inspection.enterprise_id)
    if not users:
        return
    inspection.refresh_from_db()
    rectification.rectification_answer(
        actor=users[0], rectification=inspection.rectification,
        text="已补齐缺失月份的化验记录（演示）。", files=[_pdf("整改报告.pdf")],
    )
    rectification.rectification_review(actor=inspector_user,
                                       rectification=inspection.rectification, accept=True)


def _complaint(actor, pool) -> Inspection | None:
    """An inspection on a complaint about ent1's enterprise, rectification answered."""
    existing = Inspection.objects.filter(trigger_note=COMPLAINT).first()
    ent1 = User.objects.filter(username="ent1").first()
    reviewer = User.objects.filter(username="reviewer").first()
    membership = ent1.memberships.filter(enterprise__isnull=False).first() if ent1 else None
    if existing is not None or membership is None or reviewer is None:
        return existing
    enterprise = Enterprise.objects.get(pk=membership.enterprise_id)
    chosen = [i for i in pool if i.user_id == reviewer.pk] + [
        i for i in pool if i.kind == InspectorKind.EXPERT][1:2]
    inspection = inspections.inspection_open(
        actor=actor, trigger="complaint", trigger_note=COMPLAINT, enterprise=enterprise,
        inspectors=chosen,
    )
    _conduct(inspection, reviewer, min(timezone.localdate(), date(2026, 11, 20)),
             Conclusion.RECTIFY)
    inspection.refresh_from_db()
    rectification.rectification_answer(
        actor=ent1, rectification=inspection.rectification,
        text="已补齐2025年3月、7月燃料化验记录，并修订台账管理制度（演示）。",
        files=[_pdf("整改报告.pdf")],
    )
    return inspection


CASE_FACTS = ("2026年双随机抽查发现：该单位未按规定保存2025年3月、7月燃料化验原始记录，"
              "月度台账数据缺乏原始凭证支撑（演示）。")
DECISION_NUMBER = "卫环罚〔2026〕1号（演示）"


def _violation_case(actor, plan) -> ViolationCase | None:
    """An Art. 21 case (Art. 23 for an agency) from the plan's "violation" inspection, decided
    with a fine inside the range and joint enforcement with market regulation."""
    inspection = Inspection.objects.filter(plan=plan, conclusion=Conclusion.VIOLATION).order_by(
        "pk").first()
    if inspection is None:
        return None
    existing = ViolationCase.objects.filter(inspection=inspection).first()
    if existing is not None:
        return existing
    article = "21" if inspection.enterprise_id else "23"
    case = violations.case_open(actor=actor, inspection=inspection, article=article,
                                facts=CASE_FACTS, files=[_pdf("询问笔录.pdf")])
    violations.department_add(actor=actor, case=case, department="market_regulation",
                              name="中卫市市场监督管理局", note="计量器具检定情况协查（演示）")
    fine = 100_000 if article == "21" else 300_000
    return violations.case_decide(
        actor=actor, case=case, fine=fine, decision_number=DECISION_NUMBER,
        decided_on=timezone.localdate(), file=_pdf("行政处罚决定书.pdf"),
    )


def seed(*, actor, stdout=None) -> None:
    pool = _inspectors(actor)
    plan, published_now = _plan(actor, pool)
    concluded = _results(plan) if published_now else 0
    complaint = _complaint(actor, pool)
    case = _violation_case(actor, plan)
    if stdout is not None:
        stdout.write(
            f"Oversight: {len(pool)} inspectors; plan {plan.year} {plan.get_status_display()} "
            f"with {plan.inspections.count()} inspections ({concluded} concluded now); "
            f"{'1 complaint inspection' if complaint else 'no complaint inspection'}; "
            f"{'1 decided violation case' if case else 'no violation case'}."
        )
