"""Scores of a year, read in a constant number of queries: the rule set in force, the events
in force of every subject, and the pure ``credit.rules.score`` for each subject."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from credit import rules
from credit.choices import EventStatus, RuleSetStatus, SubjectKind
from credit.models import CreditEvent, RuleSet

MAX_CARRY_YEARS = 5  # RuleLine.years is at most 5


@dataclass(frozen=True)
class SubjectKey:
    kind: str  # SubjectKind
    pk: int


def key_of(obj) -> SubjectKey:
    """The subject key of an event, a grade or an enterprise/agency instance."""
    if hasattr(obj, "subject_kind"):
        pk = obj.enterprise_id if obj.subject_kind == SubjectKind.ENTERPRISE else obj.agency_id
        return SubjectKey(obj.subject_kind, pk)
    kind = SubjectKind.AGENCY if obj._meta.label == "verifiers.Agency" else SubjectKind.ENTERPRISE
    return SubjectKey(kind, obj.pk)


def rule_set_in_force(year: int) -> RuleSet | None:
    """The published rule set with the latest effective year not after ``year``."""
    return (RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED, effective_year__lte=year)
            .order_by("-effective_year").first())


def rules_of(rule_set: RuleSet) -> dict[str, rules.Rules]:
    """The rule set as pure data, one ``Rules`` per subject kind (two queries)."""
    caps = {c.group: (c.floor, c.ceiling) for c in rule_set.caps.all()}
    lines: dict[str, dict[str, rules.Line]] = {k: {} for k in SubjectKind.values}
    for line in rule_set.lines.all():
        lines[line.subject_kind][line.kind] = rules.Line(
            kind=line.kind, group=line.group, points=line.points, veto=line.veto,
            threshold=line.threshold, from_occurrence=line.from_occurrence, years=line.years,
            note=line.note,
        )
    return {
        kind: rules.Rules(
            version=rule_set.version, base=rule_set.base_score, green_from=rule_set.green_from,
            blue_from=rule_set.blue_from, yellow_from=rule_set.yellow_from, lines=lines[kind],
            caps=caps,
        )
        for kind in SubjectKind.values
    }


def facts_of_year(year: int, *, subjects: list[SubjectKey] | None = None) -> dict[SubjectKey, list[rules.Fact]]:
    """Events in force that can reach ``year``'s cards (one query), by subject."""
    qs = CreditEvent.objects.filter(
        status=EventStatus.ACTIVE, year__lte=year, year__gt=year - MAX_CARRY_YEARS
    )
    if subjects is not None:
        condition = Q(pk__in=[])
        ents = [s.pk for s in subjects if s.kind == SubjectKind.ENTERPRISE]
        agencies = [s.pk for s in subjects if s.kind == SubjectKind.AGENCY]
        if ents:
            condition |= Q(enterprise_id__in=ents)
        if agencies:
            condition |= Q(agency_id__in=agencies)
        qs = qs.filter(condition)
    out: dict[SubjectKey, list[rules.Fact]] = defaultdict(list)
    for row in qs.values_list("pk", "subject_kind", "enterprise_id", "agency_id", "kind", "year",
                              "occurred_on", "measure", "repaired_from_year", "summary"):
        pk, kind, ent, agency, ev_kind, ev_year, on, measure, repaired, summary = row
        key = SubjectKey(kind, ent if kind == SubjectKind.ENTERPRISE else agency)
        out[key].append(rules.Fact(id=pk, kind=ev_kind, year=ev_year, occurred_on=on,
                                   measure=measure, repaired_from_year=repaired, summary=summary))
    return out


def subjects_of_year(year: int) -> list[SubjectKey]:
    """Who is graded for ``year``: the key emitters on that year's published list, the agencies
    not revoked, and any other subject with an event in force that reaches the year."""
    from registry.selectors.lists import listed_on
    from verifiers.choices import AgencyStatus
    from verifiers.models import Agency

    keys = {SubjectKey(SubjectKind.ENTERPRISE, pk)
            for pk in listed_on(year).values_list("enterprise_id", flat=True)}
    keys |= {SubjectKey(SubjectKind.AGENCY, pk) for pk in
             Agency.objects.exclude(status=AgencyStatus.REVOKED).values_list("pk", flat=True)}
    for kind, ent, agency in (CreditEvent.objects.filter(
            status=EventStatus.ACTIVE, year__lte=year, year__gt=year - MAX_CARRY_YEARS)
            .values_list("subject_kind", "enterprise_id", "agency_id").distinct()):
        keys.add(SubjectKey(kind, ent if kind == SubjectKind.ENTERPRISE else agency))
    return sorted(keys, key=lambda k: (k.kind, k.pk))


def cards_of_year(year: int, subjects: list[SubjectKey], *, rule_set: RuleSet | None = None
                  ) -> dict[SubjectKey, rules.Card]:
    """The score card of every subject in ``subjects`` for ``year``, with ``rule_set`` (the set
    in force for the year when not given). Constant queries whatever the number of subjects."""
    rule_set = rule_set or rule_set_in_force(year)
    if rule_set is None:
        return {}
    by_kind = rules_of(rule_set)
    facts = facts_of_year(year, subjects=subjects if len(subjects) < 1000 else None)
    return {s: rules.score(by_kind[s.kind], facts.get(s, ()), year=year) for s in subjects}


def card_of(subject, year: int, *, rule_set: RuleSet | None = None) -> rules.Card | None:
    key = key_of(subject)
    return cards_of_year(year, [key], rule_set=rule_set).get(key)
