"""Issue 9 point 10, walked in a browser: a notification opened from the inbox lands on the
page where its recipient acts; breadcrumbs and the enterprise page's cross-links lead on
(enterprise page → its allowance account → the account list)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from allowances.models import Allocation, AllowanceAccount, ComplianceCycle
from tests import factories as f
from tests.browser.conftest import login, shot
from zhongwei_carbon import events
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(db):
    area = f.area("640502")
    enterprise = f.EnterpriseFactory(name="沙坡头发电有限公司", area=area)
    f.make_member("ent_nav", Role.ENTERPRISE_USER, enterprise=enterprise)
    f.make_member("official_nav", Role.AREA_OFFICIAL, area=area)
    cycle = ComplianceCycle.objects.create(year=2025, name="2025年度")
    today = timezone.localdate()
    allocation = Allocation.objects.create(
        cycle=cycle, enterprise=enterprise, method="intensity", notified=100, status="notified",
        notified_on=today, objection_deadline=today + timedelta(days=30),
    )
    account = AllowanceAccount.objects.create(enterprise=enterprise)
    return {"enterprise": enterprise, "allocation": allocation, "account": account}


def _open_first_notification(page):
    page.goto(page.base + "/")
    page.click("a[aria-label='通知']")
    page.wait_for_load_state("networkidle")
    page.locator("main .list-group a.list-group-item").first.click()
    page.wait_for_load_state("networkidle")


def test_enterprise_opens_its_notification_and_follows_the_links(page, data):
    events.publish("allocation.notified", allocation_id=data["allocation"].pk)
    login(page, "ent_nav")
    _open_first_notification(page)
    # the allocation notice opens the objection form, where the enterprise acts
    assert page.url.endswith(reverse("allowances:allocation_object", args=[data["allocation"].pk]))
    shot(page, "nav-notification-objection")

    page.goto(page.base + reverse("registry:enterprise_detail", args=[data["enterprise"].pk]))
    crumbs = page.locator("nav ol.breadcrumb")
    assert "首页" in crumbs.inner_text() and "沙坡头发电有限公司" in crumbs.inner_text()
    page.locator("#enterprise-links a", has_text="配额账户").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("allowances:account_detail", args=[data["account"].pk]))
    crumbs = page.locator("nav ol.breadcrumb")
    assert crumbs.locator("[aria-current=page]").inner_text().strip() == "沙坡头发电有限公司"
    shot(page, "nav-account-breadcrumbs")
    crumbs.locator("a", has_text="配额账户").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("allowances:account_list"))
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.locator("nav ol.breadcrumb a", has_text="首页").click()
    page.wait_for_load_state("networkidle")
    # an enterprise user's home is its dashboard, titled with its name
    assert page.url.endswith(reverse("home"))
    assert "沙坡头发电有限公司" in page.locator("h1").first.inner_text()


def test_county_official_opens_a_submitted_report_on_its_check_page(page, data):
    report = f.verification_report_passed(data["enterprise"], f.make_member("sig", Role.BUREAU_ADMIN))
    report.status = "submitted"
    report.save()
    events.publish("report.submit", report_id=report.pk)
    login(page, "official_nav")
    _open_first_notification(page)
    assert page.url.endswith(reverse("reporting:report_county_check", args=[report.pk]))
    assert page.locator("main form[method=post]").count() >= 1  # the check form itself
    shot(page, "nav-notification-county-check")
