"""Issue 10 §5 in a browser: a user changes the password from the user menu and logs in with
the new one; five wrong passwords bring the Chinese lockout message, which the bureau admin
then sees and lifts on the lockout page."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.browser.conftest import login, shot
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "Lvse-Tanpai-2027"


@pytest.fixture
def people(db):
    area = f.area("640502")
    enterprise = f.EnterpriseFactory(name="沙坡头发电有限公司", area=area)
    return {
        "ent": f.make_member("ent_pw", Role.ENTERPRISE_USER, enterprise=enterprise),
        "admin": f.make_member("admin_pw", Role.BUREAU_ADMIN),
    }


def _logout(page):
    page.locator("nav .dropdown button.dropdown-toggle").last.click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state("networkidle")


def test_change_password_from_the_user_menu(page, people):
    login(page, "ent_pw")
    page.locator("nav .dropdown button.dropdown-toggle").last.click()
    page.get_by_role("link", name="修改密码").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("accounts:password_change"))
    # a too short password first: the Chinese message, nothing changed
    page.fill("#id_old_password", "pass-1234!")
    page.fill("#id_new_password1", "Ab-1")
    page.fill("#id_new_password2", "Ab-1")
    page.click("#password-change button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "密码太短：至少需要 10 个字符。" in page.inner_text("#password-change")
    shot(page, "password-change-too-short")
    page.fill("#id_old_password", "pass-1234!")
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("#password-change button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "密码已修改" in page.inner_text("#password-changed")
    shot(page, "password-changed")

    _logout(page)
    login(page, "ent_pw", "pass-1234!")  # the old one no longer works
    assert "用户名或密码错误" in page.inner_text("main")
    login(page, "ent_pw", NEW)
    assert not page.url.endswith(reverse("accounts:login"))
    assert page.locator("nav .dropdown button.dropdown-toggle").last.inner_text().strip() == "ent_pw"


def test_lockout_message_and_unlock(page, people, settings):
    # the browser's requests all come from 127.0.0.1: as if behind a proxy, each says its
    # client address, so that only the user name gets locked
    settings.TRUSTED_PROXY_COUNT = 1
    # the refused login answers 429 on purpose: that status is the lockout this test checks
    page.problems.allow(r"status of 429 \(Too Many Requests\) \(.*/accounts/login/\)")
    for i in range(5):
        page.set_extra_http_headers({"X-Forwarded-For": f"10.50.0.{i + 1}"})
        login(page, "ent_pw", "wrong-password")
    message = page.inner_text("#login-locked")
    assert "登录失败次数过多" in message and "请在 15 分钟后再试" in message
    shot(page, "login-locked")
    page.set_extra_http_headers({"X-Forwarded-For": "10.60.0.1"})
    login(page, "ent_pw")  # the right password, from another address: refused while locked
    assert page.locator("#login-locked").count() == 1

    login(page, "admin_pw")
    page.goto(page.base + reverse("accounts:lockout_list"))
    row = page.locator("#lockouts tbody tr", has_text="ent_pw")
    assert "用户名" in row.inner_text() and "5" in row.inner_text()
    shot(page, "lockout-list")
    row.get_by_role("link", name="解锁").click()
    page.wait_for_load_state("networkidle")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("accounts:lockout_list"))
    assert "已解除 ent_pw 的登录锁定" in page.inner_text("main")
    assert "目前没有被锁定的用户名或地址" in page.inner_text("#lockouts")

    _logout(page)
    login(page, "ent_pw")
    assert not page.url.endswith(reverse("accounts:login"))
