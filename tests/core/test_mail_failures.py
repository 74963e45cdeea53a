"""SMTP errors are retried with exponential backoff; a mail that fails for good becomes a
dead letter on the bureau's 邮件发送失败 page, from where it is sent again (issue 15)."""

import io
import smtplib
from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import MailPreference
from zhongwei_carbon import mail as mail_service
from zhongwei_carbon import tasks
from zhongwei_carbon.models import MailFailure, MailMode, Notification, Topic
from zhongwei_carbon.notifications import notify

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.core.test_mail_failures.FailingBackend"


class FailingBackend(EmailBackend):
    """The mail server refuses every message (counted)."""

    calls = 0

    def send_messages(self, messages):
        FailingBackend.calls += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def smtp_down(settings):
    FailingBackend.calls = 0
    settings.EMAIL_BACKEND = FAILING
    return settings


@pytest.fixture
def ent_mail(ent_a):
    ent_a.email = "ent_a@example.com"
    ent_a.save()
    return ent_a


def _notify(user, key="r:1", topic=Topic.REPORT, capture=None):
    with capture(execute=True):
        return notify(recipients=[user], key=key, subject="2025年度排放报告被退回", topic=topic,
                      link="/reporting/reports/1/")


def test_the_tasks_retry_smtp_errors_with_exponential_backoff():
    for task in (tasks.email_notification, tasks.email_digest):
        assert set(task.autoretry_for) >= {smtplib.SMTPException, ConnectionError, OSError}
        assert task.retry_backoff == 60 and task.retry_backoff_max == 1800
        assert task.retry_jitter is True
        assert task.max_retries == 5


def test_smtp_error_is_retried_then_dead_lettered_and_retried_from_the_page(
    smtp_down, ent_mail, client_as, bureau_reviewer, django_capture_on_commit_callbacks,
    monkeypatch,
):
    task = tasks.email_notification
    waits = []
    retry = task.retry

    def spy(*args, **kwargs):
        waits.append((task.request.retries, kwargs["countdown"]))
        return retry(*args, **kwargs)

    monkeypatch.setattr(task, "retry", spy)
    (note,) = _notify(ent_mail, capture=django_capture_on_commit_callbacks)  # eager tasks
    assert FailingBackend.calls == 6  # the first attempt and 5 retries
    # exponential backoff with full jitter: retry n waits up to 60 s × 2ⁿ (at most 30 min)
    assert [n for n, _wait in waits] == [0, 1, 2, 3, 4]
    assert all(0 <= wait <= min(1800, 60 * 2**n) for n, wait in waits)
    note.refresh_from_db()
    assert note.emailed_at is None  # not marked e-mailed
    failure = MailFailure.objects.get()
    assert (failure.kind, failure.notification, failure.recipient) == ("notification", note, ent_mail)
    assert failure.address == "ent_a@example.com" and failure.attempts == 6
    assert "SMTPServerDisconnected" in failure.error and failure.subject == note.subject

    client = client_as(bureau_reviewer)
    page = client.get(reverse("mail_failures")).content.decode()
    assert "ent_a@example.com" in page and "2025年度排放报告被退回" in page
    url = reverse("mail_failure_retry", args=[failure.pk])
    assert "ent_a@example.com" in client.get(url).content.decode()  # the confirmation
    assert MailFailure.objects.filter(pk=failure.pk).exists()  # GET did nothing

    smtp_down.EMAIL_BACKEND = LOCMEM  # the server is back
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ent_a@example.com"]]
    assert f"/notifications/{note.pk}/" in mail.outbox[0].body
    assert not MailFailure.objects.exists()
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_a_retry_that_fails_again_keeps_one_dead_letter(
    smtp_down, ent_mail, django_capture_on_commit_callbacks,
):
    _notify(ent_mail, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        mail_service.retry(list(MailFailure.objects.all()))
    failure = MailFailure.objects.get()
    assert failure.attempts == 12 and failure.requeued_at is None


def test_a_failed_digest_is_dead_lettered_then_sent_once(
    smtp_down, ent_mail, client_as, bureau_admin, django_capture_on_commit_callbacks,
):
    MailPreference.objects.create(user=ent_mail, topic=Topic.REPORT, mode=MailMode.DIGEST)
    _notify(ent_mail, capture=django_capture_on_commit_callbacks)
    assert FailingBackend.calls == 0  # digest: no immediate mail
    day = date(2026, 6, 1)
    mail_service.queue_digests(day)
    failure = MailFailure.objects.get()
    assert (failure.kind, failure.day, failure.attempts) == ("digest", day, 6)
    assert Notification.objects.get().emailed_at is None

    smtp_down.EMAIL_BACKEND = LOCMEM
    client = client_as(bureau_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mail_failures_retry_all"))
    assert len(mail.outbox) == 1 and "2025年度排放报告被退回" in mail.outbox[0].body
    assert not MailFailure.objects.exists()
    mail_service.queue_digests(day)  # the day's digest went out: nothing more
    assert len(mail.outbox) == 1


def _failure(user, subject, kind="notification", **extra):
    from django.utils import timezone

    return MailFailure.objects.create(
        kind=kind, recipient=user, address=f"{user.username}@example.com", subject=subject,
        error="SMTPServerDisconnected: closed", attempts=6, failed_at=timezone.now(), **extra,
    )


def test_list_filters_export_and_retry_all_of_the_filtered_rows(
    client_as, bureau_admin, ent_a, ent_b, django_capture_on_commit_callbacks,
):
    note = Notification.objects.create(recipient=ent_a, key="k", subject="台账退回",
                                       topic=Topic.LEDGER, mail_mode=MailMode.IMMEDIATE)
    _failure(ent_a, "台账退回", notification=note)
    _failure(ent_b, "汇总六月一日", kind="digest", day=date(2026, 6, 1))
    client = client_as(bureau_admin)
    url = reverse("mail_failures")
    page = client.get(url, {"kind": "digest"}).content.decode()
    assert "汇总六月一日" in page and "台账退回" not in page
    page = client.get(url, {"q": "ent_a"}).content.decode()
    assert "台账退回" in page and "汇总六月一日" not in page
    page = client.get(url, {"topic": "ledger"}).content.decode()
    assert "台账退回" in page and "汇总六月一日" not in page

    export = client.get(reverse("mail_failures_export"), {"kind": "notification"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    assert len(rows) == 2 and "台账退回" in rows[1]

    # retry all of the filtered list (the notification only; ent_a has no address now, so
    # nothing is sent and the dead letter is done with)
    confirm = client.get(reverse("mail_failures_retry_all"), {"kind": "notification"})
    assert "台账退回" in confirm.content.decode() and "汇总六月一日" not in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mail_failures_retry_all") + "?kind=notification")
    assert list(MailFailure.objects.values_list("subject", flat=True)) == ["汇总六月一日"]


@pytest.mark.parametrize("name", ["official_a", "ent_a", "agency_a_staff"])
def test_other_roles_are_refused_and_nothing_is_requeued(name, personas, client_as, ent_b):
    failure = _failure(ent_b, "s")
    client = client_as(personas[name])
    for url in (reverse("mail_failures"), reverse("mail_failures_export"),
                reverse("mail_failure_retry", args=[failure.pk]),
                reverse("mail_failures_retry_all")):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    failure.refresh_from_db()
    assert failure.requeued_at is None


def test_bureau_sees_the_menu_entry_and_others_do_not(client_as, bureau_reviewer, ent_a):
    url = reverse("mail_failures")
    assert url in client_as(bureau_reviewer).get(reverse("notifications")).content.decode()
    assert url not in client_as(ent_a).get(reverse("notifications")).content.decode()
