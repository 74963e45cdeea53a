"""Bench: the portal at city scale (issue 11 §9): ``make bench BENCH=scale``.

On a database of its own (never the one you work in): ``<name>_scale_demo`` is migrated and
seeded (``seed_demo``), ``<name>_scale`` is copied from it and grown to SCALE_ENTERPRISES
(``grow_demo``). Every list page, form with city-wide choices, export, dashboard-like page and
API list (``bench/scale_targets.py``, found from the URL conf) is requested through the full
middleware stack as the bureau administrator (``admin``), and the county-scoped ones also as a
county official (``zhongning``), on both databases, the requests to the two interleaved so the
machine's load hits both alike. Printed per target: the median time of SCALE_RUNS requests at
demo size and at scale, their ratio, the query count and response
size at both, peak Python memory (tracemalloc) of exports, and for each API list a bare DRF
list view over the same model (``ModelSerializer`` of all fields, same pagination) and the
ratio to it. A FAIL summary ends the report (the goals of issue 11):

- a page whose time grows more than ×2 while its query count stays flat (or whose query
  count grows with the rows: an N+1);
- an API list slower than 1.5 × the bare view at scale;
- an export whose peak memory is not flat (more than ×2 from demo size, above 2 MiB), and the
  ledger grid export at or above 10 MiB.

Knobs (environment): SCALE_ENTERPRISES (5000), SCALE_RUNS (3), SCALE_BASE (the size of the
"demo" side: 0, the demo as seeded, 40 enterprises; e.g. 500 for export memory at 500 and
5,000), SCALE_REUSE=1 (keep both databases for the next run, and reuse them when present),
SCALE_ONLY=<substring> (only the targets whose URL name or path contains it). Timings on a shared machine are noisy: read
ratios, not milliseconds. Always exits 0: it is a report.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import statistics
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, set_urlconf

from bench import scale_targets as st

BUREAU, COUNTY = "admin", "zhongning"
TIME_GOAL = 2.0  # × demo time, for a page whose query count is flat
TIME_FLOOR_MS = 20.0  # a smaller difference is noise (or fixed cost), not a failure
BARE_GOAL = 1.5  # × the bare DRF view
MEMORY_GOAL = 2.0  # × the demo-size peak of an export
MEMORY_FLOOR = 2 * 2**20  # peaks below this are flat enough
LEDGER_GRID_LIMIT = 10 * 2**20
# "flat": at most this many more queries at scale (an empty table at demo size skips a few
# queries a filled one makes; an N+1 over a page of rows adds dozens)
FLAT_QUERIES = 5


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


@dataclass
class Figures:
    """One target, one user, one database."""

    status: int = 0
    ms: float | None = None
    queries: int | None = None
    size: int = 0
    peak: int | None = None
    bare_ms: float | None = None


@dataclass
class Row:
    target: st.Target
    user: str
    small: Figures = field(default_factory=Figures)
    big: Figures = field(default_factory=Figures)

    @property
    def label(self) -> str:
        return self.target.label + ("" if self.user == BUREAU else f" [{self.user}]")


# --- databases -------------------------------------------------------------------------------


def _exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _admin_sql(sql: str) -> None:
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(sql)


def _use(name: str) -> None:
    """Point the default connection at database ``name`` (connected on first use)."""
    from django.contrib.contenttypes.models import ContentType

    connection.close()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name
    ContentType.objects.clear_cache()


def _switch(name: str) -> None:
    """Between two timed requests: the other database, connected before the clock starts.
    (Content types are not re-read: the grown copy is a clone of the demo database.)"""
    if connection.settings_dict["NAME"] != name:
        connection.close()
        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def _counts() -> tuple[int, int]:
    """(enterprises, of which grown by ``grow_demo``) in the current database."""
    from registry.demo_grow import grown_enterprises
    from registry.models import Enterprise

    return Enterprise.objects.count(), grown_enterprises().count()


def _enterprises() -> int:
    return _counts()[0]


def _grow(target: int) -> str:
    out = io.StringIO()
    call_command("grow_demo", enterprises=target, stdout=out)
    return out.getvalue().splitlines()[-1]


def _prepare(base: str, base_size: int, target: int, reuse: bool) -> tuple[str, str]:
    """The demo database (seeded, grown to ``base_size`` if more than the seed) and its copy
    grown to ``target``; reused as they are with ``reuse`` when the demo one has that size."""
    small, big = f"{base}_scale_demo", f"{base}_scale"
    q = connection.ops.quote_name
    kept = False
    if reuse and _exists(small):
        _use(small)
        call_command("migrate", interactive=False, verbosity=0)
        total, grown = _counts()
        kept = total > 0 and grown == max(0, base_size - (total - grown))
    started = time.perf_counter()
    if not kept:
        for name in (big, small):
            _admin_sql(f"DROP DATABASE IF EXISTS {q(name)}")
        _admin_sql(f"CREATE DATABASE {q(small)}")
        _use(small)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        if base_size > _enterprises():
            _grow(base_size)
    from registry.management.commands.grow_demo import analyze

    analyze()  # both sides planned with statistics (grow_demo analyzes the grown one)
    print(f"demo database {small}: {_enterprises():,} enterprises "
          + ("(reused)" if kept else f"({time.perf_counter() - started:.0f} s to migrate and seed)"))
    if not (kept and _exists(big)):
        _admin_sql(f"DROP DATABASE IF EXISTS {q(big)}")
        _admin_sql(f"CREATE DATABASE {q(big)} TEMPLATE {q(small)}")
    _use(big)
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    outcome = _grow(target)
    print(f"grown database {big}: {_enterprises():,} enterprises "
          f"({time.perf_counter() - started:.0f} s to grow); {outcome}")
    return small, big


# --- measuring -----------------------------------------------------------------------------


def _consume(response) -> int:
    """Read the whole body (a streamed one chunk by chunk, never joined); its size."""
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return size


def _clients(databases: tuple[str, str]) -> dict[tuple[str, str], Client]:
    """A logged-in client per database and user (each database keeps its own sessions)."""
    from accounts.models import User

    clients = {}
    for name in databases:
        _use(name)
        for username in (BUREAU, COUNTY):
            client = Client(HTTP_ACCEPT="application/json,text/html;q=0.9")
            client.force_login(User.objects.get(username=username))
            clients[(name, username)] = client
    return clients


def _once(client: Client, url: str) -> float:
    started = time.perf_counter()
    _consume(client.get(url))
    return (time.perf_counter() - started) * 1000


def _measure(row: Row, clients, databases: tuple[str, str], runs: int) -> None:
    """Both sizes of one target, their requests interleaved (run 1 small, run 1 big, …), so a
    change in the machine's load hits both alike."""
    target = row.target
    figures = {name: Figures() for name in databases}
    client = {name: clients[(name, row.user)] for name in databases}
    bare = st.bare_url(target) if target.kind == "api" else None
    for name in databases:  # warm-up: status and size
        _switch(name)
        response = client[name].get(target.url)
        figures[name].status = response.status_code
        figures[name].size = _consume(response)
        if bare:
            _consume(client[name].get(bare))
    row.small, row.big = (figures[name] for name in databases)
    if any(f.status != 200 for f in figures.values()):
        return
    times = {name: [] for name in databases}
    bare_times = {name: [] for name in databases}
    for _ in range(runs):
        for name in databases:
            _switch(name)
            times[name].append(_once(client[name], target.url))
            if bare:
                bare_times[name].append(_once(client[name], bare))
    for name in databases:
        f = figures[name]
        f.ms = statistics.median(times[name])
        f.bare_ms = statistics.median(bare_times[name]) if bare else None
        _switch(name)
        with CaptureQueriesContext(connection) as queries:
            _consume(client[name].get(target.url))
        f.queries = len(queries)
        if target.kind == "export":
            gc.collect()
            tracemalloc.start()
            _consume(client[name].get(target.url))
            f.peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()


