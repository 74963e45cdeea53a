"""Credit events in a browser (issue 14): a bureau admin enters a manual event, picking the
enterprise by typing part of its name, with a PDF as evidence; it waits. A second admin sees it
waiting on the list, opens it, confirms after the confirmation page, and the enterprise's user
then sees it on his own list. No console error, no CSP violation (the ``page`` fixture fails
on either)."""

import pytest

from credit.models import CreditEvent
from tests import factories as f
from tests.browser.conftest import login, shot
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, selector="main form[method=post] button[type=submit]"):
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")


def test_enter_then_a_second_admin_confirms(page, enterprise_a, bureau_admin, ent_a, tmp_path):
    f.make_member("admin_two", Role.BUREAU_ADMIN)
    login(page, "bureau_admin")
    page.goto(page.base + "/credit/events/new/")
    field = page.locator("#id_enterprise")
    field.press_sequentially(enterprise_a.name[:3], delay=50)
    page.locator("#id_enterprise-results [role=option]").first.click()
    assert field.input_value() == enterprise_a.uscc
    page.fill("#id_year", "2025")
    page.select_option("#id_kind", "manual_deduction")
    page.fill("#id_occurred_on", "2025-08-01")
    page.fill("#id_summary", "拒绝配合现场检查")
    evidence = tmp_path / "笔录.pdf"
    evidence.write_bytes(b"%PDF-1.4 record")
    page.set_input_files("#id_evidence_file", str(evidence))
    _submit(page)
    event = CreditEvent.objects.get()
    assert event.status == "pending"
    assert "另一名管理员" in page.inner_text("main")
    shot(page, "credit-event-entered")

    page.context.clear_cookies()
    login(page, "admin_two")
    page.goto(page.base + "/credit/events/")
    assert page.locator("#awaiting").is_visible()
    page.get_by_role("link", name="查看").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="2025-08-01").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="确认", exact=True).click()
    page.wait_for_load_state("networkidle")
    _submit(page)
    assert page.locator("#confirm-step").is_visible()
    shot(page, "credit-event-confirm")
    page.locator("#confirm-step button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    event.refresh_from_db()
    assert (event.status, event.confirmed_by.username) == ("active", "admin_two")

    page.context.clear_cookies()
    login(page, "ent_a")
    page.goto(page.base + "/credit/events/")
    assert "拒绝配合现场检查" in page.inner_text("main")
