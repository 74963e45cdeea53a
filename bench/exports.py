"""Bench: every Excel export at 500 and at 5,000 enterprises (issue 11 §4).

A throw-away database (``<name>_bench_exports``) is created, migrated and seeded with the demo,
then grown by copying the demo's enterprises (``DemoCopier``: bulk inserts, no services, so
quick) with their facilities, annual records, monthly ledgers, reports (versions without their
lines: a submitted version is frozen), allowance accounts (holdings, ledger entries),
allocations and draft key-emitter-list entries, plus per copy an enterprise user, and per
account a surrender request and a penalty case of the cycle. At each size every export is
downloaded as the bureau administrator through the test client (the response streamed to a
temp file, as a server sends it): rows written, time, queries, and peak Python memory
(tracemalloc, a second run); then the ratios 5,000 / 500. Goals: peak memory flat in the rows
(at most ×``MEMORY_GROWTH_LIMIT``) and the ledger grid export under ``LEDGER_GRID_GOAL_MIB`` at
5,000 enterprises.

``BENCH_KEEPDB=1`` keeps the grown database for the next run (it is grown, never shrunk, so
keep it only to re-measure the largest size); ``BENCH_SIZES=500,5000`` changes the sizes;
``BENCH_ONLY=ledger_grid,user`` picks exports.
"""

from __future__ import annotations

import copy
import gc
import io
import os
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass

import pgtrigger
from django.db import connection, transaction

SIZES = (500, 5_000)
LEDGER_GRID_GOAL_MIB = 10.0
# 10× the rows may add at most this much to the peak (what remains is per request: the
# workbook's styles, a chunk of rows, the query's buffers)
MEMORY_GROWTH_LIMIT = 1.5
YEAR = 2025
COPY_PREFIX = "91640500B"  # the first 9 characters of a copied enterprise's USCC


@dataclass(frozen=True)
class Export:
    key: str
    url: str  # a URL name
    params: dict
    kwargs: object = None  # a function of nothing giving the URL's kwargs


def _first_pk(label: str, **filters):
    def kwargs():
        from django.apps import apps

        return {"pk": apps.get_model(label).objects.filter(**filters).order_by("pk").first().pk}

    return kwargs


EXPORTS = (
    Export("user", "accounts:user_export", {}),
    Export("lockout", "accounts:lockout_export", {}),
    Export("agency", "verifiers:agency_export", {}),
    Export("enterprise", "registry:enterprise_export", {}),
    Export("key_list", "registry:list_export", {}, lambda: {"year": 2026}),
    Export("public_list", "public:list_export", {}, lambda: {"year": 2025}),
    Export("ledger_grid", "reporting:ledger_grid_export", {"year": YEAR}),
    Export("report", "reporting:report_export", {}),
    Export("disclosure", "disclosure:export", {}),
    Export("factor", "reporting:factor_export", {}),
    Export("account", "allowances:account_export", {}),
    Export("account_entries", "allowances:account_entries_export", {},
           _first_pk("allowances.AllowanceAccount")),
    Export("surrender", "allowances:surrender_export", {}),
    Export("compliance", "allowances:compliance_export", {"cycle": YEAR}),
    Export("compliance_sorted", "allowances:compliance_export",
           {"cycle": YEAR, "ordering": "-remaining"}),
    Export("price", "allowances:price_export", {}),
    Export("penalty", "allowances:penalty_export", {"cycle": YEAR}),
    Export("allocation", "allowances:allocation_export", {"cycle": YEAR}),
    Export("plan", "allowances:plan_export", {}),
    Export("benchmark", "allowances:benchmark_export", {}),
    Export("band", "allowances:band_export", {}),
    Export("intensity", "allowances:intensity_export", {}),
    Export("statement", "allowances:statement_export", {},
           _first_pk("allowances.RegistryStatement")),
)


# --- growing the demo ------------------------------------------------------------------------


