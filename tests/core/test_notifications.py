"""Notifications: once per recipient and key, e-mailed once, each user reads only his own."""

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories as f
from zhongwei_carbon import events
from zhongwei_carbon.models import Notification
from zhongwei_carbon.notifications import notify
from zhongwei_carbon.tasks import email_notification

pytestmark = pytest.mark.django_db


def test_same_key_notifies_once_and_emails_once(ent_a, django_capture_on_commit_callbacks):
    ent_a.email = "ent_a@example.com"
    ent_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ent_a], key="report-final:1", subject="第一次")
        notify(recipients=[ent_a], key="report-final:1", subject="第二次")
    assert Notification.objects.filter(recipient=ent_a).count() == 1
    assert Notification.objects.get(recipient=ent_a).subject == "第一次"
    assert [m.to for m in mail.outbox] == [["ent_a@example.com"]]
    # A duplicate delivery of the task sends nothing more.
    assert email_notification(Notification.objects.get().pk) is False
    assert len(mail.outbox) == 1


def test_inactive_users_and_users_without_email(ent_a, ent_b, django_capture_on_commit_callbacks):
    ent_b.is_active = False
    ent_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(recipients=[ent_a, ent_b], key="k", subject="s")
    assert [n.recipient for n in created] == [ent_a]
    assert mail.outbox == []  # ent_a has no e-mail address


def test_inbox_shows_own_notifications_only(client_as, ent_a, ent_b):
    mine = Notification.objects.create(recipient=ent_a, key="a", subject="给企业A", link="/registry/enterprises/")
    theirs = Notification.objects.create(recipient=ent_b, key="b", subject="给企业B")
    page = client_as(ent_a).get(reverse("notifications")).content.decode()
    assert "给企业A" in page and "给企业B" not in page
    assert client_as(ent_a).get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    response = client_as(ent_a).get(reverse("notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/registry/enterprises/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_open_never_redirects_off_site(client_as, ent_a):
    note = Notification.objects.create(recipient=ent_a, key="x", subject="s", link="https://evil.example/")
    response = client_as(ent_a).get(reverse("notification_open", args=[note.pk]))
    assert response["Location"] == reverse("notifications")


def test_read_all_marks_only_own(client_as, ent_a, ent_b):
    Notification.objects.create(recipient=ent_a, key="a", subject="s")
    other = Notification.objects.create(recipient=ent_b, key="b", subject="s")
    client_as(ent_a).post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(recipient=ent_a, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_final_report_notifies_the_enterprise_users_once(
    ent_a, enterprise_a, official_a, bureau_admin, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    report = f.verification_report_passed(enterprise_a, bureau_admin)
    type(report).objects.filter(pk=report.pk).update(final_emissions=Decimal("2882398.44"))
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("report.final", report_id=report.pk)
        events.publish("report.final", report_id=report.pk)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["ent_a"]
    assert Notification.objects.get().link == reverse("reporting:objection_file", args=[report.pk])
    # the figure reads with thousands separators, like every page (issue 9 §11)
    assert "2,882,398.44" in Notification.objects.get().subject


def test_submitted_report_notifies_the_area_officials(
    ent_a, enterprise_a, official_a, official_b, bureau_admin, django_capture_on_commit_callbacks
):
    report = f.verification_report_passed(enterprise_a, bureau_admin)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("report.submit", report_id=report.pk)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["official_a"]


def test_oversized_form_post_gets_a_readable_page(client_as, bureau_admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_as(bureau_admin).post(reverse("accounts:user_create"), {"x": "y" * 5000})
    assert response.status_code == 400
    assert "too large" in response.content.decode() or "过大" in response.content.decode()
