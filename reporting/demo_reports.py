"""Demo annual reports for reporting year 2025 (used by ``reporting.demo_seed``).

One report per enterprise of ``REPORTS``, each replayed through the services up to its target
status on the dates given (see ``demo_ledgers.clock``), so together they show every status of
the workflow: draft, submitted, returned by the county, passed, under verification (with a
conflict-of-interest declaration by the other agency), verified, returned to the agency,
final (one with the objection window still open) and objected.

Lines come from the year's monthly-ledger sums (coal with the consumption-weighted measured
NCV, purchased electricity per facility) plus a clinker process line for cement; the
enterprises without demo ledgers get their lines typed in (and are flagged against the ledgers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from reporting.choices import Conclusion, LedgerStatus, RecheckDecision, SourceKind
from reporting.choices import ReportStatus as S
from reporting.demo_ledgers import YEAR, clock, enterprise_user, enterprises, ledger_user
from reporting.models import AnnualReport, FuelType, MonthlyLedgerLine
from reporting.selectors.ledger_totals import ledger_sums
from reporting.services import reports as report_services
from reporting.services import verification as verification_services
from verifiers.models import Agency

D = Decimal
CERTIFICATION = "本单位承诺所报送的年度排放报告及相关材料真实、完整、准确，如有虚假愿承担相应法律责任。"
# Clinker production (t), CaO and MgO fractions of the clinker, per cement enterprise.
CLINKER = {
    "spt_cement": ("780000", "0.6520", "0.0180"),
    "shikong_cement": ("590000", "0.6480", "0.0190"),
    "dongyuan_bm": ("38000", "0.6500", "0.0200"),
}
# Enterprises without monthly ledgers: (facility type, source, fuel code or "", activity).
TYPED_LINES = {
    "dongyuan_bm": [("kiln", SourceKind.COMBUSTION, "raw_coal", "3000")],
    "zhouta_paper": [
        ("boiler", SourceKind.COMBUSTION, "raw_coal", "15000"),
        ("process", SourceKind.ELECTRICITY, "", "9000"),
    ],
    "xuanhe_heat": [
        ("boiler", SourceKind.COMBUSTION, "raw_coal", "18650"),
        ("boiler", SourceKind.ELECTRICITY, "", "1800"),
    ],
    "enhe_chem": [
        ("process", SourceKind.COMBUSTION, "raw_coal", "39600"),
        ("boiler", SourceKind.COMBUSTION, "raw_coal", "18000"),
        ("process", SourceKind.ELECTRICITY, "", "30000"),
    ],
}


@dataclass(frozen=True)
class Plan:
    key: str
    target: str
    start: date
    submit: date | None = None
    county: date | None = None  # pass (or return, for county_returned)
    returned: tuple = ()  # (return date, revise date, resubmit date): a first version returned
    agency: str = ""  # the agency login (its agency is assigned)
    assign: date | None = None
    due: date | None = None
    declared_by: str = ""  # the other agency's login: it prepared the report (conflict)
    finding: tuple = ()  # (raised and sent, answered)
    first_round: tuple = ()  # (filed, returned): a round the bureau sent back
    filed: date | None = None
    correction: str = ""  # verified combustion = reported × (1 − correction)
    recheck: date | None = None  # accepted, or returned for recheck_returned
    objection: date | None = None


REPORTS = [
    Plan("zwrd", S.FINAL, date(2026, 1, 8), date(2026, 1, 20), date(2026, 1, 23),
         agency="agency1", assign=date(2026, 3, 2), due=date(2026, 4, 30),
         finding=(date(2026, 3, 20), date(2026, 3, 24)),
         first_round=(date(2026, 4, 10), date(2026, 4, 20)),
         filed=date(2026, 4, 28), correction="0.008", recheck=date(2026, 5, 12)),
    Plan("spt_cement", S.FINAL, date(2026, 1, 12), date(2026, 1, 26), date(2026, 2, 2),
         agency="agency2", assign=date(2026, 9, 15), due=date(2026, 10, 31),
         filed=date(2026, 10, 28), recheck=date(2026, 11, 20)),
    Plan("znfd", S.OBJECTED, date(2026, 1, 10), date(2026, 1, 29), date(2026, 2, 5),
         agency="agency2", assign=date(2026, 9, 15), due=date(2026, 10, 31),
         filed=date(2026, 10, 25), correction="0.025", recheck=date(2026, 11, 16),
         objection=date(2026, 11, 20)),
    Plan("shikong_cement", S.VERIFIED, date(2026, 1, 5), date(2026, 1, 27), date(2026, 2, 14),
         returned=(date(2026, 2, 3), date(2026, 2, 5), date(2026, 2, 10)),
         agency="agency1", assign=date(2026, 9, 20), due=date(2026, 11, 10),
         filed=date(2026, 11, 6)),
    Plan("xuanhe_heat", S.RECHECK_RETURNED, date(2026, 1, 15), date(2026, 1, 30), date(2026, 2, 6),
         agency="agency2", assign=date(2026, 9, 20), due=date(2026, 11, 15),
         filed=date(2026, 11, 3), recheck=date(2026, 11, 12)),
    Plan("zn_heat", S.ASSIGNED, date(2026, 1, 6), date(2026, 1, 31), date(2026, 2, 8),
         agency="agency1", declared_by="agency2", assign=date(2026, 10, 20), due=date(2026, 11, 20)),
    Plan("yingshui_alloy", S.COUNTY_PASSED, date(2026, 1, 18), date(2026, 2, 10), date(2026, 2, 13)),
    Plan("enhe_chem", S.SUBMITTED, date(2026, 1, 20), date(2026, 1, 30)),
    Plan("dongyuan_bm", S.COUNTY_RETURNED, date(2026, 1, 14), date(2026, 1, 25), date(2026, 1, 28)),
    Plan("zhouta_paper", S.DRAFT, date(2026, 1, 22)),
]
COUNTY_RETURN_REASONS = {
    "dongyuan_bm": "未在平台报送2025年度月度台账，年度排放量无法与台账核对；请补报台账后重新提交。",
    "shikong_cement": "熟料产量与生产月报不一致，请核对熟料产量及氧化钙含量检测报告后修改。",
}
RECHECK_OPINION = "核查报告未说明入炉煤元素碳含量采用缺省值的理由，且外购电量未与结算单逐月核对，请补充说明后重新提交。"
FIRST_ROUND_OPINION = "请补充2号机组4月检修期间启动用电的核查过程及证据。"
FINDING_TEXT = "2号机组9月入炉煤低位发热量化验记录缺少化验员签字，请说明并补充。"
FINDING_ANSWER = "已补充化验员签字的原始记录扫描件，详见附件说明；今后化验记录一律双人签字。"
OBJECTION_REASONS = "核查机构对1号机组入炉煤低位发热量采用了缺省值，未采纳本单位经CMA认证的逐批化验结果，请求复核。"
PDF = b"%PDF-1.4\n% demo: signed verification report\n%%EOF\n"


def _weighted_ncv(facility, fuel) -> Decimal | None:
    """The consumption-weighted measured NCV of a fuel over the year's ledgers, if measured."""
    lines = MonthlyLedgerLine.objects.filter(
        ledger__facility=facility, ledger__year=YEAR, fuel=fuel, measured_ncv__isnull=False
    ).exclude(ledger__status=LedgerStatus.DRAFT)
    total = weighted = D("0")
    for line in lines:
        total += line.consumption
        weighted += line.consumption * line.measured_ncv
    return (weighted / total).quantize(D("0.0001")) if total else None


