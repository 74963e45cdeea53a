"""Bench: drafting the key-emitter list at city scale (issue 11 §7), on a throw-away database.

Grows the registry to 500, then 5,000 enterprises (``bulk_create``: enterprises and five years
of emission records, one in ten below the thresholds), publishes the previous year's list, and
times ``key_list_draft``: a first draft of a new year (insert only) and a redraft of it (its
entries deleted and inserted again), with the statement count and the time of the statements
that write the entries (the frozen-list check fires on them). A throw-away database
(``test_<name>``) is created, migrated and dropped again.
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import in_scratch_database

SIZES = (500, 5_000)
REPEAT = 3
YEARS = range(2021, 2026)  # emission records; lists of 2024 (at 500), 2025 and 2026 drafted


def _grow(total: int) -> None:
    from registry.choices import RecordSource
    from registry.models import Area, EmissionRecord, Enterprise, Sector
    from zhongwei_carbon.uscc import make as make_uscc

    start = Enterprise.objects.count()
    areas, sectors = list(Area.objects.all()), list(Sector.objects.all())
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            uscc=make_uscc(f"91640500{n:09d}"),
            name=f"名录测试企业{n:05d}有限公司",
            area=areas[n % len(areas)],
            sector=sectors[n % len(sectors)],
        )
        for n in range(start, total)
    )
    EmissionRecord.objects.bulk_create(
        (
            EmissionRecord(
                enterprise=e,
                year=year,
                # one in ten below both thresholds: removed from, or never on, the list
                emissions_tco2e=Decimal(9_000 if n % 10 == 0 else 30_000 + n % 997),
                energy_tce=Decimal("4200.50"),
                source=RecordSource.STATISTICS,
            )
            for n, e in enumerate(enterprises)
            for year in YEARS
        ),
        batch_size=5_000,
    )


def _draft(actor, year: int) -> tuple[float, int, float]:
    """Seconds, statements, and seconds of the statements writing the entries (with their
    triggers)."""
    from registry.services.lists import key_list_draft

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        key_list_draft(actor=actor, year=year)
        elapsed = time.perf_counter() - started
    writes = sum(
        float(q["time"])
        for q in queries
        if q["sql"].startswith(("INSERT", "DELETE")) and "keyemitterlistentry" in q["sql"]
    )
    return elapsed, len(queries), writes


def _publish(actor, year: int) -> None:
    from registry.models import KeyEmitterList
    from registry.services.lists import key_list_draft, key_list_publish

    key_list_draft(actor=actor, year=year)
    key_list_publish(actor=actor, key_list=KeyEmitterList.objects.get(year=year),
                     document_number=f"卫环发〔{year}〕1号")


def _measure() -> None:
    from accounts.models import User
    from registry.models import KeyEmitterListEntry

    actor = User.objects.create(username="bench_list")
    for size, year in zip(SIZES, (2025, 2026), strict=True):
        _grow(size)
        _publish(actor, year - 1)
        first = _draft(actor, year)
        redraft = min(_draft(actor, year) for _ in range(REPEAT))
        entries = KeyEmitterListEntry.objects.filter(key_list__year=year).count()
        print(f"{size:,} enterprises, list {year} ({entries:,} entries): first draft "
              f"{first[0]:.2f} s ({first[1]} statements, writing the entries {first[2]:.2f} s); "
              f"redraft {redraft[0]:.2f} s ({redraft[1]} statements, deleting and writing the "
              f"entries {redraft[2]:.2f} s; best of {REPEAT})")


def main() -> int:
    return in_scratch_database(_measure)


if __name__ == "__main__":
    raise SystemExit("run through `python -m bench` (it sets Django up)")
