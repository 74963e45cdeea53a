"""Score cards for people: a year's live scores with the subjects' names (constant queries),
one subject's card with the records its events come from, and the what-if comparison of the
set in force with another set. Nothing here writes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from credit import rules
from credit.choices import Grade, SubjectKind
from credit.models import CreditEvent, RuleSet
from credit.selectors.scoring import SubjectKey, cards_of_year, rule_set_in_force, subjects_of_year


@dataclass(frozen=True)
class Subject:
    key: SubjectKey
    name: str
    uscc: str
    area_id: int | None
    area: str

    @property
    def kind(self) -> str:
        return self.key.kind

    @property
    def pk(self) -> int:
        return self.key.pk


@dataclass(frozen=True)
class Row:
    subject: Subject
    card: rules.Card


def subjects_named(keys: list[SubjectKey]) -> dict[SubjectKey, Subject]:
    """Names, codes and areas of the subjects (two queries)."""
    from registry.models import Enterprise
    from verifiers.models import Agency

    out: dict[SubjectKey, Subject] = {}
    ents = [k.pk for k in keys if k.kind == SubjectKind.ENTERPRISE]
    agencies = [k.pk for k in keys if k.kind == SubjectKind.AGENCY]
    for pk, name, uscc, area_id, area in Enterprise.objects.filter(pk__in=ents).values_list(
            "pk", "name", "uscc", "area_id", "area__name"):
        key = SubjectKey(SubjectKind.ENTERPRISE, pk)
        out[key] = Subject(key, name, uscc, area_id, area)
    for pk, name, uscc in Agency.objects.filter(pk__in=agencies).values_list("pk", "name", "uscc"):
        key = SubjectKey(SubjectKind.AGENCY, pk)
        out[key] = Subject(key, name, uscc or "", None, "")
    return out


def live_scores(year: int, *, rule_set: RuleSet | None = None) -> list[Row]:
    """Every subject graded for ``year`` with its live card, worst grade first, then by
    score; empty when no rule set is in force for the year."""
    rule_set = rule_set or rule_set_in_force(year)
    if rule_set is None:
        return []
    keys = subjects_of_year(year)
    cards = cards_of_year(year, keys, rule_set=rule_set)
    names = subjects_named(keys)
    rows = [Row(names[k], cards[k]) for k in keys if k in names]
    order = {g: i for i, g in enumerate(reversed(Grade.values))}  # worst first
    return sorted(rows, key=lambda r: (order[r.card.grade], r.card.score, r.subject.name))


def filter_rows(rows: list[Row], *, grade="", kind="", area=None, q="") -> list[Row]:
    q = (q or "").strip().lower()
    return [r for r in rows
            if (not grade or r.card.grade == grade) and (not kind or r.subject.kind == kind)
            and (area is None or r.subject.area_id == area)
            and (not q or q in r.subject.name.lower() or q in r.subject.uscc.lower())]


def events_of_card(card: rules.Card) -> dict[int, CreditEvent]:
    """The events on the card with the records they come from (source prefetched)."""
    ids = [line.event_id for line in card.lines]
    return {e.pk: e for e in CreditEvent.objects.filter(pk__in=ids)
            .select_related("source_type").prefetch_related("source")}


@dataclass(frozen=True)
class Move:
    subject: Subject
    before: rules.Card | None
    after: rules.Card

    @property
    def from_grade(self) -> str:
        return self.before.grade if self.before else ""

    @property
    def change(self):
        return self.after.score - self.before.score if self.before else None


@dataclass(frozen=True)
class WhatIf:
    year: int
    in_force: RuleSet | None
    candidate: RuleSet
    subjects: int
    moves: list[Move]
    transitions: list[tuple[str, str, int]]  # from grade, to grade, count (who changes grade)


def what_if(year: int, candidate: RuleSet) -> WhatIf:
    """Re-score ``year``'s subjects with ``candidate`` and compare with the set in force: who
    moves (grade or score), and how many go from each grade to each other grade."""
    in_force = rule_set_in_force(year)
    keys = subjects_of_year(year)
    before = cards_of_year(year, keys, rule_set=in_force) if in_force else {}
    after = cards_of_year(year, keys, rule_set=candidate)
    names = subjects_named(keys)
    moves = []
    for key in keys:
        old, new = before.get(key), after[key]
        if key in names and (old is None or old.grade != new.grade or old.score != new.score):
            moves.append(Move(names[key], old, new))
    counted = Counter((m.from_grade, m.after.grade) for m in moves
                      if m.from_grade != m.after.grade)
    order = {g: i for i, g in enumerate(["", *Grade.values])}  # none, then best first
    transitions = sorted(((a, b, n) for (a, b), n in counted.items()),
                         key=lambda t: (order[t[0]], order[t[1]]))
    moves.sort(key=lambda m: (m.from_grade == m.after.grade, order[m.from_grade],
                              order[m.after.grade], m.subject.name))
    return WhatIf(year, in_force, candidate, len(keys), moves, transitions)
