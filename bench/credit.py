"""Bench: a year's credit scores at city scale (issue 14 "Done when"), on a throw-away database.

Builds 2,000 subjects (1,800 key emitters on the year's published list, 200 agencies) with
20,000 credit events of every kind over the year and the one before (measures for the
deviation lines, some repaired, a few voided), publishes a copy of the default rule set, and
times ``credit.selectors.scoring.cards_of_year`` for the year (target: under 2 s) with its query
count, then the bureau's live-scores list read (``credit.selectors.cards.live_scores``: the
subjects of the year, their cards and names). A throw-away database (``test_<name>``) is
created, migrated and dropped again.
"""

from __future__ import annotations

import random
import time
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import in_scratch_database

YEAR = 2025
ENTERPRISES, AGENCIES, EVENTS = 1_800, 200, 20_000
REPEAT = 3
TARGET_SECONDS = 2.0


def _build() -> None:
    from accounts.models import User
    from credit import reference
    from credit.choices import EventKind, EventStatus, SubjectKind
    from credit.models import CreditEvent, GroupCap, RuleLine, RuleSet
    from credit.services import rulesets
    from registry.models import Area, Enterprise, KeyEmitterList, KeyEmitterListEntry, Sector
    from verifiers.models import Agency
    from zhongwei_carbon.uscc import make as make_uscc

    rng = random.Random(14)
    areas, sectors = list(Area.objects.all()), list(Sector.objects.all())
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(uscc=make_uscc(f"91640500{n:09d}"), name=f"信用测试企业{n:05d}有限公司",
                   area=areas[n % len(areas)], sector=sectors[n % len(sectors)])
        for n in range(ENTERPRISES))
    agencies = Agency.objects.bulk_create(
        Agency(uscc=make_uscc(f"91640000{n:09d}"), name=f"信用测试核查机构{n:04d}")
        for n in range(AGENCIES))
    actor = User.objects.create(username="bench_credit")
    key_list = KeyEmitterList.objects.create(year=YEAR, basis_year=YEAR - 1, drafted_by=actor)
    KeyEmitterListEntry.objects.bulk_create(
        KeyEmitterListEntry(key_list=key_list, enterprise=e, change="added", reason="emissions",
                            emissions_tco2e=Decimal("30000"), enterprise_name=e.name, uscc=e.uscc,
                            area_id=e.area_id, sector_id=e.sector_id)
        for e in enterprises)
    KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    ent_kinds = [k for k in EventKind.values
                 if k not in (EventKind.VIOLATION_ART23, EventKind.AGENCY_SUSPENDED)]
    agency_kinds = [EventKind.VIOLATION_ART23, EventKind.RECTIFICATION_OVERDUE,
                    EventKind.COMPLAINT_SUBSTANTIATED, EventKind.REPORT_RETURNED,
                    EventKind.MANUAL_DEDUCTION, EventKind.MANUAL_CREDIT]
    rows = []
    for n in range(EVENTS):
        year = YEAR if n % 5 else YEAR - 1
        if n % 10 == 9:
            subject, kind = rng.choice(agencies), rng.choice(agency_kinds)
            fields = {"subject_kind": SubjectKind.AGENCY, "agency": subject}
        else:
            subject, kind = rng.choice(enterprises), rng.choice(ent_kinds)
            fields = {"subject_kind": SubjectKind.ENTERPRISE, "enterprise": subject}
        # vetoes are rare: most of them become an ordinary late report
        if kind in (EventKind.VIOLATION_ART22, EventKind.ART24_NOT_CORRECTED,
                    EventKind.VIOLATION_ART23) and rng.random() < 0.97:
            kind = EventKind.REPORT_LATE
        rows.append(CreditEvent(
            **fields, year=year, occurred_on=date(year, 1 + n % 12, 1 + n % 28), kind=kind,
            measure=Decimal(rng.randint(0, 1200)) / 100 if kind == EventKind.VERIFIED_DEVIATION
            else None,
            summary=f"基准事件{n}", status=EventStatus.VOIDED if n % 97 == 0 else EventStatus.ACTIVE,
            repaired_from_year=YEAR if year < YEAR and n % 13 == 0 else None,
            key=f"bench-{n}",
        ))
    CreditEvent.objects.bulk_create(rows, batch_size=5_000)
    reference.load(RuleSet, RuleLine, GroupCap)
    draft = rulesets.create_rule_set(actor=actor, version="bench", effective_year=YEAR,
                                     title="基准", copy_from=RuleSet.objects.get(
                                         version=reference.VERSION))
    rulesets.publish(actor=actor, rule_set=draft, document_number="基准文号")
    connection.cursor().execute("ANALYZE")


def _timed(func):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), result


def _measure() -> None:
    from collections import Counter

    from credit.selectors.cards import live_scores
    from credit.selectors.scoring import cards_of_year, subjects_of_year

    _build()
    keys = subjects_of_year(YEAR)
    runs = [_timed(lambda: cards_of_year(YEAR, keys)) for _ in range(REPEAT)]
    best = min(runs, key=lambda r: r[0])
    cards = best[2]
    grades = Counter(card.grade for card in cards.values())
    print(f"{len(keys):,} subjects, {EVENTS:,} events: cards_of_year {best[0]:.2f} s "
          f"({best[1]} queries; best of {REPEAT}; target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if best[0] < TARGET_SECONDS else 'MISSED'}); grades "
          + ", ".join(f"{g} {n}" for g, n in sorted(grades.items())))
    elapsed, count, rows = min((_timed(lambda: live_scores(YEAR)) for _ in range(REPEAT)),
                               key=lambda r: r[0])
    print(f"live scores list read (subjects, cards, names): {elapsed:.2f} s ({count} queries, "
          f"{len(rows):,} rows; best of {REPEAT})")


def main() -> int:
    return in_scratch_database(_measure)


if __name__ == "__main__":
    raise SystemExit("run through `python -m bench` (it sets Django up)")
