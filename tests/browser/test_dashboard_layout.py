"""Issue 16 in a browser: on a phone (390 px) the bureau dashboard's panels stack in one
column, nothing scrolls sideways and every chart is drawn; printed (print media), the
dashboard and a main list keep their title, figures and table, and lose the menu, the filter
form, the buttons and the pagination links, under a line naming who printed it and when."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from allowances import rules
from allowances.choices import MilestoneKind
from allowances.models import ComplianceCycle, Milestone
from allowances.services import ledger
from tests import factories as f
from tests.browser.conftest import login, shot
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def city(db):
    admin = f.make_member("admin_dash", Role.BUREAU_ADMIN)
    cycle = ComplianceCycle.objects.create(year=2024, name="2024年度")
    Milestone.objects.create(cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE,
                             due_date=date(2099, 12, 31))
    for code, name, verified, surrender in (("640502", "沙坡头热电有限公司", "120.00", 126),
                                            ("640521", "中宁县铝业股份有限公司", "300.00", 40),
                                            ("640522", "海原县建材有限公司", "80.00", 0)):
        ent = f.EnterpriseFactory(name=name, area=f.area(code))
        f.obliged(ent, 2024, verified)
        account = ledger.account_for(ent)
        ledger.allocate(actor=admin, account=account, cycle=cycle, vintage=2024, quantity=1000)
        if surrender:
            ledger.surrender(actor=admin, account=account, cycle=cycle,
                             obligation=rules.obligation(Decimal(verified)),
                             cea=[(2024, surrender)])
        f.report_draft(ent, admin)
    return admin


def test_panels_stack_on_a_phone_and_charts_are_drawn(page, city):
    page.set_viewport_size(PHONE)
    login(page, "admin_dash")
    assert page.url.endswith(reverse("home"))
    panels = page.locator(".dashboard-panel")
    assert panels.count() >= 4
    boxes = [panels.nth(i).bounding_box() for i in range(panels.count())]
    # one column: every panel starts at the same x, spans the screen, under the one before
    assert len({round(b["x"]) for b in boxes}) == 1
    assert all(b["width"] > PHONE["width"] - 40 for b in boxes)
    assert all(later["y"] >= earlier["y"] + earlier["height"] - 1
               for earlier, later in zip(boxes, boxes[1:], strict=False))
    # nothing wider than the phone (a wide table scrolls inside its own panel)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    charts = page.locator("[data-dashboard-chart]")
    assert charts.count() >= 2
    for i in range(charts.count()):
        canvas = charts.nth(i).locator("canvas").first
        canvas.wait_for(state="attached")
        box = canvas.bounding_box()
        assert box and box["width"] > 300 and box["height"] >= 120
    shot(page, "dashboard-bureau-390")


def _printed(page):
    page.emulate_media(media="print")
    assert page.locator(".print-header").is_visible()
    assert "打印人" in page.locator(".print-header").inner_text()
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("footer").is_visible()
    assert page.locator("h1").first.is_visible()
    for selector in ("main .btn", "form[method=get]", ".pagination"):
        items = page.locator(selector)
        assert all(not items.nth(i).is_visible() for i in range(items.count())), selector


def test_dashboard_and_a_list_print_without_menu_filters_or_buttons(page, city):
    login(page, "admin_dash")
    page.emulate_media(media="screen")
    assert not page.locator(".print-header").is_visible()
    assert page.locator("main .btn").first.is_visible()  # the export buttons, on screen
    _printed(page)
    assert page.locator(".dashboard-panel table").first.is_visible()
    assert page.locator("[data-figure] .figure-value").first.is_visible()
    shot(page, "dashboard-bureau-print")

    page.emulate_media(media="screen")
    page.goto(page.base + reverse("registry:enterprise_list"))
    assert page.locator("form[method=get]").first.is_visible()
    _printed(page)
    table = page.locator("main table").first
    assert table.is_visible() and "海原县建材有限公司" in table.inner_text()
    # the table prints whole: no scroll box cuts its right-hand columns
    assert page.evaluate(
        "getComputedStyle(document.querySelector('main .table-responsive')).overflowX"
    ) == "visible"
    shot(page, "enterprise-list-print")