def _lines(key: str, enterprise) -> list[dict]:
    lines = []
    if key in TYPED_LINES:
        fuels = {f.code: f for f in FuelType.objects.all()}
        by_type = {f.facility_type: f for f in enterprise.facilities.order_by("-pk")}
        for kind, source, fuel, activity in TYPED_LINES[key]:
            lines.append({"facility": by_type[kind], "source_kind": source,
                          "fuel": fuels.get(fuel), "activity": D(activity)})
    else:
        for sums in ledger_sums(enterprise, YEAR):
            for fuel, consumption in sums.fuels.items():
                lines.append({"facility": sums.facility, "source_kind": SourceKind.COMBUSTION,
                              "fuel": fuel, "activity": consumption,
                              "ncv": _weighted_ncv(sums.facility, fuel)})
            if sums.electricity_mwh:
                lines.append({"facility": sums.facility, "source_kind": SourceKind.ELECTRICITY,
                              "activity": sums.electricity_mwh})
    if key in CLINKER:
        kiln = enterprise.facilities.get(facility_type="kiln")
        clinker, cao, mgo = CLINKER[key]
        lines.append({"facility": kiln, "source_kind": SourceKind.PROCESS,
                      "process_formula": "cement_clinker",
                      "parameters": {"clinker_t": clinker, "cao_fraction": cao, "mgo_fraction": mgo}})
    return lines


def _figures(report, correction: str) -> list[dict]:
    """Verified figures per facility and source; combustion corrected by ``correction``."""
    sums: dict = defaultdict(lambda: D("0"))
    for line in report.current_version.lines.select_related("facility"):
        sums[(line.facility, line.source_kind)] += line.emissions
    rows = []
    for (facility, source), reported in sums.items():
        verified = reported
        if correction and source == SourceKind.COMBUSTION:
            verified = (reported * (1 - D(correction))).quantize(D("0.01"))
        rows.append({"facility": facility, "source_kind": source, "reported": reported, "verified": verified})
    return rows


def _file(report, day: date, *, agency_user, correction: str = "") -> None:
    report.refresh_from_db()
    with clock(day):
        verification_services.verification_file(
            actor=agency_user,
            report=report,
            conclusion=Conclusion.CORRECTED if correction else Conclusion.CONFIRMED,
            figures=_figures(report, correction),
            file=SimpleUploadedFile(f"verification-{report.enterprise.uscc}.pdf", PDF, "application/pdf"),
            note="核查报告已由核查组长及技术负责人签字并加盖机构公章。",
        )


