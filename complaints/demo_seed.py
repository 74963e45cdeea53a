"""Demo complaints, one in each state: just received (anonymous, about a party in the
filer's words), accepted and waiting to be assigned (about an official of Haiyuan, whom the
Haiyuan official may not handle), under investigation by the Shapotou
official (with the filer's name, for the bureau's "show identity") with a duplicate merged
into it, a Zhongning reply waiting for the bureau's approval, answered by the bureau
reviewer and approved (partly substantiated), and one not accepted. Loaded by ``manage.py seed_demo`` after the oversight
demo; idempotent (nothing is added once complaints exist). Everything goes through the
services."""

from __future__ import annotations

from accounts.models import User
from complaints import selectors, services
from complaints.models import Complaint
from registry.models import Area


def _user(username):
    return User.objects.filter(username=username, is_active=True).first()


def seed(*, actor, stdout=None) -> None:
    if Complaint.objects.exists():
        if stdout is not None:
            stdout.write("Complaints: already seeded.")
        return
    enterprise = selectors.public_enterprises().filter(area__code="640502").order_by("uscc").first()
    agency = selectors.public_agencies().order_by("uscc").first()
    services.complaint_file(
        category="disclosure", target_text="中宁县某铁合金厂",
        description="该厂近两年未公开碳排放信息，周边群众反映夜间排放明显增多。",
    )
    shapotou, reviewer = _user("shapotou"), _user("reviewer")
    if enterprise is not None and shapotou is not None:
        complaint, _ = services.complaint_file(
            category="missing_ledgers", target_code=enterprise.uscc, name="李四",
            contact="13800000000",
            description="该企业2025年下半年燃煤月度台账未按时填报，化验记录缺失。",
        )
        services.complaint_accept(actor=actor, complaint=complaint)
        services.complaint_assign(actor=actor, complaint=complaint, handler=shapotou)
        services.findings_save(actor=shapotou, complaint=complaint,
                               findings="已电话联系企业能源部门，约定现场核查台账原件。")
        # the same matter filed again by someone else: merged into the first
        duplicate, _ = services.complaint_file(
            category="missing_ledgers", target_code=enterprise.uscc,
            description="该企业燃煤台账与实际不符（重复反映）。",
        )
        services.complaint_merge(actor=actor, complaint=duplicate, into=complaint)
    zhongning = _user("zhongning")
    zn_enterprise = (selectors.public_enterprises().filter(area__code="640521")
                     .order_by("uscc").first())
    if zn_enterprise is not None and zhongning is not None:
        # the county's reply waits for the bureau's approval
        complaint, _ = services.complaint_file(
            category="false_data", target_code=zn_enterprise.uscc,
            description="该企业上报的2025年发电量与电网结算数据明显不一致。",
        )
        services.complaint_accept(actor=actor, complaint=complaint)
        services.complaint_assign(actor=actor, complaint=complaint, handler=zhongning)
        services.reply_submit(
            actor=zhongning, complaint=complaint, outcome="unsubstantiated",
            findings="核对电网结算单与企业月度台账，发电量一致，差异系统计口径（含厂用电）所致。",
            reply="经核查，企业上报发电量与电网结算数据一致，反映的问题不属实。感谢您的监督。",
        )
    if agency is not None and reviewer is not None:
        complaint, _ = services.complaint_file(
            category="agency_misconduct", target_code=agency.uscc,
            description="该机构核查人员未到现场即出具核查报告。",
        )
        services.complaint_accept(actor=actor, complaint=complaint)
        services.complaint_assign(actor=actor, complaint=complaint, handler=reviewer)
        services.reply_submit(
            actor=reviewer, complaint=complaint, outcome="partly",
            findings="调阅核查记录：两家企业现场核查时间不足半日，记录不完整。",
            reply="经查，反映的问题部分属实，已责令该机构整改并纳入年度机构评估。感谢您的监督。",
        )
        services.reply_approve(actor=actor, complaint=complaint)
    # about an official of Haiyuan: waiting to be assigned, and the Haiyuan official is not
    # offered as its handler (conflict of interest, complaints.rules.handler_conflict)
    accepted, _ = services.complaint_file(
        category="other", target_text="海原县某乡镇碳排放数据联络员",
        official_area=Area.objects.filter(code="640522").first(),
        description="该工作人员多次接到群众反映某企业燃煤台账造假，均未核实处理，疑似包庇。")
    services.complaint_accept(actor=actor, complaint=accepted)
    rejected, _ = services.complaint_file(category="other", target_text="某小区物业",
                                          description="小区供暖温度不达标。")
    services.complaint_reject(actor=actor, complaint=rejected,
                              reason="不属于碳排放权交易监管事项，请向住房城乡建设部门反映。")
    if stdout is not None:
        stdout.write(f"Complaints: {Complaint.objects.count()}, one in each state.")
