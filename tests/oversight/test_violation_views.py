"""The violation-case pages end to end: open from the inspection page, add a person and a
department, decide (refused outside the range with the reason and nothing saved; then
confirmed), the referral workbook, the list with its filters and export; who sees what (a
county only its area, the party only its decided cases)."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from oversight.models import ViolationCase
from oversight.services import violations as services
from tests.conftest import client_for
from tests.oversight.test_violations import concluded, pdf
from tests.two_step import is_confirmation
from verifiers.models import Agency

pytestmark = pytest.mark.django_db


def _url(name, **kw):
    return reverse(f"oversight:{name}", kwargs=kw or None)


def _workbook(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(body))


@pytest.fixture
def inspection(bureau_admin, enterprise_a):
    return concluded(bureau_admin, enterprise=enterprise_a)


def test_open_decide_and_refer_in_the_browser(bureau_admin, inspection, enterprise_a):
    admin = client_for(bureau_admin)
    page = admin.get(inspection.get_absolute_url()).content.decode()
    open_url = _url("violation_open") + f"?inspection={inspection.pk}"
    assert open_url in page
    response = admin.post(open_url, {
        "article": "22", "facts": "篡改燃料化验数据", "illegal_gains": "", "refused_correction": "",
        "files": SimpleUploadedFile("笔录.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    })
    case = ViolationCase.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    page = admin.get(case.get_absolute_url()).content.decode()
    assert "500,000" in page and "2,000,000" in page  # the computed range, Art. 22 without gains
    assert "笔录.pdf" in page

    response = admin.post(_url("violation_person_add", pk=case.pk),
                          {"name": "张三", "position": "厂长", "fine": "300000"})
    assert response.status_code == 200 and "直接责任人员的罚款须在" in response.content.decode()
    admin.post(_url("violation_person_add", pk=case.pk),
               {"name": "张三", "position": "厂长", "fine": "60000"})
    admin.post(_url("violation_department_add", pk=case.pk),
               {"department": "market_regulation", "name": "中卫市市场监督管理局"})

    today = timezone.localdate().isoformat()
    form = {"fine": "400000", "decision_number": "卫环罚〔2026〕2号", "decided_on": today,
            "file": pdf()}
    response = admin.post(_url("violation_decide", pk=case.pk), form)
    assert response.status_code == 200 and not is_confirmation(response)
    assert "罚款金额须在 500,000 元至 2,000,000 元之间" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"

    form["fine"] = "800000"
    form["file"] = pdf()
    response = admin.post(_url("violation_decide", pk=case.pk), form)
    assert is_confirmation(response) and 'id="confirm-step"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"  # nothing done before the confirmation
    plain = {k: v for k, v in form.items() if k != "file"}
    response = admin.post(_url("violation_decide", pk=case.pk),
                          {**plain, "step": "confirm", "staged": response.context["token"]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.fine, case.decision_number) == ("decided", 800000, "卫环罚〔2026〕2号")
    assert admin.get(_url("violation_decision_file", pk=case.pk))["Content-Type"] == \
        "application/pdf"

    response = admin.get(_url("violation_referral_export", pk=case.pk))
    assert response.status_code == 200 and response.streaming
    book = _workbook(response)
    assert book.sheetnames == ["报送函", "直接责任人员", "联合执法部门", "佐证材料", "办理记录"]
    letter = {row[0]: row[1] for row in book["报送函"].iter_rows(min_row=2, values_only=True)}
    assert letter["致"] == "宁夏回族自治区生态环境厅"
    assert letter["罚款（元）"] == 800000 and letter["法定最低罚款（元）"] == 500000
    assert letter["当事人"] == enterprise_a.name
    persons = list(book["直接责任人员"].iter_rows(min_row=2, values_only=True))
    assert persons == [("张三", "厂长", 60000)]

    admin.post(_url("violation_refer", pk=case.pk), {"note": "已报送"})
    case.refresh_from_db()
    assert case.status == "referred"
    page = admin.get(inspection.get_absolute_url()).content.decode()
    assert case.get_absolute_url() in page


def test_the_decide_page_of_a_decided_case_goes_back(bureau_admin, inspection):
    case = services.case_open(actor=bureau_admin, inspection=inspection, article="21",
                              facts="x")
    services.case_decide(actor=bureau_admin, case=case, fine=60000, decision_number="1",
                         decided_on=timezone.localdate(), file=pdf())
    response = client_for(bureau_admin).post(_url("violation_decide", pk=case.pk),
                                             {"fine": "70000"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.fine == 60000


def test_a_county_sees_its_area_only_and_a_probe_of_another_county_is_404(
        bureau_admin, official_a, official_b, inspection):
    case = services.case_open(actor=bureau_admin, inspection=inspection, article="21", facts="x")
    assert client_for(official_a).get(case.get_absolute_url()).status_code == 200
    other = client_for(official_b)
    for url in (case.get_absolute_url(), reverse("api:violation-case-detail",
                                                 kwargs={"pk": case.pk})):
        assert other.get(url).status_code == 404
    assert case.get_absolute_url() not in other.get(_url("violation_list")).content.decode()
    # the county cannot open, decide or export the referral: its role forbids it
    assert other.post(_url("violation_decide", pk=case.pk), {}).status_code == 403


def test_the_party_sees_only_its_decided_cases(bureau_admin, ent_a, ent_b, inspection):
    case = services.case_open(actor=bureau_admin, inspection=inspection, article="21", facts="x")
    party = client_for(ent_a)
    assert party.get(case.get_absolute_url()).status_code == 404
    assert case.get_absolute_url() not in party.get(_url("violation_list")).content.decode()
    services.case_decide(actor=bureau_admin, case=case, fine=60000, decision_number="卫环罚1号",
                         decided_on=timezone.localdate(), file=pdf())
    page = party.get(case.get_absolute_url()).content.decode()
    assert "卫环罚1号" in page and _url("violation_decide", pk=case.pk) not in page
    assert party.get(_url("violation_referral_export", pk=case.pk)).status_code == 403
    assert client_for(ent_b).get(case.get_absolute_url()).status_code == 404


def test_list_filters_search_pagination_empty_state_and_export(bureau_admin, enterprise_a,
                                                               enterprise_b):
    for enterprise, article in ((enterprise_a, "21"), (enterprise_b, "22")):
        services.case_open(actor=bureau_admin, article=article, facts="x", enterprise=enterprise,
                           trigger_note="数据异常")
    admin = client_for(bureau_admin)
    page = admin.get(_url("violation_list"), {"article": "22"}).content.decode()
    assert enterprise_b.name in page and enterprise_a.name not in page
    page = admin.get(_url("violation_list"), {"q": enterprise_a.name[:4]}).content.decode()
    assert enterprise_a.name in page and enterprise_b.name not in page
    year = timezone.localdate().year
    page = admin.get(_url("violation_list"), {"year": year - 1}).content.decode()
    assert "没有符合筛选条件的违法案件" in page
    page = admin.get(_url("violation_list"), {"status": "decided"}).content.decode()
    assert "没有符合筛选条件的违法案件" in page
    page = admin.get(_url("violation_list"), {"enterprise": enterprise_a.pk}).content.decode()
    assert enterprise_a.name in page and enterprise_b.name not in page
    response = admin.get(_url("violation_export"), {"article": "21"})
    rows = list(_workbook(response).active.iter_rows(values_only=True))
    assert rows[0][0] == "当事人" and [r[0] for r in rows[1:]] == [enterprise_a.name]
    assert admin.get(_url("violation_list"), {"page": 99}).status_code == 200


def test_the_agency_page_shows_the_ban_and_its_end(bureau_admin, bureau_reviewer, agency_a):
    inspection = concluded(bureau_admin, agency=agency_a)
    case = services.case_open(actor=bureau_admin, inspection=inspection, article="23",
                              facts="出具虚假核查报告", serious=True)
    until = timezone.localdate() + timedelta(days=365)
    services.case_decide(actor=bureau_admin, case=case, fine=200000, decision_number="卫环罚3号",
                         decided_on=timezone.localdate(), file=pdf(), ban_until=until)
    assert Agency.objects.get(pk=agency_a.pk).suspended_until == until
    client = client_for(bureau_reviewer)
    label = f"暂停业务至 {until.isoformat()}"
    assert label in client.get(reverse("verifiers:agency_list")).content.decode()
    page = client.get(reverse("verifiers:agency_detail", kwargs={"pk": agency_a.pk})).content.decode()
    assert label in page and _url("violation_list") + f"?agency={agency_a.pk}" in page


def test_the_enterprise_page_links_its_cases(bureau_admin, official_a, enterprise_a):
    page = client_for(official_a).get(
        reverse("registry:enterprise_detail", kwargs={"pk": enterprise_a.pk})).content.decode()
    assert _url("violation_list") + f"?enterprise={enterprise_a.pk}" in page


def test_a_new_range_row_applies_from_its_year_and_a_duplicate_is_refused(bureau_admin,
                                                                          enterprise_a):
    from oversight.models import PenaltyRange
    from oversight.selectors import violations as selectors

    admin = client_for(bureau_admin)
    page = admin.get(_url("penalty_range_list")).content.decode()
    assert "第二十一条" in page and page.count("<tr>") == 1 + PenaltyRange.objects.count()
    row = {"article": "21", "kind": "fine", "low": "60000", "high": "600000", "year": "2030",
           "source": "修订后的条例（示例）"}
    assert admin.post(_url("penalty_range_create"), row).status_code == 302
    response = admin.post(_url("penalty_range_create"), row)
    assert response.status_code == 200 and "该年度起已有" in response.content.decode()
    response = admin.post(_url("penalty_range_create"), row | {"year": "2031", "high": "1"})
    assert "上限不能低于下限" in response.content.decode()
    assert PenaltyRange.objects.filter(article="21", kind="fine").count() == 2
    assert selectors.penalties(article="21", year=2029, illegal_gains=None).fine.high == 500000
    assert selectors.penalties(article="21", year=2030, illegal_gains=None).fine.high == 600000
