"""Scores read from the database: the rule set in force for the year, events in force only,
constant queries."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from credit.choices import EventKind, EventOrigin, EventStatus, Grade, RuleSetStatus, SubjectKind
from credit.models import CreditEvent, GroupCap, RuleLine, RuleSet
from credit.selectors import scoring
from tests import factories

pytestmark = pytest.mark.django_db


def _rule_set(year=2024, version="2024-1", status=RuleSetStatus.PUBLISHED, points=D("-10")):
    rs = RuleSet.objects.create(
        version=version, effective_year=year, title="评价规则", status=RuleSetStatus.DRAFT,
    )
    RuleLine.objects.create(rule_set=rs, subject_kind=SubjectKind.ENTERPRISE,
                            kind=EventKind.REPORT_LATE, group="reporting", points=points)
    GroupCap.objects.create(rule_set=rs, group="reporting", floor=D("-30"))
    if status == RuleSetStatus.PUBLISHED:
        RuleSet.objects.filter(pk=rs.pk).update(
            status=status, document_number="中环发〔2024〕1号", published_at="2024-01-02T00:00Z")
        rs.refresh_from_db()
    return rs


def _event(enterprise, *, year=2025, kind=EventKind.REPORT_LATE, status=EventStatus.ACTIVE, **kw):
    return CreditEvent.objects.create(
        subject_kind=SubjectKind.ENTERPRISE, enterprise=enterprise, year=year,
        occurred_on=date(year, 4, 1), kind=kind, summary="逾期", status=status,
        origin=EventOrigin.MANUAL if status == EventStatus.PENDING else EventOrigin.AUTOMATIC, **kw,
    )


def test_the_year_is_scored_with_the_latest_set_in_force_and_only_events_in_force():
    _rule_set(2024, "2024-1", points=D("-10"))
    _rule_set(2026, "2026-1", points=D("-20"))
    _rule_set(2025, "2025-draft", status=RuleSetStatus.DRAFT, points=D("-99"))
    ent = factories.EnterpriseFactory()
    _event(ent)
    _event(ent, status=EventStatus.VOIDED, key="v")
    _event(ent, status=EventStatus.PENDING)
    card = scoring.card_of(ent, 2025)
    assert card.version == "2024-1" and card.score == D("90") and card.grade == Grade.GREEN
    assert len(card.lines) == 1


def test_cards_of_a_year_take_constant_queries(django_assert_num_queries):
    rs = _rule_set()
    ents = factories.EnterpriseFactory.create_batch(6)
    for ent in ents:
        _event(ent)
    keys = [scoring.key_of(e) for e in ents]
    with django_assert_num_queries(3):  # lines, caps, events
        cards = scoring.cards_of_year(2025, keys[:2], rule_set=rs)
    with django_assert_num_queries(3):
        cards = scoring.cards_of_year(2025, keys, rule_set=rs)
    assert {c.score for c in cards.values()} == {D("90")}


def test_a_published_rule_set_and_its_lines_are_frozen_in_the_database():
    rs = _rule_set()
    with pytest.raises(Exception, match="frozen|protect"), transaction.atomic():
        RuleLine.objects.filter(rule_set=rs).update(points=D("-1"))
    with pytest.raises(Exception, match="frozen|protect"), transaction.atomic():
        RuleSet.objects.filter(pk=rs.pk).update(base_score=D("50"))
    with pytest.raises(Exception, match="frozen|protect"), transaction.atomic():
        RuleLine.objects.create(rule_set=rs, subject_kind=SubjectKind.AGENCY,
                                kind=EventKind.REPORT_LATE, group="reporting", points=D("-1"))
    assert RuleLine.objects.get(rule_set=rs).points == D("-10")


def test_a_manual_event_cannot_be_confirmed_by_whoever_entered_it():
    ent = factories.EnterpriseFactory()
    admin = factories.UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _event(ent, status=EventStatus.ACTIVE, recorded_by=admin, confirmed_by=admin)
