"""The oversight pages end to end: plan, draw, re-draw, publish (confirmed), re-run, the public
page; inspect, conclude (confirmed), rectification answered and accepted; who may reach what."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oversight.models import Inspection, InspectionPlan, PlanDraw
from oversight.services import inspections as inspection_services
from oversight.services import plans as plan_services
from tests import factories as f
from tests.conftest import client_for
from tests.oversight.conftest import PLAN_END, PLAN_START, make_plan
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def _url(name, **kw):
    return reverse(f"oversight:{name}", kwargs=kw or None)


def _plan_post(world, **overrides):
    data = {
        "year": "2026", "title": "2026年度抽查", "targets": "both",
        "legal_basis": "《碳排放权交易管理办法（试行）》第三十一条",
        "start_date": PLAN_START.isoformat(), "end_date": PLAN_END.isoformat(), "listed_year": "2025",
        "enterprise_count": "4", "agency_count": "1", "inspectors_per_target": "2",
        "exclude_own_area": "on", "exclude_conflicts": "on", "recent_months": "0",
        "inspectors": [str(i.pk) for i in world["inspectors"].values()],
    }
    data.update(overrides)
    return data


def test_plan_draw_redraw_publish_rerun_in_the_browser(world):
    admin = client_for(world["bureau_admin"])
    response = admin.post(_url("plan_create"), _plan_post(world))
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()

    page = admin.get(plan.get_absolute_url()).content.decode()
    assert "抽取" in page and "草稿" in page  # the draw button, the status in Chinese
    admin.post(_url("plan_draw", pk=plan.pk), {})
    page = admin.get(plan.get_absolute_url()).content.decode()
    assert page.count('data-target="') == 5 and 'id="exclusions"' in page
    assert 'data-reason="own_area"' in page

    response = admin.post(_url("plan_draw", pk=plan.pk), {"reason": ""})
    assert response.status_code == 200 and "请说明重新抽取的理由" in response.content.decode()
    assert PlanDraw.objects.count() == 1
    admin.post(_url("plan_draw", pk=plan.pk), {"reason": "检查人员调整"})
    assert PlanDraw.objects.count() == 2

    # publish: the first post shows the confirmation, nothing is published yet
    response = admin.post(_url("plan_publish", pk=plan.pk), {})
    assert 'id="confirm-step"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "drawn"
    admin.post(_url("plan_publish", pk=plan.pk), {"step": "confirm"})
    plan.refresh_from_db()
    assert plan.status == "published" and Inspection.objects.filter(plan=plan).count() == 5

    page = admin.get(_url("plan_rerun", pk=plan.pk)).content.decode()
    assert 'data-matches="yes"' in page
    page = admin.get(_url("plan_rerun", pk=plan.pk) + "?draw=1").content.decode()
    assert 'data-matches="yes"' in page


def test_a_bad_plan_shows_the_errors_and_creates_nothing(world):
    admin = client_for(world["bureau_admin"])
    response = admin.post(_url("plan_create"), _plan_post(world, listed_year=""))
    html = response.content.decode()
    assert response.status_code == 200 and "invalid-feedback" in html
    assert "请选择抽取所依据的重点排放单位名录年度" in html
    response = admin.post(_url("plan_create"), _plan_post(world, end_date=(PLAN_START - timedelta(days=1)).isoformat()))
    assert "检查截止日期不能早于开始日期" in response.content.decode()
    response = admin.post(_url("plan_create"), _plan_post(world, inspectors=[]))
    assert "invalid-feedback" in response.content.decode()
    assert not InspectionPlan.objects.exists()


@pytest.fixture
def published(world):
    plan = make_plan(world)
    plan_services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=7)
    plan_services.plan_publish(actor=world["bureau_admin"], plan=plan)
    return plan


def test_public_pages_show_the_published_draw_and_results(world, published):
    anonymous = client_for(None)
    draft = make_plan(world, title="草稿计划")
    listing = anonymous.get(reverse("inspections_public:plan_list")).content.decode()
    assert published.title in listing and "草稿计划" not in listing
    assert anonymous.get(reverse("inspections_public:plan_detail",
                                 kwargs={"pk": draft.pk})).status_code == 404
    page = anonymous.get(reverse("inspections_public:plan_detail", kwargs={"pk": published.pk}))
    html = page.content.decode()
    assert html.count('data-target="') == 5 and "尚未办结" in html
    export = anonymous.get(reverse("inspections_public:plan_export", kwargs={"pk": published.pk}))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 6


def _drawn_user_inspection(world, plan):
    for key in ("bureau_reviewer", "official_a", "official_b"):
        inspection = Inspection.objects.filter(
            plan=plan, target_kind="enterprise", inspectors__inspector__user=world[key]
        ).first()
        if inspection is not None:
            return inspection, world[key]
    raise AssertionError("no inspector with an account was drawn")


def test_inspect_conclude_and_rectify_in_the_browser(world, published):
    inspection, inspector = _drawn_user_inspection(world, published)
    client = client_for(inspector)
    data = {"inspected_on": PLAN_START.isoformat()}
    for check in inspection.checks.all():
        data[f"result_{check.pk}"] = "ok"
    response = client.post(_url("inspection_record", pk=inspection.pk), data)
    assert response.status_code == 302
    upload = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    client.post(_url("finding_add", pk=inspection.pk), {"text": "计量器具未检定", "files": upload})
    form = {"conclusion": "rectify", "note": "责令改正", "requirements": "完成检定",
            "working_days": "10"}
    response = client.post(_url("inspection_conclude", pk=inspection.pk), form)
    assert 'id="confirm-step"' in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == "open"
    client.post(_url("inspection_conclude", pk=inspection.pk), {**form, "step": "confirm"})
    inspection.refresh_from_db()
    assert inspection.status == "rectifying"

    ent = f.make_member("ent-user", Role.ENTERPRISE_USER, enterprise=inspection.enterprise)
    ent_client = client_for(ent)
    page = ent_client.get(_url("inspection_detail", pk=inspection.pk)).content.decode()
    assert "计量器具未检定" in page and _url("rectification_answer", pk=inspection.pk) in page
    evidence = inspection.evidence.get()
    download = ent_client.get(_url("evidence_download", pk=evidence.pk))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    pdf = SimpleUploadedFile("检定证书.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = ent_client.post(_url("rectification_answer", pk=inspection.pk),
                               {"text": "已完成检定", "files": pdf})
    assert response.status_code == 302
    response = client.post(_url("rectification_review", pk=inspection.pk), {"decision": "accept"})
    inspection.refresh_from_db()
    assert inspection.status == "closed"


def test_a_bad_answer_file_is_refused_with_the_reason(world, published):
    inspection, inspector = _drawn_user_inspection(world, published)
    inspection_services.inspection_record(
        actor=inspector, inspection=inspection, inspected_on=PLAN_START,
        results={c.pk: ("ok", "") for c in inspection.checks.all()})
    inspection_services.finding_add(actor=inspector, inspection=inspection, text="x")
    inspection_services.inspection_conclude(actor=inspector, inspection=inspection,
                                             conclusion="rectify", note="n", requirements="r",
                                             working_days=5)
    ent = f.make_member("ent-user", Role.ENTERPRISE_USER, enterprise=inspection.enterprise)
    exe = SimpleUploadedFile("整改.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = client_for(ent).post(_url("rectification_answer", pk=inspection.pk),
                                    {"text": "已整改", "files": exe})
    assert response.status_code == 200 and "请上传PDF、PNG或JPEG文件" in response.content.decode()
    assert not inspection.rectification.answers.exists()


def test_who_reaches_an_inspection(world, published):
    """The county of the target's area, the inspected enterprise and the drawn inspectors see
    it; another county, another enterprise and an agency get 404; only the drawn inspectors
    may record it."""
    inspection = Inspection.objects.filter(plan=published, target_kind="enterprise",
                                           area=world["enterprise_a"].area).first()
    drawn = {i.inspector.user_id for i in inspection.inspectors.all()}
    official_b = world["official_b"]
    detail = _url("inspection_detail", pk=inspection.pk)
    record = _url("inspection_record", pk=inspection.pk)
    own = f.make_member("own-ent", Role.ENTERPRISE_USER, enterprise=inspection.enterprise)
    assert client_for(world["official_a"]).get(detail).status_code == 200
    assert client_for(own).get(detail).status_code == 200
    assert client_for(world["ent_b"]).get(detail).status_code == 404
    assert client_for(world["agency_b_staff"]).get(detail).status_code == 404
    assert client_for(official_b).get(detail).status_code == (
        200 if official_b.pk in drawn else 404)
    assert client_for(world["bureau_admin"]).get(record).status_code == (
        200 if world["bureau_admin"].pk in drawn else 404)
    assert client_for(own).get(record).status_code == 403


def test_exports_of_the_bureau(world, published):
    admin = client_for(world["bureau_admin"])
    for name, rows in (("plan_export", 2), ("inspection_export", 6), ("inspector_export", 6)):
        response = admin.get(_url(name))
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert sheet.max_row == rows, name
    response = admin.get(_url("plan_targets_export", pk=published.pk))
    assert openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.max_row == 6


def test_lists_filter_and_show_empty_states(world, published):
    admin = client_for(world["bureau_admin"])
    html = admin.get(_url("inspection_list"), {"conclusion": "violation"}).content.decode()
    assert "没有符合筛选条件的检查" in html
    html = admin.get(_url("inspection_list"), {"target_kind": "agency"}).content.decode()
    assert html.count(_url("inspection_detail", pk=0).replace("/0/", "/")) >= 1
    html = admin.get(_url("plan_list"), {"year": "2030"}).content.decode()
    assert "没有符合筛选条件的抽查计划" in html


def test_open_an_inspection_outside_a_plan_in_the_browser(world):
    admin = client_for(world["bureau_admin"])
    inspectors = world["inspectors"]
    response = admin.post(_url("inspection_open"), {
        "trigger": "complaint", "trigger_note": "公众举报 ZW-2026-0012",
        "enterprise": world["enterprise_a"].uscc,  # the credit code, found by the search
        "inspectors": [inspectors["reviewer"].pk, inspectors["expert_x"].pk],
    })
    inspection = Inspection.objects.get()
    assert response["Location"] == inspection.get_absolute_url()
    assert inspection.trigger == "complaint" and inspection.inspected_on is None
    assert {c.result for c in inspection.checks.all()} == {""}  # the record starts empty


def test_who_reaches_an_agency_inspection(world):
    """An agency inspection has no area: the agency's own staff and the bureau see it; the
    other agency, the counties and the enterprises get 404."""
    inspectors = world["inspectors"]
    inspection = inspection_services.inspection_open(
        actor=world["bureau_admin"], trigger="data_anomaly", trigger_note="核查偏差",
        agency=world["agency_a"], inspectors=[inspectors["reviewer"], inspectors["expert_x"]],
    )
    detail = _url("inspection_detail", pk=inspection.pk)
    got = {key: client_for(world[key]).get(detail).status_code for key in (
        "bureau_admin", "agency_a_staff", "agency_b_staff", "official_a", "ent_a")}
    assert got == {"bureau_admin": 200, "agency_a_staff": 200, "agency_b_staff": 404,
                   "official_a": 404, "ent_a": 404}
    api = reverse("api:inspection-detail", kwargs={"pk": inspection.pk})
    assert client_for(world["agency_b_staff"]).get(api).status_code == 404
    assert client_for(world["agency_a_staff"]).get(api).status_code == 200


def test_a_county_official_drawn_elsewhere_reaches_that_inspection_only_to_inspect_it(world):
    """official_b, drawn for an inspection in 沙坡头区, sees and records it; official_a (its
    county) sees it but may not record it."""
    inspectors = world["inspectors"]
    inspection = inspection_services.inspection_open(
        actor=world["bureau_admin"], trigger="complaint", trigger_note="举报",
        enterprise=world["enterprise_a"],
        inspectors=[inspectors["official_b"], inspectors["expert_x"]],
    )
    b, a = client_for(world["official_b"]), client_for(world["official_a"])
    assert b.get(_url("inspection_detail", pk=inspection.pk)).status_code == 200
    assert b.get(_url("inspection_record", pk=inspection.pk)).status_code == 200
    assert a.get(_url("inspection_detail", pk=inspection.pk)).status_code == 200
    assert a.get(_url("inspection_record", pk=inspection.pk)).status_code == 404
    listed = b.get(_url("inspection_list"), {"mine": "true"}).content.decode()
    assert _url("inspection_detail", pk=inspection.pk) in listed