class DemoCopier:
    """The demo's rows, read once, copied for every round of growth."""

    def __init__(self):
        from allowances.models import (
            Allocation,
            AllowanceAccount,
            Holding,
            LedgerEntry,
            SurrenderRequest,
        )
        from registry.models import EmissionRecord, Enterprise, Facility, KeyEmitterListEntry
        from reporting.models import (
            AnnualReport,
            MonthlyLedger,
            MonthlyLedgerLine,
            ReportVersion,
        )

        # the demo's own enterprises, not earlier copies (a kept database)
        self.enterprises = list(Enterprise.objects.exclude(uscc__startswith=COPY_PREFIX).order_by("pk"))
        ids = [e.pk for e in self.enterprises]
        self.tables = [
            (Facility, Facility.objects.filter(enterprise__in=ids), {"enterprise_id": "e"}, "f"),
            (EmissionRecord, EmissionRecord.objects.filter(enterprise__in=ids), {"enterprise_id": "e"}, None),
            (MonthlyLedger, MonthlyLedger.objects.filter(enterprise__in=ids),
             {"enterprise_id": "e", "facility_id": "f"}, "ml"),
            (MonthlyLedgerLine, MonthlyLedgerLine.objects.filter(ledger__enterprise__in=ids),
             {"ledger_id": "ml"}, None),
            (AnnualReport, AnnualReport.objects.filter(enterprise__in=ids), {"enterprise_id": "e"}, "r"),
            (ReportVersion, ReportVersion.objects.filter(report__enterprise__in=ids), {"report_id": "r"}, "v"),
            (AllowanceAccount, AllowanceAccount.objects.filter(enterprise__in=ids), {"enterprise_id": "e"}, "a"),
            (Holding, Holding.objects.filter(account__enterprise__in=ids), {"account_id": "a"}, "h"),
            (LedgerEntry, LedgerEntry.objects.filter(holding__account__enterprise__in=ids,
                                                     reverses__isnull=True), {"holding_id": "h"}, None),
            (Allocation, Allocation.objects.filter(enterprise__in=ids), {"enterprise_id": "e"}, None),
            (SurrenderRequest, SurrenderRequest.objects.filter(account__enterprise__in=ids),
             {"account_id": "a"}, None),
            # published lists too (past the freeze trigger: the copies' history), so the copies
            # are key emitters of the cycles as their originals are
            (KeyEmitterListEntry, KeyEmitterListEntry.objects.filter(enterprise__in=ids),
             {"enterprise_id": "e"}, None),
        ]
        self.rows = {model: list(qs.order_by("pk")) for model, qs, _fks, _name in self.tables}
        # the report's current version points forward: set once the versions exist
        self.current = {r.pk: r.current_version_id for r in self.rows[AnnualReport]}

    def grow(self, start: int, count: int) -> None:
        """Copy the first ``count`` demo enterprises with their rows, numbered from ``start``."""
        from accounts.models import Membership, User
        from allowances.models import LedgerEntry
        from reporting.models import AnnualReport
        from zhongwei_carbon.roles import Role
        from zhongwei_carbon.uscc import make as make_uscc

        sources = self.enterprises[:count]
        maps: dict[str, dict[int, int]] = {}
        news = []
        for i, e in enumerate(sources):
            new = copy.copy(e)
            new.pk = None
            new.uscc = make_uscc(f"{COPY_PREFIX}{start + i:08d}")
            new.name = f"{e.name}（{start + i}）"
            news.append(new)
        type(sources[0]).objects.bulk_create(news)
        maps["e"] = {old.pk: new.pk for old, new in zip(sources, news, strict=True)}
        for model, _qs, fks, name in self.tables:
            pairs = []
            for row in self.rows[model]:
                if any(getattr(row, attr) is not None and getattr(row, attr) not in maps[m]
                       for attr, m in fks.items()):
                    continue  # belongs to an enterprise not copied this round
                new = copy.copy(row)
                new.pk = None
                for attr, m in fks.items():
                    if getattr(row, attr) is not None:
                        setattr(new, attr, maps[m][getattr(row, attr)])
                if model is AnnualReport:
                    new.current_version_id = None
                if model is LedgerEntry:
                    new.chain_seq, new.prev_hash, new.row_hash = None, "", ""  # sealed at commit
                if hasattr(new, "enterprise_name"):
                    enterprise = news[list(maps["e"].values()).index(new.enterprise_id)]
                    new.enterprise_name, new.uscc = enterprise.name, enterprise.uscc
                pairs.append((row, new))
            with pgtrigger.ignore("registry.KeyEmitterListEntry:published_entries_frozen_ins"):
                model.objects.bulk_create([new for _row, new in pairs], batch_size=1000)
            if name:
                maps[name] = {row.pk: new.pk for row, new in pairs}
        reports = []
        for old_pk, new_pk in maps.get("r", {}).items():
            if self.current.get(old_pk):
                reports.append(AnnualReport(pk=new_pk,
                                            current_version_id=maps["v"][self.current[old_pk]]))
        AnnualReport.objects.bulk_update(reports, ["current_version_id"])
        self._requests_and_cases(maps["a"], news)
        users = User.objects.bulk_create(
            User(username=f"bench{start + i}", full_name=f"填报人{start + i}")
            for i in range(len(news))
        )
        Membership.objects.bulk_create(
            Membership(user=u, role=Role.ENTERPRISE_USER, enterprise=e)
            for u, e in zip(users, news, strict=True)
        )

    def _requests_and_cases(self, accounts: dict[int, int], enterprises) -> None:
        """The demo has no surrender request and one penalty case: one of each per copied
        account (as ``tests/allowances/test_query_counts.py`` makes them)."""
        from decimal import Decimal

        from accounts.models import User
        from allowances.models import (
            AllowanceAccount,
            ComplianceCycle,
            PenaltyCase,
            SurrenderRequest,
        )

        admin = User.objects.get(username="admin")
        cycle = ComplianceCycle.objects.get(year=YEAR)
        owners = dict(AllowanceAccount.objects.filter(pk__in=accounts.values())
                      .values_list("pk", "enterprise_id"))
        SurrenderRequest.objects.bulk_create(
            SurrenderRequest(account_id=pk, cycle=cycle, cea=[[YEAR, 10]], requested_by=admin)
            for pk in accounts.values()
        )
        PenaltyCase.objects.bulk_create(
            PenaltyCase(cycle=cycle, enterprise_id=owners[pk], tonnes_short=10,
                        price=Decimal("80"), fine_min=Decimal("4000"), fine_max=Decimal("8000"),
                        next_year_cut=10, opened_by=admin)
            for pk in accounts.values()
        )


