"""Allocation pages through the browser's HTTP: who sees what, the import page, the
confirmation steps, the objection form and the export (issue 5 §2, §6)."""

import io
import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from allowances.choices import AllocationStatus
from allowances.models import Allocation, AllocationObjection, LedgerEntry
from allowances.services import allocation as svc
from tests.allowances.allocation_helpers import workbook
from tests.allowances.test_allocation import NOTICE, english, notice, setup  # noqa: F401
from tests.conftest import client_for
from tests.two_step import is_confirmation, post_and_confirm

pytestmark = pytest.mark.django_db
LIST = reverse("allowances:allocation_list")


@pytest.fixture
def allocations(setup, bureau_admin, enterprise_a, enterprise_b):  # noqa: F811
    svc.allocation_import(actor=bureau_admin, cycle=setup, data=notice(enterprise_a, enterprise_b),
                          filename="n.xlsx")
    return {a.enterprise_id: a for a in Allocation.objects.all()}


def test_imported_figures_stay_with_the_bureau_until_notified(
    allocations, bureau_admin, official_a, ent_a, enterprise_a
):
    a = allocations[enterprise_a.pk]
    detail = reverse("allowances:allocation_detail", kwargs={"pk": a.pk})
    for user in (official_a, ent_a):
        body = client_for(user).get(LIST, {"cycle": 2025}).content.decode()
        assert f'data-allocation="{a.pk}"' not in body
        assert client_for(user).get(detail).status_code == 404
        assert client_for(user).get(reverse("api:allocation-list")).json()["results"] == []
    assert client_for(bureau_admin).get(detail).status_code == 200


def test_the_list_is_scoped_and_flags_differences(
    allocations, bureau_admin, bureau_reviewer, official_a, ent_b, agency_a_staff, enterprise_a,
    enterprise_b,
):
    svc.notify_all(actor=bureau_admin, cycle=allocations[enterprise_a.pk].cycle, today=NOTICE)
    body = client_for(bureau_reviewer).get(LIST, {"cycle": 2025}).content.decode()
    assert enterprise_a.name in body and enterprise_b.name in body
    assert body.count('data-differs="1"') == 1
    body = client_for(official_a).get(LIST, {"cycle": 2025}).content.decode()
    assert enterprise_a.name in body and enterprise_b.name not in body
    body = client_for(ent_b).get(LIST, {"cycle": 2025}).content.decode()
    assert enterprise_b.name in body and enterprise_a.name not in body
    assert 'data-differs' not in body  # the check values are the bureau's
    assert reverse("allowances:allocation_import", kwargs={"year": 2025}) not in body
    assert client_for(agency_a_staff).get(LIST).status_code == 403
    only = client_for(bureau_reviewer).get(LIST, {"cycle": 2025, "differs": "on"}).content.decode()
    assert enterprise_a.name in only and enterprise_b.name not in only


def test_another_enterprise_allocation_is_not_found(allocations, ent_b, official_b, enterprise_a):
    url = reverse("allowances:allocation_detail", kwargs={"pk": allocations[enterprise_a.pk].pk})
    assert client_for(ent_b).get(url).status_code == 404
    assert client_for(official_b).get(url).status_code == 404


def test_detail_shows_the_units_formula_and_both_figures(allocations, bureau_reviewer, bureau_admin,
                                                         ent_a, enterprise_a):
    a = allocations[enterprise_a.pk]
    url = reverse("allowances:allocation_detail", kwargs={"pk": a.pk})
    body = client_for(bureau_reviewer).get(url).content.decode()
    assert "2,480,000" in body and "2,476,300" in body
    assert "3,000,000 MWh × 0.7910 × 1.0000 + 1,000,000 GJ × 0.1033" in body
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=NOTICE)
    body = client_for(ent_a).get(url).content.decode()
    assert "2,480,000" in body and "2,476,300" not in body and "MWh" not in body


