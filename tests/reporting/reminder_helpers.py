"""Helpers of the reporting reminder tests: a day's reminders of one kind as the personas
received them, and the queries a source spends on its items."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.notified import Got, notified
from zhongwei_carbon.reminders.service import send_reminders

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10) -> datetime:
    """A moment of ``day`` in Asia/Shanghai (what the services store, in UTC)."""
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


class KindGot(Got):
    """The new notices of one reminder kind only."""

    def __init__(self, personas, since: int, kind: str):
        super().__init__(personas, since)
        self.kind = kind

    @property
    def notes(self):
        return [n for n in super().notes if n.key.startswith(f"reminder:{self.kind}:")]


def remind(personas, kind: str, today) -> KindGot:
    """Run the day's job; what it sent for deadline ``kind``."""
    with notified(personas) as got:
        send_reminders(today=today)
    return KindGot(personas, got.since, kind)


def source_queries(fetch, today) -> tuple[int, list]:
    """The queries ``fetch(today)`` spends to yield every item with its recipients."""
    with CaptureQueriesContext(connection) as ctx:
        items = list(fetch(today))
        for due in items:
            [u.pk for u in due.recipients]
            str(due.title), str(due.todo), due.url
    return len(ctx.captured_queries), items
