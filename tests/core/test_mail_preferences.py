"""E-mail preferences per topic (issue 15): immediate (default), daily digest or none; each
user sets only his own, on the 通知设置 page."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import MailPreference
from zhongwei_carbon.models import MailMode, Notification, Topic
from zhongwei_carbon.notifications import notify

pytestmark = pytest.mark.django_db
URL = reverse("accounts:mail_preferences")


def _all(mode, **overrides):
    return {**{t: mode for t in Topic.values}, **overrides}


@pytest.fixture
def mailed(ent_a, ent_b):
    for user in (ent_a, ent_b):
        user.email = f"{user.username}@example.com"
        user.save()
    return ent_a


def test_every_role_sets_its_own_modes_and_others_are_untouched(client_as, personas):
    other = personas["ent_b"]
    MailPreference.objects.create(user=other, topic=Topic.REPORT, mode=MailMode.NONE)
    for name in ("bureau_admin", "bureau_reviewer", "official_a", "ent_a", "agency_a_staff"):
        user = personas[name]
        client = client_as(user)
        page = client.get(URL)
        assert page.status_code == 200
        # the default: immediate for every topic
        assert page.content.decode().count('value="immediate" id=') == len(Topic.values)
        response = client.post(URL, _all(MailMode.IMMEDIATE, report=MailMode.DIGEST,
                                          credit=MailMode.NONE), follow=True)
        assert "通知设置已保存" in response.content.decode()
        assert dict(MailPreference.objects.filter(user=user).values_list("topic", "mode")) == \
            _all(MailMode.IMMEDIATE, report=MailMode.DIGEST, credit=MailMode.NONE)
    # another user's own choice is kept, and nobody wrote any for him
    assert list(MailPreference.objects.filter(user=other).values_list("topic", "mode")) == [
        ("report", "none")]


def test_saved_choice_is_shown_and_a_bad_value_is_refused(client_as, ent_a):
    client = client_as(ent_a)
    client.post(URL, _all(MailMode.IMMEDIATE, ledger=MailMode.DIGEST))
    page = client.get(URL).content.decode()
    assert 'value="digest" id="id_ledger_1" checked' in page
    response = client.post(URL, _all(MailMode.IMMEDIATE, ledger="weekly"))
    assert response.status_code == 200 and "table-danger" in response.content.decode()
    assert MailPreference.objects.get(user=ent_a, topic="ledger").mode == MailMode.DIGEST


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(URL, _all(MailMode.NONE)).status_code == 302
    assert not MailPreference.objects.exists()


def test_linked_from_user_menu_and_inbox(client_as, ent_a):
    assert URL in client_as(ent_a).get(reverse("notifications")).content.decode()


def test_notify_honours_the_recipients_modes(mailed, ent_b, django_capture_on_commit_callbacks):
    ent_a = mailed
    MailPreference.objects.create(user=ent_a, topic=Topic.REPORT, mode=MailMode.NONE)
    MailPreference.objects.create(user=ent_b, topic=Topic.REPORT, mode=MailMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[ent_a, ent_b], key="r:1", subject="年报退回", topic=Topic.REPORT)
        # another topic: immediate (no row)
        notify(recipients=[ent_a, ent_b], key="l:1", subject="台账待填", topic=Topic.LEDGER)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("ent_a@example.com", "台账待填"), ("ent_b@example.com", "台账待填")]
    modes = dict(Notification.objects.filter(key="r:1")
                 .values_list("recipient__username", "mail_mode"))
    assert modes == {"ent_a": "none", "ent_b": "digest"}
    # every notice stays in the inbox, whatever the mode
    assert Notification.objects.filter(key="r:1").count() == 2
    report = Notification.objects.get(key="r:1", recipient=ent_a)
    assert report.emailed_at is None


def test_immediate_mail_links_absolutely(mailed, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_URL = "https://carbon.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = notify(recipients=[mailed], key="k", subject="s", body="b", link="/x/")
    assert f"https://carbon.example.gov.cn/notifications/{note.pk}/" in mail.outbox[0].body