def _verify(plan: Plan, report, users) -> AnnualReport:
    agency_user = users[plan.agency]
    if plan.declared_by:
        declarer = users[plan.declared_by]
        with clock(date(2026, 1, 4)):
            verification_services.declaration_add(
                actor=declarer, agency=users.agency_of(declarer), enterprise=report.enterprise,
                year=YEAR, note="本机构受托编制了该单位2025年度排放报告。",
            )
    with clock(plan.assign):
        report = verification_services.verification_assign(
            actor=users["admin"], report=report, agency=users.agency_of(agency_user), due=plan.due
        )
    if plan.target == S.ASSIGNED:
        return report
    if plan.finding:
        with clock(plan.finding[0]):
            finding = verification_services.finding_add(actor=agency_user, report=report, text=FINDING_TEXT)
            verification_services.finding_send(actor=agency_user, finding=finding)
        with clock(plan.finding[1]):
            verification_services.finding_answer(actor=users.editor, finding=finding, response=FINDING_ANSWER)
    if plan.first_round:
        _file(report, plan.first_round[0], agency_user=agency_user)
        with clock(plan.first_round[1]):
            verification_services.recheck(
                actor=users["reviewer"], report=report, decision=RecheckDecision.RETURNED,
                opinion=FIRST_ROUND_OPINION,
            )
    _file(report, plan.filed, agency_user=agency_user, correction=plan.correction)
    if plan.target == S.VERIFIED:
        return report
    decision = RecheckDecision.RETURNED if plan.target == S.RECHECK_RETURNED else RecheckDecision.ACCEPTED
    with clock(plan.recheck, hour=11):
        verification_services.recheck(
            actor=users["reviewer"], report=report, decision=decision,
            opinion=RECHECK_OPINION if decision == RecheckDecision.RETURNED else "",
        )
    if plan.objection:
        with clock(plan.objection):
            verification_services.objection_file(actor=users.editor, report=report, reasons=OBJECTION_REASONS)
    return report


class _Users(dict):
    """Logins by username, plus the editor and signatory of the current enterprise."""

    editor = signatory = None

    def agency_of(self, user) -> Agency:
        return Agency.objects.get(staff__user=user)


def _replay(plan: Plan, enterprise, users: _Users) -> None:
    with clock(plan.start, hour=9):
        report = report_services.report_start(actor=users.editor, enterprise=enterprise, year=YEAR)
        for data in _lines(plan.key, enterprise):
            report_services.line_save(actor=users.editor, version=report.current_version, data=data)
    if plan.target == S.DRAFT:
        return
    official = users.officials[enterprise.area.code]
    if plan.returned:
        returned_on, revised_on, resubmit_on = plan.returned
        with clock(plan.submit):
            report_services.report_submit(actor=users.signatory, report=report, certification=CERTIFICATION)
        with clock(returned_on, hour=15):
            report_services.report_county_return(
                actor=official, report=report, reason=COUNTY_RETURN_REASONS[plan.key]
            )
        with clock(revised_on):
            version = report_services.report_revise(actor=users.editor, report=report)
            clinker = next(line for line in version.lines.all() if line.source_kind == SourceKind.PROCESS)
            params = dict(clinker.parameters, clinker_t=str(D(clinker.parameters["clinker_t"]) - 12000))
            report_services.line_save(
                actor=users.editor, version=version, line=clinker,
                data={"facility": clinker.facility, "source_kind": SourceKind.PROCESS,
                      "process_formula": clinker.process_formula, "parameters": params,
                      "note": "熟料产量按生产月报更正"},
            )
        submit_on = resubmit_on
    else:
        submit_on = plan.submit
    report.refresh_from_db()
    with clock(submit_on):
        report = report_services.report_submit(actor=users.signatory, report=report, certification=CERTIFICATION)
    if plan.target == S.SUBMITTED:
        return
    with clock(plan.county, hour=15):
        if plan.target == S.COUNTY_RETURNED:
            report_services.report_county_return(
                actor=official, report=report, reason=COUNTY_RETURN_REASONS[plan.key]
            )
            return
        report = report_services.report_county_pass(
            actor=official, report=report, note="及时性、完整性、规范性审核通过。"
        )
    if plan.target == S.COUNTY_PASSED:
        return
    _verify(plan, report, users)


def seed_reports(*, actor, officials: dict) -> int:
    """Replay the planned reports that do not exist yet; returns how many were created."""
    companies = enterprises()
    users = _Users({u.username: u for u in User.objects.filter(
        username__in=["admin", "reviewer", "agency1", "agency2"])})
    users.officials = officials
    created = 0
    for plan in REPORTS:
        enterprise = companies[plan.key]
        if AnnualReport.objects.filter(enterprise=enterprise, year=YEAR).exists():
            continue
        users.editor = ledger_user(actor=actor, enterprise=enterprise, key=plan.key)
        users.signatory = (
            users.editor if plan.key == "zwrd"
            else enterprise_user(actor=actor, enterprise=enterprise, key=plan.key)
        )
        _replay(plan, enterprise, users)
        created += 1
    return created
