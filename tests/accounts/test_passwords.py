"""Passwords (issue 10 §5): change when logged in, reset by e-mail (Django's views, Chinese
pages and e-mail), validators (10 characters, common list, similarity, numeric) in Chinese,
and the per-address limit of the public forms (account application, password reset)."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import FormSubmission, User
from registry.demo import PASSWORD as DEMO_PASSWORD
from registry.models import RegistrationRequest
from tests.registry.test_registration import _form as application_form
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db

GOOD = "pass-1234!"  # tests.factories.UserFactory
NEW = "Lvse-Tanpai-2027"


# --- validators ---------------------------------------------------------------------------------


def _messages(password, **user):
    with translation.override("zh-hans"):
        try:
            validate_password(password, user=User(**user))
        except ValidationError as exc:
            return exc.messages
    return []


def test_validators_speak_chinese():
    assert _messages("Ab-12345") == ["密码太短：至少需要 10 个字符。"]
    assert _messages("password123") == ["这个密码太常见了。"]
    assert _messages("8302751946") == ["密码只包含数字。"]
    assert _messages("zhangwei-2026", username="zhangwei-2026") == ["密码跟 用户名 太相似了。"]
    # the full name is compared too
    assert _messages("Zhang-Weiguo-1", username="zw", full_name="zhang weiguo") == [
        "密码跟 姓名 太相似了。"
    ]


def test_nine_characters_are_too_few_ten_are_enough():
    assert _messages("Tp-2026!xy") == []
    assert _messages("Tp-2026!x") == ["密码太短：至少需要 10 个字符。"]


def test_demo_and_test_passwords_pass():
    assert len(DEMO_PASSWORD) == 10
    for password in (DEMO_PASSWORD, GOOD):
        assert _messages(password, username="ent1", full_name="宁夏中卫热电") == []


# --- change (logged in) ---------------------------------------------------------------------------


def test_user_menu_links_to_the_change_page(client_as, ent_a):
    html = client_as(ent_a).get(reverse("home"), follow=True).content.decode()
    assert f'href="{reverse("accounts:password_change")}"' in html and "修改密码" in html


def test_change_password(client_as, ent_a):
    client = client_as(ent_a)
    url = reverse("accounts:password_change")
    page = client.get(url)
    assert page.status_code == 200 and "旧密码" in page.content.decode()
    response = client.post(
        url, {"old_password": GOOD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    done = client.get(response["Location"])
    assert "密码已修改" in done.content.decode() and "您的密码已修改" in done.content.decode()
    ent_a.refresh_from_db()
    assert ent_a.check_password(NEW)
    # still logged in (the session follows the new password)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    event = Event.objects.get(verb="user.password_changed")
    assert event.actor == ent_a and event.target == ent_a
    assert Client().post(
        reverse("accounts:login"), {"username": "ent_a", "password": NEW}
    ).status_code == 302


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"old_password": "wrong-one!"}, "old_password", "你的旧密码不正确"),
        ({"new_password1": "Ab-1234", "new_password2": "Ab-1234"}, "new_password2", "至少需要 10 个字符"),
        ({"new_password1": "password123", "new_password2": "password123"}, "new_password2", "太常见"),
        ({"new_password2": "Other-Pass-2027"}, "new_password2", "输入的两个密码不一致"),
    ],
)
def test_change_password_errors_in_chinese_change_nothing(client_as, ent_a, data, field, words):
    post = {"old_password": GOOD, "new_password1": NEW, "new_password2": NEW, **data}
    response = client_as(ent_a).post(reverse("accounts:password_change"), post)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert words in response.content.decode()
    ent_a.refresh_from_db()
    assert ent_a.check_password(GOOD)
    assert not Event.objects.filter(verb="user.password_changed").exists()


def test_change_page_needs_login():
    response = Client().get(reverse("accounts:password_change"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- reset by e-mail --------------------------------------------------------------------------------


def _reset_link(email):
    response = Client().post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    return response


def test_login_page_links_to_the_reset_page():
    html = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in html and "忘记密码" in html


def test_reset_password_by_email(ent_a):
    ent_a.email = "ent_a@example.com"
    ent_a.save()
    _reset_link("ENT_A@example.com")  # Django matches the address case-insensitively
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ent_a@example.com"]
    assert message.subject == "中卫市碳排放权交易管理平台：重置密码"
    assert "有人申请重置中卫市碳排放权交易管理平台账号“ent_a”的密码" in message.body
    assert "24 小时后失效" in message.body and "中卫市生态环境局" in message.body
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and "设置新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    short = client.post(set_url, {"new_password1": "Ab-1", "new_password2": "Ab-1"})
    assert short.status_code == 200 and "至少需要 10 个字符" in short.content.decode()
    response = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert "新密码已设置" in client.get(response["Location"]).content.decode()
    ent_a.refresh_from_db()
    assert ent_a.check_password(NEW)
    event = Event.objects.get(verb="user.password_reset")
    assert event.target == ent_a and event.actor == ent_a
    # the link works once
    again = Client().get(link, follow=True)
    assert "此链接无效" in again.content.decode()


def test_reset_page_reads_the_same_for_an_unknown_address(ent_a):
    ent_a.email = "ent_a@example.com"
    ent_a.save()
    known = _reset_link("ent_a@example.com")
    unknown = _reset_link("nobody@example.com")
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1  # only the account's address got a mail


def test_reset_lifts_the_lockout_of_the_user_name(ent_a):
    ent_a.email = "ent_a@example.com"
    ent_a.save()
    for i in range(5):
        Client().post(
            reverse("accounts:login"), {"username": "ent_a", "password": "x"},
            REMOTE_ADDR=f"10.20.0.{i + 1}",
        )
    assert AccessAttempt.objects.filter(username="ent_a").exists()
    _reset_link("ent_a@example.com")
    link = re.search(r"testserver(/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert not AccessAttempt.objects.filter(username="ent_a").exists()
    response = Client().post(
        reverse("accounts:login"), {"username": "ent_a", "password": NEW}, REMOTE_ADDR="10.20.1.1"
    )
    assert response.status_code == 302


def test_deactivated_user_gets_no_reset_mail(ent_a):
    ent_a.email = "ent_a@example.com"
    ent_a.is_active = False
    ent_a.save()
    _reset_link("ent_a@example.com")
    assert mail.outbox == []


# --- per-address limit of the public forms ----------------------------------------------------------


def test_account_application_is_limited_per_address(settings, enterprise_a):
    settings.PUBLIC_FORM_LIMIT = 3
    url = reverse("public:register")
    for _ in range(3):  # invalid submissions count as well
        response = Client().post(url, {"username": "x"}, REMOTE_ADDR="10.30.0.1")
        assert response.status_code == 200
    refused = Client().post(url, application_form(enterprise_a), REMOTE_ADDR="10.30.0.1")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "您所在网络地址的提交过于频繁，请在 60 分钟后再试。" in html
    assert 'value="马丽"' in html  # what was typed is kept (the passwords are not)
    assert "Tanpaifang-2026!" not in html
    assert not RegistrationRequest.objects.exists()
    # another address is not affected
    assert Client().post(url, application_form(enterprise_a), REMOTE_ADDR="10.30.0.2").status_code == 302
    assert RegistrationRequest.objects.count() == 1


def test_the_application_limit_is_a_sliding_window(settings, enterprise_a):
    settings.PUBLIC_FORM_LIMIT = 2
    url = reverse("public:register")
    for _ in range(2):
        Client().post(url, {"username": "x"}, REMOTE_ADDR="10.31.0.1")
    first = FormSubmission.objects.order_by("submitted_at").first()
    FormSubmission.objects.filter(pk=first.pk).update(
        submitted_at=first.submitted_at - timedelta(minutes=45)
    )
    refused = Client().post(url, {"username": "x"}, REMOTE_ADDR="10.31.0.1")
    assert refused.status_code == 429 and "请在 15 分钟后再试" in refused.content.decode()
    FormSubmission.objects.filter(pk=first.pk).update(
        submitted_at=first.submitted_at - timedelta(minutes=61)
    )
    response = Client().post(url, application_form(enterprise_a), REMOTE_ADDR="10.31.0.1")
    assert response.status_code == 302
    # old submissions are cleared away
    assert not FormSubmission.objects.filter(pk=first.pk).exists()


def test_password_reset_form_is_limited_per_address(settings, ent_a):
    settings.PUBLIC_FORM_LIMIT = 2
    ent_a.email = "ent_a@example.com"
    ent_a.save()
    url = reverse("accounts:password_reset")
    for _ in range(2):
        Client().post(url, {"email": "someone@example.com"}, REMOTE_ADDR="10.32.0.1")
    refused = Client().post(url, {"email": "ent_a@example.com"}, REMOTE_ADDR="10.32.0.1")
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert mail.outbox == []
    # the account application has its own count
    assert Client().get(reverse("public:register"), REMOTE_ADDR="10.32.0.1").status_code == 200
    assert (
        Client().post(reverse("public:register"), {"username": "x"}, REMOTE_ADDR="10.32.0.1")
    ).status_code == 200
