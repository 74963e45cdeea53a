"""Ledger Excel template and upload: round trip, every bad row listed, nothing saved."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from reporting.models import MonthlyLedger, MonthlyLedgerLine
from reporting.services import ledger_import as imp
from tests import factories as f
from zhongwei_carbon.excel import UploadRejected
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in imp.COLUMNS]


@pytest.fixture
def facility_a(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


def workbook(rows, headers=HEADERS, sheet=imp.SHEET) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(list(row) + [None] * (len(HEADERS) - len(row)))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(facility="1号机组", year=2025, month=1, fuel="原煤", consumption=None, **month_values):
    values = [facility, year, month, fuel, consumption, None, None]
    values += [month_values.get(k) for k in imp.MONTH_KEYS]
    return values


def test_template_lists_facility_months_fuels(enterprise_a, facility_a, ent_a):
    data = imp.ledger_template(enterprise=enterprise_a, year=2025)
    ws = load_workbook(io.BytesIO(data), read_only=True)[imp.SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) - 1 == 12 * 5  # one facility × 12 months × 5 reference fuels
    assert rows[1][:4] == ("1号机组", 2025, 1, "原煤")


def test_template_filled_and_uploaded_saves_drafts(enterprise_a, facility_a, ent_a):
    data = imp.ledger_template(enterprise=enterprise_a, year=2025)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[imp.SHEET]
    ws["E2"] = 12000.5  # Jan, raw coal
    ws["H2"] = 1545  # Jan, purchased electricity
    ws["E4"] = "7.25"  # Jan, the third fuel (fuel oil), as text that is a number
    ws["E7"] = 11000  # Feb, raw coal
    buf = io.BytesIO()
    wb.save(buf)
    result = imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=buf.getvalue())
    assert result.applied, result.errors
    assert (result.ledgers, result.lines) == (2, 3)
    jan = MonthlyLedger.objects.get(month=1)
    assert jan.status == "draft"
    assert jan.purchased_electricity_mwh == Decimal("1545.000")
    assert sorted((x.fuel.code, x.consumption) for x in jan.lines.all()) == [
        ("fuel_oil", Decimal("7.250")), ("raw_coal", Decimal("12000.500"))
    ]
    assert MonthlyLedger.objects.get(month=2).lines.get().consumption == Decimal("11000.000")
    assert Event.objects.filter(verb="ledger.uploaded").count() == 2
    assert Event.objects.filter(verb="ledger.imported").count() == 1


def test_upload_replaces_draft_lines(enterprise_a, facility_a, ent_a):
    f.ledger_make(facility_a, month=1, lines=[("raw_coal", "1"), ("diesel", "2")])
    data = workbook([row(consumption=5)])
    assert imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=data).applied
    assert list(MonthlyLedgerLine.objects.values_list("fuel__code", "consumption")) == [
        ("raw_coal", Decimal("5.000"))
    ]


def test_every_bad_row_listed_and_nothing_saved(enterprise_a, facility_a, ent_a):
    f.ledger_make(facility_a, month=3, status="submitted", lines=[("raw_coal", "9")])
    data = workbook(
        [
            row(consumption=100),  # good
            row(month=2, consumption="很多"),  # text in a number cell
            row(month=4, consumption="=A1*2"),  # formula
            row(facility="不存在的机组", consumption=1),  # unknown facility
            row(month=13, consumption=1),  # month 13
            row(month=5, consumption=-3),  # negative
            row(month=6, fuel="木柴", consumption=1),  # unknown fuel
            row(month=3, consumption=1),  # submitted month
            row(month=1, consumption=2),  # raw coal twice for January
        ]
    )
    result = imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=data)
    assert not result.applied
    got = {(e.sheet, e.row, e.column) for e in result.errors}
    assert got == {
        ("月度台账", 3, "E"), ("月度台账", 4, "E"), ("月度台账", 5, "A"), ("月度台账", 6, "C"),
        ("月度台账", 7, "E"), ("月度台账", 8, "D"), ("月度台账", 9, "C"), ("月度台账", 10, "D"),
    }
    assert result.error_total == 8
    assert MonthlyLedger.objects.count() == 1  # only the submitted one from before
    assert MonthlyLedgerLine.objects.get().consumption == Decimal("9.000")
    assert not Event.objects.exists()


def test_month_values_must_agree(enterprise_a, facility_a, ent_a):
    data = workbook(
        [row(consumption=1, purchased_electricity_mwh=10), row(fuel="柴油", purchased_electricity_mwh=11)]
    )
    result = imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=data)
    assert [(e.row, e.column) for e in result.errors] == [(3, "H")]
    assert not MonthlyLedger.objects.exists()


def test_wrong_headers_and_missing_sheet(enterprise_a, facility_a, ent_a):
    result = imp.ledger_import(
        actor=ent_a, enterprise=enterprise_a, year=2025, data=workbook([row(consumption=1)], sheet="Sheet1")
    )
    assert not result.ok and result.errors[0].row == 0
    bad = ["设施"] + HEADERS[1:]
    result = imp.ledger_import(
        actor=ent_a, enterprise=enterprise_a, year=2025, data=workbook([row(consumption=1)], headers=bad)
    )
    assert [(e.row, e.column) for e in result.errors] == [(1, "A")]
    assert not MonthlyLedger.objects.exists()


def test_not_an_xlsx_is_rejected(enterprise_a, ent_a):
    with pytest.raises(UploadRejected):
        imp.ledger_import(actor=ent_a, enterprise=enterprise_a, year=2025, data=b"%PDF-1.4 renamed")


def test_upload_page_lists_errors_and_saves_nothing(client_as, ent_a, facility_a):
    data = workbook([row(month=13, consumption=1)])
    response = client_as(ent_a).post(
        reverse("reporting:ledger_upload") + "?year=2025",
        {"file": _upload(data)},
    )
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(2, "C")]
    assert not MonthlyLedger.objects.exists()


def test_upload_page_saves(client_as, ent_a, facility_a):
    response = client_as(ent_a).post(
        reverse("reporting:ledger_upload") + "?year=2025", {"file": _upload(workbook([row(consumption=3)]))}
    )
    assert response.status_code == 302
    assert MonthlyLedger.objects.get().lines.get().consumption == Decimal("3.000")


def test_template_download(client_as, ent_a, facility_a):
    response = client_as(ent_a).get(reverse("reporting:ledger_template") + "?year=2025")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content), read_only=True)[imp.SHEET]
    assert sum(1 for _ in ws.iter_rows()) == 1 + 60


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ledgers.xlsx", data, content_type="application/octet-stream")
