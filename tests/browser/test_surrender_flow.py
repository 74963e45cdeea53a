"""The issue-5 browser walk of a surrender: the enterprise requests it (allowances and a CCER
line within the 5 % cap) on /allowances/surrenders/new/?cycle=2025 and watches the live totals
update; a bureau admin approves; a bureau reviewer (a different user: four eyes) confirms; the
balances are checked in the database and on the account page.

By hand: verified 2025 emissions 20,020.40 t → obligation 20,021 t (whole tonnes, rounded up)
→ CCER cap floor(5 % × 20,021) = floor(1,001.05) = 1,001 t. Held: 30,000 t CEA 2025 and
2,000 t CCER 2023. Surrender 19,020 t CEA + 1,001 t CCER = 20,021 t → remaining 0, CCER
headroom 0; left in the account: 10,980 t CEA and 999 t CCER."""

import re
from datetime import date

import pytest

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, Holding, SurrenderRequest
from allowances.services import ledger
from tests import factories as f
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username):
    page.context.clear_cookies()
    login(page, username)


def _go(page, path):
    response = page.goto(page.base + path)
    assert response.status == 200, path
    return response


def _number(text: str) -> int:
    return int(text.strip().replace(",", ""))


@pytest.fixture
def flow(enterprise_a, ent_a, bureau_admin, bureau_reviewer):
    cycle = f.cycle_with_deadline(2025, date(2099, 12, 31))
    f.obliged(enterprise_a, 2025, "20020.40")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2025, quantity=30000)
    project = CCERProject.objects.create(code="CCER-ZW-1", name="中卫光伏")
    ledger.post(
        actor=bureau_admin,
        movements=[ledger.Movement(account, UnitType.CCER, 2023, 2000, EntryKind.TRANSFER_IN, project)],
    )
    return {
        "account": account,
        "cea": Holding.objects.get(account=account, unit_type=UnitType.CEA),
        "ccer": Holding.objects.get(account=account, unit_type=UnitType.CCER),
    }


def _step(page, pk, name):
    """Open the detail page, follow the action's button, answer the confirmation page."""
    _go(page, f"/allowances/surrenders/{pk}/")
    page.click(f"a[href$='/allowances/surrenders/{pk}/{name}/']")
    page.wait_for_load_state("networkidle")
    shot(page, f"allowances-surrender-{name}-confirm")
    page.locator("main form[method=post] button.btn-primary").last.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/allowances/surrenders/{pk}/")


def test_surrender_from_request_to_confirmation(page, flow):
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. The enterprise opens the form: obligation 20,021 t, CCER headroom 1,001 t.
    _as(page, "ent_a")
    _go(page, "/allowances/surrenders/new/?cycle=2025")
    totals = page.locator("#live-totals")
    assert _number(totals.locator("[data-total=obligation]").inner_text()) == 20021
    assert _number(totals.locator("[data-total=headroom]").inner_text()) == 1001
    shot(page, "allowances-surrender-form-empty")

    # 2. It types the tonnes; the live totals update (htmx) without leaving the page.
    page.fill(f"#id_h_{flow['cea'].pk}", "19020")
    page.press(f"#id_h_{flow['cea'].pk}", "Tab")
    page.fill(f"#id_h_{flow['ccer'].pk}", "1001")
    page.press(f"#id_h_{flow['ccer'].pk}", "Tab")
    headroom = page.locator("#live-totals [data-total=headroom]")
    remaining = page.locator("#live-totals [data-total=remaining]")
    page.wait_for_function(
        "() => /→\\s*0$/.test(document.querySelector('#live-totals [data-total=headroom]')"
        ".innerText.trim())"
    )
    assert re.sub(r"[\s,]", "", headroom.inner_text()) == "1001→0"
    page.wait_for_function(
        "() => /→\\s*0$/.test(document.querySelector('#live-totals [data-total=remaining]')"
        ".innerText.trim())"
    )
    assert re.sub(r"[\s,]", "", remaining.inner_text()) == "20021→0"
    assert "/surrenders/new/" in page.url
    shot(page, "allowances-surrender-form-live-totals")

    page.locator("form[method=post] button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    request = SurrenderRequest.objects.get()
    assert request.status == "requested"
    assert request.cea == [[2025, 19020]]
    assert request.ccer == [[flow["ccer"].project_id, 2023, 1001]]
    assert page.url.endswith(f"/allowances/surrenders/{request.pk}/")
    shot(page, "allowances-surrender-requested")

    # 3. A bureau admin approves: nothing moves yet.
    _as(page, "bureau_admin")
    _step(page, request.pk, "approve")
    request.refresh_from_db()
    assert request.status == "approved"
    flow["cea"].refresh_from_db()
    assert flow["cea"].quantity == 30000
    # the approver is not offered the confirmation (four eyes)
    assert page.locator(f"a[href$='/allowances/surrenders/{request.pk}/confirm/']").count() == 0
    shot(page, "allowances-surrender-approved")

    # 4. A bureau reviewer confirms: the units leave the account.
    _as(page, "bureau_reviewer")
    _step(page, request.pk, "confirm")
    request.refresh_from_db()
    assert request.status == "confirmed"
    assert request.approved_by.username == "bureau_admin"
    assert request.confirmed_by.username == "bureau_reviewer"
    shot(page, "allowances-surrender-confirmed")

    # 5. Balances in the database and on the account page.
    flow["cea"].refresh_from_db()
    flow["ccer"].refresh_from_db()
    assert (flow["cea"].quantity, flow["ccer"].quantity) == (10980, 999)
    _as(page, "ent_a")
    _go(page, f"/allowances/accounts/{flow['account'].pk}/")
    assert _number(page.inner_text("#total-cea")) == 10980
    assert _number(page.inner_text("#total-ccer")) == 999
    shot(page, "allowances-account-after-surrender")


@pytest.fixture
def short_flow(enterprise_a, ent_a, bureau_admin, bureau_reviewer):
    """Obligation 20,021 t; held 15,000 t CEA and 2,000 t CCER of which 1,001 t usable (the
    5 % cap) → shortfall 20,021 − 16,001 = 4,020 t before anything is typed."""
    cycle = f.cycle_with_deadline(2025, date(2099, 12, 31))
    f.obliged(enterprise_a, 2025, "20020.40")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2025, quantity=15000)
    project = CCERProject.objects.create(code="CCER-ZW-2", name="中卫风电")
    ledger.post(
        actor=bureau_admin,
        movements=[ledger.Movement(account, UnitType.CCER, 2023, 2000, EntryKind.TRANSFER_IN, project)],
    )
    return {
        "cea": Holding.objects.get(account=account, unit_type=UnitType.CEA),
        "ccer": Holding.objects.get(account=account, unit_type=UnitType.CCER),
    }


