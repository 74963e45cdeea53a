"""The rule set every installation starts with, as a draft (data, one row a line): version
2025-1, in force from 2025. Its shape follows 企业环境信用评价办法(试行) (环发〔2013〕150号:
indicators in groups, a one-vote veto for serious violations, four grades); the breaches it
prices are those of the Interim Regulations (Decree 775) and the MEE Measures (2020). It has
no document number: the bureau reviews it, then publishes it under the number of its own
notice. ``load`` creates it once (a set of that version already there is left alone). Used by
a data migration and by tests that flush the database."""

from decimal import Decimal as D

VERSION = "2025-1"
TITLE = "中卫市碳排放权交易信用评价规则（试行）"
EFFECTIVE_YEAR = 2025

B150 = "环发〔2013〕150号"
MEASURES = "《碳排放权交易管理办法（试行）》"
DECREE = "《碳排放权交易管理暂行条例》"

# group: (largest deduction, largest addition)
CAPS = {
    "reporting": (D("-30"), D("0")),
    "data_quality": (D("-30"), D("0")),
    "compliance": (D("-40"), D("5")),
    "supervision": (D("-60"), D("0")),
    "social": (D("-20"), D("5")),
}

# subject kind, event kind, group, points, veto, threshold, from occurrence, basis
LINES = [
    # key emitters
    ("enterprise", "report_late", "reporting", D("-5"), False, None, 1,
     f"{MEASURES}第二十五条：年度排放报告于3月31日前报送；{B150}污染防治与环境管理类指标"),
    ("enterprise", "report_missing", "reporting", D("-15"), False, None, 1,
     f"{DECREE}第二十一条：未按规定报送年度排放报告"),
    ("enterprise", "ledger_late", "data_quality", D("-1"), False, None, 1,
     f"{DECREE}第十一条：按月建立并保存原始记录和管理台账"),
    ("enterprise", "ledger_missing", "data_quality", D("-3"), False, None, 1,
     f"{DECREE}第十一条、第二十一条：未按规定建立管理台账"),
    ("enterprise", "report_returned", "data_quality", D("-2"), False, None, 3,
     f"{B150}环境管理类指标：同一年度报告被退回修改第3次起计分"),
    ("enterprise", "verified_deviation", "data_quality", D("-10"), False, D("5"), 1,
     f"{DECREE}第十一条、第二十二条：核查排放量与报告排放量偏差超过5%"),
    ("enterprise", "surrender_on_time", "compliance", D("2"), False, None, 1,
     f"{B150}守信激励：按时足额清缴配额"),
    ("enterprise", "surrender_late", "compliance", D("-10"), False, None, 1,
     f"{DECREE}第二十四条：清缴期限届满后方足额清缴"),
    ("enterprise", "surrender_short", "compliance", D("-20"), False, None, 1,
     f"{DECREE}第二十四条：清缴期限届满未足额清缴配额"),
    ("enterprise", "art24_not_corrected", "compliance", D("-40"), True, None, 1,
     f"{DECREE}第二十四条：责令改正后拒不改正；{B150}一票否决，直接评为红牌（环保不良）"),
    ("enterprise", "violation_art21", "supervision", D("-20"), False, None, 1,
     f"{DECREE}第二十一条：违法行为经处罚决定"),
    ("enterprise", "violation_art22", "supervision", D("-40"), True, None, 1,
     f"{DECREE}第二十二条：篡改、伪造数据资料经处罚决定；{B150}一票否决，直接评为红牌（环保不良）"),
    ("enterprise", "rectification_overdue", "supervision", D("-10"), False, None, 1,
     f"{MEASURES}第三十一条“双随机、一公开”检查：逾期未完成整改；{B150}环境管理类指标"),
    ("enterprise", "complaint_substantiated", "social", D("-5"), False, None, 1,
     f"{DECREE}第十八条：投诉举报经查属实；{B150}社会监督类指标"),
    ("enterprise", "manual_deduction", "social", D("-5"), False, None, 1,
     f"{B150}社会监督类指标：生态环境局认定的其他失信行为（须附证据，经第二人确认）"),
    ("enterprise", "manual_credit", "social", D("3"), False, None, 1,
     f"{B150}守信激励：生态环境局认定的其他守信表现（须附证据，经第二人确认）"),
    # verification agencies
    ("agency", "violation_art23", "supervision", D("-40"), True, None, 1,
     f"{DECREE}第二十三条：技术服务机构违法行为经处罚决定；{B150}一票否决，直接评为红牌（环保不良）"),
    ("agency", "agency_suspended", "supervision", D("-40"), True, None, 1,
     f"{DECREE}第二十三条：禁止从事相关技术服务业务；{B150}一票否决，直接评为红牌（环保不良）"),
    ("agency", "rectification_overdue", "supervision", D("-10"), False, None, 1,
     f"{MEASURES}第三十一条“双随机、一公开”检查：逾期未完成整改"),
    ("agency", "report_returned", "data_quality", D("-3"), False, None, 3,
     f"{DECREE}第十三条、第二十三条：核查报告被复查退回第3次起计分"),
    ("agency", "complaint_substantiated", "social", D("-5"), False, None, 1,
     f"{DECREE}第十八条：投诉举报经查属实；{B150}社会监督类指标"),
    ("agency", "manual_deduction", "social", D("-5"), False, None, 1,
     f"{B150}社会监督类指标：生态环境局认定的其他失信行为（须附证据，经第二人确认）"),
    ("agency", "manual_credit", "social", D("3"), False, None, 1,
     f"{B150}守信激励：生态环境局认定的其他守信表现（须附证据，经第二人确认）"),
]


def load(RuleSet, RuleLine, GroupCap) -> None:  # noqa: N803 (model classes, historical or real)
    if RuleSet.objects.filter(version=VERSION).exists():
        return
    rule_set = RuleSet.objects.create(
        version=VERSION, effective_year=EFFECTIVE_YEAR, title=TITLE, document_number="",
        status="draft", base_score=D("100"), green_from=D("90"), blue_from=D("75"),
        yellow_from=D("60"),
    )
    GroupCap.objects.bulk_create(
        GroupCap(rule_set=rule_set, group=group, floor=floor, ceiling=ceiling)
        for group, (floor, ceiling) in CAPS.items()
    )
    RuleLine.objects.bulk_create(
        RuleLine(rule_set=rule_set, subject_kind=subject, kind=kind, group=group, points=points,
                 veto=veto, threshold=threshold, from_occurrence=occurrence, years=1, note=note)
        for subject, kind, group, points, veto, threshold, occurrence, note in LINES
    )
