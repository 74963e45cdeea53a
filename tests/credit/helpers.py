"""Credit test data made with the ORM: a published rule set, events, a frozen or final year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from django.utils import timezone

from credit.choices import (
    EventKind,
    EventOrigin,
    EventStatus,
    GradingStatus,
    RuleSetStatus,
    SubjectKind,
)
from credit.models import CreditEvent, CreditYear, GroupCap, RuleLine, RuleSet, SubjectGrade
from credit.selectors import scoring
from credit.services.grading import card_json

DOC = "中环发〔2024〕1号"


def rule_set(year=2024, version="2024-1", *, published=True):
    """Enterprises: report late −10 (reporting), Art. 22 falsification a veto (−30, data
    quality); agencies: Art. 23 violation −40. Reporting capped at −30."""
    rs = RuleSet.objects.create(version=version, effective_year=year, title="中卫市碳市场信用评价规则")
    for kind, subject, group, points, veto in (
        (EventKind.REPORT_LATE, SubjectKind.ENTERPRISE, "reporting", D("-10"), False),
        (EventKind.VIOLATION_ART22, SubjectKind.ENTERPRISE, "data_quality", D("-30"), True),
        (EventKind.SURRENDER_ON_TIME, SubjectKind.ENTERPRISE, "compliance", D("2"), False),
        (EventKind.VIOLATION_ART23, SubjectKind.AGENCY, "supervision", D("-40"), False),
    ):
        RuleLine.objects.create(rule_set=rs, subject_kind=subject, kind=kind, group=group,
                                points=points, veto=veto, note="评价办法第X条")
    GroupCap.objects.create(rule_set=rs, group="reporting", floor=D("-30"))
    GroupCap.objects.create(rule_set=rs, group="compliance", floor=D("0"), ceiling=D("5"))
    if published:
        RuleSet.objects.filter(pk=rs.pk).update(status=RuleSetStatus.PUBLISHED, document_number=DOC,
                                                published_at=timezone.now())
        rs.refresh_from_db()
    return rs


def event(subject, *, year=2025, kind=EventKind.REPORT_LATE, on=None, summary="年报逾期",
          **kw):
    key = scoring.key_of(subject)
    return CreditEvent.objects.create(
        subject_kind=key.kind,
        enterprise=subject if key.kind == SubjectKind.ENTERPRISE else None,
        agency=subject if key.kind == SubjectKind.AGENCY else None,
        year=year, occurred_on=on or date(year, 4, 1), kind=kind, summary=summary,
        status=kw.pop("status", EventStatus.ACTIVE), origin=EventOrigin.AUTOMATIC, **kw)


def frozen_year(year=2025, *, until=None, status=GradingStatus.PROVISIONAL, subjects=(),
                rs=None, document_number=""):
    """A credit year frozen (or final) with the grades of ``subjects`` computed now."""
    rs = rs or scoring.rule_set_in_force(year) or rule_set()
    cy = CreditYear.objects.create(
        year=year, rule_set=rs, status=status, frozen_at=timezone.now(),
        objections_until=until or date(year + 1, 12, 31),
        published_at=timezone.now() if status == GradingStatus.FINAL else None,
        document_number=document_number or ("中环发〔2026〕9号" if status == GradingStatus.FINAL
                                            else ""))
    keys = [scoring.key_of(s) for s in subjects]
    cards = scoring.cards_of_year(year, keys, rule_set=rs)
    grades = {}
    for s, key in zip(subjects, keys, strict=True):
        card = cards[key]
        grades[s] = SubjectGrade.objects.create(
            credit_year=cy, subject_kind=key.kind,
            enterprise=s if key.kind == SubjectKind.ENTERPRISE else None,
            agency=s if key.kind == SubjectKind.AGENCY else None, score=card.score,
            grade=card.grade, notified_grade=card.grade, veto_kind=",".join(card.vetoes),
            card=card_json(card))
    return cy, grades
