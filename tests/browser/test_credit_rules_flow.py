"""Issue 14, credit rule sets and score cards in a browser: the bureau admin edits the default
draft (an invalid threshold order is refused with the reason, nothing saved), publishes it
under a document number after the confirmation, finds it frozen, and opens an enterprise's
score card that explains its points."""

import pytest

from credit.choices import EventKind as K
from credit.choices import RuleSetStatus
from tests import factories as f
from tests.browser.conftest import login, shot
from tests.credit.rule_helpers import default_draft, event
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, selector="main form[method=post] button[type=submit]"):
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")


def test_edit_publish_and_read_a_card(page):
    f.make_member("admin_c", Role.BUREAU_ADMIN)
    rs = default_draft()
    enterprise = f.EnterpriseFactory(name="沙坡头热电有限公司", area=f.area("640502"))
    event(enterprise, K.REPORT_LATE)
    event(enterprise, K.VERIFIED_DEVIATION, day=2, measure="3")
    login(page, "admin_c")
    page.goto(page.base + f"/credit/rules/{rs.pk}/")
    assert "一票否决" in page.inner_text("main")
    shot(page, "credit-rule-set-draft")
    page.get_by_role("link", name="编辑").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_h-green_from", "70")
    _submit(page)
    assert "绿牌高于蓝牌" in page.inner_text("main") and "未保存任何内容" in page.inner_text("main")
    rs.refresh_from_db()
    assert str(rs.green_from) == "90.0"
    shot(page, "credit-rule-set-edit-refused")
    page.fill("#id_h-green_from", "90")
    page.fill("#id_h-title", "中卫市碳排放权交易信用评价规则（试行）修订稿")
    _submit(page)
    assert "修订稿" in page.inner_text("main")
    page.get_by_role("link", name="发布").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_document_number", "测试文号〔2025〕1号")
    _submit(page)
    assert page.locator("#confirm-step").is_visible()
    page.locator("button[name=step][value=confirm]").click()
    page.wait_for_load_state("networkidle")
    rs.refresh_from_db()
    assert rs.status == RuleSetStatus.PUBLISHED
    assert "冻结" in page.inner_text("main")
    assert page.get_by_role("link", name="编辑").count() == 0
    page.goto(page.base + f"/credit/cards/enterprise/{enterprise.pk}/2025/")
    text = page.inner_text("main")
    assert "95" in text and "未超过条目阈值：不计分" in text and "测试文号〔2025〕1号" in text
    shot(page, "credit-score-card")
