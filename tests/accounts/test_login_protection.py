"""Failed logins (issue 10 §5): a cool-down after 5 failures per user name and per address,
told in Chinese, the same for user names that exist and those that do not; the bureau sees
the lockouts, exports them and lifts one (recorded as an event)."""

import io
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts import services
from accounts.throttle import client_ip
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
GOOD = "pass-1234!"  # tests.factories.UserFactory
LOCKED_WORDS = "登录失败次数过多"


def attempt(username, password, ip, client=None):
    client = client or Client()
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(username, times, ip=None):
    """``times`` wrong passwords for ``username``, each from its own address unless ``ip``."""
    responses = []
    for i in range(times):
        responses.append(attempt(username, "wrong-password", ip or f"10.1.{len(username)}.{i + 1}"))
    return responses


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def age_failures(minutes, **lookup):
    """Move the recorded failures ``minutes`` into the past (the cool-off clock)."""
    for row in AccessAttempt.objects.filter(**lookup):
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - timedelta(minutes=minutes)
        )


def normalized(response, username) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return html.replace(username, "<USERNAME>")


# --- per user name ----------------------------------------------------------------------------


def test_five_failures_lock_the_user_name_from_any_address(ent_a, ent_b):
    responses = fail("ent_a", 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "用户名或密码错误" in responses[0].content.decode()
    locked = responses[-1].content.decode()
    assert LOCKED_WORDS in locked and "请在 15 分钟后再试" in locked
    assert 'id="login-locked"' in locked
    # the right password from a fresh address is refused too, with the same words
    response = attempt("ent_a", GOOD, "10.200.0.1")
    assert response.status_code == 429 and not logged_in(response)
    assert LOCKED_WORDS in response.content.decode()
    # another user from that address logs in
    assert logged_in(attempt("ent_b", GOOD, "10.200.0.1"))


def test_four_failures_then_success_clears_the_count(ent_a):
    fail("ent_a", 4)
    assert logged_in(attempt("ent_a", GOOD, "10.2.0.1"))
    assert not AccessAttempt.objects.filter(username="ent_a").exists()
    assert [r.status_code for r in fail("ent_a", 4)] == [200] * 4


def test_the_lock_ends_after_the_cooloff_and_the_wait_counts_down(ent_a):
    fail("ent_a", 5)
    age_failures(10, username="ent_a")
    response = attempt("ent_a", GOOD, "10.3.0.1")
    # a refused attempt does not start the cool-down again: 5 minutes are left
    assert response.status_code == 429 and "请在 5 分钟后再试" in response.content.decode()
    age_failures(6, username="ent_a")
    assert logged_in(attempt("ent_a", GOOD, "10.3.0.1"))


# --- per address ------------------------------------------------------------------------------


def test_one_users_typos_do_not_lock_the_office_sharing_its_address(ent_a, ent_b):
    office = "10.4.1.1"  # a whole office behind one NAT address
    assert [r.status_code for r in fail("ent_b", 5, ip=office)][-1] == 429  # ent_b is locked
    assert logged_in(attempt("ent_a", GOOD, office))  # its colleague is not


def test_an_address_is_locked_after_its_own_limit_for_every_user_name(ent_a, ent_b, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    ip = "10.4.0.1"
    names = ["ent_b", "nobody1", "nobody2", "nobody3", "nobody4", "nobody5", "nobody6", "nobody7"]
    statuses = [attempt(name, "wrong-password", ip).status_code for name in names]
    assert statuses == [200] * 7 + [429]  # unknown names count too
    response = attempt("ent_a", GOOD, ip)
    assert response.status_code == 429 and not logged_in(response)
    assert "请在 15 分钟后再试" in response.content.decode()
    # the same user from another address logs in
    assert logged_in(attempt("ent_a", GOOD, "10.4.0.2"))


def test_forwarded_address_counts_only_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="172.16.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.5.0.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "172.16.0.2"
    settings.TRUSTED_PROXY_COUNT = 1  # the proxy appended the address it saw; 6.6.6.6 is forged
    assert client_ip(request) == "10.5.0.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the connection's address
    assert client_ip(request) == "172.16.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR="172.16.0.2", HTTP_X_FORWARDED_FOR="junk")) == "172.16.0.2"


def test_behind_a_proxy_each_client_has_its_own_count(ent_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="172.16.0.2")  # every request comes through the proxy
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        client.post(
            LOGIN, {"username": f"x{i}", "password": "wrong"}, HTTP_X_FORWARDED_FOR="10.6.0.1"
        )
    locked = client.post(
        LOGIN, {"username": "ent_a", "password": GOOD}, HTTP_X_FORWARDED_FOR="10.6.0.1"
    )
    assert locked.status_code == 429
    response = client.post(
        LOGIN, {"username": "ent_a", "password": GOOD}, HTTP_X_FORWARDED_FOR="10.6.0.2"
    )
    assert logged_in(response)


# --- no user name enumeration -----------------------------------------------------------------


def test_unknown_user_name_and_wrong_password_look_the_same(ent_a):
    real = attempt("ent_a", "wrong-password", "10.7.0.1")
    ghost = attempt("ghost_a", "wrong-password", "10.7.0.2")
    assert real.status_code == ghost.status_code == 200
    assert normalized(real, "ent_a") == normalized(ghost, "ghost_a")


def test_unknown_user_name_is_locked_like_a_real_one(ent_a):
    real = fail("ent_a", 5, ip="10.8.0.1")
    ghost = fail("ghost_a", 5, ip="10.8.0.2")
    assert [r.status_code for r in real] == [r.status_code for r in ghost]
    assert real[-1].status_code == 429
    assert normalized(real[-1], "ent_a") == normalized(ghost[-1], "ghost_a")
    # and afterwards, from fresh addresses: the real user with the right password, the
    # unknown one with any password: the same refusal
    again_real = attempt("ent_a", GOOD, "10.8.0.3")
    again_ghost = attempt("ghost_a", GOOD, "10.8.0.4")
    assert again_real.status_code == again_ghost.status_code == 429
    assert normalized(again_real, "ent_a") == normalized(again_ghost, "ghost_a")


def test_deactivated_account_looks_like_a_wrong_password(ent_a, ent_b):
    ent_b.is_active = False
    ent_b.save()
    inactive = attempt("ent_b", GOOD, "10.9.0.1")
    wrong = attempt("ent_a", "wrong-password", "10.9.0.2")
    assert inactive.status_code == wrong.status_code == 200
    assert normalized(inactive, "ent_b") == normalized(wrong, "ent_a")


# --- the bureau's lockout list -----------------------------------------------------------------


@pytest.fixture
def locked(ent_a, settings):
    """ent_a's user name, the unknown name ghost_a and the address 10.10.0.1 locked."""
    fail("ent_a", 5)
    fail("ghost_a", 5)
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attempt(f"probe{i}", "wrong", "10.10.0.1")


def test_bureau_admin_sees_the_lockouts(client_as, bureau_admin, locked, ent_a):
    response = client_as(bureau_admin).get(reverse("accounts:lockout_list"))
    assert response.status_code == 200
    rows = {(lk.kind, lk.key): lk for lk in response.context["lockouts"]}
    assert set(rows) == {("username", "ent_a"), ("username", "ghost_a"), ("ip_address", "10.10.0.1")}
    assert rows["username", "ent_a"].user == ent_a and rows["username", "ent_a"].failures == 5
    assert rows["username", "ghost_a"].user is None
    html = response.content.decode()
    assert "登录锁定" in html and "无此账号" in html
    assert reverse("accounts:user_detail", kwargs={"pk": ent_a.pk}) in html
    assert reverse("accounts:lockout_unlock", kwargs={"kind": "ip_address", "key": "10.10.0.1"}) in html
    # the bureau admin's menu leads there
    home = client_as(bureau_admin).get(reverse("accounts:user_list")).content.decode()
    assert f'href="{reverse("accounts:lockout_list")}"' in home


def test_names_below_the_limit_are_not_listed(client_as, bureau_admin, ent_a):
    fail("ent_a", 4)
    response = client_as(bureau_admin).get(reverse("accounts:lockout_list"))
    assert response.context["lockouts"] == []
    assert "目前没有被锁定的用户名或地址" in response.content.decode()


def test_expired_lockouts_are_not_listed(client_as, bureau_admin, ent_a):
    fail("ent_a", 5)
    age_failures(16, username="ent_a")
    assert client_as(bureau_admin).get(reverse("accounts:lockout_list")).context["lockouts"] == []


def test_lockout_export(client_as, bureau_admin, locked, settings):
    response = client_as(bureau_admin).get(reverse("accounts:lockout_export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("锁定对象", "用户名或地址", "账号", "登录失败次数")
    assert sorted((r[0], r[1], r[3]) for r in rows[1:]) == [
        ("用户名", "ent_a", 5),
        ("用户名", "ghost_a", 5),
        ("网络地址", "10.10.0.1", settings.LOGIN_ADDRESS_FAILURE_LIMIT),
    ]


def test_unlock_a_user_name(client_as, bureau_admin, locked, ent_a):
    url = reverse("accounts:lockout_unlock", kwargs={"kind": "username", "key": "ent_a"})
    client = client_as(bureau_admin)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "解锁" in confirm.content.decode()
    assert AccessAttempt.objects.filter(username="ent_a").exists()  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:lockout_list")
    assert not AccessAttempt.objects.filter(username="ent_a").exists()
    event = Event.objects.get(verb="login.unlocked")
    assert event.actor == bureau_admin and event.target == ent_a
    assert event.data == {"kind": "username", "key": "ent_a", "failures": 5}
    assert "ent_a" in event.message and "解除" in event.message
    # the account can log in again, the other lockouts stay
    assert logged_in(attempt("ent_a", GOOD, "10.11.0.1"))
    assert attempt("ghost_a", "x", "10.11.0.2").status_code == 429
    # the unlock shows on the lockout page and on the user's page
    assert event.message in client.get(reverse("accounts:lockout_list")).content.decode()
    detail = client.get(reverse("accounts:user_detail", kwargs={"pk": ent_a.pk}))
    assert event.message in detail.content.decode()
    # unlocking it again: nothing is locked any more
    assert client.post(url).status_code == 404


def test_unlock_an_address(client_as, bureau_admin, locked, ent_b, settings):
    url = reverse("accounts:lockout_unlock", kwargs={"kind": "ip_address", "key": "10.10.0.1"})
    assert attempt("ent_b", GOOD, "10.10.0.1").status_code == 429
    assert client_as(bureau_admin).post(url).status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="10.10.0.1").exists()
    event = Event.objects.get(verb="login.unlocked")
    failures = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert event.data == {"kind": "ip_address", "key": "10.10.0.1", "failures": failures}
    assert logged_in(attempt("ent_b", GOOD, "10.10.0.1"))


def test_unlock_of_something_not_locked_is_404(client_as, bureau_admin, ent_a):
    fail("ent_a", 3)
    for kind, key in [("username", "ent_a"), ("username", "nobody"), ("bogus", "ent_a")]:
        url = reverse("accounts:lockout_unlock", kwargs={"kind": kind, "key": key})
        assert client_as(bureau_admin).post(url).status_code == 404
    assert AccessAttempt.objects.filter(username="ent_a").count() == 3
    assert not Event.objects.filter(verb="login.unlocked").exists()


def test_lockout_release_refuses_bad_input(bureau_admin):
    with pytest.raises(ValidationError):
        services.lockout_release(actor=bureau_admin, kind="email", key="x")
    with pytest.raises(ValidationError):
        services.lockout_release(actor=bureau_admin, kind="username", key="nobody")
    assert not Event.objects.filter(verb="login.unlocked").exists()


@pytest.mark.parametrize("name", ["lockout_list", "lockout_export", "lockout_unlock"])
@pytest.mark.parametrize(
    "persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff", "anonymous"]
)
def test_other_roles_cannot_see_or_lift_lockouts(request, client_as, locked, name, persona):
    kwargs = {"kind": "username", "key": "ghost_a"} if name == "lockout_unlock" else {}
    url = reverse(f"accounts:{name}", kwargs=kwargs)
    client = client_as(request.getfixturevalue(persona))
    for response in (client.get(url), client.post(url)):
        if persona == "anonymous":
            assert response.status_code == 302 and LOGIN in response["Location"]
        else:
            assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="ghost_a").exists()
    assert not Event.objects.filter(verb="login.unlocked").exists()