# --- the report ----------------------------------------------------------------------------


def _ratio(big, small) -> float | None:
    if big is None or small is None or small <= 0:
        return None
    return big / small


def verdicts(row: Row) -> list[str]:
    """Why the row fails the goals of issue 11 (empty: it meets them)."""
    s, b, t = row.small, row.big, row.target
    if s.status != 200 or b.status != 200:
        return []
    out = []
    ratio = _ratio(b.ms, s.ms)
    if t.name in st.WHOLE_BY_DESIGN or t.kind == "export":
        pass
    elif b.queries is not None and s.queries is not None and b.queries > s.queries + FLAT_QUERIES:
        out.append(f"queries grow {s.queries}→{b.queries}")
    elif ratio is not None and ratio > TIME_GOAL and b.ms - s.ms > TIME_FLOOR_MS:
        out.append(f"time ×{ratio:.1f} with flat queries")
    bare = _ratio(b.ms, b.bare_ms)
    if t.kind == "api" and bare is not None and bare > BARE_GOAL and b.ms - b.bare_ms > TIME_FLOOR_MS:
        out.append(f"×{bare:.1f} the bare DRF list")
    if t.kind == "export" and s.peak is not None and b.peak is not None:
        growth = _ratio(b.peak, s.peak)
        if growth is not None and growth > MEMORY_GOAL and b.peak > MEMORY_FLOOR:
            out.append(f"peak memory ×{growth:.1f} ({b.peak / 2**20:.1f} MiB)")
        if t.name == "reporting:ledger_grid_export" and b.peak >= LEDGER_GRID_LIMIT:
            out.append(f"ledger grid export {b.peak / 2**20:.1f} MiB ≥ 10 MiB")
    return out


