"""Bench: each role's dashboard (issue 16: the bureau's renders in under 150 ms in-process at
500 enterprises): ``make bench BENCH=dashboard``.

On databases of their own, as the scale bench builds them (``bench/scale.py``: the demo seeded
and grown to DASH_BASE (500) enterprises, a copy grown to DASH_ENTERPRISES (5,000)), ``/`` is
requested through the whole middleware stack as the bureau administrator, a county official,
an enterprise and an agency, the two sizes interleaved. Printed per role and size: the median
of DASH_RUNS requests, the query count and the page size; then, for the bureau, each panel
builder's median time at both sizes, so a slow panel is named. Knobs: DASH_BASE, DASH_ENTERPRISES,
DASH_RUNS (7), DASH_REUSE=1 (keep the databases and reuse them, shared with the scale bench's
SCALE_REUSE). Timings on a shared machine are noisy. Always exits 0: it is a report.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import scale

USERS = (("admin", "bureau"), ("zhongning", "county"), ("ent1", "enterprise"),
         ("agency1", "agency"))
TARGET_MS = 150.0  # the bureau's dashboard at 500 enterprises


def _env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _panel_times(user, runs: int) -> dict[str, float]:
    """Each of the user's panel builders, timed alone (median of ``runs``), in ms."""
    from dashboards import selectors as sel
    from dashboards.selectors.base import Context

    kind, subject = sel.kind_of(user)
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        ctx = Context(user=user, kind=kind, subject=subject, scope=sel.scope_of(user, subject),
                      today=_today())
        for build in sel.PANELS[kind]:
            started = time.perf_counter()
            build(ctx)
            times.setdefault(build.__name__, []).append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(t) for name, t in times.items()}


def _today():
    from django.utils import timezone

    return timezone.localdate()


def main() -> int:
    settings.DEBUG = False
    warnings.filterwarnings("ignore", message="No directory at")
    base_size = _env("DASH_BASE", 500)
    target = _env("DASH_ENTERPRISES", 5000)
    runs = _env("DASH_RUNS", 7)
    reuse = os.environ.get("DASH_REUSE", "") == "1"
    base = connection.settings_dict["NAME"]
    small = big = None
    rows, panels = [], {}
    try:
        small, big = scale._prepare(base, base_size, target, reuse)
        from accounts.models import User

        sizes, clients = {}, {}
        for name in (small, big):
            scale._use(name)
            sizes[name] = scale._enterprises()
            for username, _label in USERS:
                client = Client()
                client.force_login(User.objects.get(username=username))
                clients[(name, username)] = client
        for username, label in USERS:
            figures = {}
            for name in (small, big):  # warm-up, size and queries
                scale._switch(name)
                response = clients[(name, username)].get("/")
                assert response.status_code == 200, (username, response.status_code)
                size = scale._consume(response)
                with CaptureQueriesContext(connection) as queries:
                    scale._consume(clients[(name, username)].get("/"))
                figures[name] = {"size": size, "queries": len(queries), "times": []}
            for _ in range(runs):
                for name in (small, big):
                    scale._switch(name)
                    figures[name]["times"].append(scale._once(clients[(name, username)], "/"))
            rows.append((label, username, {n: {**f, "ms": statistics.median(f["times"])}
                                           for n, f in figures.items()}))
        admin = None
        for name in (small, big):
            scale._switch(name)
            admin = User.objects.get(username="admin")
            panels[name] = _panel_times(admin, runs)
    finally:
        scale._use(base)
        if not reuse:
            for name in (big, small):
                if name:
                    scale._admin_sql(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
    n_small, n_big = sizes[small], sizes[big]
    print(f"\n/ (dashboard), median of {runs} requests; on a shared machine timings are noisy")
    print(f"{'role':<11} {'user':<10} {n_small:>7,} ent. ms  queries  KiB   "
          f"{n_big:>7,} ent. ms  queries  KiB")
    for label, username, f in rows:
        s, b = f[small], f[big]
        print(f"{label:<11} {username:<10} {s['ms']:>12.1f} {s['queries']:>8} {s['size'] / 1024:>5.0f}"
              f"   {b['ms']:>12.1f} {b['queries']:>8} {b['size'] / 1024:>5.0f}")
    print(f"\nbureau panels (builder alone, ms): {n_small:,} / {n_big:,} enterprises")
    for name in panels[small]:
        print(f"  {name:<28} {panels[small][name]:>8.1f} {panels[big].get(name, 0):>8.1f}")
    bureau = rows[0][2][small]["ms"]
    verdict = "meets" if bureau < TARGET_MS else "MISSES"
    print(f"\nGoal: the bureau's dashboard under {TARGET_MS:.0f} ms at {n_small:,} enterprises: "
          f"{bureau:.1f} ms, {verdict} it.")
    return 0


if __name__ == "__main__":
    raise SystemExit("run through `python -m bench dashboard` (it sets Django up)")
