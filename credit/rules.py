"""Credit scoring (环境信用评价), pure: a rule set and a subject's events in, a score card out.

The shape follows 企业环境信用评价办法(试行) (环发〔2013〕150号): indicators scored in groups,
some serious violations a one-vote veto straight to red (一票否决), four grades — green (环保诚信),
blue (环保良好), yellow (环保警示), red (环保不良). The figures (points, caps, thresholds) are not
here: they are data of a versioned rule set (``credit.models.RuleSet``), so a year is always
scored with the set in force for it.

Deterministic: the same rules and the same events give the same card, whatever the order the
events arrive in (they are taken by date, then id). An event kind the rule set does not price
is listed on the card and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from credit.choices import Grade

ZERO = Decimal("0")

# Why an event on the card does or does not move the score.
PRICED = "priced"
NOT_PRICED = "not_priced"  # the rule set has no line for the kind
BELOW_THRESHOLD = "below_threshold"  # the measure does not exceed the line's threshold
BEFORE_OCCURRENCE = "before_occurrence"  # earlier than the n-th occurrence of the year
EXPIRED = "expired"  # the line counts it for fewer years than have passed
REPAIRED = "repaired"  # an approved repair took it out from this year on


@dataclass(frozen=True)
class Line:
    kind: str
    group: str
    points: Decimal
    veto: bool = False
    threshold: Decimal | None = None
    from_occurrence: int = 1
    years: int = 1
    note: str = ""


@dataclass(frozen=True)
class Rules:
    """One rule set as it applies to one kind of subject."""

    version: str
    base: Decimal
    green_from: Decimal
    blue_from: Decimal
    yellow_from: Decimal
    lines: Mapping[str, Line]
    caps: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class Fact:
    """A credit event in force (voided and unconfirmed events never reach the rules)."""

    id: int
    kind: str
    year: int
    occurred_on: date
    measure: Decimal | None = None
    repaired_from_year: int | None = None
    summary: str = ""


@dataclass(frozen=True)
class CardLine:
    event_id: int
    kind: str
    year: int
    occurred_on: date
    summary: str
    outcome: str
    points: Decimal
    group: str
    veto: bool
    basis: str


@dataclass(frozen=True)
class GroupTotal:
    group: str
    raw: Decimal
    floor: Decimal | None
    ceiling: Decimal | None
    counted: Decimal

    @property
    def capped(self) -> bool:
        return self.counted != self.raw


@dataclass(frozen=True)
class Card:
    year: int
    version: str
    base: Decimal
    lines: tuple[CardLine, ...]
    groups: tuple[GroupTotal, ...]
    vetoes: tuple[str, ...]
    score: Decimal
    grade: str


def grade_of(rules: Rules, score: Decimal, *, vetoed: bool) -> str:
    if vetoed:
        return Grade.RED
    if score >= rules.green_from:
        return Grade.GREEN
    if score >= rules.blue_from:
        return Grade.BLUE
    if score >= rules.yellow_from:
        return Grade.YELLOW
    return Grade.RED


def _outcome(rules: Rules, fact: Fact, year: int, seen: Counter) -> tuple[str, Line | None]:
    line = rules.lines.get(fact.kind)
    if line is None:
        return NOT_PRICED, None
    if fact.repaired_from_year is not None and fact.repaired_from_year <= year:
        return REPAIRED, line
    if fact.year + line.years <= year:
        return EXPIRED, line
    if line.threshold is not None and (fact.measure is None or fact.measure <= line.threshold):
        return BELOW_THRESHOLD, line
    seen[(fact.kind, fact.year)] += 1
    if seen[(fact.kind, fact.year)] < line.from_occurrence:
        return BEFORE_OCCURRENCE, line
    return PRICED, line


def score(rules: Rules, facts: Iterable[Fact], *, year: int) -> Card:
    """The score card of one subject for ``year``: every event with the line that priced it (or
    why none did), the group totals before and after their caps, the vetoes, the score (never
    below zero) and the grade."""
    seen: Counter = Counter()
    lines: list[CardLine] = []
    raw: dict[str, Decimal] = {}
    vetoes: list[str] = []
    for fact in sorted((f for f in facts if f.year <= year), key=lambda f: (f.occurred_on, f.id)):
        outcome, line = _outcome(rules, fact, year, seen)
        priced = outcome == PRICED
        points = line.points if priced else ZERO
        if priced:
            raw[line.group] = raw.get(line.group, ZERO) + points
            if line.veto and fact.kind not in vetoes:
                vetoes.append(fact.kind)
        lines.append(CardLine(
            event_id=fact.id, kind=fact.kind, year=fact.year, occurred_on=fact.occurred_on,
            summary=fact.summary, outcome=outcome, points=points,
            group=line.group if line else "", veto=bool(priced and line.veto),
            basis=line.note if line else "",
        ))
    groups = []
    for group in sorted(raw):
        floor, ceiling = rules.caps.get(group, (None, None))
        counted = raw[group]
        if floor is not None:
            counted = max(counted, floor)
        if ceiling is not None:
            counted = min(counted, ceiling)
        groups.append(GroupTotal(group=group, raw=raw[group], floor=floor, ceiling=ceiling,
                                 counted=counted))
    total = max(rules.base + sum((g.counted for g in groups), ZERO), ZERO)
    return Card(
        year=year, version=rules.version, base=rules.base, lines=tuple(lines),
        groups=tuple(groups), vetoes=tuple(vetoes), score=total,
        grade=grade_of(rules, total, vetoed=bool(vetoes)),
    )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def card_from_dict(data: Mapping) -> Card:
    """A card stored as JSON (``dataclasses.asdict`` through Django's JSON encoder: decimals
    and dates as strings) back as the ``Card`` it was."""
    def day(value):
        return value if isinstance(value, date) else date.fromisoformat(value)

    return Card(
        year=data["year"], version=data["version"], base=_decimal(data["base"]),
        lines=tuple(CardLine(**{**line, "points": _decimal(line["points"]),
                                "occurred_on": day(line["occurred_on"])})
                    for line in data["lines"]),
        groups=tuple(GroupTotal(group=g["group"], raw=_decimal(g["raw"]),
                                floor=_decimal(g["floor"]), ceiling=_decimal(g["ceiling"]),
                                counted=_decimal(g["counted"])) for g in data["groups"]),
        vetoes=tuple(data["vetoes"]), score=_decimal(data["score"]), grade=data["grade"],
    )
