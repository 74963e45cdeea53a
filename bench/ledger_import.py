"""Bench: import of a monthly-ledger workbook (issue 4 §5).

Builds workbooks of 2,000, 10,000 and 20,000 rows (facility × month × fuel) in a temp dir, times
``reporting.services.ledger_import.ledger_import`` against a bare openpyxl read-only parse of
the same file, and measures the import's peak Python memory with tracemalloc. Target: at most
3× the bare parse, and peak memory that does not grow with the rows. Everything written to the
database happens inside a transaction that is rolled back.
"""

from __future__ import annotations

import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from openpyxl import Workbook, load_workbook

SIZES = (2_000, 10_000, 20_000)
TARGET_RATIO = 3.0
# 10× the rows may add at most this much peak memory: what still grows is per facility
# (the bench adds a facility per 60 rows), i.e. the name→id map and 12 small slots per facility
MEMORY_GROWTH_LIMIT = 1.25
YEAR = 2025


class _Rollback(Exception):
    pass


def build_workbook(path: Path, rows: int, fuels: list[str]) -> int:
    """Write ``rows`` data rows; returns the number of facilities used."""
    from reporting.services.ledger_import import COLUMNS, SHEET

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([c.header for c in COLUMNS])
    per_facility = 12 * len(fuels)
    facilities = -(-rows // per_facility)
    written = 0
    for fac in range(facilities):
        for month in range(1, 13):
            for i, fuel in enumerate(fuels):
                if written == rows:
                    break
                monthly = (
                    [1500.5 + month, 20000 + fac, 18000 + fac, 350.25, 720, 0.8123, "bench"]
                    if i == 0
                    else [None] * 7
                )
                ws.append(
                    [
                        f"机组{fac:05d}",
                        YEAR,
                        month,
                        fuel,
                        1000 + i + month / 8,
                        20.9,
                        0.02637,
                        *monthly,
                    ]
                )
                written += 1
    wb.save(path)
    return facilities


def bare_parse(path: Path) -> float:
    start = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=False)
    count = 0
    for values in wb.worksheets[0].iter_rows(values_only=True):
        count += len(values)
    wb.close()
    return time.perf_counter() - start


def _setup(n_facilities: int):
    from accounts.models import Membership, User
    from registry.models import Area, Enterprise, Facility, Sector
    from zhongwei_carbon.roles import Role
    from zhongwei_carbon.uscc import make as make_uscc

    enterprise = Enterprise.objects.create(
        uscc=make_uscc(f"91640500{time.time_ns() % 10**9:09d}"),
        name="基准测试企业",
        area=Area.objects.order_by("code").first(),
        sector=Sector.objects.order_by("pk").first(),
    )
    Facility.objects.bulk_create(
        Facility(enterprise=enterprise, name=f"机组{i:05d}", facility_type="coal_unit")
        for i in range(n_facilities)
    )
    user = User.objects.create(username=f"bench-{enterprise.pk}", full_name="bench")
    Membership.objects.create(user=user, role=Role.ENTERPRISE_USER, enterprise=enterprise)
    return enterprise, user


def _run_import(path: Path, n_facilities: int, *, trace: bool):
    from reporting.services.ledger_import import ledger_import

    data = path.read_bytes()
    result = None
    try:
        with transaction.atomic():
            enterprise, user = _setup(n_facilities)
            gc.collect()
            if trace:
                tracemalloc.start()
            start = time.perf_counter()
            result = ledger_import(actor=user, enterprise=enterprise, year=YEAR, data=data)
            elapsed = time.perf_counter() - start
            peak = 0
            if trace:
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            raise _Rollback
    except _Rollback:
        pass
    if not result.applied:
        raise SystemExit(f"bench import failed: {result.errors[:5]}")
    return elapsed, peak, result


def _migrate_if_needed() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Database not migrated: migrating first …")
        call_command("migrate", verbosity=0, interactive=False)


def main() -> int:
    from django.conf import settings

    from reporting.models import FuelType

    settings.DEBUG = False  # no query log: it would grow with the rows
    settings.UPLOAD_MAX_BYTES = max(settings.UPLOAD_MAX_BYTES, 50 * 1024 * 1024)
    _migrate_if_needed()
    fuels = list(FuelType.objects.order_by("sort_order").values_list("name", flat=True))
    if not fuels:
        raise SystemExit("No fuel types in the database: run migrations with reference data.")
    ok = True
    peaks = []
    print(f"{'rows':>7} {'bare parse s':>13} {'import s':>9} {'ratio':>6} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in SIZES:
            path = Path(tmp) / f"ledgers-{rows}.xlsx"
            n_fac = build_workbook(path, rows, fuels)
            bare_parse(path)  # warm-up
            bare = min(bare_parse(path) for _ in range(3))
            runs = [_run_import(path, n_fac, trace=False) for _ in range(3)]
            elapsed, result = min(r[0] for r in runs), runs[-1][2]  # best of 3, as the bare parse
            _t, peak, _r = _run_import(path, n_fac, trace=True)
            ratio = elapsed / bare
            peaks.append(peak)
            ok &= ratio <= TARGET_RATIO
            print(
                f"{rows:>7} {bare:>13.3f} {elapsed:>9.3f} {ratio:>6.2f} {peak / 2**20:>9.2f}"
                f"   ({result.ledgers} months, {result.lines} lines)"
            )
    growth = peaks[-1] / peaks[0] if peaks[0] else 0
    ok &= growth <= MEMORY_GROWTH_LIMIT
    print(
        f"target ≤ {TARGET_RATIO:.0f}× bare parse: {'met' if ok else 'NOT met'}; "
        f"peak memory {SIZES[-1]:,} vs {SIZES[0]:,} rows: ×{growth:.2f} "
        f"(limit ×{MEMORY_GROWTH_LIMIT:.2f}: {'met' if growth <= MEMORY_GROWTH_LIMIT else 'NOT met'})"
    )
    return 0 if ok else 1


__all__ = ["bare_parse", "build_workbook", "main"]
