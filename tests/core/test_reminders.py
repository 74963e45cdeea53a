"""Deadline reminders (issue 15): each recipient is reminded once per item, deadline date
and offset; done items get none; a moved deadline starts over for its new date; working-day
offsets skip weekends and holidays; an enterprise's reminders reach its own users only."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from zhongwei_carbon.models import Notification, Reminder
from zhongwei_carbon.reminders import rules
from zhongwei_carbon.reminders.service import send_reminders
from zhongwei_carbon.workdays import Calendar

pytestmark = pytest.mark.django_db

DUE = date(2026, 3, 31)  # the 2025 annual report (Tuesday)


def _enterprise_with_user(name, username):
    e = f.EnterpriseFactory(name=name)
    user = f.make_member(username, f.Role.ENTERPRISE_USER, enterprise=e)
    return e, user


@pytest.fixture
def two_listed():
    f.verification_reporting_year(2025)  # report due 2026-03-31
    a, ua = _enterprise_with_user("宁夏甲电力有限公司", "rem_a")
    b, ub = _enterprise_with_user("宁夏乙化工有限公司", "rem_b")
    f.listed(2025, a, b)
    return a, ua, b, ub


def _notes(user, kind=""):
    return list(Notification.objects.filter(recipient=user, key__startswith=f"reminder:{kind}"))


# --- offsets (pure) ------------------------------------------------------------------------


def test_offsets_calendar_days():
    rule = rules.OffsetRule(offsets=(-30, -7, -1, 0, 1))
    cal = Calendar()
    assert rules.offset_due(DUE, DUE - timedelta(days=31), rule, cal) is None
    assert rules.offset_due(DUE, DUE - timedelta(days=30), rule, cal) == -30
    assert rules.offset_due(DUE, DUE - timedelta(days=8), rule, cal) == -30  # a missed run
    assert rules.offset_due(DUE, DUE - timedelta(days=7), rule, cal) == -7
    assert rules.offset_due(DUE, DUE, rule, cal) == 0
    assert rules.offset_due(DUE, DUE + timedelta(days=1), rule, cal) == 1
    assert rules.offset_due(DUE, DUE + timedelta(days=2), rule, cal) is None


def test_working_day_offsets_skip_weekends_and_holidays():
    # due Fri 2025-10-10; 1–8 Oct off, Sunday 28 Sep worked: counting back, Thu 9 Oct (1),
    # Tue 30 Sep (2), Mon 29 (3), Sun 28 (4); the day after is Mon 13 (Sat 11 not worked here).
    cal = Calendar(holidays=frozenset(date(2025, 10, d) for d in range(1, 9)),
                   workdays=frozenset({date(2025, 9, 28)}))
    rule = rules.OffsetRule(offsets=(-4, -3, -1, 0, 1), working=True)
    due = date(2025, 10, 10)
    assert rules.fire_date(due, -4, rule, cal) == date(2025, 9, 28)
    assert rules.fire_date(due, -3, rule, cal) == date(2025, 9, 29)
    assert rules.fire_date(due, -1, rule, cal) == date(2025, 10, 9)
    assert rules.fire_date(due, 1, rule, cal) == date(2025, 10, 13)
    assert rules.offset_due(due, date(2025, 10, 5), rule, cal) == -3  # holiday: still −3
    assert rules.offset_due(due, date(2025, 10, 9), rule, cal) == -1


# --- the job -------------------------------------------------------------------------------


def test_twice_reminds_once_each_and_only_own_users(two_listed, django_capture_on_commit_callbacks):
    a, ua, b, ub = two_listed
    ua.email = "a@example.com"
    ua.save()
    other, uo = _enterprise_with_user("未列入企业", "rem_other")  # not on the 2025 list
    day = DUE - timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders(today=day)
        second = send_reminders(today=day)
    assert first["annual-report"] == 2 and second["annual-report"] == 0
    [na] = _notes(ua, "annual-report")
    [nb] = _notes(ub, "annual-report")
    assert "宁夏甲电力有限公司" in na.subject and "宁夏乙化工有限公司" not in na.subject
    assert "宁夏乙化工有限公司" in nb.subject
    assert _notes(uo) == []
    assert Reminder.objects.filter(kind="annual-report").count() == 2
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_done_items_get_none(two_listed):
    a, ua, b, ub = two_listed
    f.ledger_reporting_year(2026, upload=20)  # March 2026 ledgers due 2026-04-20
    fa = f.FacilityFactory(enterprise=a, name="1号锅炉")
    fb = f.FacilityFactory(enterprise=b, name="2号锅炉")
    f.listed(2026, a, b)
    f.ledger_make(fa, year=2026, month=3, status="submitted")
    f.ledger_make(fb, year=2026, month=3, status="draft")  # saved, not submitted
    send_reminders(today=date(2026, 4, 19))
    assert _notes(ua, "ledger-upload") == []
    [nb] = _notes(ub, "ledger-upload")
    assert "2号锅炉" in nb.body and nb.link == "/reporting/ledgers/"


def test_moved_deadline_gets_the_later_offsets_for_its_new_date(two_listed):
    a, ua, b, ub = two_listed
    send_reminders(today=DUE - timedelta(days=7))
    from reporting.models import ReportingYear

    ReportingYear.objects.filter(year=2025).update(report_due=DUE + timedelta(days=30))
    send_reminders(today=DUE)  # the old due day: T−30 of the new date
    send_reminders(today=DUE + timedelta(days=23))  # T−7 of the new date
    got = sorted(Reminder.objects.filter(recipient=ua).values_list("deadline", "offset"))
    assert got == [(DUE, -7), (DUE + timedelta(days=30), -30), (DUE + timedelta(days=30), -7)]
    assert len(_notes(ua)) == 3


def test_surrender_says_the_tonnes_still_owed_to_listed_enterprises_only():
    a, ua = _enterprise_with_user("宁夏丙钢铁有限公司", "rem_c")
    b, ub = _enterprise_with_user("宁夏丁建材有限公司", "rem_d")
    f.obliged(a, 2025, Decimal("144120.3"))  # owes 144,121 t
    f.EmissionRecordFactory(enterprise=b, year=2025, emissions_tco2e=Decimal("90000"))  # not listed
    deadline = date(2026, 12, 31)
    f.cycle_with_deadline(2025, deadline)
    counts = send_reminders(today=deadline - timedelta(days=1))
    assert counts["surrender"] == 1
    [note] = _notes(ua, "surrender")
    assert note.body == "尚欠 144,121 吨" and "宁夏丙钢铁有限公司" in note.subject
    assert "还有 1 天到期" in note.subject
    assert _notes(ub) == []


def test_queries_are_constant_per_kind():
    f.verification_reporting_year(2025)

    def run(n, offset_day):
        Notification.objects.all().delete()
        Reminder.objects.all().delete()
        es = []
        for i in range(n):
            e, _u = _enterprise_with_user(f"企业{n}-{i}", f"rem_q{n}_{i}")
            es.append(e)
        f.listed(2025, *es)
        with CaptureQueriesContext(connection) as ctx:
            send_reminders(today=offset_day)
        return len(ctx.captured_queries), Notification.objects.count()

    small, sent_small = run(10, DUE - timedelta(days=7))
    large, sent_large = run(100, DUE - timedelta(days=7))
    assert sent_small == 10 and sent_large == 110  # the list holds both batches
    assert small == large


def test_command_and_beat():
    with pytest.raises(CommandError):
        call_command("send_reminders", "--today", "2026-13-01")
    call_command("send_reminders", "--today", "2026-03-24")
    entry = settings.CELERY_BEAT_SCHEDULE["core-send-reminders"]
    assert entry["task"] == "core.send_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {30})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_task_run_twice_reminds_once(two_listed, monkeypatch):
    from zhongwei_carbon import tasks

    a, ua, b, ub = two_listed
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: DUE)
    assert tasks.send_reminders.apply().get() == 2  # a retried or duplicated run:
    assert tasks.send_reminders.apply().get() == 0  # nothing again
    assert [n.subject for n in _notes(ua)] == ["宁夏甲电力有限公司 2025 年度排放报告 今天到期（2026-03-31）"]
