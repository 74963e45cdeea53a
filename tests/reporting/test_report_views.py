"""Annual report pages: live totals write nothing, uploads (good and bad), submit and county
check through the pages, other scope 404."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reporting.choices import ReportStatus
from reporting.models import ReportLine, ReportVersion
from reporting.services import reports as svc
from tests import factories as f
from tests.two_step import is_confirmation, post_and_confirm
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db
HEADERS = [
    "设施",
    "排放源类型",
    "燃料",
    "过程排放公式",
    "活动数据",
    "实测低位发热量",
    "实测单位热值含碳量",
    "参数1",
    "参数2",
    "参数3",
    "备注",
]


@pytest.fixture
def facility_a(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


@pytest.fixture
def report(ent_a, enterprise_a, facility_a):
    report = svc.report_start(actor=ent_a, enterprise=enterprise_a, year=2023)
    svc.line_save(
        actor=ent_a,
        version=report.current_version,
        data={"facility": facility_a, "source_kind": "electricity", "activity": D("1000")},
    )
    return report


def _state(report):
    v = ReportVersion.objects.get(pk=report.current_version_id)
    return (
        list(
            ReportLine.objects.filter(version=v).values_list("source_kind", "activity", "emissions")
        ),
        v.total_emissions,
        v.source_sha256,
        Event.objects.count(),
    )


def test_live_totals_compute_without_saving(client_as, ent_a, report, facility_a):
    before = _state(report)
    r = client_as(ent_a).post(
        reverse("reporting:report_totals", kwargs={"pk": report.pk}),
        {"facility": facility_a.pk, "source_kind": "electricity", "activity": "18540"},
    )
    assert r.status_code == 200
    # 18540 × 0.5703 = 10573.36; version had 1000 × 0.5703 = 570.30
    assert r.context["emissions"] == D("10573.36")
    assert r.context["total"] == D("570.30") + D("10573.36")
    assert _state(report) == before


def test_add_line_by_form_and_field_error(client_as, ent_a, report, facility_a):
    url = reverse("reporting:report_line_add", kwargs={"pk": report.pk})
    before = _state(report)
    r = client_as(ent_a).post(
        url, {"facility": facility_a.pk, "source_kind": "combustion", "activity": "5"}
    )
    assert r.status_code == 200 and "fuel" in r.context["form"].errors
    assert _state(report) == before
    r = client_as(ent_a).post(url, {"source_kind": "heat", "activity": "100"})
    assert r.status_code == 302
    assert ReportVersion.objects.get(pk=report.current_version_id).total_emissions == D(
        "570.30"
    ) + D("11.00")


def _xlsx(rows, sheet="排放源", headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, report, data, name="r.xlsx"):
    return client.post(
        reverse("reporting:report_upload", kwargs={"pk": report.pk}),
        {"file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"%PDF-1.4 not a workbook", ("", 0, "")),
        (_xlsx([["1号机组", "electricity", None, None, "=100*2"]]), ("排放源", 2, "E")),
        (_xlsx([["1号机组", "electricity", None, None, "一千"]]), ("排放源", 2, "E")),
        (_xlsx([["1号机组", "electricity", None, None, 5]], sheet="Sheet1"), ("", 0, "")),
        (_xlsx([["2号机组", "electricity", None, None, 5]]), ("排放源", 2, "A")),
        (_xlsx([["1号机组", "combustion", None, None, 5]]), ("排放源", 2, "C")),
    ],
    ids=[
        "renamed-pdf",
        "formula",
        "text-in-number",
        "missing-sheet",
        "unknown-facility",
        "no-fuel",
    ],
)
def test_bad_uploads_change_nothing(client_as, ent_a, report, data, where):
    before = _state(report)
    r = _upload(client_as(ent_a), report, data)
    assert r.status_code == 200
    errors = r.context["result"].errors
    assert errors and (errors[0].sheet, errors[0].row, errors[0].column) == where
    assert _state(report) == before


def test_template_then_upload_replaces_lines(client_as, ent_a, report, facility_a):
    r = client_as(ent_a).get(reverse("reporting:report_template", kwargs={"pk": report.pk}))
    wb = load_workbook(io.BytesIO(r.getvalue()))
    ws = wb["排放源"]
    assert [c.value for c in ws[1]] == HEADERS and ws["A2"].value == "1号机组"
    ws["B2"], ws["E2"] = "electricity", 18540
    ws.append(["1号机组", "combustion", "raw_coal", None, 1000, 22, 0.026])
    ws.append(["1号机组", "process", None, "cement_clinker", None, None, None, 10000, 0.65, 0.02])
    buf = io.BytesIO()
    wb.save(buf)
    r = _upload(client_as(ent_a), report, buf.getvalue())
    assert r.status_code == 302
    v = ReportVersion.objects.get(pk=report.current_version_id)
    assert sorted(v.lines.values_list("emissions", flat=True)) == [
        D("1971.49"),
        D("5325.51"),
        D("10573.36"),
    ]
    assert v.total_emissions == D("17870.36") and len(v.source_sha256) == 64


def test_submit_pages(client_as, ent_a, enterprise_a, report):
    clerk = f.make_member("clerk_a", Role.ENTERPRISE_USER, enterprise=enterprise_a)
    url = reverse("reporting:report_submit", kwargs={"pk": report.pk})
    r = client_as(clerk).post(url, {"certification": "真实", "confirm": "on"})
    assert r.status_code == 403
    r = client_as(ent_a).post(url, {"certification": "真实"})  # box not ticked
    assert r.status_code == 200 and "confirm" in r.context["form"].errors
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    r = client_as(ent_a).post(url, {"certification": "真实", "confirm": "on"})
    assert is_confirmation(r)  # validated; asked to confirm; nothing submitted yet
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    r = post_and_confirm(client_as(ent_a), url, {"certification": "真实", "confirm": "on"})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    # the frozen version cannot get lines any more
    r = client_as(ent_a).get(reverse("reporting:report_line_add", kwargs={"pk": report.pk}))
    assert r.status_code == 403


def test_county_check_pages(client_as, ent_a, official_a, official_b, report):
    svc.report_submit(actor=ent_a, report=report, certification="真实")
    url = reverse("reporting:report_county_check", kwargs={"pk": report.pk})
    assert client_as(official_b).post(url, {"decision": "pass"}).status_code == 404
    r = client_as(official_a).post(url, {"decision": "return", "reason": ""})
    assert r.status_code == 200 and "reason" in r.context["form"].errors
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert (
        client_as(official_a).post(url, {"decision": "return", "reason": "缺发票"}).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.COUNTY_RETURNED
    r = client_as(official_a).post(url, {"decision": "pass"})  # no longer submitted
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    assert (
        client_as(ent_a)
        .post(reverse("reporting:report_revise", kwargs={"pk": report.pk}))
        .status_code
        == 302
    )
    report.refresh_from_db()
    assert report.current_version.number == 2
    r = client_as(ent_a).get(
        reverse("reporting:report_version", kwargs={"pk": report.pk, "number": 1})
    )
    assert r.status_code == 200 and r.context["version"].submitted_at is not None


def test_list_scoped_and_export(client_as, official_b, bureau_admin, report):
    assert (
        client_as(official_b)
        .get(reverse("reporting:report_list"))
        .context["page_obj"]
        .paginator.count
        == 0
    )
    r = client_as(bureau_admin).get(reverse("reporting:report_list"), {"year": 2023})
    assert [x.pk for x in r.context["page_obj"]] == [report.pk]
    r = client_as(bureau_admin).get(reverse("reporting:report_export"))
    ws = load_workbook(io.BytesIO(r.getvalue())).active
    assert ws.max_row == 2


def test_verification_link_only_once_the_county_has_passed(
    client_as, bureau_admin, enterprise_a, enterprise_b
):
    passed = f.verification_report_passed(enterprise_a, bureau_admin)
    draft = f.report_draft(enterprise_b, bureau_admin)
    client = client_as(bureau_admin)
    link = lambda r: reverse("reporting:verification_detail", kwargs={"pk": r.pk})  # noqa: E731
    assert (
        link(passed)
        in client.get(reverse("reporting:report_detail", args=[passed.pk])).content.decode()
    )
    assert (
        link(draft)
        not in client.get(reverse("reporting:report_detail", args=[draft.pk])).content.decode()
    )