def test_import_page_shows_every_problem_and_saves_nothing(setup, bureau_admin, enterprise_a):  # noqa: F811
    url = reverse("allowances:allocation_import", kwargs={"year": 2025})
    bad = workbook([[enterprise_a.uscc, "", "power_benchmark", 1.5, "=A1", "", ""]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(bureau_admin).post(
        url, {"file": SimpleUploadedFile("bad.xlsx", bad)}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.split("<table", 2)[-1].count("<tr>") == 3  # the header and the two problems
    assert "data-errors" in body
    assert not Allocation.objects.exists()
    response = client_for(bureau_admin).post(
        url, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert response.context["form"].errors["file"]


def test_import_page_applies_a_good_notice(setup, bureau_admin, bureau_reviewer, enterprise_a, enterprise_b):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("allowances:allocation_import", kwargs={"year": 2025})
    upload = SimpleUploadedFile("n.xlsx", notice(enterprise_a, enterprise_b))
    assert client_for(bureau_reviewer).post(url, {"file": upload}).status_code == 403
    upload = SimpleUploadedFile("n.xlsx", notice(enterprise_a, enterprise_b))
    response = client_for(bureau_admin).post(url, {"file": upload})
    assert response.status_code == 302 and Allocation.objects.count() == 2


def test_notify_and_issue_need_confirmation(allocations, bureau_admin, enterprise_a):
    client = client_for(bureau_admin)
    url = reverse("allowances:allocation_notify", kwargs={"year": 2025})
    page = client.get(url).content.decode()
    assert page.count("alert-warning") == 1
    with translation.override("zh-hans"):  # the question names the two rows it will notify
        expected = translation.gettext(
            "Notify the %(n)d imported allocations of %(year)s to their enterprises? Each may "
            "object within %(days)d working days; this cannot be undone.") % {
            "n": 2, "year": 2025, "days": 7}
    assert client.get(url).context["question"] == expected
    assert Allocation.objects.filter(status=AllocationStatus.IMPORTED).count() == 2  # GET changes nothing
    client.post(url)
    assert Allocation.objects.filter(status=AllocationStatus.NOTIFIED).count() == 2
    a = allocations[enterprise_a.pk]
    issue = reverse("allowances:allocation_issue", kwargs={"pk": a.pk})
    response = client.post(issue, follow=True)  # still inside the objection period: refused
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]][-1:] == ["error"]
    assert not LedgerEntry.objects.exists()


def test_reviewer_and_county_cannot_issue_or_decide(allocations, bureau_admin, bureau_reviewer,
                                                     official_a, ent_a, enterprise_a):
    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=date.today())
    objection = svc.objection_file(actor=ent_a, allocation=a, reasons="x")
    decide = reverse("allowances:allocation_objection_decide", kwargs={"pk": objection.pk})
    issue = reverse("allowances:allocation_issue", kwargs={"pk": a.pk})
    for user in (bureau_reviewer, official_a):
        assert client_for(user).post(decide, {"decision": "dismissed", "note": "x"}).status_code == 403
        assert client_for(user).post(issue).status_code == 403
    objection.refresh_from_db()
    assert objection.status == "pending" and not LedgerEntry.objects.exists()


def test_enterprise_objects_through_the_form(allocations, bureau_admin, ent_a, enterprise_a):
    svc.notify_all(actor=bureau_admin, cycle=allocations[enterprise_a.pk].cycle, today=date.today())
    a = allocations[enterprise_a.pk]
    detail = reverse("allowances:allocation_detail", kwargs={"pk": a.pk})
    url = reverse("allowances:allocation_object", kwargs={"pk": a.pk})
    assert url in client_for(ent_a).get(detail).content.decode()
    response = client_for(ent_a).post(url, {"reasons": ""})
    assert response.status_code == 200 and not AllocationObjection.objects.exists()
    response = post_and_confirm(client_for(ent_a), url, {"reasons": "供电量应为2,950,000 MWh"})
    assert response.status_code == 302
    objection = AllocationObjection.objects.get()
    decide = reverse("allowances:allocation_objection_decide", kwargs={"pk": objection.pk})
    assert client_for(ent_a).post(decide, {"decision": "dismissed", "note": "x"}).status_code == 403
    post_and_confirm(client_for(bureau_admin), decide, {"decision": "dismissed", "note": "核实无误"})
    objection.refresh_from_db()
    assert objection.status == "dismissed"


def test_export_has_both_figures_and_the_difference(allocations, bureau_admin, enterprise_a):
    response = client_for(bureau_admin).get(reverse("allowances:allocation_export"), {"cycle": 2025})
    ws = load_workbook(io.BytesIO(response.getvalue())).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    row = rows[enterprise_a.name]
    assert (row[6], row[7], row[8]) == (2480000, 2476300, 3700)


def test_template_lists_the_key_emitters(setup, bureau_admin, ent_a):  # noqa: F811
    url = reverse("allowances:allocation_template", kwargs={"year": 2025})
    assert client_for(ent_a).get(url).status_code == 403
    response = client_for(bureau_admin).get(url)
    wb = load_workbook(io.BytesIO(response.getvalue()))
    assert wb.sheetnames[:2] == ["分配", "机组"]





def test_api_lists_in_scope_and_takes_an_objection(allocations, bureau_admin, ent_a, ent_b, enterprise_a):
    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=date.today())
    rows = client_for(ent_a).get(reverse("api:allocation-list"), {"cycle": 2025}).json()["results"]
    assert [(r["uscc"], r["notified"], r["computed"], r["difference"]) for r in rows] == [
        (enterprise_a.uscc, 2480000, None, None)  # the check values are the bureau's
    ]
    rows = client_for(bureau_admin).get(reverse("api:allocation-list"), {"cycle": 2025}).json()
    assert {(r["uscc"], r["computed"], r["difference"]) for r in rows["results"]} >= {
        (enterprise_a.uscc, 2476300, 3700)
    }
    assert client_for(ent_a).get(reverse("api:allocation-list"), {"cycle": "x"}).status_code == 400
    url = reverse("api:allocation-objections", kwargs={"pk": a.pk})
    assert client_for(ent_b).post(url, {"reasons": "x"}, content_type="application/json").status_code == 404
    assert client_for(bureau_admin).post(url, {"reasons": "x"}, content_type="application/json").status_code == 403
    response = client_for(ent_a).post(url, {"reasons": "供电量有误"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    again = client_for(ent_a).post(url, {"reasons": "再次"}, content_type="application/json")
    assert again.status_code == 400 and AllocationObjection.objects.count() == 1


def test_objection_with_a_supporting_file_and_its_scoped_download(
    allocations, bureau_admin, ent_a, ent_b, enterprise_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=date.today())
    url = reverse("allowances:allocation_object", kwargs={"pk": a.pk})
    fake = SimpleUploadedFile("proof.pdf", b"MZ not a pdf")
    response = client_for(ent_a).post(url, {"reasons": "x", "file": fake})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not AllocationObjection.objects.exists()
    pdf = SimpleUploadedFile("供电量证明.pdf", b"%PDF-1.4 proof")
    assert post_and_confirm(client_for(ent_a), url, {"reasons": "见附件", "file": pdf}).status_code == 302
    objection = AllocationObjection.objects.get()
    download = reverse("allowances:allocation_objection_file", kwargs={"pk": objection.pk})
    response = client_for(bureau_admin).get(download)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 proof"
    assert client_for(ent_b).get(download).status_code == 404


def test_history_shows_status_labels_not_codes(allocations, bureau_admin, enterprise_a):
    from zhongwei_carbon import web

    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=NOTICE)
    a.refresh_from_db()
    status = [c for row in web.history_rows(a) for c in row["changes"] if c["new"] is not None
              and str(c["field"]) == str(Allocation._meta.get_field("status").verbose_name)]
    assert [(str(c["old"]), str(c["new"])) for c in status] == [
        (str(AllocationStatus.IMPORTED.label), str(AllocationStatus.NOTIFIED.label))
    ]


def test_the_enterprise_history_leaves_the_check_values_out(allocations, bureau_admin,
                                                             bureau_reviewer, ent_a, enterprise_a):
    from allowances.models import PowerBenchmark

    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=NOTICE)
    PowerBenchmark.objects.update(power_benchmark=D("0.8000"))  # a parameter corrected
    svc.recheck_all(actor=bureau_admin, cycle=a.cycle)  # the check value becomes 2,503,300
    url = reverse("allowances:allocation_detail", kwargs={"pk": a.pk})
    assert "2,503,300" in client_for(bureau_reviewer).get(url).content.decode()
    reviewer = client_for(bureau_reviewer).get(url).content.decode()
    assert "2503300" in reviewer  # the history row of the recheck, for the bureau
    body = client_for(ent_a).get(url).content.decode()
    assert [n for n in ("2,503,300", "2503300", "2,476,300", "2476300") if n in body] == []


