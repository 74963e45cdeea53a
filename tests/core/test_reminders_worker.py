"""Deadline reminders through a real Celery worker and beat against Redis (issue 15).

Beat runs the job every second on today's date: each recipient gets the one reminder due
today, once, however many runs. Then the scripted report's season (six weeks before its
deadline to two weeks after: every offset and the escalation, with quiet days on either side)
goes through the worker day by day, each day queued twice (a duplicated or retried delivery)
on two worker processes; halfway an enterprise submits its report. Every reminder of the
season arrives exactly once (inbox and e-mail), the submitted report's later ones never.
(Which offset falls on which day, for every kind, is the in-process tests' job.) Skips
without Redis, except under CI.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories as f
from tests.core.test_celery_worker import BASE_DIR, _base_env, redis_url  # noqa: F401
from zhongwei_carbon.models import Notification, Reminder
from zhongwei_carbon.reminders import rules

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

YEAR = 2030  # the scripted reports: due 2031-03-31, far from the beat's real today
DUE = date(YEAR + 1, 3, 31)
SUBMITTED_ON = DUE - timedelta(days=5)  # enterprise B, between T−7 and T−1

WORKER = """
import sys, django
django.setup()
from zhongwei_carbon.celery import app
queue, mode, schedule = sys.argv[1], sys.argv[2], sys.argv[3]
app.conf.task_default_queue = queue
app.conf.beat_schedule = {"reminders-every-second": {
    "task": "core.send_reminders", "schedule": 1.0, "options": {"queue": queue}}}
if mode == "beat":
    app.Beat(schedule=schedule, loglevel="WARNING").run()
else:
    app.worker_main(["worker", "--pool=prefork", "--concurrency=2", "-Q", queue,
                     "--hostname", queue + "@%h", "--without-gossip", "--without-mingle",
                     "--without-heartbeat", "--loglevel=WARNING"])
"""


def _start(mode, queue, env, tmp_path):
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, queue, mode, str(tmp_path / "beat-schedule")],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _stop(proc) -> str:
    proc.terminate()
    try:
        return proc.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0]


def _mails(folder: Path) -> list[str]:
    """The recipients of every e-mail the file backend wrote (one entry per message)."""
    found = []
    for path in folder.glob("*.log"):
        found += re.findall(r"^To: (.+)$", path.read_text(), flags=re.M)
    return sorted(found)


def _wait(condition, timeout=60, every=0.5):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(every)
    return False


def _owing(name, area, username, email, year):
    e = f.EnterpriseFactory(name=name, area=area)
    user = f.make_member(username, f.Role.ENTERPRISE_USER, enterprise=e)
    user.email = email
    user.save()
    f.listed(year, e)
    return e, user


def test_beat_and_worker_send_a_scripted_season_exactly_once(redis_url, tmp_path):  # noqa: F811
    from celery import Celery

    from reporting.models import ReportingYear

    area_a, area_b = f.area("640502"), f.area("640521")
    # today's item, for the beat: a 2025-style report due in 7 days (T−7 today)
    today = timezone.localdate()
    ReportingYear.objects.create(year=today.year - 1, report_due=today + timedelta(days=7),
                                 report_city_due=today + timedelta(days=90))
    _owing("宁夏今日电力有限公司", area_a, "beat_user", "beat@example.com", today.year - 1)
    # the scripted year's items
    f.verification_reporting_year(YEAR)
    a, ua = _owing("宁夏甲电力有限公司", area_a, "year_a", "a@example.com", YEAR)
    b, ub = _owing("宁夏乙化工有限公司", area_b, "year_b", "b@example.com", YEAR)
    official = f.make_member("official_a", f.Role.AREA_OFFICIAL, area=area_a)
    official_b = f.make_member("official_b", f.Role.AREA_OFFICIAL, area=area_b)
    bureau = f.make_member("bureau", f.Role.BUREAU_ADMIN)
    for user in (official, official_b, bureau):
        user.email = f"{user.username}@example.com"
        user.save()

    queue = f"zw-reminders-{uuid.uuid4().hex[:10]}"
    mail_dir = tmp_path / "mail"
    db = connection.settings_dict
    env = _base_env(
        CELERY_BROKER_URL=redis_url, CELERY_RESULT_BACKEND=redis_url,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(mail_dir),
    )
    worker = _start("worker", queue, env, tmp_path)
    beat = _start("beat", queue, env, tmp_path)
    client = Celery("zw-reminders-client", broker=redis_url, backend=redis_url)
    logs = ""
    try:
        # 1. beat: every second, today's reminder, once
        assert _wait(lambda: _mails(mail_dir) == ["beat@example.com"]), "beat sent nothing"
        time.sleep(4)  # four more runs
        logs += _stop(beat)
        assert Reminder.objects.filter(recipient__username="beat_user").count() == 1
        assert _mails(mail_dir) == ["beat@example.com"]

        # 2. the scripted season, each day queued twice
        def run(days):
            results = [client.send_task("core.send_reminders", kwargs={"today": d.isoformat()},
                                        queue=queue) for d in days for _twice in (1, 2)]
            for r in results:
                r.get(timeout=120)
                r.forget()

        days = [DUE + timedelta(days=n) for n in range(-42, 15)]  # T−42 … T+14
        run([d for d in days if d < SUBMITTED_ON])
        f.verification_report_passed(b, ub, year=YEAR)  # B submits
        run([d for d in days if d >= SUBMITTED_ON])
        expected_mails = 1 + 5 + 2 + 2  # today's; A: T−30…T+1; B: T−30, T−7; escalation
        assert _wait(lambda: len(_mails(mail_dir)) >= expected_mails, timeout=60)
        time.sleep(2)  # nothing more may come
    finally:
        logs += _stop(worker)
        if beat.poll() is None:
            logs += _stop(beat)
        client.close()

    rule = rules.rule_for("annual-report")
    got = sorted(Reminder.objects.filter(deadline=DUE).values_list(
        "recipient__username", "offset"))
    escalated = [("bureau", rules.ESCALATION), ("official_a", rules.ESCALATION)]
    assert got == sorted(
        [("year_a", o) for o in rule.offsets] + [("year_b", -30), ("year_b", -7)] + escalated
    ), logs
    # official_b's area owes nothing overdue: no escalation reaches it
    assert not Notification.objects.filter(recipient=official_b).exists()
    notes = Notification.objects.filter(key__contains=f":{DUE.isoformat()}:")
    assert notes.count() == len(got) and all(n.emailed_at for n in notes)
    assert _mails(mail_dir) == sorted(
        ["beat@example.com"] + ["a@example.com"] * 5 + ["b@example.com"] * 2
        + ["bureau@example.com", "official_a@example.com"]
    ), logs
    # the to-do list after the season: A's last reminder open (the escalations are notices),
    # B's resolved
    open_ = set(Notification.objects.filter(key__contains=f":{DUE.isoformat()}:", todo=True,
                                            resolved_at__isnull=True)
                .values_list("recipient__username", flat=True))
    assert open_ == {"year_a"}
