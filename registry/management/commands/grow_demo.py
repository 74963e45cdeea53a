"""``manage.py grow_demo --enterprises 5000``: grow a seeded demo database to a city-sized copy
(issue 11 §9), for the scale bench (``bench/scale.py``). Not run by ``make demo``.

Run ``manage.py seed_demo`` first. The registry part is ``registry/demo_grow.py``; the apps
above add theirs through a ``demo_grow`` module (``grow(actor=, grown=, stdout=)``), as
``seed_demo`` finds their ``demo_seed``. Idempotent: it adds the enterprises missing to reach
the number asked for (the same ones whether grown at once or in steps) and nothing when there
are that many already. One transaction: a failure leaves the database as it was. Ends with
``ANALYZE`` (also when there was nothing to grow), so that the planner knows the sizes.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import module_has_submodule

from accounts.models import User
from registry import demo_grow
from registry.models import Area, EmissionRecord, Enterprise, Facility


def analyze() -> None:
    """Planner statistics for every table, as after any bulk load. Until autovacuum comes
    round (never, on a server that runs without it) the planner takes the grown tables for
    nearly empty: a county's allocation list then joined every allocation of the cycle to
    every enterprise of the county in a nested loop (450 ms at 5,000 enterprises, 4 ms
    with statistics)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Grow the seeded demo to N enterprises for the scale bench (run seed_demo first)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enterprises", type=int, default=5000,
            help="How many enterprises the database should hold afterwards (default 5000).",
        )

    def handle(self, *args, **options):
        target = options["enterprises"]
        actor = User.objects.filter(username="admin").first()
        if actor is None or not Area.objects.exists():
            raise CommandError("No demo data here: run `manage.py seed_demo` first.")
        started = time.perf_counter()
        with transaction.atomic():
            grown = demo_grow.grow(actor=actor, target=target)
            if grown.enterprises:
                for config in apps.get_app_configs():
                    if config.name == "registry" or not module_has_submodule(config.module, "demo_grow"):
                        continue
                    import_module(f"{config.name}.demo_grow").grow(
                        actor=actor, grown=grown, stdout=self.stdout
                    )
                demo_grow.redraft(actor=actor)  # last: the 2025 figures are final by now
        analyze()
        elapsed = time.perf_counter() - started
        if not grown.enterprises:
            self.stdout.write(f"Nothing to grow: {Enterprise.objects.count()} enterprises already "
                              f"(asked for {target}).")
            return
        self.stdout.write(
            f"Grown by {len(grown.enterprises)} enterprises ({len(grown.listed)} at or above the "
            f"listing threshold) in {elapsed:.1f} s: now {Enterprise.objects.count()} enterprises, "
            f"{Facility.objects.count()} facilities, {EmissionRecord.objects.count()} annual records."
        )
