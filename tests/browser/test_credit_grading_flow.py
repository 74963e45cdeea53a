"""Issue 14 in a browser: the bureau opens the credit year 2025 and freezes its provisional
grades (confirmed first); the enterprise objects to one event of its card; the bureau upholds
the objection (the event is voided, the grade recomputed); after the window the bureau
publishes the final grades (document number, confirmed) and the public page shows them."""

from datetime import date

import pytest

from credit.choices import EventKind, Grade, GradingStatus
from credit.models import CreditObjection, CreditYear, SubjectGrade
from tests import factories as f
from tests.browser.conftest import login, shot
from tests.credit import helpers as h
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    admin = f.make_member("admin_c", Role.BUREAU_ADMIN)
    enterprise = f.EnterpriseFactory(name="沙坡头热电有限公司", area=f.area("640502"))
    user = f.make_member("ent_c", Role.ENTERPRISE_USER, enterprise=enterprise)
    h.rule_set(2024)
    h.event(enterprise, summary="2025年度排放报告逾期")
    fake = h.event(enterprise, kind=EventKind.VIOLATION_ART22, on=date(2025, 6, 1),
                   summary="2025年度台账数据造假")
    return {"admin": admin, "enterprise": enterprise, "user": user, "fake": fake}


def _as(page, username):
    page.context.clear_cookies()
    login(page, username)


def _click(page, name, role="button"):
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state("networkidle")


def test_a_year_is_frozen_objected_to_decided_and_published(page, world):
    _as(page, "admin_c")
    page.goto(page.base + "/credit/years/")
    _click(page, "开启信用评价年度", role="link")
    page.fill("#id_year", "2025")
    _click(page, "继续")
    _click(page, "冻结初评结果")
    assert page.locator("#confirm-step").is_visible()
    shot(page, "credit-freeze-confirm")
    page.locator("#confirm-step button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    grade = SubjectGrade.objects.get(enterprise=world["enterprise"])
    assert grade.grade == Grade.RED and CreditYear.objects.get().status == GradingStatus.PROVISIONAL

    _as(page, "ent_c")
    page.goto(page.base + "/credit/my/")
    shot(page, "credit-my-provisional")
    page.locator(f"a[href$='/{grade.pk}/{world['fake'].pk}/']").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_reasons", "造假认定已被行政复议撤销")
    _click(page, "提交")
    objection = CreditObjection.objects.get()
    assert objection.event == world["fake"]

    _as(page, "admin_c")
    page.goto(page.base + f"/credit/objections/{objection.pk}/")
    _click(page, "异议处理决定", role="link")
    page.check("input[name=decision][value=upheld]")
    page.fill("#id_note", "复议决定书已核实")
    _click(page, "提交")
    grade.refresh_from_db()
    assert grade.grade == Grade.GREEN and grade.notified_grade == Grade.RED

    CreditYear.objects.update(objections_until=date(2026, 1, 5))  # the window has closed
    page.goto(page.base + "/credit/years/2025/")
    shot(page, "credit-year-ready")
    _click(page, "发布最终结果", role="link")
    page.fill("#id_document_number", "卫环发〔2026〕9号")
    _click(page, "继续")
    assert page.locator("#confirm-step").is_visible()
    page.locator("#confirm-step button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    assert CreditYear.objects.get().status == GradingStatus.FINAL

    page.context.clear_cookies()
    page.goto(page.base + "/public/credit/")
    body = page.inner_text("main")
    assert "沙坡头热电有限公司" in body and "卫环发〔2026〕9号" in body and h.DOC in body
    shot(page, "credit-public")
