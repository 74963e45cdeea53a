"""Every Excel importer refuses the hostile workbooks of issue 10 §2 through its upload page:
rows past its limit that are blank, rows past it in a sheet without <dimension> (cut off after
them, so reading on would find the file damaged), a <dimension> of 3,000,000 rows, and a part
that unpacks past the cap. The user sees the reason in Chinese on the page (never a 500) and
nothing in the database changes."""

import io
import zipfile
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from allowances.models import Allocation, ComplianceCycle, RegistryStatement, StatementLine
from allowances.services import allocation_import, statement_file
from registry.models import EmissionRecord, Enterprise, Facility
from registry.services import import_cells
from reporting.models import MonthlyLedger, MonthlyLedgerLine, ReportLine, ReportVersion
from reporting.services import ledger_import, report_excel
from reporting.services import reports as report_svc
from tests import factories as f
from tests import hostile_xlsx as h
from zhongwei_carbon import excel
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture
def report_importer(ent_a, enterprise_a):
    facility = f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    report = report_svc.report_start(actor=ent_a, enterprise=enterprise_a, year=2023)
    report_svc.line_save(
        actor=ent_a,
        version=report.current_version,
        data={"facility": facility, "source_kind": "electricity", "activity": D("1000")},
    )
    return SimpleNamespace(
        user=ent_a,
        url=reverse("reporting:report_upload", kwargs={"pk": report.pk}),
        sheet=report_excel.SHEET_LINES,
        headers=[title for _key, title in report_excel.HEADERS],
        max_rows=report_excel.MAX_ROWS,
        models=(ReportVersion, ReportLine),
    )


@pytest.fixture
def ledger_importer(ent_a, enterprise_a):
    f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    wb = Workbook()
    wb.active.title = ledger_import.SHEET
    wb.active.append([c.header for c in ledger_import.COLUMNS])
    wb.active.append(["1号机组", 2025, 1, "原煤", 3])
    buf = io.BytesIO()
    wb.save(buf)
    saved = ledger_import.ledger_import(
        actor=ent_a, enterprise=enterprise_a, year=2025, data=buf.getvalue()
    )
    assert saved.applied  # one January ledger that must stay as it is
    return SimpleNamespace(
        user=ent_a,
        url=reverse("reporting:ledger_upload") + "?year=2025",
        sheet=ledger_import.SHEET,
        headers=[c.header for c in ledger_import.COLUMNS],
        max_rows=ledger_import.MAX_ROWS,
        models=(MonthlyLedger, MonthlyLedgerLine),
    )


@pytest.fixture
def registry_importer(bureau_admin, enterprise_a):
    return SimpleNamespace(
        user=bureau_admin,
        url=reverse("registry:import"),
        sheet=import_cells.SHEET_ENTERPRISES,
        headers=[c.header for c in import_cells.ENTERPRISE_COLUMNS],
        max_rows=import_cells.MAX_ROWS_PER_SHEET,
        models=(Enterprise, Facility, EmissionRecord),
    )


@pytest.fixture
def allocation_importer(bureau_admin, enterprise_a):
    ComplianceCycle.objects.create(year=2025, name="2025年度")
    return SimpleNamespace(
        user=bureau_admin,
        url=reverse("allowances:allocation_import", kwargs={"year": 2025}),
        sheet=allocation_import.SHEET_ALLOCATIONS,
        headers=[c.header for c in allocation_import.ALLOCATION_COLUMNS],
        max_rows=allocation_import.MAX_ROWS,
        models=(Allocation,),
    )


@pytest.fixture
def statement_importer(bureau_admin):
    return SimpleNamespace(
        user=bureau_admin,
        url=reverse("allowances:statement_list"),
        sheet="持仓",  # the first sheet, whatever its name
        headers=[title for _key, title in statement_file.COLUMNS],
        max_rows=statement_file.MAX_ROWS,
        models=(RegistryStatement, StatementLine),
        fields={"as_of": "2025-06-30", "note": ""},
    )


