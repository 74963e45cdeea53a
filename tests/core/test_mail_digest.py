"""The daily e-mail digest (issue 15): at most one mail per user and day, listing the
digest notices not yet e-mailed, each with an absolute link; run twice → nothing twice."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import MailPreference
from zhongwei_carbon import tasks
from zhongwei_carbon.mail import digest_recipients, send_digest
from zhongwei_carbon.models import MailDigest, MailMode, Notification, Topic
from zhongwei_carbon.notifications import notify

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


@pytest.fixture
def digest_users(ent_a, ent_b, official_a, django_capture_on_commit_callbacks, settings):
    settings.PORTAL_URL = "https://carbon.example.gov.cn/"
    for user in (ent_a, ent_b, official_a):
        user.email = f"{user.username}@example.com"
        user.save()
        for topic in (Topic.REPORT, Topic.LEDGER):
            MailPreference.objects.create(user=user, topic=topic, mode=MailMode.DIGEST)
    official_a.email = ""  # no address: no digest
    official_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ent_a, ent_b, official_a], key="r:1", subject="2025年度排放报告被退回",
               topic=Topic.REPORT, link="/reporting/reports/1/")
        notify(recipients=[ent_a], key="l:1", subject="2026年5月台账待填报", topic=Topic.LEDGER)
        notify(recipients=[ent_a], key="s:1", subject="清缴已确认", topic=Topic.SURRENDER)
    assert [m.subject for m in mail.outbox] == ["清缴已确认"]  # immediate (default)
    mail.outbox.clear()
    return ent_a, ent_b


def test_one_mail_per_user_listing_the_notices_then_nothing_twice(digest_users):
    ent_a, ent_b = digest_users
    assert tasks.send_digests.apply(args=()).get() >= 0  # today's run (eager)
    mail.outbox.clear()
    MailDigest.objects.all().delete()
    Notification.objects.filter(mail_mode=MailMode.DIGEST).update(emailed_at=None)

    call_command("send_digests", "--today", DAY.isoformat())
    assert sorted(m.to[0] for m in mail.outbox) == ["ent_a@example.com", "ent_b@example.com"]
    mine = next(m for m in mail.outbox if m.to == ["ent_a@example.com"])
    assert "2" in mine.subject and "条" in mine.subject
    first, second = (Notification.objects.get(recipient=ent_a, key=k) for k in ("r:1", "l:1"))
    assert f"2025年度排放报告被退回\n  https://carbon.example.gov.cn/notifications/{first.pk}/" in mine.body
    assert f"https://carbon.example.gov.cn/notifications/{second.pk}/" in mine.body
    assert "清缴已确认" not in mine.body  # an immediate notice, already mailed
    assert reverse("accounts:mail_preferences") in mine.body
    assert not Notification.objects.filter(mail_mode=MailMode.DIGEST, emailed_at__isnull=True,
                                           recipient__email__gt="").exists()

    # the same day again: nothing, even with a new digest notice in between
    notify(recipients=[ent_a], key="r:2", subject="又一条", topic=Topic.REPORT)
    call_command("send_digests", "--today", DAY.isoformat())
    assert send_digest(ent_a.pk, DAY) == 0
    assert len(mail.outbox) == 2
    # the next day: the new one only
    call_command("send_digests", "--today", "2026-06-02")
    assert len(mail.outbox) == 3 and "又一条" in mail.outbox[2].body
    assert "2025年度排放报告被退回" not in mail.outbox[2].body


def test_constant_queries_to_find_the_recipients(digest_users, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(digest_recipients(DAY)) == 2


def test_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core-send-digests"]
    assert entry["task"] == "core.send_digests"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({18}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_none_mode_never_mails(ent_a, django_capture_on_commit_callbacks):
    ent_a.email = "a@example.com"
    ent_a.save()
    MailPreference.objects.create(user=ent_a, topic=Topic.CREDIT, mode=MailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ent_a], key="c:1", subject="信用等级已公布", topic=Topic.CREDIT)
    call_command("send_digests", "--today", DAY.isoformat())
    assert mail.outbox == []
    assert Notification.objects.get(key="c:1").emailed_at is None
