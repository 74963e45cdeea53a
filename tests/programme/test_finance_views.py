"""Climate-finance project pages: the proposer's form with an attachment, the list's filters
and export, steps confirmed before they act, a bank liaison reaching only the projects pushed
to its bank (404 otherwise) and seeing only its own bank's response, and the API scoped the
same."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from programme.models import BankResponse, ClimateProject, ClimateProjectStatus, ReviewDecision
from programme.services import finance as svc
from tests import factories as f

pytestmark = pytest.mark.django_db
S = ClimateProjectStatus


@pytest.fixture
def w(bureau_admin, ent_a, enterprise_a, liaison_a, liaison_b, department_a, department_b):
    for dep in (department_a, department_b):
        f.grant(dep, "climate_finance", by=bureau_admin)
    return {"admin": bureau_admin, "ent": ent_a, "enterprise": enterprise_a, "fgw": liaison_a,
            "bank": liaison_b, "bank_dep": department_b}


def make(w, title, goal=S.DRAFT):
    p = svc.climate_project_create(actor=w["ent"], data={
        "title": title, "enterprise": w["enterprise"], "category": "mitigation",
        "subtype": "renewable", "total_investment": Decimal("500"),
        "financing_need": Decimal("300"), "annual_reduction": Decimal("900"),
        "description": "光伏"})
    if goal == S.DRAFT:
        return p
    svc.climate_project_submit(actor=w["ent"], project=p)
    if goal == S.SUBMITTED:
        return p
    svc.climate_project_review(actor=w["admin"], project=p, decision=ReviewDecision.PASS)
    svc.climate_project_review(actor=w["fgw"], project=p, decision=ReviewDecision.PASS)
    if goal == S.PUSHED:
        svc.climate_project_push(actor=w["admin"], project=p, banks=[w["bank_dep"]])
    p.refresh_from_db()
    return p


def test_propose_with_attachment_then_submit_with_confirmation(w, client_as):
    client = client_as(w["ent"])
    pdf = SimpleUploadedFile("可研.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(reverse("programme:climate_project_new"), {
        "title": "屋顶光伏", "enterprise": w["enterprise"].pk, "category": "mitigation",
        "subtype": "renewable", "total_investment": "100", "financing_need": "80",
        "annual_reduction": "120.5", "description": "说明", "attachment": pdf})
    assert response.status_code == 302
    project = ClimateProject.objects.get()
    assert project.attachments.count() == 1 and project.status == S.DRAFT
    url = reverse("programme:climate_project_submit", args=[project.pk])
    response = client.post(url, {})
    assert "confirm-step" in response.content.decode()
    project.refresh_from_db()
    assert project.status == S.DRAFT
    client.post(url, {"step": "confirm"})
    project.refresh_from_db()
    assert project.status == S.SUBMITTED
    att = project.attachments.get()
    download = client.get(reverse("programme:climate_attachment_download", args=[att.pk]))
    assert download.status_code == 200


def test_bad_input_is_a_field_error_and_nothing_saved(w, client_as):
    bad = SimpleUploadedFile("x.pdf", b"PK\x03\x04zip", content_type="application/pdf")
    response = client_as(w["ent"]).post(reverse("programme:climate_project_new"), {
        "title": "x", "enterprise": w["enterprise"].pk, "category": "mitigation",
        "subtype": "renewable", "total_investment": "100", "financing_need": "180",
        "annual_reduction": "1", "description": "d", "attachment": bad})
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert not ClimateProject.objects.exists()
    response = client_as(w["ent"]).post(reverse("programme:climate_project_new"), {
        "title": "x", "enterprise": w["enterprise"].pk, "category": "mitigation",
        "subtype": "renewable", "total_investment": "100", "financing_need": "180",
        "annual_reduction": "1", "description": "d"})
    assert "financing_need" in response.context["form"].errors
    assert not ClimateProject.objects.exists()


def test_list_filters_and_export(w, client_as):
    make(w, "草稿项目")
    make(w, "已推送项目", S.PUSHED)
    client = client_as(w["admin"])
    page = client.get(reverse("programme:climate_project_list"), {"status": S.PUSHED})
    assert [p.title for p in page.context["page_obj"]] == ["已推送项目"]
    page = client.get(reverse("programme:climate_project_list"), {"q": "草稿"})
    assert [p.title for p in page.context["page_obj"]] == ["草稿项目"]
    response = client.get(reverse("programme:climate_project_export"), {"status": S.PUSHED})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    titles = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert titles == ["已推送项目"]


def test_bank_liaison_sees_only_projects_pushed_to_its_bank(w, client_as):
    pushed = make(w, "推送", S.PUSHED)
    library = make(w, "库内", S.IN_LIBRARY)
    other_bank = f.department("bank-abc", "农业银行中卫分行", kind="bank")
    f.grant(other_bank, "climate_finance", by=w["admin"])
    svc.climate_project_push(actor=w["admin"], project=pushed, banks=[other_bank])
    bank = client_as(w["bank"])
    assert bank.get(reverse("programme:climate_project_detail",
                            args=[library.pk])).status_code == 404
    page = bank.get(reverse("programme:climate_project_detail", args=[pushed.pk]))
    assert page.status_code == 200
    assert [s.department for s in page.context["shares"]] == [w["bank_dep"]]
    listed = bank.get(reverse("programme:climate_project_list"))
    assert [p.pk for p in listed.context["page_obj"]] == [pushed.pk]
    api = bank.get(reverse("api:climate-project-list"))
    assert [r["id"] for r in api.json()["results"]] == [pushed.pk]
    assert [b["bank"] for b in api.json()["results"][0]["banks"]] == [w["bank_dep"].name]
    assert bank.get(reverse("api:climate-project-detail", args=[library.pk])).status_code == 404
    # the bureau sees both banks' pushes
    page = client_as(w["admin"]).get(reverse("programme:climate_project_detail",
                                             args=[pushed.pk]))
    assert len(page.context["shares"]) == 2


def test_bank_responds_through_the_page(w, client_as):
    pushed = make(w, "推送", S.PUSHED)
    share = pushed.shares.get(kind="push")
    url = reverse("programme:climate_share_respond", args=[share.pk])
    client = client_as(w["bank"])
    response = client.post(url, {"response": BankResponse.LOAN_GRANTED})
    assert "loan_amount" in response.context["form"].errors
    fields = {"response": BankResponse.LOAN_GRANTED, "loan_amount": "250",
              "response_date": "2026-06-01", "note": "已放款"}
    response = client.post(url, fields)
    assert "confirm-step" in response.content.decode()
    share.refresh_from_db()
    assert share.response == BankResponse.PENDING
    client.post(url, {**fields, "step": "confirm"})
    share.refresh_from_db()
    assert share.response == BankResponse.LOAN_GRANTED and share.loan_amount == Decimal("250")
    # the proposer sees the response on the project page
    page = client_as(w["ent"]).get(reverse("programme:climate_project_detail", args=[pushed.pk]))
    assert "已放款" in page.content.decode()


def test_reviews_and_push_through_the_pages(w, client_as):
    p = make(w, "审核", S.SUBMITTED)
    admin = client_as(w["admin"])
    url = reverse("programme:climate_project_review", args=[p.pk])
    response = admin.post(url, {"decision": ReviewDecision.REJECT, "opinion": ""})
    assert "opinion" in response.context["form"].errors
    admin.post(url, {"decision": ReviewDecision.PASS, "opinion": "", "step": "confirm"})
    p.refresh_from_db()
    assert p.status == S.BUREAU_REVIEWED
    url = reverse("programme:climate_project_reform_review", args=[p.pk])
    client_as(w["fgw"]).post(url, {"decision": ReviewDecision.PASS, "opinion": "同意",
                                   "step": "confirm"})
    p.refresh_from_db()
    assert p.status == S.IN_LIBRARY
    url = reverse("programme:climate_project_push", args=[p.pk])
    admin.post(url, {"banks": [w["bank_dep"].pk], "step": "confirm"})
    p.refresh_from_db()
    assert p.status == S.PUSHED and p.shares.filter(kind="push").count() == 1
