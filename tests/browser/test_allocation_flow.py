"""The issue-5 browser walk of an allocation notice: the bureau admin uploads the region's
notice on /allowances/cycles/2025/allocations/import/, sees the portal's check value beside
it with the difference flagged, notifies (confirmation page); the enterprise objects through
the form; the bureau dismisses the objection. Numbers as in tests/allowances/test_allocation.py:
notice 2,480,000 t, check 3,000,000 MWh × 0.7910 + 1,000,000 GJ × 0.1033 = 2,476,300 t,
difference +3,700 t."""

import pytest

from allowances.choices import AllocationStatus
from allowances.models import Allocation, AllocationObjection
from tests.allowances.test_allocation import notice, setup  # noqa: F401
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username):
    page.context.clear_cookies()
    login(page, username)


def test_notice_import_objection_and_decision(
    page, setup, bureau_admin, ent_a, enterprise_a, enterprise_b, tmp_path  # noqa: F811
):
    # no JavaScript confirm(): a dialog would mean a question asked before the server checked
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    notice_file = tmp_path / "notice.xlsx"
    notice_file.write_bytes(notice(enterprise_a, enterprise_b))

    _as(page, "bureau_admin")
    page.goto(page.base + "/allowances/cycles/2025/allocations/import/")
    page.set_input_files("input[type=file]", str(notice_file))
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    assert "/allowances/allocations/" in page.url
    flagged = page.locator("tr[data-differs='1']")
    assert flagged.count() == 1 and "2,476,300" in flagged.inner_text()
    assert "3,700" in flagged.inner_text()
    shot(page, "allowances-allocation-list")

    page.goto(page.base + "/allowances/cycles/2025/allocations/notify/")
    shot(page, "allowances-allocation-notify-confirm")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    assert Allocation.objects.filter(status=AllocationStatus.NOTIFIED).count() == 2

    allocation = Allocation.objects.get(enterprise=enterprise_a)
    _as(page, "ent_a")
    page.goto(page.base + f"/allowances/allocations/{allocation.pk}/")
    shot(page, "allowances-allocation-detail-enterprise")
    page.click(f"a[href$='/allowances/allocations/{allocation.pk}/object/']")
    page.locator("main form button.btn-primary").click()  # no reasons: the form again, in Chinese
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback").count() >= 1 and page.locator("#confirm-step").count() == 0
    assert not AllocationObjection.objects.exists()
    page.fill("textarea[name=reasons]", "供电量应为2,950,000 MWh")
    page.locator("main form button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    step = page.locator("#confirm-step")  # checked: what will be filed, nothing filed yet
    assert enterprise_a.name in step.inner_text() and "2,480,000" in step.inner_text()
    assert not AllocationObjection.objects.exists()
    shot(page, "allowances-allocation-objection-confirm")
    step.locator("button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    assert AllocationObjection.objects.filter(status="pending").count() == 1

    _as(page, "bureau_admin")
    page.goto(page.base + f"/allowances/allocations/{allocation.pk}/")
    page.check("input[name=decision][value=dismissed]")
    page.fill("textarea[name=note]", "核实无误")
    shot(page, "allowances-allocation-objection-decide")
    page.locator("[data-objection] form button").click()
    page.wait_for_load_state("networkidle")
    step = page.locator("#confirm-step")
    assert "核实无误" in step.inner_text() and AllocationObjection.objects.get().status == "pending"
    shot(page, "allowances-allocation-objection-decide-confirm")
    step.locator("button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    assert AllocationObjection.objects.get().status == "dismissed"
    assert dialogs == []
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.NOTIFIED