# --- the activity-based pre-allocation check on the pages and the API (issue 9 §1) -----------


def test_detail_shows_the_pre_allocation_formula_with_last_years_activity(
    allocations, bureau_reviewer, bureau_admin, ent_a, enterprise_a
):
    a = allocations[enterprise_a.pk]
    url = reverse("allowances:allocation_detail", kwargs={"pk": a.pk})
    body = client_for(bureau_reviewer).get(url).content.decode()
    assert "2025年度分配方案的Qe口径：发电量。" in body  # pages are in Chinese
    assert "预分配核验：2024年度活动水平数据，2025年度分配参数" in body
    assert "2,900,000 MWh × 0.7910 × 1.0000 + 900,000 GJ × 0.1033" in body
    assert "70 % × 2,386,870 = 1,670,809" in body
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=NOTICE)
    body = client_for(ent_a).get(url).content.decode()
    assert "1,670,809" in body  # the notified pre-allocation, not the check's formula
    assert "2,386,870" not in body and "Qe口径" not in body


def test_api_shows_the_activity_based_pre_allocation_check(allocations, bureau_admin, ent_a,
                                                           enterprise_a):
    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=NOTICE)
    rows = client_for(bureau_admin).get(reverse("api:allocation-list"), {"cycle": 2025}).json()
    row = next(r for r in rows["results"] if r["uscc"] == enterprise_a.uscc)
    # 70 % of (2,900,000 MWh × 0.7910 + 900,000 GJ × 0.1033), not 70 % of 2,500,000 t emitted
    assert (row["pre_allocation"], row["pre_allocation_check"]) == (1670809, 1670809)
    rows = client_for(ent_a).get(reverse("api:allocation-list"), {"cycle": 2025}).json()
    assert [(r["pre_allocation"], r["pre_allocation_check"]) for r in rows["results"]] == [
        (1670809, None)
    ]


