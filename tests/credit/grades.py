"""Credit years and grades made directly with the ORM (the grading workflow is built elsewhere):
a published rule set, a year frozen (provisional) or published (final), a subject's grade with a
stored score card shaped like ``dataclasses.asdict(credit.rules.Card)``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from django.utils import timezone

from credit.choices import GradingStatus, RuleSetStatus, SubjectKind
from credit.models import CreditYear, RuleSet, SubjectGrade

DOC = "中卫环发〔2026〕12号"
RULES_DOC = "中卫环规〔2025〕3号"


def rule_set(year: int = 2024, version: str = "2024-1") -> RuleSet:
    rs = RuleSet.objects.create(version=version, effective_year=year, title="中卫市碳市场信用评价规则")
    RuleSet.objects.filter(pk=rs.pk).update(
        status=RuleSetStatus.PUBLISHED, document_number=RULES_DOC, published_at=timezone.now())
    rs.refresh_from_db()
    return rs


def credit_year(year: int, status: str = GradingStatus.FINAL, rs: RuleSet | None = None,
                doc: str = DOC) -> CreditYear:
    rs = rs or RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).first() or rule_set()
    frozen = status != GradingStatus.OPEN
    final = status == GradingStatus.FINAL
    return CreditYear.objects.create(
        year=year, rule_set=rs, status=status,
        frozen_at=timezone.now() if frozen else None,
        objections_until=date(year + 1, 3, 20) if frozen else None,
        published_at=timezone.now() if final else None,
        document_number=doc if final else "",
    )


def grade(cy: CreditYear, subject, grade: str, score=D("80"), *, card=None, veto_kind=""):
    is_agency = subject._meta.label == "verifiers.Agency"
    return SubjectGrade.objects.create(
        credit_year=cy, subject_kind=SubjectKind.AGENCY if is_agency else SubjectKind.ENTERPRISE,
        enterprise=None if is_agency else subject, agency=subject if is_agency else None,
        score=score, grade=grade, notified_grade=grade, veto_kind=veto_kind,
        card=card if card is not None else {"lines": [], "vetoes": [], "grade": grade},
    )