def test_shortfall_live_warning_and_what_is_still_owed(page, short_flow):
    page.on("dialog", lambda dialog: dialog.accept())
    cea_input = f"#id_h_{short_flow['cea'].pk}"
    ccer_input = f"#id_h_{short_flow['ccer'].pk}"

    # 1. Before typing: obligation, holdings, remaining and the shortfall (in red).
    _as(page, "ent_a")
    _go(page, "/allowances/surrenders/new/?cycle=2025")
    totals = page.locator("#live-totals")
    assert totals.locator("[data-total=obligation]").inner_text().strip() == "20,021"
    assert totals.locator("[data-total=remaining]").inner_text().strip() == "20,021"
    assert totals.locator("[data-total=held]").inner_text().startswith("17,000")
    shortfall = totals.locator("[data-total=shortfall]")
    assert shortfall.inner_text().strip() == "4,020"
    assert "text-danger" in shortfall.get_attribute("class")
    assert totals.locator("[data-warning=shortfall]").is_visible()
    shot(page, "allowances-surrender-shortfall")

    # 2. Typing more than a holding warns at once (in the browser); fixing it clears it.
    warning = page.locator(f"[data-over-holding=id_h_{short_flow['cea'].pk}]")
    assert not warning.is_visible()
    page.fill(cea_input, "15001")
    assert warning.is_visible()
    assert "15,000" in warning.inner_text()
    assert "is-invalid" in page.get_attribute(cea_input, "class")
    shot(page, "allowances-surrender-over-holding")
    page.fill(cea_input, "10000")
    assert not warning.is_visible()
    page.fill(ccer_input, "1001")
    page.press(ccer_input, "Tab")
    page.wait_for_function(
        "() => /→\\s*9,020$/.test(document.querySelector('#live-totals [data-total=remaining]')"
        ".innerText.trim())"
    )
    page.locator("form[method=post] button.btn-primary").click()
    page.wait_for_load_state("networkidle")
    request = SurrenderRequest.objects.get()
    assert request.cea == [[2025, 10000]]

    # 3. The bureau approves, a second bureau user confirms: 11,001 t of 20,021 t.
    _as(page, "bureau_admin")
    _step(page, request.pk, "approve")
    _as(page, "bureau_reviewer")
    _step(page, request.pk, "confirm")
    request.refresh_from_db()
    assert request.status == "confirmed"

    # 4. The status says what is still owed, not "surrendered in full".
    _as(page, "ent_a")
    _go(page, f"/allowances/surrenders/{request.pk}/")
    status = page.inner_text("#surrender-status").strip()
    assert status == "已确认，尚欠 9,020 吨"
    assert "已完成清缴" not in page.content()
    shot(page, "allowances-surrender-still-owed")
    _go(page, "/allowances/surrenders/")
    assert page.inner_text("td[data-status=confirmed]").strip() == "已确认，尚欠 9,020 吨"

    # 5. The compliance page: the enterprise's own scope, its row with separators, and the
    # rate chart drawn by the vendored ECharts from the json_script data (no inline script).
    _go(page, "/allowances/compliance/?cycle=2025")
    assert page.inner_text("#compliance-scope").strip() == "沙坡头发电有限公司"
    row = page.locator("#compliance-table tbody tr").first
    assert row.locator("[data-col=remaining]").inner_text().strip() == "9,020"
    page.wait_for_selector("#compliance-chart-area canvas")
    shot(page, "allowances-compliance-chart")
