"""The pure credit scoring: groups and caps, vetoes, thresholds, occurrences, carry-over,
repair, and determinism."""

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from credit import rules
from credit.choices import EventKind, Grade

RULES = rules.Rules(
    version="T1",
    base=D("100"),
    green_from=D("90"),
    blue_from=D("75"),
    yellow_from=D("60"),
    lines={
        EventKind.REPORT_LATE: rules.Line(EventKind.REPORT_LATE, "reporting", D("-10")),
        EventKind.LEDGER_LATE: rules.Line(EventKind.LEDGER_LATE, "reporting", D("-2")),
        EventKind.REPORT_RETURNED: rules.Line(EventKind.REPORT_RETURNED, "data_quality", D("-5"),
                                              from_occurrence=3),
        EventKind.VERIFIED_DEVIATION: rules.Line(EventKind.VERIFIED_DEVIATION, "data_quality",
                                                 D("-8"), threshold=D("5")),
        EventKind.SURRENDER_ON_TIME: rules.Line(EventKind.SURRENDER_ON_TIME, "compliance", D("5")),
        EventKind.SURRENDER_SHORT: rules.Line(EventKind.SURRENDER_SHORT, "compliance", D("-30"),
                                              years=2),
        EventKind.VIOLATION_ART22: rules.Line(EventKind.VIOLATION_ART22, "supervision", D("-40"),
                                              veto=True),
    },
    caps={"reporting": (D("-15"), D("0")), "compliance": (D("-40"), D("3"))},
)


def fact(pk, kind, *, year=2025, day=1, measure=None, repaired=None):
    return rules.Fact(id=pk, kind=kind, year=year, occurred_on=date(year, 3, day),
                      measure=measure, repaired_from_year=repaired)


def test_a_subject_without_events_keeps_the_base_score_and_is_green():
    card = rules.score(RULES, [], year=2025)
    assert (card.score, card.grade, card.lines) == (D("100"), Grade.GREEN, ())


def test_each_group_is_capped_and_the_card_shows_both_totals():
    facts = [fact(1, EventKind.REPORT_LATE), *(fact(i, EventKind.LEDGER_LATE, day=i) for i in range(2, 6)),
             fact(9, EventKind.SURRENDER_ON_TIME)]
    card = rules.score(RULES, facts, year=2025)
    reporting = next(g for g in card.groups if g.group == "reporting")
    compliance = next(g for g in card.groups if g.group == "compliance")
    # -10 - 4 × 2 = -18, capped at -15; +5 capped at +3
    assert (reporting.raw, reporting.counted, reporting.capped) == (D("-18"), D("-15"), True)
    assert (compliance.raw, compliance.counted) == (D("5"), D("3"))
    assert card.score == D("88") and card.grade == Grade.BLUE


def test_a_veto_makes_the_grade_red_whatever_the_points():
    card = rules.score(RULES, [fact(1, EventKind.VIOLATION_ART22),
                               fact(2, EventKind.SURRENDER_ON_TIME)], year=2025)
    assert card.score == D("63")  # yellow on points
    assert card.grade == Grade.RED and card.vetoes == (EventKind.VIOLATION_ART22,)


def test_a_measure_must_exceed_the_threshold():
    card = rules.score(RULES, [fact(1, EventKind.VERIFIED_DEVIATION, measure=D("5")),
                               fact(2, EventKind.VERIFIED_DEVIATION, measure=D("5.01"))], year=2025)
    assert [line.outcome for line in card.lines] == [rules.BELOW_THRESHOLD, rules.PRICED]
    assert card.score == D("92")


def test_returns_are_priced_from_the_third_of_the_year():
    facts = [fact(i, EventKind.REPORT_RETURNED, day=i) for i in range(1, 5)]
    card = rules.score(RULES, facts, year=2025)
    assert [line.points for line in card.lines] == [0, 0, D("-5"), D("-5")]


def test_an_event_counts_for_the_years_its_line_says_and_not_after_a_repair():
    short = fact(1, EventKind.SURRENDER_SHORT, year=2024)
    assert rules.score(RULES, [short], year=2024).score == D("70")
    assert rules.score(RULES, [short], year=2025).score == D("70")  # years=2
    assert rules.score(RULES, [short], year=2026).lines[0].outcome == rules.EXPIRED
    repaired = fact(1, EventKind.SURRENDER_SHORT, year=2024, repaired=2025)
    assert rules.score(RULES, [repaired], year=2024).score == D("70")
    assert rules.score(RULES, [repaired], year=2025).lines[0].outcome == rules.REPAIRED
    # a later year's event does not reach an earlier card
    assert rules.score(RULES, [fact(2, EventKind.REPORT_LATE, year=2026)], year=2025).lines == ()


def test_the_score_never_goes_below_zero():
    rules_ = rules.Rules("T2", D("10"), D("9"), D("8"), D("7"), RULES.lines, {})
    assert rules.score(rules_, [fact(1, EventKind.SURRENDER_SHORT)], year=2025).score == 0


def test_grade_boundaries_are_inclusive():
    assert [rules.grade_of(RULES, D(s), vetoed=False) for s in ("90", "89.9", "75", "60", "59.9")] == [
        Grade.GREEN, Grade.BLUE, Grade.BLUE, Grade.YELLOW, Grade.RED]


kinds = st.sampled_from(list(EventKind.values))
facts_strategy = st.lists(
    st.builds(
        lambda pk, kind, year, day, measure: fact(pk, kind, year=year, day=day, measure=measure),
        st.integers(1, 10_000), kinds, st.integers(2023, 2025), st.integers(1, 28),
        st.one_of(st.none(), st.decimals(D("0"), D("30"), places=2)),
    ),
    max_size=25, unique_by=lambda f: f.id,
)


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.randoms())
def test_scoring_is_deterministic_whatever_the_order(facts, random):
    shuffled = list(facts)
    random.shuffle(shuffled)
    assert rules.score(RULES, facts, year=2025) == rules.score(RULES, shuffled, year=2025)


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.lists(st.sampled_from([k for k in EventKind.values if k not in RULES.lines]),
                                min_size=1, max_size=5))
def test_a_kind_outside_the_rule_set_changes_no_score(facts, extra_kinds):
    extra = [fact(20_000 + i, kind, day=1 + i) for i, kind in enumerate(extra_kinds)]
    before = rules.score(RULES, facts, year=2025)
    after = rules.score(RULES, facts + extra, year=2025)
    assert (after.score, after.grade, after.groups) == (before.score, before.grade, before.groups)
    assert {line.outcome for line in after.lines if line.event_id >= 20_000} == {rules.NOT_PRICED}


@settings(max_examples=100, deadline=None)
@given(facts_strategy)
def test_a_card_stored_as_json_reads_back_as_the_same_card(facts):
    import dataclasses
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    card = rules.score(RULES, facts, year=2025)
    stored = json.loads(json.dumps(dataclasses.asdict(card), cls=DjangoJSONEncoder))
    assert rules.card_from_dict(stored) == card
