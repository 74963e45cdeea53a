"""Issue 12, violation cases in a browser: from the inspection that concluded "violation" the
bureau admin opens a case, sees the computed range, is refused a fine outside it (with the
reason, nothing saved), decides after the confirmation and downloads the referral workbook."""

from datetime import date

import pytest
from django.utils import timezone

from oversight.models import Inspection, ViolationCase
from tests import factories as f
from tests.browser.conftest import login, shot
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4 decision"


@pytest.fixture
def violation_inspection(db):
    admin = f.make_member("admin_v", Role.BUREAU_ADMIN)
    enterprise = f.EnterpriseFactory(name="沙坡头热电有限公司", area=f.area("640502"))
    return Inspection.objects.create(
        trigger="complaint", trigger_note="公众举报", target_kind="enterprise",
        enterprise=enterprise, target_name=enterprise.name, area=enterprise.area,
        inspected_on=date(2026, 5, 1), status="closed", conclusion="violation",
        conclusion_note="未按规定保存原始记录", created_by=admin,
    )


def _submit(page, selector="main form[method=post] button[type=submit]"):
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")


def test_open_decide_and_export_the_referral(page, violation_inspection, tmp_path):
    login(page, "admin_v")
    page.goto(page.base + violation_inspection.get_absolute_url())
    page.get_by_role("link", name="立案查处").click()
    page.wait_for_load_state("networkidle")
    page.select_option("#id_article", "21")
    page.fill("#id_facts", "未按规定保存2025年燃料化验原始记录")
    evidence = tmp_path / "笔录.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("#id_files", str(evidence))
    _submit(page)
    case = ViolationCase.objects.get()
    assert "50,000" in page.inner_text("#penalties") and "500,000" in page.inner_text("#penalties")
    shot(page, "violation-case-opened")

    page.get_by_role("link", name="作出处罚决定").click()
    page.wait_for_load_state("networkidle")
    decision = tmp_path / "决定书.pdf"
    decision.write_bytes(PDF)
    page.fill("#id_fine", "600000")
    page.fill("#id_decision_number", "卫环罚〔2026〕9号")
    page.fill("#id_decided_on", timezone.localdate().isoformat())
    page.set_input_files("#id_file", str(decision))
    _submit(page)
    assert "罚款金额须在 50,000 元至 500,000 元之间" in page.inner_text("main")
    case.refresh_from_db()
    assert case.status == "open"

    page.fill("#id_fine", "120000")
    page.set_input_files("#id_file", str(decision))
    _submit(page)
    assert page.locator("#confirm-step").is_visible()
    shot(page, "violation-decide-confirm")
    page.locator("#confirm-step button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert (case.status, case.fine) == ("decided", 120000)
    assert "卫环罚〔2026〕9号" in page.inner_text("#decision")
    shot(page, "violation-decided")

    with page.expect_download() as download:
        page.get_by_role("link", name="报送自治区").click()
    assert download.value.suggested_filename.endswith(".xlsx")
