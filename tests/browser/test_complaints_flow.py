"""Issue 13 in a browser: an anonymous person files a complaint (answering the offline human
check), is shown the tracking number and the secret once; the bureau admin accepts it, looks
at who filed (logged) and assigns it to the Shapotou official; the official records notes and writes the reply; the
admin approves it on the confirmation page; the person tracks it and reads the reply. At each
hand-off the next actor's inbox shows the notice, and no page the county handler opens shows
who filed, nor that the bureau looked."""

import re
from decimal import Decimal

import pytest

from complaints.models import Complaint
from registry.models import KeyEmitterList, KeyEmitterListEntry
from tests import factories as f
from tests.browser.conftest import login, shot
from zhongwei_carbon.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILER_NAME = "举报人王小五"
FILER_PHONE = "13987654321"
REPLY = "经现场核查，该企业2025年燃煤台账缺失属实，已责令限期整改。"
NUMERALS = "零一二三四五六七八九十"
IDENTITY_LOOKED_AT = "查看了投诉人身份"  # the access log's line, for bureau admins only


@pytest.fixture
def complaint_data(db):
    shapotou = f.area("640502")
    admin = f.make_member("admin_c", Role.BUREAU_ADMIN)
    official = f.make_member("official_c", Role.AREA_OFFICIAL, area=shapotou)
    enterprise = f.EnterpriseFactory(name="沙坡头热电有限公司", area=shapotou)
    key_list = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=admin)
    KeyEmitterListEntry.objects.create(
        key_list=key_list, enterprise=enterprise, change="added", reason="emissions",
        emissions_tco2e=Decimal("30000"), enterprise_name=enterprise.name, uscc=enterprise.uscc,
        area=shapotou, sector=enterprise.sector,
    )
    KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    return {"admin": admin, "official": official, "enterprise": enterprise}


def _submit(page, selector="main form[method=post] button[type=submit]"):
    page.locator(selector).first.click()
    page.wait_for_load_state("networkidle")


def _answer_the_check(page) -> None:
    """The question is a sum of two numerals in words (complaints.challenge): read and add."""
    question = page.inner_text("label[for=id_answer]")
    a, b = re.search(f"([{NUMERALS}])加([{NUMERALS}])", question).groups()
    page.fill("#id_answer", str(NUMERALS.index(a) + NUMERALS.index(b)))


def _inbox_shows(page, text: str) -> None:
    page.goto(page.base + "/notifications/")
    assert text in page.inner_text("main"), text


def _handler_sees_no_filer(page) -> None:
    html = page.content()
    for private in (FILER_NAME, FILER_PHONE, IDENTITY_LOOKED_AT):
        assert private not in html, (page.url, private)


def test_file_triage_assign_reply_approve_track(page, complaint_data):
    enterprise = complaint_data["enterprise"]
    # the anonymous person files, picking the enterprise from the published list
    page.goto(page.base + "/public/complaints/new/")
    field = page.locator("#id_target_code")
    field.press_sequentially("热电", delay=50)
    option = page.locator("#id_target_code-results [role=option]").first
    option.wait_for()
    option.click()
    assert field.input_value() == enterprise.uscc
    page.select_option("#id_category", "missing_ledgers")
    page.fill("#id_description", "该企业2025年下半年燃煤月度台账未填报。")
    page.fill("#id_name", FILER_NAME)
    page.fill("#id_contact", FILER_PHONE)
    _answer_the_check(page)
    shot(page, "complaints-file")
    _submit(page)
    number = page.inner_text("#number").strip()
    secret = page.inner_text("#secret").strip()
    complaint = Complaint.objects.get()
    assert number == complaint.number and secret
    shot(page, "complaints-filed")
    page.reload()  # shown once
    assert secret not in page.content()

    # the bureau admin: the inbox names the new complaint; accept and assign
    login(page, "admin_c")
    _inbox_shows(page, f"新投诉举报{number}待受理审查")
    page.goto(page.base + complaint.get_absolute_url())
    _submit(page, f"form[action$='/complaints/{complaint.pk}/accept/'] button")
    # the bureau may look at who filed (logged, and labelled as a person's name)
    page.goto(page.base + f"/complaints/{complaint.pk}/identity/")
    assert FILER_NAME not in page.content()
    _submit(page)
    identity = page.inner_text("#identity")
    assert "姓名" in identity and FILER_NAME in identity and FILER_PHONE in identity
    page.goto(page.base + complaint.get_absolute_url())
    assert IDENTITY_LOOKED_AT in page.inner_text("main")
    page.goto(page.base + f"/complaints/{complaint.pk}/assign/")
    page.select_option("#id_handler", str(complaint_data["official"].pk))
    _submit(page)
    complaint.refresh_from_db()
    assert complaint.status == "assigned" and complaint.handler == complaint_data["official"]

    # the county official: notice in the inbox, notes, reply; never the filer's name
    page.context.clear_cookies()
    login(page, "official_c")
    _inbox_shows(page, f"投诉举报{number}已交由您办理")
    _handler_sees_no_filer(page)
    page.goto(page.base + "/complaints/")
    assert number in page.inner_text("main")
    _handler_sees_no_filer(page)
    page.goto(page.base + complaint.get_absolute_url())
    _handler_sees_no_filer(page)
    page.goto(page.base + f"/complaints/{complaint.pk}/notes/")
    _handler_sees_no_filer(page)
    page.fill("#id_findings", "已约谈企业能源部门负责人，调阅燃煤台账原件。")
    _submit(page)
    assert "已约谈企业能源部门负责人" in page.inner_text("main")
    _handler_sees_no_filer(page)
    page.goto(page.base + f"/complaints/{complaint.pk}/reply/")
    _handler_sees_no_filer(page)
    page.select_option("#id_outcome", "substantiated")
    page.fill("#id_reply", REPLY)
    _submit(page)
    complaint.refresh_from_db()
    assert complaint.status == "reply_pending"
    _handler_sees_no_filer(page)
    shot(page, "complaints-reply-submitted")

    # the bureau admin: notice, then approval on the confirmation page
    page.context.clear_cookies()
    login(page, "admin_c")
    _inbox_shows(page, f"投诉举报{number}的答复待审核")
    page.goto(page.base + complaint.get_absolute_url())
    _submit(page, f"form[action$='/complaints/{complaint.pk}/reply/approve/'] button")
    assert page.locator("#confirm-step").is_visible()
    assert REPLY in page.inner_text("#confirm-step")
    complaint.refresh_from_db()
    assert complaint.status == "reply_pending"  # nothing published before the confirmation
    shot(page, "complaints-approve-confirm")
    page.locator("#confirm-step button[value=confirm]").click()
    page.wait_for_load_state("networkidle")
    complaint.refresh_from_db()
    assert complaint.status == "answered"

    # the handler is told the reply was approved
    page.context.clear_cookies()
    login(page, "official_c")
    _inbox_shows(page, f"投诉举报{number}的答复已审核通过")
    _handler_sees_no_filer(page)
    page.goto(page.base + complaint.get_absolute_url())
    _handler_sees_no_filer(page)

    # the anonymous person tracks it and reads the reply
    page.context.clear_cookies()
    page.goto(page.base + "/public/complaints/track/")
    page.fill("#id_number", number)
    page.fill("#id_secret", secret)
    _submit(page)
    assert REPLY in page.inner_text("#reply")
    assert page.inner_text("#status").strip() == "已答复"
    shot(page, "complaints-tracked")
