"""Upload guards on the annual-report and monthly-ledger upload pages: a zip bomb, an XML
entity bomb, a 50 MB file and a PDF renamed .xlsx each give a clear error on the page (never
a 500 or a bare 400) and change nothing: the draft's lines and the ledgers stay as they were."""

import io
import zipfile
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import Workbook

from reporting.models import MonthlyLedger, MonthlyLedgerLine, ReportLine, ReportVersion
from reporting.services import ledger_import as imp
from reporting.services import reports as svc
from tests import factories as f
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


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


@pytest.fixture
def ledger(client_as, ent_a, facility_a):
    """One saved January ledger, uploaded through the page, so there is something to keep."""
    wb = Workbook()
    ws = wb.active
    ws.title = imp.SHEET
    ws.append([c.header for c in imp.COLUMNS])
    ws.append(["1号机组", 2025, 1, "原煤", 3] + [None] * (len(imp.COLUMNS) - 5))
    buf = io.BytesIO()
    wb.save(buf)
    r = client_as(ent_a).post(_ledger_url(), {"file": SimpleUploadedFile("l.xlsx", buf.getvalue())})
    assert r.status_code == 302
    return MonthlyLedger.objects.get()


def _ledger_url():
    return reverse("reporting:ledger_upload") + "?year=2025"


def _valid_xlsx() -> dict[str, bytes]:
    wb = Workbook()
    wb.active.title = "排放源"
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """A real xlsx whose sheet XML is padded with 20 MB of spaces (ratio ≫ 100)."""
    members = _valid_xlsx()
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = members[sheet] + b" " * (20 * MB)
    data = _zip(members)
    assert len(data) < 100_000  # compresses ~1000:1
    return data


def entity_bomb() -> bytes:
    members = _valid_xlsx()
    members["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _zip(members)


def big_file() -> bytes:
    """50 MB that starts like a zip (the size check must come first)."""
    return b"PK\x03\x04" + b"\0" * (50 * MB)


def renamed_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


BIG = "The file is %(size)s; the limit is %(limit)s."
CASES = pytest.mark.parametrize(
    ("make", "msgid"),
    [
        (zip_bomb, "The Excel file expands to an unusually large size and was refused for safety."),
        (entity_bomb, "The Excel file contains XML declarations that are not allowed."),
        (big_file, BIG),
        (renamed_pdf, "This is not an Excel (.xlsx) file. Save it as .xlsx and try again."),
    ],
    ids=["zip-bomb", "xml-entity-bomb", "50MB", "renamed-pdf"],
)


def _expected(msgid) -> str:
    """The message as the page shows it (the site language is Chinese)."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    # 50 MB and 4 bytes, rounded up: a file over the limit never reads as a round figure
    return text % {"size": "50.1 MB", "limit": "10 MB"} if msgid == BIG else text


def _report_state(report):
    v = ReportVersion.objects.get(pk=report.current_version_id)
    return (
        list(
            ReportLine.objects.filter(version=v).values_list("source_kind", "activity", "emissions")
        ),
        v.total_emissions,
        v.source_sha256,
        bool(v.source_file),
        ReportVersion.objects.filter(report=report).count(),
        Event.objects.count(),
    )


def _ledger_state():
    return (
        list(MonthlyLedger.objects.order_by("pk").values_list("pk", "month", "status")),
        list(
            MonthlyLedgerLine.objects.order_by("pk").values_list(
                "ledger_id", "fuel_id", "consumption"
            )
        ),
        Event.objects.count(),
    )


@CASES
def test_report_upload_refuses_and_keeps_the_draft(client_as, ent_a, report, settings, make, msgid):
    settings.UPLOAD_MAX_BYTES = 10 * MB
    before = _report_state(report)
    r = client_as(ent_a).post(
        reverse("reporting:report_upload", kwargs={"pk": report.pk}),
        {"file": SimpleUploadedFile("report.xlsx", make())},
    )
    assert r.status_code == 200
    errors = r.context["result"].errors
    message = _expected(msgid)
    assert message != msgid  # really translated, so the page is in Chinese
    assert [(e.sheet, e.row, e.message) for e in errors] == [("", 0, message)]
    assert escape(message) in r.content.decode()  # shown on the page, not only in the context
    assert _report_state(report) == before
    assert report.current_version.lines.get().emissions == D("570.30")  # 1000 MWh × 0.5703


@CASES
def test_ledger_upload_refuses_and_keeps_the_ledgers(
    client_as, ent_a, ledger, settings, make, msgid
):
    settings.UPLOAD_MAX_BYTES = 10 * MB
    before = _ledger_state()
    r = client_as(ent_a).post(_ledger_url(), {"file": SimpleUploadedFile("ledger.xlsx", make())})
    assert r.status_code == 200
    message = _expected(msgid)
    assert r.context["form"].errors["file"] == [message]
    assert escape(message) in r.content.decode()
    assert _ledger_state() == before
    assert ledger.lines.get().consumption == D("3.000")
