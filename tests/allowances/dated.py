"""Run code on a given Asia/Shanghai day: ledger entries (and anything stamped with
``timezone.now``) get that date, the way the Art. 24 rules date surrenders."""

from contextlib import contextmanager
from datetime import datetime, time
from unittest import mock
from zoneinfo import ZoneInfo


@contextmanager
def on(day):
    """Run what is inside on ``day`` (noon, Asia/Shanghai)."""
    moment = datetime.combine(day, time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