def _grow_to(demo: DemoCopier, target: int) -> None:
    from registry.models import Enterprise

    started = time.perf_counter()
    have = Enterprise.objects.count()
    while have < target:
        count = min(len(demo.enterprises), target - have)
        with transaction.atomic():
            demo.grow(have, count)
        have += count
    print(f"(grown to {have:,} enterprises in {time.perf_counter() - started:.0f} s)")


def _sizes_line() -> str:
    from allowances.models import AllowanceAccount
    from registry.models import Enterprise, Facility
    from reporting.models import AnnualReport, MonthlyLedger

    counts = [(m._meta.verbose_name_plural, m.objects.count())
              for m in (Enterprise, Facility, MonthlyLedger, AnnualReport, AllowanceAccount)]
    return ", ".join(f"{n:,} {name}" for name, n in counts)


# --- measuring --------------------------------------------------------------------------------


@contextmanager
def _query_count():
    counter = [0]

    def count(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


def _download(client, export: Export, out) -> int:
    """Fetch the export and write its bytes to ``out`` the way a server sends them."""
    from django.urls import reverse

    kwargs = export.kwargs() if export.kwargs else {}
    response = client.get(reverse(export.url, kwargs=kwargs), export.params)
    if response.status_code != 200:
        raise SystemExit(f"{export.key}: HTTP {response.status_code}")
    if response.streaming:
        for chunk in response.streaming_content:
            out.write(chunk)
    else:
        out.write(response.content)
    response.close()
    return out.tell()


def _rows(path: str) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        # the data rows below each sheet's header
        return sum(max(sum(1 for _row in ws.iter_rows(values_only=True)) - 1, 0)
                   for ws in wb.worksheets)
    finally:
        wb.close()


@dataclass
class Figures:
    rows: int
    seconds: float
    peak: int
    queries: int
    size: int


def _measure(client, export: Export) -> Figures:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        gc.collect()
        started = time.perf_counter()
        with _query_count() as queries:
            size = _download(client, export, out)
        seconds = time.perf_counter() - started
        out.seek(0)
        out.truncate()
        gc.collect()
        tracemalloc.start()
        _download(client, export, out)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out.flush()
        return Figures(_rows(out.name), seconds, peak, queries[0], size)


def _client():
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def _chosen() -> list[Export]:
    only = [k for k in os.environ.get("BENCH_ONLY", "").split(",") if k]
    return [e for e in EXPORTS if not only or e.key in only]


def _run(sizes) -> dict[int, dict[str, Figures]]:
    from django.core.management import call_command

    from registry.models import Enterprise

    if not Enterprise.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        print(f"(demo seeded in {time.perf_counter() - started:.0f} s)")
    demo = DemoCopier()
    results = {}
    for size in sizes:
        _grow_to(demo, size)
        print(f"-- {size:,} enterprises: {_sizes_line()}")
        client = _client()
        figures = {}
        for export in _chosen():
            figures[export.key] = f = _measure(client, export)
            print(f"   {export.key:<18} {f.rows:>7,} rows {f.seconds:>7.2f} s "
                  f"{f.queries:>5} queries {f.peak / 2**20:>7.2f} MiB peak "
                  f"{f.size / 1024:>8.0f} KiB file", flush=True)
        results[size] = figures
    return results


def _summary(results, sizes) -> bool:
    small, large = sizes[0], sizes[-1]
    print(f"\n{'export':<18} {'rows':>15} {'time s':>15} {'ratio':>6} "
          f"{'peak MiB':>15} {'ratio':>6}  queries")
    ok = True
    for key, a in results[small].items():
        b = results[large][key]
        time_ratio = b.seconds / a.seconds if a.seconds else 0
        mem_ratio = b.peak / a.peak if a.peak else 0
        flat = mem_ratio <= MEMORY_GROWTH_LIMIT
        goal = key != "ledger_grid" or b.peak / 2**20 < LEDGER_GRID_GOAL_MIB
        ok &= flat and goal
        note = "" if flat else f"  GROWS (limit ×{MEMORY_GROWTH_LIMIT})"
        if not goal:
            note += f"  over the {LEDGER_GRID_GOAL_MIB:.0f} MiB goal"
        print(f"{key:<18} {a.rows:>7,}/{b.rows:>7,} {a.seconds:>7.2f}/{b.seconds:>7.2f} "
              f"×{time_ratio:>5.1f} {a.peak / 2**20:>7.2f}/{b.peak / 2**20:>7.2f} "
              f"×{mem_ratio:>5.2f}  {a.queries}/{b.queries}{note}")
    print(f"goals (peak memory ×≤{MEMORY_GROWTH_LIMIT} from {small:,} to {large:,} enterprises, "
          f"ledger grid < {LEDGER_GRID_GOAL_MIB:.0f} MiB): {'met' if ok else 'NOT met'}")
    return ok


def main() -> int:
    from django.conf import settings

    settings.DEBUG = False  # no query log: it would grow with the rows
    sizes = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "").split(",") if s) or SIZES
    keep = os.environ.get("BENCH_KEEPDB") == "1"
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_exports"
    connection.creation.create_test_db(verbosity=0, autoclobber=not keep, keepdb=keep)
    try:
        results = _run(sizes)
    finally:
        if keep:
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    if len(sizes) < 2:
        return 0
    return 0 if _summary(results, sizes) else 1


if __name__ == "__main__":
    raise SystemExit("run through `python -m bench` (it sets Django up)")
