"""The programme's demo data (``manage.py seed_demo`` calls ``seed``; idempotent): each topic
seeds its own, in an order where later topics may use earlier ones (tasks come last: their
progress reports cite the other topics' figures)."""

from importlib import import_module

ORDER = ("departments", "training", "targets", "ccer", "finance", "tasks")


def seed(*, actor, stdout) -> None:
    for topic in ORDER:
        import_module(f"programme.demo.{topic}").seed(actor=actor, stdout=stdout)