def test_template_carries_the_prior_year_columns_and_the_plans_qe(setup, bureau_admin):  # noqa: F811
    response = client_for(bureau_admin).get(
        reverse("allowances:allocation_template", kwargs={"year": 2025})
    )
    wb = load_workbook(io.BytesIO(response.getvalue()))
    headers = [c.value for c in wb["机组"][1]]
    assert headers[3:5] == ["发电量（MWh）", "供电量（MWh）"]
    assert headers[10:] == ["上年度发电量（MWh）", "上年度供电量（MWh）", "上年度负荷系数",
                            "上年度供热量（GJ）", "上年度产量"]
    notes = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert "本年度为2025年，上年度为2024年" in notes
    assert "Qe：2025年度方案按发电量计算（对应列：发电量（MWh） / 上年度发电量（MWh））" in notes
    page = client_for(bureau_admin).get(
        reverse("allowances:allocation_import", kwargs={"year": 2025})).content.decode()
    assert "上年度发电量（MWh）" in page and "其2024年度经核查的活动水平数据" in page


# --- issue 9 §8: the confirmation comes after the form validates ------------------------------


def _zh(client, url, data):
    with translation.override("zh-hans"):
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_objection_is_checked_then_confirmed_then_filed(allocations, bureau_admin, ent_a, ent_b,
                                                        enterprise_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=date.today())
    url = reverse("allowances:allocation_object", kwargs={"pk": a.pk})
    client = client_for(ent_a)
    # invalid: the form again with the reason in Chinese, no confirmation, nothing filed
    response = _zh(client, url, {"reasons": "x", "file": SimpleUploadedFile("a.pdf", b"MZ")})
    html = response.content.decode()
    assert response.status_code == 200 and not is_confirmation(response)
    error = response.context["form"].errors["file"][0]
    assert error in html and re.search("[\u4e00-\u9fff]", error)
    assert 'id="confirm-step"' not in html and "onclick=\"return confirm" not in html
    assert not AllocationObjection.objects.exists()
    # valid: a confirmation page saying what is filed; nothing filed yet
    pdf = SimpleUploadedFile("供电量证明.pdf", b"%PDF-1.4 proof")
    first = _zh(client, url, {"reasons": "供电量有误", "file": pdf})
    assert is_confirmation(first)
    html = first.content.decode()
    for text in (enterprise_a.name, "2,480,000 t", "供电量有误", "供电量证明.pdf"):
        assert text in html, text
    assert not AllocationObjection.objects.exists()
    a.refresh_from_db()
    assert a.status == AllocationStatus.NOTIFIED
    # confirm: filed, with the held file
    done = client.post(url, {"reasons": "供电量有误", "step": "confirm",
                             "staged": first.context["token"]})
    assert done.status_code == 302
    objection = AllocationObjection.objects.get()
    assert objection.file.read() == b"%PDF-1.4 proof"
    # wrong role / another enterprise
    assert client_for(bureau_admin).post(url, {"reasons": "x"}).status_code == 403
    assert client_for(ent_b).post(url, {"reasons": "x"}).status_code == 404


