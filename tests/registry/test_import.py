"""Excel import: good files are saved, every bad row is reported and nothing is saved."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from registry.models import EmissionRecord, Enterprise, Facility
from registry.services.import_cells import (
    ENTERPRISE_COLUMNS,
    FACILITY_COLUMNS,
    RECORD_COLUMNS,
)
from registry.services.imports import enterprise_import
from tests import factories as f
from zhongwei_carbon.excel import UploadRejected
from zhongwei_carbon.models import Event
from zhongwei_carbon.uscc import make as make_uscc

pytestmark = pytest.mark.django_db

NEW_A = make_uscc("91640502MA0000001")
NEW_B = make_uscc("91640521MA0000002")
HEADERS = {
    "企业": [c.header for c in ENTERPRISE_COLUMNS],
    "设施": [c.header for c in FACILITY_COLUMNS],
    "排放记录": [c.header for c in RECORD_COLUMNS],
}


def workbook(enterprises=(), facilities=(), records=(), sheets=("企业", "设施", "排放记录")):
    wb = Workbook()
    wb.remove(wb.active)
    rows = {"企业": enterprises, "设施": facilities, "排放记录": records}
    for name in sheets:
        ws = wb.create_sheet(name)
        ws.append(HEADERS[name])
        for row in rows[name]:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ent_row(code=NEW_A, name="中卫新能源发电有限公司", area="640502", sector="发电", **extra):
    row = [
        code,
        name,
        area,
        sector,
        "中卫市沙坡头区",
        "王五",
        "赵六",
        "13900000000",
        "a@example.cn",
        "",
    ]
    for index, value in extra.items():
        row[int(index[1:])] = value
    return row


def counts():
    return (
        Enterprise.objects.count(),
        Facility.objects.count(),
        EmissionRecord.objects.count(),
        Event.objects.count(),
    )


def good_file():
    return workbook(
        enterprises=[
            ent_row(),
            ent_row(NEW_B, "中宁化工有限公司", "中宁县", "chemical", c9="suspended"),
        ],
        facilities=[
            [NEW_A, "1号机组", "coal_unit", 660.5, "coal", date(2015, 6, 30), ""],
            [NEW_A, "2号机组", "Coal-fired generating unit", "350", "", "2016/01/02", "standby"],
        ],
        records=[
            [NEW_A, 2024, 30123.45, 12000, "verified", "核查报告"],
            [NEW_B, "2023", "1,234.5", None, "self_reported", None],
        ],
    )


def errors_of(result):
    return [(e.sheet, e.row, e.column, e.header) for e in result.errors]


# --- good file ---------------------------------------------------------------------------


def test_good_file_is_saved(bureau_admin):
    result = enterprise_import(actor=bureau_admin, data=good_file(), filename="ok.xlsx")
    assert result.ok and result.applied, result.errors
    a = Enterprise.objects.get(uscc=NEW_A)
    b = Enterprise.objects.get(uscc=NEW_B)
    assert (a.area.code, a.sector.code, a.status) == ("640502", "power", "operating")
    assert (b.area.code, b.sector.code, b.status) == ("640521", "chemical", "suspended")
    assert a.contact_email == "a@example.cn"
    unit1 = Facility.objects.get(enterprise=a, name="1号机组")
    assert unit1.capacity_mw == Decimal("660.50")
    assert unit1.commissioned_on == date(2015, 6, 30)
    unit2 = Facility.objects.get(enterprise=a, name="2号机组")
    assert (unit2.facility_type, unit2.status, unit2.main_fuel) == ("coal_unit", "standby", "")
    assert unit2.commissioned_on == date(2016, 1, 2)
    rec = EmissionRecord.objects.get(enterprise=a, year=2024)
    assert (rec.emissions_tco2e, rec.energy_tce, rec.source) == (
        Decimal("30123.45"),
        Decimal("12000.00"),
        "verified",
    )
    rec_b = EmissionRecord.objects.get(enterprise=b, year=2023)
    assert (rec_b.emissions_tco2e, rec_b.energy_tce) == (Decimal("1234.50"), None)
    assert result.counts["企业"] == {"created": 2, "updated": 0}
    assert result.counts["设施"] == {"created": 2, "updated": 0}
    assert result.counts["排放记录"] == {"created": 2, "updated": 0}
    assert Event.objects.filter(verb="registry.imported").count() == 1


def test_existing_uscc_updates(bureau_admin, enterprise_a):
    f.FacilityFactory(enterprise=enterprise_a, name="1号机组", capacity_mw=Decimal("100"))
    data = workbook(
        enterprises=[ent_row(enterprise_a.uscc, "沙坡头发电（改名）有限公司", "640502", "power")],
        facilities=[[enterprise_a.uscc, "1号机组", "cfb_unit", 300, None, None, None]],
    )
    before = Enterprise.objects.count()
    result = enterprise_import(actor=bureau_admin, data=data)
    assert result.applied, result.errors
    assert Enterprise.objects.count() == before
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "沙坡头发电（改名）有限公司"
    unit = enterprise_a.facilities.get()
    assert (unit.facility_type, unit.capacity_mw, unit.main_fuel) == (
        "cfb_unit",
        Decimal("300.00"),
        "coal",
    )
    assert result.counts["企业"] == {"created": 0, "updated": 1}
    assert result.counts["设施"] == {"created": 0, "updated": 1}


def test_check_only_saves_nothing(bureau_admin):
    before = counts()
    result = enterprise_import(actor=bureau_admin, data=good_file(), apply=False)
    assert result.ok and not result.applied
    assert result.counts["企业"]["created"] == 2
    assert counts() == before


# --- bad rows ----------------------------------------------------------------------------

BAD_USCC = NEW_A[:-1] + ("0" if NEW_A[-1] != "0" else "1")


@pytest.mark.parametrize(
    "data, expected",
    [
        (  # wrong check character
            lambda: workbook(enterprises=[ent_row(), ent_row(BAD_USCC)]),
            [("企业", 3, "A", "统一社会信用代码")],
        ),
        (  # duplicate within the file
            lambda: workbook(enterprises=[ent_row(), ent_row(name="另一家")]),
            [("企业", 3, "A", "统一社会信用代码")],
        ),
        (  # unknown area and unknown sector
            lambda: workbook(enterprises=[ent_row(area="火星区", sector="mining")]),
            [("企业", 2, "C", "所属区域"), ("企业", 2, "D", "所属行业")],
        ),
        (  # missing required name, bad e-mail, bad status
            lambda: workbook(enterprises=[ent_row(name=" ", c8="not-an-email", c9="flying")]),
            [("企业", 2, "B", "企业名称"), ("企业", 2, "I", "电子邮箱"), ("企业", 2, "J", "状态")],
        ),
        (  # negative emissions, non-numeric energy
            lambda: workbook(
                enterprises=[ent_row()], records=[[NEW_A, 2024, -5, "lots", "verified", None]]
            ),
            [("排放记录", 2, "C", "排放量(tCO2e)"), ("排放记录", 2, "D", "综合能耗(tce)")],
        ),
        (  # a formula is never trusted
            lambda: workbook(
                enterprises=[ent_row()], records=[[NEW_A, 2024, "=A1*2", None, "verified", None]]
            ),
            [("排放记录", 2, "C", "排放量(tCO2e)")],
        ),
        (  # too many decimals, year out of range, unknown source
            lambda: workbook(
                enterprises=[ent_row()], records=[[NEW_A, 1899, "1.234", None, "guess", None]]
            ),
            [
                ("排放记录", 2, "B", "年度"),
                ("排放记录", 2, "C", "排放量(tCO2e)"),
                ("排放记录", 2, "E", "数据来源"),
            ],
        ),
        (  # facility of an unknown enterprise; bad date; negative capacity
            lambda: workbook(
                enterprises=[ent_row()],
                facilities=[
                    [NEW_B, "1号机组", "coal_unit", 1, None, None, None],
                    [NEW_A, "2号机组", "kiln", -1, None, "2015-13-45", None],
                ],
            ),
            [
                ("设施", 2, "A", "企业统一社会信用代码"),
                ("设施", 3, "D", "装机容量(MW)"),
                ("设施", 3, "F", "投产日期"),
            ],
        ),
        (  # duplicate facility and duplicate year
            lambda: workbook(
                enterprises=[ent_row()],
                facilities=[[NEW_A, "1号机组", "kiln", 1, None, None, None]] * 2,
                records=[[NEW_A, 2024, 1, None, "verified", None]] * 2,
            ),
            [("设施", 3, "B", "设施名称"), ("排放记录", 3, "B", "年度")],
        ),
        (  # a column moved: the header row is checked
            lambda: _swapped_headers(),
            [("企业", 1, "A", "统一社会信用代码"), ("企业", 1, "B", "企业名称")],
        ),
    ],
)
def test_bad_rows_are_reported_and_nothing_saved(bureau_admin, enterprise_a, data, expected):
    before = counts()
    result = enterprise_import(actor=bureau_admin, data=data())
    assert not result.applied
    assert errors_of(result) == expected
    assert all(e.message for e in result.errors)
    assert counts() == before


def _swapped_headers():
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    headers = [c.header for c in ENTERPRISE_COLUMNS]
    headers[0], headers[1] = headers[1], headers[0]
    ws.append(headers)
    ws.append(ent_row())
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_one_bad_row_blocks_the_good_ones(bureau_admin):
    data = workbook(
        enterprises=[ent_row(), ent_row(NEW_B, "中宁化工有限公司", "中宁县", "chemical")],
        records=[
            [NEW_A, 2024, 100, None, "verified", None],
            [NEW_B, 2024, -1, None, "verified", None],
        ],
    )
    before = counts()
    result = enterprise_import(actor=bureau_admin, data=data)
    assert errors_of(result) == [("排放记录", 3, "C", "排放量(tCO2e)")]
    assert counts() == before


def test_lower_ranked_source_cannot_replace_verified(bureau_admin, enterprise_a):
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2024, source="verified")
    data = workbook(records=[[enterprise_a.uscc, 2024, 1, None, "statistics", None]])
    result = enterprise_import(actor=bureau_admin, data=data)
    assert errors_of(result) == [("排放记录", 2, "E", "数据来源")]
    assert EmissionRecord.objects.get().emissions_tco2e == Decimal("30000.00")


# --- unsafe files ------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buffer.getvalue()


def test_text_file_renamed_xlsx_rejected(bureau_admin):
    with pytest.raises(UploadRejected):
        enterprise_import(actor=bureau_admin, data=b"USCC,name\n1,2\n")


def test_zip_bomb_rejected(bureau_admin):
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"0" * (50 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(UploadRejected):
        enterprise_import(actor=bureau_admin, data=bomb)


def test_xml_entity_rejected(bureau_admin):
    good = io.BytesIO(workbook(enterprises=[ent_row()]))
    out = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                head, sep, tail = content.partition(b"?>")
                content = head + sep + doctype + tail if sep else doctype + content
                assert b"<!ENTITY" in content
            dst.writestr(item, content)
    before = counts()
    with pytest.raises(UploadRejected):
        enterprise_import(actor=bureau_admin, data=out.getvalue())
    assert counts() == before


# --- views -------------------------------------------------------------------------------


def upload(client, data, name="import.xlsx"):
    return client.post(reverse("registry:import"), {"file": _file(data, name)})


def _file(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_upload_preview_then_confirm(client_as, bureau_admin):
    client = client_as(bureau_admin)
    assert client.get(reverse("registry:import")).status_code == 200
    before = counts()
    response = upload(client, good_file())
    assert response.status_code == 200
    assert counts() == before  # preview only
    token = response.context["confirm_form"].initial["token"]
    response = client.post(reverse("registry:import_confirm"), {"token": token})
    assert response.status_code == 200
    assert response.context["result"].applied
    assert Enterprise.objects.filter(uscc__in=[NEW_A, NEW_B]).count() == 2
    assert Facility.objects.count() == 2 and EmissionRecord.objects.count() == 2
    # The token is single-use: posting again changes nothing.
    again = client.post(reverse("registry:import_confirm"), {"token": token})
    assert again.status_code == 302
    assert Event.objects.filter(verb="registry.imported").count() == 1


def test_upload_with_errors_shows_table(client_as, bureau_admin):
    before = counts()
    response = upload(client_as(bureau_admin), workbook(enterprises=[ent_row(area="火星区")]))
    assert response.status_code == 200
    assert errors_of(response.context["result"]) == [("企业", 2, "C", "所属区域")]
    assert "火星区" in response.content.decode()
    assert counts() == before


def test_upload_rejected_file_is_a_field_error(client_as, bureau_admin):
    response = upload(client_as(bureau_admin), b"just text", "fake.xlsx")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_upload_over_size_limit(client_as, bureau_admin, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    data = good_file()
    assert len(data) > 1000
    before = counts()
    response = upload(client_as(bureau_admin), data)
    assert response.context["form"].errors["file"]
    assert counts() == before


def test_template_download_round_trip(client_as, bureau_admin):
    response = client_as(bureau_admin).get(reverse("registry:import_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert {"企业", "设施", "排放记录"} <= set(wb.sheetnames)
    assert wb["企业"]["A1"].value == "统一社会信用代码*"
    assert wb["企业"]["E1"].value == "地址"
    assert wb["排放记录"]["C1"].value == "排放量(tCO2e)*"
    assert wb["企业"].data_validations.dataValidation  # drop-down lists
    # The empty template itself is accepted (no rows, no errors).
    result = enterprise_import(actor=bureau_admin, data=response.content, apply=False)
    assert result.ok and result.rows_read == 0


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
@pytest.mark.parametrize("url", ["registry:import", "registry:import_template"])
def test_wrong_roles_forbidden(request, client_as, persona, url):
    assert client_as(request.getfixturevalue(persona)).get(reverse(url)).status_code == 403


def test_confirm_forbidden_for_other_roles(client_as, official_a):
    before = counts()
    assert (
        client_as(official_a).post(reverse("registry:import_confirm"), {"token": "x"}).status_code
        == 403
    )
    assert counts() == before


@pytest.mark.parametrize("url", ["registry:import", "registry:import_template"])
def test_anonymous_redirected_to_login(client_as, url):
    response = client_as(None).get(reverse(url))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