def _fmt(value, spec: str) -> str:
    """``value`` in ``spec`` (width first, e.g. ``8.0f``), or a dash as wide."""
    return f"{'-':>{int(spec.split('.')[0])}}" if value is None else format(value, spec)


def _size(n: int) -> str:
    return f"{n / 1024:.0f}K" if n < 2**20 else f"{n / 2**20:.1f}M"


def report(rows: list[Row], sizes: tuple[int, int]) -> list[tuple[str, list[str]]]:
    small_n, big_n = sizes
    head = (f"{'target':<46} {'demo ms':>8} {f'{big_n} ms':>9} {'ratio':>6} {'queries':>9} "
            f"{'size':>12} {'peak MiB':>11} {'bare ms':>8} {'×bare':>6}  verdict")
    failures = []
    for kind in ("page", "form", "export", "api"):
        chosen = [r for r in rows if r.target.kind == kind]
        if not chosen:
            continue
        print(f"\n{kind.upper()}S (demo: {small_n:,} enterprises; scale: {big_n:,})")
        print(head)
        for row in chosen:
            s, b = row.small, row.big
            if s.status != 200 or b.status != 200:
                print(f"{row.label:<46} HTTP {s.status} / {b.status}: not measured")
                continue
            fails = verdicts(row)
            failures += [(row.label, fails)] if fails else []
            note = "; ".join(fails) if fails else st.WHOLE_BY_DESIGN.get(row.target.name, "ok")
            peak = (f"{s.peak / 2**20:.1f}→{b.peak / 2**20:.1f}" if s.peak is not None
                    and b.peak is not None else "-")
            print(
                f"{row.label:<46} {_fmt(s.ms, '8.0f')} {_fmt(b.ms, '9.0f')} "
                f"{_fmt(_ratio(b.ms, s.ms), '6.1f')} {f'{s.queries}→{b.queries}':>9} "
                f"{f'{_size(s.size)}→{_size(b.size)}':>12} {peak:>11} {_fmt(b.bare_ms, '8.0f')} "
                f"{_fmt(_ratio(b.ms, b.bare_ms), '6.1f')}  {'FAIL: ' if fails else ''}{note}"
            )
    return failures


def main() -> int:
    settings.DEBUG = False  # no query log (CaptureQueriesContext counts where asked)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
    enterprises = _env_int("SCALE_ENTERPRISES", 5000)
    base_size = _env_int("SCALE_BASE", 0) if os.environ.get("SCALE_BASE", "0") != "0" else 0
    runs = _env_int("SCALE_RUNS", 3)
    reuse = os.environ.get("SCALE_REUSE", "") == "1"
    only = os.environ.get("SCALE_ONLY", "")
    base = connection.settings_dict["NAME"]
    chosen = [t for t in st.targets() if not only or only in t.label or only in t.url]
    rows = [Row(t, BUREAU) for t in chosen] + [Row(t, COUNTY) for t in chosen if t.county]
    rows.sort(key=lambda r: (r.target.kind, r.target.name, r.target.query, r.user != BUREAU))
    from bench import scale_urls

    scale_urls.urlpatterns[:0] = st.bare_patterns([t for t in chosen if t.kind == "api"])
    old_urlconf = settings.ROOT_URLCONF
    settings.ROOT_URLCONF = "bench.scale_urls"
    clear_url_caches()
    set_urlconf(None)
    small = big = None
    request_log = logging.getLogger("django.request")
    level, request_log.level = request_log.level, logging.ERROR  # 403/404 of a role: a row note
    try:
        small, big = _prepare(base, base_size, enterprises, reuse)
        print(f"{len(rows)} targets × {runs} runs (median), on a shared machine: timings are noisy")
        sizes = []
        for name in (small, big):
            _use(name)
            sizes.append(_enterprises())
        clients = _clients((small, big))
        for row in rows:
            _measure(row, clients, (small, big), runs)
            print(".", end="", flush=True)
        print()
    finally:
        request_log.setLevel(level)
        _use(base)
        settings.ROOT_URLCONF = old_urlconf
        clear_url_caches()
        if not reuse:
            for name in (big, small):
                if name:
                    _admin_sql(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
    failures = report(rows, tuple(sizes))
    print(f"\nGoals (issue 11): a page within ×{TIME_GOAL:.0f} of its demo time while its queries "
          f"stay flat; an API list ≤ {BARE_GOAL}× a bare DRF list; an export's peak memory flat "
          f"(≤ ×{MEMORY_GOAL:.0f}), the ledger grid export < 10 MiB.")
    if failures:
        print(f"FAIL: {len(failures)} of {len(rows)} targets miss a goal:")
        for label, reasons in failures:
            print(f"  {label}: {'; '.join(reasons)}")
    else:
        print(f"All {len(rows)} targets meet the goals.")
    return 0


if __name__ == "__main__":
    raise SystemExit("run through `python -m bench scale` (it sets Django up)")