def test_decision_is_checked_then_confirmed_then_recorded(allocations, bureau_admin,
                                                          bureau_reviewer, ent_a, enterprise_a):
    a = allocations[enterprise_a.pk]
    svc.notify_all(actor=bureau_admin, cycle=a.cycle, today=date.today())
    objection = svc.objection_file(actor=ent_a, allocation=a, reasons="供电量有误")
    url = reverse("allowances:allocation_objection_decide", kwargs={"pk": objection.pk})
    client = client_for(bureau_admin)
    detail = client.get(reverse("allowances:allocation_detail", kwargs={"pk": a.pk}))
    assert "return confirm(" not in detail.content.decode()
    # invalid (no reasons): the decision form with the error in Chinese, nothing recorded
    response = _zh(client, url, {"decision": "dismissed", "note": ""})
    assert response.status_code == 200 and not is_confirmation(response)
    error = response.context["form"].errors["note"][0]
    assert error in response.content.decode() and re.search("[\u4e00-\u9fff]", error)
    objection.refresh_from_db()
    assert objection.status == "pending"
    # valid: confirmation first, saying what the decision does; nothing recorded yet
    first = _zh(client, url, {"decision": "dismissed", "note": "核实无误"})
    assert is_confirmation(first)
    html = first.content.decode()
    for text in (enterprise_a.name, "核实无误", "2,480,000 t"):
        assert text in html, text
    objection.refresh_from_db()
    assert objection.status == "pending"
    done = client.post(url, {"decision": "dismissed", "note": "核实无误", "step": "confirm"})
    assert done.status_code == 302
    objection.refresh_from_db()
    a.refresh_from_db()
    assert (objection.status, a.status) == ("dismissed", AllocationStatus.NOTIFIED)
    for user in (bureau_reviewer, ent_a):
        assert client_for(user).post(url, {"decision": "upheld", "note": "x",
                                           "step": "confirm"}).status_code == 403


def test_no_javascript_confirm_in_allowances_templates():
    from pathlib import Path

    import allowances

    root = Path(allowances.__file__).parent / "templates"
    found = [str(p) for p in root.rglob("*.html") if "confirm(" in p.read_text(encoding="utf-8")]
    assert found == []
