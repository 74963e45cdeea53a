"""Deadline reminders (issue 15): a registry of deadline sources and the daily job.

Higher apps register, from their AppConfig.ready, a source per deadline kind
(``register(kind, label, source)``); ``source(today)`` yields ``Due`` items. The core job
(``reminders.service.send_reminders``) works out which offset (``rules.py``) is due today
and notifies each recipient once per item, deadline date and offset (``Reminder``).
A source must read its items in a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# how far back a source keeps yielding items whose deadline has passed: an item not done
# stays to do (no new reminder once its offsets are past), and one done late comes as done so
# that its to-dos are resolved
LOOK_BEHIND = timedelta(days=400)

# ``Due.area_id`` of an item whose escalation goes to the bureau only (no area's officials)
NO_AREA = 0


@dataclass(frozen=True)
class Due:
    kind: str
    object: object  # a model instance (the reminder's subject)
    recipients: tuple  # users
    deadline: date
    title: str  # what is due, with names ("2025 年度排放报告（某某公司）")
    todo: str  # what is left to do, one short sentence with names ("尚欠 144,120 吨")
    url: str  # where it is done
    done: bool = False
    # escalation of an overdue item (rules.OffsetRule.escalate_after): to the officials of
    # this area (the object's own ``area_id`` when not given; ``NO_AREA``: the bureau only)
    # and to the bureau, once each; off for work the bureau itself owes
    area_id: int | None = None
    escalate: bool = True
    # which of the object's items this is, when one object has several (an enterprise's
    # ledger of a month, its report of a year): "2026-01", "2025"
    part: str = ""

    @property
    def area(self) -> int | None:
        return self.area_id if self.area_id is not None else getattr(self.object, "area_id", None)


@dataclass(frozen=True)
class Source:
    kind: str
    fetch: Callable[[date], Iterable[Due]] = field(compare=False)
    topic: str = "other"  # models.Topic: the inbox filter and the mail preference


_sources: dict[str, Source] = {}


def register(kind: str, fetch: Callable[[date], Iterable[Due]], topic: str = "other") -> Callable:
    """Register ``fetch(today)`` as the source of deadline kind ``kind`` (once per kind);
    ``topic`` is a ``models.Topic`` value."""
    _sources[kind] = Source(kind, fetch, str(topic))
    return fetch


def sources() -> list[Source]:
    return [_sources[k] for k in sorted(_sources)]


def enterprise_users(enterprise_ids) -> dict[int, tuple]:
    """Active enterprise users by enterprise id (one query): the people an enterprise's
    reminders go to, never another enterprise's."""
    from zhongwei_carbon.reminders.people import by_scope
    from zhongwei_carbon.roles import Role

    return by_scope("enterprise_id", enterprise_ids, [Role.ENTERPRISE_USER])
