"""The partner departments' workbook (development-reform, market regulation, the PBOC branch):
the published final grades of a year with what they need to act on them — who (统一社会信用代码,
name, area, sector / agency), the grade, score and vetoes, the events that cost points with
their dates and sources, the rule set (version, document number) and the publication's
document number. Read in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from credit import rules
from credit.choices import EventKind, EventOrigin, GradingStatus, SubjectKind
from credit.models import CreditEvent, CreditYear, SubjectGrade

KINDS = dict(EventKind.choices)


def final_years():
    return CreditYear.objects.filter(status=GradingStatus.FINAL).select_related("rule_set")


@dataclass
class Deduction:
    event_id: int
    kind: str
    occurred_on: str
    year: int
    points: Decimal
    summary: str
    source: str  # the record it comes from, or who entered it


@dataclass
class Row:
    grade: SubjectGrade
    deductions: list[Deduction]

    @property
    def subject(self):
        return self.grade.subject


def _points(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError):
        return Decimal("0")


def _costly_lines(card: dict) -> list[dict]:
    """The lines of a stored score card that took points off."""
    return [
        line for line in card.get("lines", ())
        if line.get("outcome") == rules.PRICED and _points(line.get("points")) < 0
    ]


def _source(event: CreditEvent | None) -> str:
    if event is None:
        return ""
    if event.source_type_id:
        return f"{event.source_type.name} #{event.source_id}"
    if event.origin == EventOrigin.MANUAL:
        return str(EventOrigin.MANUAL.label)
    return ""


def rows(credit_year: CreditYear) -> list[Row]:
    """Every subject's final grade of ``credit_year`` with the events that cost it points
    (three queries: the grades with their subjects, then the events named on their cards)."""
    grades = list(
        SubjectGrade.objects.filter(credit_year=credit_year)
        .select_related("enterprise__area", "enterprise__sector", "agency")
        .order_by("subject_kind", "enterprise__uscc", "agency__uscc", "pk")
    )
    wanted = {line.get("event_id") for g in grades for line in _costly_lines(g.card or {})}
    events = {
        e.pk: e
        for e in CreditEvent.objects.filter(pk__in=[i for i in wanted if i is not None])
        .select_related("source_type")
    }
    out = []
    for g in grades:
        found = []
        for line in _costly_lines(g.card or {}):
            event = events.get(line.get("event_id"))
            found.append(Deduction(
                event_id=line.get("event_id"), kind=line.get("kind", ""),
                occurred_on=str(line.get("occurred_on", "")), year=line.get("year"),
                points=_points(line.get("points")), summary=line.get("summary", ""),
                source=_source(event),
            ))
        out.append(Row(g, found))
    return out


def split(all_rows: list[Row]) -> tuple[list[Row], list[Row]]:
    ents = [r for r in all_rows if r.grade.subject_kind == SubjectKind.ENTERPRISE]
    agencies = [r for r in all_rows if r.grade.subject_kind == SubjectKind.AGENCY]
    return ents, agencies
