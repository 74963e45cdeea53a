"""Issue 12 in a browser: the bureau admin plans, draws, re-draws with a reason and publishes
(after the confirmation); the public page shows the draw; the drawn reviewer records the
checklist and concludes (after the confirmation); the result appears on the public page."""

from decimal import Decimal

import pytest

from oversight.models import Inspection, InspectionPlan, Inspector
from registry.models import KeyEmitterList, KeyEmitterListEntry
from tests import factories as f
from tests.browser.conftest import login, shot
from tests.oversight.conftest import PLAN_END, PLAN_START
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oversight_data(db):
    shapotou, zhongning = f.area("640502"), f.area("640521")
    admin = f.make_member("admin_o", Role.BUREAU_ADMIN)
    reviewer = f.make_member("reviewer_o", Role.BUREAU_REVIEWER)
    official = f.make_member("official_o", Role.AREA_OFFICIAL, area=shapotou)
    enterprises = [f.EnterpriseFactory(name=f"沙坡头企业{i}", area=shapotou) for i in range(2)]
    enterprises.append(f.EnterpriseFactory(name="中宁企业", area=zhongning))
    key_list = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=admin)
    for e in enterprises:
        KeyEmitterListEntry.objects.create(
            key_list=key_list, enterprise=e, change="added", reason="emissions",
            emissions_tco2e=Decimal("30000"), enterprise_name=e.name, uscc=e.uscc, area=e.area,
            sector=e.sector,
        )
    KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    Inspector.objects.create(kind="bureau", user=reviewer, name="审核员")
    Inspector.objects.create(kind="county", user=official, name="沙坡头经办", area=shapotou)
    Inspector.objects.create(kind="expert", name="专家甲")
    return {"admin": admin, "reviewer": reviewer}


def _submit(page, selector="main form[method=post] button[type=submit]"):
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")


def test_plan_draw_publish_inspect_conclude(page, oversight_data):
    login(page, "admin_o")
    page.goto(page.base + "/oversight/plans/new/")
    page.fill("#id_year", "2026")
    page.fill("#id_title", "2026年度双随机抽查")
    page.select_option("#id_targets", "enterprises")
    page.fill("#id_legal_basis", "《碳排放权交易管理办法（试行）》第三十一条")
    page.fill("#id_start_date", PLAN_START.isoformat())
    page.fill("#id_end_date", PLAN_END.isoformat())
    page.fill("#id_listed_year", "2025")
    page.fill("#id_enterprise_count", "3")
    for box in page.locator("input[name=inspectors]").all():
        box.check()
    _submit(page)
    plan = InspectionPlan.objects.get()
    _submit(page, f"form[action$='/oversight/plans/{plan.pk}/draw/'] button")
    assert page.locator("#drawn-targets tr[data-target]").count() == 3
    page.fill("#id_reason", "检查人员临时调整")
    _submit(page, f"form[action$='/oversight/plans/{plan.pk}/draw/'] button")
    assert plan.draws.count() == 2
    shot(page, "oversight-plan-drawn")

    _submit(page, f"form[action$='/oversight/plans/{plan.pk}/publish/'] button")
    assert page.locator("#confirm-step").is_visible()
    shot(page, "oversight-publish-confirm")
    page.locator("#confirm-step button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    plan.refresh_from_db()
    assert plan.status == "published"
    page.goto(page.base + f"/oversight/plans/{plan.pk}/rerun/")
    assert page.locator("#rerun-result").get_attribute("data-matches") == "yes"

    inspection = Inspection.objects.filter(
        inspectors__inspector__user=oversight_data["reviewer"]).first()
    page.context.clear_cookies()
    login(page, "reviewer_o")
    page.goto(page.base + f"/oversight/inspections/{inspection.pk}/record/")
    page.fill("#id_inspected_on", PLAN_START.isoformat())
    for select in page.locator("select[name^=result_]").all():
        select.select_option("ok")
    _submit(page)
    page.goto(page.base + f"/oversight/inspections/{inspection.pk}/conclude/")
    page.select_option("#id_conclusion", "no_problem")
    page.fill("#id_note", "未发现问题")
    _submit(page)
    assert page.locator("#confirm-step").is_visible()
    page.locator("#confirm-step button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    inspection.refresh_from_db()
    assert inspection.conclusion == "no_problem"
    shot(page, "oversight-inspection-concluded")

    page.context.clear_cookies()
    page.goto(page.base + f"/public/inspections/{plan.pk}/")
    assert "未发现问题" in page.inner_text("main")
    shot(page, "oversight-public-results")
