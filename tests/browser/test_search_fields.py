"""Search-as-you-type fields in a browser (issue 11, static/js/lookup.js): the bureau admin
creates an enterprise user by typing part of the enterprise's name and picking it with the
keyboard, and records a transfer by picking both accounts with the mouse. No console error,
no CSP violation (the ``page`` fixture fails on either)."""

import pytest

from accounts.models import User
from allowances.choices import EntryKind
from allowances.models import ComplianceCycle, LedgerEntry
from allowances.services import ledger
from tests import factories as f
from tests.browser.conftest import login, shot
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Tan-Jiaoyi-2026"


@pytest.fixture
def city(enterprise_a, enterprise_b, bureau_admin):
    f.EnterpriseFactory.create_batch(3, name="中宁硅业有限公司", area=enterprise_b.area)
    return {"a": enterprise_a, "b": enterprise_b}


def test_pick_the_enterprise_of_a_new_user_with_the_keyboard(page, city):
    login(page, "bureau_admin")
    page.goto(page.base + "/accounts/users/new/")
    page.fill("#id_user-username", "wangfang")
    page.fill("#id_user-full_name", "王芳")
    page.fill("#id_user-password1", PASSWORD)
    page.fill("#id_user-password2", PASSWORD)
    page.select_option("#id_m-role", Role.ENTERPRISE_USER)

    field = page.locator("#id_m-enterprise")
    field.press_sequentially("水泥", delay=50)
    options = page.locator("#id_m-enterprise-results [role=option]")
    options.first.wait_for()
    assert options.count() == 1
    assert city["b"].name in options.first.inner_text()
    assert field.get_attribute("aria-expanded") == "true"
    shot(page, "accounts-user-create-search")
    field.press("ArrowDown")
    field.press("Enter")  # picks the row, does not send the form
    assert field.input_value() == city["b"].uscc
    assert city["b"].name in page.inner_text("#id_m-enterprise-chosen")
    assert page.locator("#id_m-enterprise-results").is_hidden()
    assert "/users/new/" in page.url

    # a search matching nothing says so
    field.fill("")
    field.press_sequentially("不存在的企业", delay=30)
    page.locator("#id_m-enterprise-results .list-group-item").first.wait_for()
    assert page.inner_text("#id_m-enterprise-results").strip() == "未找到。"
    assert page.inner_text("#id_m-enterprise-chosen").strip() == ""
    field.press("Escape")
    assert page.locator("#id_m-enterprise-results").is_hidden()

    field.fill(city["b"].uscc)  # typing the code works as well
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    user = User.objects.get(username="wangfang")
    assert user.memberships.get().enterprise_id == city["b"].pk
    assert page.url.endswith(f"/accounts/users/{user.pk}/")


def test_pick_both_accounts_of_a_transfer(page, city, bureau_admin):
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    a, b = ledger.account_for(city["a"]), ledger.account_for(city["b"])
    ledger.allocate(actor=bureau_admin, account=a, cycle=cycle, vintage=2025, quantity=1000)
    login(page, "bureau_admin")
    page.goto(page.base + "/allowances/transfers/new/")

    for field, text, enterprise in (("source", "沙坡头", city["a"]), ("target", "水泥", city["b"])):
        page.locator(f"#id_{field}").press_sequentially(text, delay=50)
        option = page.locator(f"#id_{field}-results [role=option]").first
        option.wait_for()
        option.click()
        assert page.input_value(f"#id_{field}") == enterprise.uscc
        assert enterprise.name in page.inner_text(f"#id_{field}-chosen")
    shot(page, "allowances-transfer-search")
    page.fill("#id_vintage", "2025")
    page.fill("#id_quantity", "300")
    page.fill("#id_reference", "NETS-2025-0042")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    assert "300" in page.inner_text("#transfer-summary")
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state("networkidle")
    into = LedgerEntry.objects.get(kind=EntryKind.TRANSFER_IN)
    assert (into.holding.account, into.quantity) == (b, 300)
