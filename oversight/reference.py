"""The on-site checklist every installation starts with (data, one row a point): the
data-quality points of a key emitter (MEE notices on the quality of carbon emission data;
DOMAIN.md "Monthly evidence") and the points of a verification agency (Interim Regulations
Art. 13, MEE verification guidelines). Bureau admins may edit them later; ``load`` only creates
what is missing. Used by a data migration and by tests that flush the database."""

CHECKLIST = [
    # target kind, code, point, English, order
    ("enterprise", "ledger_completeness", "月度能源与排放台账齐全、按时建立并盖章",
     "Monthly energy and emission ledgers complete, kept on time and stamped", 1),
    ("enterprise", "meter_calibration", "计量器具（电能表、燃料计量器具）检定或校准在有效期内",
     "Meters (electricity, fuel) calibrated and within their validity", 2),
    ("enterprise", "fuel_sampling", "燃料采样、制样、化验记录完整（元素碳含量、低位发热量）",
     "Fuel sampling, preparation and testing records complete (carbon content, NCV)", 3),
    ("enterprise", "evidence_matches_ledger", "原始凭证（购销凭证、生产报表）与月度台账一致",
     "Original records (purchase invoices, production reports) match the monthly ledger", 4),
    ("enterprise", "reported_vs_measured", "报告数据与现场核实数据一致",
     "Reported figures match the figures checked on site", 5),
    ("agency", "qualification", "机构资质及业务范围覆盖所核查行业",
     "The agency's qualification covers the sectors it verifies", 1),
    ("agency", "staff_competence", "核查人员资格、培训及专业能力",
     "Verifiers' qualifications, training and competence", 2),
    ("agency", "sampling", "抽样方案合理并按方案执行",
     "A sound sampling plan, carried out as planned", 3),
    ("agency", "working_papers", "核查工作底稿完整、可追溯",
     "Working papers complete and traceable", 4),
    ("agency", "on_time_delivery", "核查报告按时提交",
     "Verification reports delivered on time", 5),
    ("agency", "conflict_of_interest", "无利益冲突（不得既编制又核查，条例第十三条）",
     "No conflict of interest (never both preparing and verifying, Regulations Art. 13)", 6),
]


def load(ChecklistItem) -> None:  # noqa: N803 (a model class, historical or real)
    for kind, code, text, text_en, order in CHECKLIST:
        ChecklistItem.objects.get_or_create(
            code=code,
            defaults={"target_kind": kind, "text": text, "text_en": text_en, "sort_order": order},
        )


# The penalty ranges of the Interim Regulations on Carbon Emission Trading (State Council
# Decree 775, in force from 1 May 2024; DOMAIN.md "National rules"). Money in yuan, multiples
# of illegal gains, percentages of next year's allocation, years of a ban.
DECREE_775 = "《碳排放权交易管理暂行条例》（国务院令第775号）"
PENALTY_RANGES = [
    # article, kind, low, high, from year, source
    ("21", "fine", "50000", "500000", 2024, DECREE_775 + "第二十一条"),
    ("22", "gains_multiple", "5", "10", 2024, DECREE_775 + "第二十二条：违法所得5倍以上10倍以下"),
    ("22", "fine", "500000", "2000000", 2024, DECREE_775 + "第二十二条：没有违法所得的"),
    ("22", "person_fine", "50000", "200000", 2024,
     DECREE_775 + "第二十二条：直接负责的主管人员和其他直接责任人员"),
    ("22", "allocation_cut", "50", "100", 2024, DECREE_775 + "第二十二条：拒不改正的，核减下一年度配额"),
    ("23", "fine", "200000", "1000000", 2024, DECREE_775 + "第二十三条"),
    ("23", "ban_years", "0", "5", 2024, DECREE_775 + "第二十三条：情节严重的，禁止从事相关业务（最长5年）"),
]


def load_penalty_ranges(PenaltyRange) -> None:  # noqa: N803 (a model class, historical or real)
    from decimal import Decimal

    for article, kind, low, high, year, source in PENALTY_RANGES:
        PenaltyRange.objects.get_or_create(
            article=article, kind=kind, year=year,
            defaults={"low": Decimal(low), "high": Decimal(high), "source": source},
        )