@pytest.fixture
def ccer_importer(bureau_admin):
    from programme.models import CCERLibraryProject, CCERReduction
    from programme.services import ccer_import

    return SimpleNamespace(
        user=bureau_admin,
        url=reverse("programme:ccer_import"),
        sheet=ccer_import.SHEET_PROJECTS,
        headers=[c.header for c in ccer_import.PROJECT_COLUMNS],
        max_rows=ccer_import.MAX_ROWS,
        models=(CCERLibraryProject, CCERReduction),
    )


IMPORTERS = ["report", "ledger", "registry", "allocation", "statement", "ccer"]


@pytest.fixture(params=IMPORTERS)
def importer(request):
    return request.getfixturevalue(f"{request.param}_importer")


def _state(importer):
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (*importer.models, Event)
    }


def _post(client_as, importer, data: bytes, name="upload.xlsx"):
    fields = {**getattr(importer, "fields", {}), "file": SimpleUploadedFile(name, data)}
    return client_as(importer.user).post(importer.url, fields)


def _zh(msgid: str, values: dict) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(msgid) % values
    assert text != msgid % values  # translated: the page is in Chinese
    return text


ROWS = (
    "The sheet “%(sheet)s” goes beyond row %(last)s: at most %(n)s rows of data are accepted, "
    "empty rows included. Delete the unused rows below the data and upload again."
)
PART = (
    "A part of the Excel file (%(part)s) unpacks to %(size).1f MB; at most %(limit)d MB per part "
    "are accepted, so it was refused for safety."
)


def _rows_message(importer) -> str:
    n = importer.max_rows
    return _zh(ROWS, {"sheet": importer.sheet, "last": f"{n + 1:,}", "n": f"{n:,}"})


def blank_rows(importer, monkeypatch):
    rows = [h.header(importer.headers), *h.blank_rows(importer.max_rows + 1)]
    return h.workbook([(importer.sheet, h.sheet(rows))]), _rows_message(importer)


def unsized_rows(importer, monkeypatch):
    rows = [h.header(importer.headers), *h.data_rows(importer.max_rows + 1)]
    return h.workbook([(importer.sheet, h.sheet(rows, truncated=True))]), _rows_message(importer)


def dimension(importer, monkeypatch):
    rows = [h.header(importer.headers), b"<row><c><v>1</v></c></row>"]
    sheet = h.sheet(rows, dimension="A1:N3000000")
    return h.workbook([(importer.sheet, sheet)]), _rows_message(importer)


def big_part(importer, monkeypatch):
    monkeypatch.setattr(excel, "MAX_PART_BYTES", 1 * MB)
    data = h.workbook([(importer.sheet, h.sheet(h.data_rows(20_000)))])  # 1.1 MB of XML
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    part = {"part": "xl/worksheets/sheet1.xml", "size": size / MB, "limit": 1}
    return data, _zh(PART, part)


@pytest.mark.parametrize("make", [blank_rows, unsized_rows, dimension, big_part])
def test_hostile_workbook_is_refused_on_the_page(client_as, importer, monkeypatch, make):
    data, message = make(importer, monkeypatch)
    before = _state(importer)
    r = _post(client_as, importer, data)
    assert r.status_code == 200  # the upload page again, with the reason
    assert escape(message) in r.content.decode()
    assert _state(importer) == before


def test_statement_csv_with_blank_lines_past_the_limit(client_as, statement_importer):
    csv = "统一社会信用代码,单位类型,年份,CCER项目编号,持有量（吨）\r\n" + "\r\n" * (
        statement_file.MAX_ROWS + 1
    )
    before = _state(statement_importer)
    r = _post(client_as, statement_importer, csv.encode(), name="statement.csv")
    assert r.status_code == 200
    n = statement_file.MAX_ROWS
    message = _zh(
        "The file goes beyond line %(last)s: at most %(n)s rows of data are accepted, empty "
        "lines included. Delete the unused lines below the data and upload again.",
        {"last": f"{n + 1:,}", "n": f"{n:,}"},
    )
    assert escape(message) in r.content.decode()
    assert _state(statement_importer) == before
