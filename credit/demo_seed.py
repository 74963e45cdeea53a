"""Demo credit evaluation: the default rule set published for 2024 (a copy) and 2025 under
demo document numbers; 2024 events that give grades of every colour to the key emitters and
the agencies (beside those the demo's violation cases and complaints already recorded);
2024 frozen, an objection upheld, then published as final; a repair application waiting
for the bureau; 2025 open with live scores and a manual event waiting for a second admin.
Loaded by ``manage.py seed_demo`` after the complaints demo; idempotent (nothing is added once
a credit year exists). Everything goes through the services."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from credit import reference
from credit.choices import EventKind, ObjectionStatus
from credit.models import CreditYear, GroupCap, RuleLine, RuleSet, SubjectGrade
from credit.services import events, grading, objections, repair, rulesets
from registry.selectors.lists import listed_on
from verifiers.choices import AgencyStatus
from verifiers.models import Agency

DOC_2024 = "中卫市生态环境局2024年第1号公告（演示）"
DOC_2025 = "中卫市生态环境局2025年第1号公告（演示）"
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
RESULT_2024 = "中卫市生态环境局2025年第3号公告（演示）"

# (kind, how many, summary) per demo profile; points come from the rule set.
PROFILES = {
    "green": [(EventKind.SURRENDER_ON_TIME, 1, "2024年度配额按时足额清缴")],
    "blue": [(EventKind.REPORT_LATE, 1, "2024年度排放报告逾期报送"),
             (EventKind.LEDGER_LATE, 8, "月度台账逾期上传")],
    "yellow": [(EventKind.SURRENDER_SHORT, 1, "清缴期限届满未足额清缴"),
               (EventKind.REPORT_LATE, 1, "2024年度排放报告逾期报送"),
               (EventKind.LEDGER_MISSING, 4, "月度台账缺失")],
    "red": [(EventKind.SURRENDER_SHORT, 1, "清缴期限届满未足额清缴"),
            (EventKind.ART24_NOT_CORRECTED, 1, "责令改正后逾期仍未足额清缴")],
    "agency_yellow": [(EventKind.RECTIFICATION_OVERDUE, 1, "现场检查整改逾期"),
                      (EventKind.COMPLAINT_SUBSTANTIATED, 1, "投诉经查属实"),
                      (EventKind.MANUAL_DEDUCTION, 2, "核查报告质量问题（局认定）"),
                      (EventKind.REPORT_RETURNED, 4, "核查报告被复查退回")],
    "agency_red": [(EventKind.VIOLATION_ART23, 1, "出具虚假核查报告，经处罚决定")],
}


def _user(username):
    return User.objects.filter(username=username, is_active=True).first()


def _record(subject, profile: str, year: int) -> list:
    made = []
    for kind, count, summary in PROFILES[profile]:
        for n in range(count):
            event, _ = events.record(
                subject=subject, year=year, kind=kind, occurred_on=date(year, 3 + n, 10),
                summary=summary, key=f"demo:{subject._meta.model_name}:{subject.pk}:{year}:{kind}:{n}",
            )
            made.append(event)
    return made


def _rule_sets(actor) -> None:
    default = RuleSet.objects.filter(version=reference.VERSION).first()
    if default is None:
        reference.load(RuleSet, RuleLine, GroupCap)
        default = RuleSet.objects.get(version=reference.VERSION)
    older = rulesets.create_rule_set(
        actor=actor, version="2024-1", effective_year=2024, title=default.title, copy_from=default,
    )
    rulesets.publish(actor=actor, rule_set=older, document_number=DOC_2024)
    if not default.is_frozen:
        rulesets.publish(actor=actor, rule_set=default, document_number=DOC_2025)


def _events_2024(enterprise_user) -> dict:
    """The profiles for 2024: the enterprise of ``ent1`` blue (it objects), most others
    green, some blue and yellow, one red; one agency red, one yellow, the rest untouched."""
    enterprises = [e.enterprise for e in listed_on(2024).select_related("enterprise")
                   .order_by("enterprise__uscc")]
    own = {m.enterprise_id for m in enterprise_user.memberships.all()} if enterprise_user else set()
    picked = {}
    plan = ["blue", "yellow", "red", "blue", "yellow"]
    others = [e for e in enterprises if e.pk not in own]
    for enterprise in enterprises:
        if enterprise.pk in own:
            picked[enterprise] = "blue"
    for enterprise, profile in zip(others, plan, strict=False):
        picked[enterprise] = profile
    for enterprise in others[len(plan):]:
        picked[enterprise] = "green"
    recorded = {e: _record(e, profile, 2024) for e, profile in picked.items()}
    agencies = list(Agency.objects.exclude(status=AgencyStatus.REVOKED).order_by("uscc"))
    for agency, profile in zip(agencies[-2:], ["agency_yellow", "agency_red"], strict=False):
        recorded[agency] = _record(agency, profile, 2024)
    return recorded


def seed(*, actor, stdout=None) -> None:
    if CreditYear.objects.exists():
        if stdout is not None:
            stdout.write("Credit: already seeded.")
        return
    admin, ent1 = _user("admin") or actor, _user("ent1")
    _rule_sets(admin)
    recorded = _events_2024(ent1)

    year = grading.open_year(actor=admin, year=2024)
    grading.freeze(actor=admin, credit_year=year, today=date(2025, 6, 2))
    own = None
    if ent1 is not None:
        own = next((s for s in recorded if getattr(s, "pk", None) in
                    {m.enterprise_id for m in ent1.memberships.all()}), None)
        if own is not None:
            grade = SubjectGrade.objects.get(credit_year=year, enterprise=own)
            late = next(e for e in recorded[own] if e.kind == EventKind.LEDGER_LATE)
            objection = objections.file_objection(
                actor=ent1, grade=grade, event=late, today=date(2025, 6, 5),
                reasons="3月台账已于3月18日按时上传，系统因网络故障未记录，附上传回执截图。",
            )
            objections.decide(actor=admin, objection=objection,
                              decision=ObjectionStatus.UPHELD,
                              note="经核对上传日志，确系系统故障，该事件作废。")
    year.refresh_from_db()
    grading.publish(actor=admin, credit_year=year, document_number=RESULT_2024,
                    today=date(2025, 7, 1))

    # a repair waiting for the bureau: ent1's enterprise has since reformed its reporting
    if own is not None:
        late = next(e for e in recorded[own] if e.kind == EventKind.REPORT_LATE)
        evidence = SimpleUploadedFile("整改报告.pdf", DEMO_PDF, content_type="application/pdf")
        repair.apply(actor=ent1, event=late, file=evidence,
                     reasons="已建立年度报告编制责任制度，2025年度报告已按时报送，附整改报告。")

    grading.open_year(actor=admin, year=2025)
    enterprises = [e.enterprise for e in listed_on(2025).select_related("enterprise")
                   .order_by("enterprise__uscc")[:1]]
    if enterprises:
        # waits for a second bureau administrator's confirmation (four eyes)
        events.manual_enter(
            actor=admin, subject=enterprises[0], year=2025,
            kind=EventKind.MANUAL_DEDUCTION, occurred_on=date(2025, 9, 12),
            summary="现场检查时拒绝提供燃料化验原始记录",
            evidence="2025年9月12日现场检查笔录第3页。",
        )
    if stdout is not None:
        counts = {g: SubjectGrade.objects.filter(credit_year=year, grade=g).count()
                  for g in ("green", "blue", "yellow", "red")}
        stdout.write(f"Credit: 2024 published (grades {counts}); 2025 open.")
