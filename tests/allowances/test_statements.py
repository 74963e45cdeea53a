"""Registry statements (issue 5 §3): import of .xlsx and .csv (UTF-8 with BOM, GB18030),
differences computed by hand against the portal's holdings, every bad input refused with its
row number and nothing saved, the reconciliation page (filters, totals), the export read back,
the template round trip, and who may read or import."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from allowances.choices import EntryKind, UnitType
from allowances.models import (
    CCERProject,
    ComplianceCycle,
    Holding,
    RegistryStatement,
    StatementLine,
)
from allowances.selectors import statements as sel
from allowances.services import ledger, statement_file
from allowances.services.statements import EXAMPLE_USCC, statement_import
from tests import factories as f
from zhongwei_carbon import uscc
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db

HEADERS = ["统一社会信用代码", "单位类型", "年份", "CCER项目编号", "持有量（吨）"]
UNKNOWN = uscc.make("91640500MA7600009")  # a valid code no enterprise of the portal has
AS_OF = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English msgids, whatever catalogs exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_as(client_as):
    """Clients that pick English with the language switch."""

    def make(user):
        client = client_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def portal(enterprise_a, enterprise_b, bureau_admin):
    """enterprise_a: 1,000 CEA 2025 and 300 CCER 2024 (P-1); enterprise_b: 500 CEA 2025 and a
    CEA 2024 holding that went back to 0 (so it is no line)."""
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    project = CCERProject.objects.create(code="P-1", name="中卫光伏")
    acc_a, acc_b = ledger.account_for(enterprise_a), ledger.account_for(enterprise_b)
    ledger.allocate(actor=bureau_admin, account=acc_a, cycle=cycle, vintage=2025, quantity=1000)
    ledger.allocate(actor=bureau_admin, account=acc_b, cycle=cycle, vintage=2025, quantity=500)
    (wrong,) = ledger.allocate(
        actor=bureau_admin, account=acc_b, cycle=cycle, vintage=2024, quantity=40
    )
    ledger.reverse(actor=bureau_admin, entry=wrong, reason="wrong vintage")  # b CEA 2024 → 0
    ledger.post(
        actor=bureau_admin,
        movements=[
            ledger.Movement(acc_a, UnitType.CCER, 2024, 300, EntryKind.TRANSFER_IN, project)
        ],
        reference="CCER purchase",
    )
    return {"a": acc_a, "b": acc_b, "project": project}


def rows_for(enterprise_a, enterprise_b):
    """The statement: a 1,200 CEA 2025 (portal 1,000 → +200); b 500 CEA 2025 (matches);
    b 50 CCER 2025 P-1 (portal none → +50); an unknown code 80 CEA 2025 (not in the portal).
    a's 300 CCER 2024 is not listed (→ −300)."""
    return [
        [enterprise_a.uscc, "配额", 2025, "", 1200],
        [enterprise_b.uscc, "配额", 2025, None, 500],
        [enterprise_b.uscc, "CCER", 2025, "P-1", 50],
        [UNKNOWN, "CEA", 2025, "", 80],
    ]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_text(rows, headers=HEADERS) -> str:
    lines = [",".join(headers)]
    lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def snapshot():
    return sorted(Holding.objects.values_list("pk", "quantity"))


def lines_by_key(statement):
    return {
        (ln.uscc, ln.unit_type, ln.vintage, ln.project.code if ln.project else None): (
            ln.enterprise_id,
            ln.statement_quantity,
            ln.portal_quantity,
            ln.difference,
        )
        for ln in statement.lines.select_related("project")
    }


def expected(enterprise_a, enterprise_b):
    return {
        (enterprise_a.uscc, "cea", 2025, None): (enterprise_a.pk, 1200, 1000, 200),
        (enterprise_a.uscc, "ccer", 2024, "P-1"): (enterprise_a.pk, None, 300, -300),
        (enterprise_b.uscc, "cea", 2025, None): (enterprise_b.pk, 500, 500, 0),
        (enterprise_b.uscc, "ccer", 2025, "P-1"): (enterprise_b.pk, 50, 0, 50),
        (UNKNOWN, "cea", 2025, None): (None, 80, 0, 80),
    }


@pytest.mark.parametrize(
    "name, make",
    [
        ("statement.xlsx", lambda rows: xlsx(rows)),
        ("statement.csv", lambda rows: csv_text(rows).encode("utf-8-sig")),
        ("statement.csv", lambda rows: csv_text(rows).encode("gb18030")),
        ("statement.csv", lambda rows: csv_text(rows).encode("utf-8")),
    ],
    ids=["xlsx", "csv-utf8-bom", "csv-gb18030", "csv-utf8"],
)
def test_import_differences_by_hand(portal, enterprise_a, enterprise_b, bureau_admin, name, make):
    assert Holding.objects.get(account=portal["b"], vintage=2024).quantity == 0
    before = snapshot()
    statement = statement_import(
        actor=bureau_admin,
        as_of=AS_OF,
        upload_name=name,
        data=make(rows_for(enterprise_a, enterprise_b)),
        note="June",
    )
    assert lines_by_key(statement) == expected(enterprise_a, enterprise_b)
    # five keys (b's zero CEA 2024 holding is no line); all but b's CEA 2025 need attention
    assert (statement.line_count, statement.difference_count) == (5, 4)
    assert statement.file_name == name and statement.file.read().startswith(
        b"PK" if name.endswith("xlsx") else b""
    )
    assert snapshot() == before  # holdings never change
    event = Event.objects.get(verb="allowances.statement_imported")
    assert event.data["lines"] == 5 and event.data["differences"] == 4


def test_gb18030_text_really_is_not_utf8(enterprise_a, enterprise_b):
    data = csv_text(rows_for(enterprise_a, enterprise_b)).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_english_headers_other_order_and_ignored_name_column(portal, enterprise_a, bureau_admin):
    headers = ["quantity", "Unit type", "USCC", "vintage", "project_code", "企业名称"]
    data = csv_text([[1000, "cea", enterprise_a.uscc, 2025, "", "任意名称"]], headers).encode()
    statement = statement_import(actor=bureau_admin, as_of=AS_OF, upload_name="s.csv", data=data)
    got = lines_by_key(statement)
    assert got[(enterprise_a.uscc, "cea", 2025, None)] == (enterprise_a.pk, 1000, 1000, 0)
    assert got[(enterprise_a.uscc, "ccer", 2024, "P-1")] == (enterprise_a.pk, None, 300, -300)
    # enterprise_b's 500 CEA is not listed either: −500
    assert (statement.line_count, statement.difference_count) == (3, 2)


def _refused(bureau_admin, data, name="s.xlsx", as_of=AS_OF, field="file"):
    lines_before = StatementLine.objects.count()
    with pytest.raises(ValidationError) as exc:
        statement_import(actor=bureau_admin, as_of=as_of, upload_name=name, data=data)
    assert not RegistryStatement.objects.exists()
    assert StatementLine.objects.count() == lines_before == 0
    return " | ".join(exc.value.message_dict[field])


def test_bad_rows_are_listed_with_row_numbers_and_nothing_saved(
    portal, enterprise_a, enterprise_b, bureau_admin
):
    bad_check = enterprise_a.uscc[:17] + ("0" if enterprise_a.uscc[17] != "0" else "1")
    rows = [
        [enterprise_a.uscc, "配额", 2025, "", 1200],  # row 2: good
        [bad_check, "配额", 2025, "", 10],  # row 3: bad check character
        [enterprise_b.uscc, "CCER", 2025, "NOPE", 5],  # row 4: unknown project
        [enterprise_b.uscc, "配额", 2024, "P-1", 5],  # row 5: CEA with a project
        [enterprise_b.uscc, "CCER", 2023, "", 5],  # row 6: CCER without one
        [enterprise_b.uscc, "配额", 2022, "", 12.5],  # row 7: not whole
        [enterprise_b.uscc, "配额", 2021, "", -3],  # row 8: negative
        [enterprise_a.uscc, "配额", 2025, "", 7],  # row 9: duplicate of row 2
        [enterprise_b.uscc, "期货", 2025, "", 7],  # row 10: unknown unit type
        [enterprise_b.uscc, "配额", "明年", "", 7],  # row 11: bad year
        [enterprise_b.uscc, "配额", 2020, "", "=1+1"],  # row 12: formula
    ]
    message = _refused(bureau_admin, xlsx(rows))
    assert "Row 2" not in message
    for row, words in [
        (3, "check character"),
        (4, "NOPE"),
        (5, "have no CCER project"),
        (6, "need their project code"),
        (7, "whole number"),
        (8, "cannot be negative"),
        (9, "already on row 2"),
        (10, "配额 (CEA) or CCER"),
        (11, "year such as 2025"),
        (12, "Formulas are not allowed"),
    ]:
        assert f"Row {row}" in message and words in message, (row, words, message)


@pytest.mark.parametrize(
    "data, name, words",
    [
        (b"", "s.csv", "empty"),
        (b"\r\n\r\n", "s.csv", "empty"),
        (csv_text([]).encode("utf-8-sig"), "s.csv", "no rows below the header"),
        (
            csv_text(
                [["x", "配额", 2025, "", 1]], ["代码", "单位类型", "年份", "持有量（吨）"]
            ).encode(),
            "s.csv",
            "column “统一社会信用代码” is missing",
        ),
        (b"%PDF-1.4", "s.pdf", ".xlsx"),
        (b"PK\x03\x04 not a zip", "s.xlsx", "damaged"),
        (b"a,b\x00,c", "s.csv", "not a CSV"),
        (bytes([0x81, 0x30]) + b"\xff\xff", "s.csv", "neither UTF-8 nor GB18030"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "header-only",
        "wrong-headers",
        "pdf",
        "bad-zip",
        "nul",
        "encoding",
    ],
)
def test_unreadable_files_refused(portal, bureau_admin, data, name, words):
    assert words in _refused(bureau_admin, data, name=name)


def test_unknown_header_refused(portal, enterprise_a, bureau_admin):
    data = csv_text([[enterprise_a.uscc, "配额", 2025, "", 1, "x"]], HEADERS + ["价格"]).encode()
    assert "Unknown column “价格”" in _refused(bureau_admin, data, name="s.csv")


def test_too_many_rows(portal, bureau_admin, monkeypatch):
    monkeypatch.setattr(statement_file, "MAX_ROWS", 3)
    rows = [[f.next_uscc(), "配额", 2025, "", i] for i in range(4)]
    assert "goes beyond row 4: at most 3 rows of data" in _refused(bureau_admin, xlsx(rows))


def test_future_date_and_role_refused(portal, enterprise_a, bureau_admin, bureau_reviewer):
    data = xlsx([[enterprise_a.uscc, "配额", 2025, "", 1]])
    tomorrow = date.today() + timedelta(days=2)
    assert "future" in _refused(bureau_admin, data, as_of=tomorrow, field="as_of")
    with pytest.raises(PermissionDenied):
        statement_import(actor=bureau_reviewer, as_of=AS_OF, upload_name="s.xlsx", data=data)
    assert not RegistryStatement.objects.exists()


def test_reconciliation_filters_and_totals(portal, enterprise_a, enterprise_b, bureau_admin):
    statement = statement_import(
        actor=bureau_admin,
        as_of=AS_OF,
        upload_name="s.xlsx",
        data=xlsx(rows_for(enterprise_a, enterprise_b)),
    )
    every = sel.reconciliation(statement, show=sel.SHOW_ALL)
    assert {ln.uscc + ln.unit_type + str(ln.vintage): ln.status for ln in every.lines} == {
        enterprise_a.uscc + "cea2025": sel.DIFFERS,
        enterprise_a.uscc + "ccer2024": sel.NOT_IN_STATEMENT,
        enterprise_b.uscc + "cea2025": sel.MATCHES,
        enterprise_b.uscc + "ccer2025": sel.DIFFERS,
        UNKNOWN + "cea2025": sel.NOT_IN_PORTAL,
    }
    totals = {t.unit_type: t for t in every.totals}
    # CEA: statement 1200 + 500 + 80 = 1780, portal 1000 + 500 = 1500, +200 +80 = 280
    assert (totals["cea"].lines, totals["cea"].statement, totals["cea"].portal) == (3, 1780, 1500)
    assert (totals["cea"].more_in_statement, totals["cea"].more_in_portal, totals["cea"].net) == (
        280,
        0,
        280,
    )
    # CCER: statement 50, portal 300; +50 and −300 → net −250
    assert (totals["ccer"].statement, totals["ccer"].portal) == (50, 300)
    assert (totals["ccer"].more_in_statement, totals["ccer"].more_in_portal) == (50, 300)
    assert totals["ccer"].net == -250

    diff = sel.reconciliation(statement)  # default: differences only
    assert diff.lines.count() == 4 and sel.MATCHES not in {ln.status for ln in diff.lines}
    assert {t.unit_type: t.lines for t in diff.totals} == {"cea": 2, "ccer": 2}
    by_name = sel.reconciliation(statement, show=sel.SHOW_ALL, q=enterprise_b.name[:4])
    assert {ln.uscc for ln in by_name.lines} == {enterprise_b.uscc}
    by_code = sel.reconciliation(statement, q=UNKNOWN[-6:].lower())
    assert [ln.uscc for ln in by_code.lines] == [UNKNOWN]


# --- pages ------------------------------------------------------------------------------------


def _upload(client, data, name, as_of="2025-06-30"):
    return client.post(
        reverse("allowances:statement_list"),
        {"as_of": as_of, "note": "June", "file": SimpleUploadedFile(name, data)},
    )


def test_import_page_detail_and_export(portal, enterprise_a, enterprise_b, bureau_admin, client_as):
    client = client_as(bureau_admin)
    r = client.get(reverse("allowances:statement_list"))
    assert r.status_code == 200 and r.context["form"] is not None
    assert "No registry statement has been imported yet." in r.content.decode()
    data = csv_text(rows_for(enterprise_a, enterprise_b)).encode("utf-8-sig")
    r = _upload(client, data, "六月对账单.csv")
    statement = RegistryStatement.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("allowances:statement_detail", kwargs={"pk": statement.pk})

    page = client.get(r["Location"])
    assert page.status_code == 200
    assert [ln.status for ln in page.context["page_obj"]].count(sel.MATCHES) == 0
    assert len(page.context["page_obj"]) == 4
    html = page.content.decode()
    assert "not in the portal" in html and "+200" in html and "-300" in html
    everything = client.get(page.request["PATH_INFO"], {"show": "all"})
    assert len(everything.context["page_obj"]) == 5

    listing = client.get(reverse("allowances:statement_list"))
    assert "六月对账单.csv" in listing.content.decode()

    export = client.get(reverse("allowances:statement_export", kwargs={"pk": statement.pk}))
    assert export.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(export.getvalue())).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    status = {(r[0], r[2], r[3]): (r[5], r[6], r[7], r[8]) for r in rows[1:]}
    assert status[(enterprise_a.uscc, "Allowance (CEA)", 2025)] == (1200, 1000, 200, "differs")
    assert status[(enterprise_a.uscc, "CCER", 2024)] == (None, 300, -300, "not in the statement")
    assert status[(enterprise_b.uscc, "Allowance (CEA)", 2025)] == (500, 500, 0, "matches")
    assert status[(UNKNOWN, "Allowance (CEA)", 2025)] == (80, 0, 80, "not in the portal")

    original = client.get(reverse("allowances:statement_download", kwargs={"pk": statement.pk}))
    assert b"".join(original.streaming_content) == data


def test_bad_upload_shows_rows_and_saves_nothing(portal, enterprise_a, bureau_admin, client_as):
    rows = [[enterprise_a.uscc, "配额", 2025, "", 10], [enterprise_a.uscc, "配额", 2025, "", 10]]
    r = _upload(client_as(bureau_admin), xlsx(rows), "s.xlsx")
    assert r.status_code == 200
    assert "Row 3" in r.content.decode() and "already on row 2" in r.content.decode()
    assert not RegistryStatement.objects.exists()


def test_template_round_trip(portal, bureau_admin, client_as):
    r = client_as(bureau_admin).get(reverse("allowances:statement_template"))
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.getvalue())).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][0] == EXAMPLE_USCC and rows[1][1] == "配额" and rows[1][4] == 1000
    statement = statement_import(
        actor=bureau_admin, as_of=AS_OF, upload_name="template.xlsx", data=r.content
    )
    example = statement.lines.get(uscc=EXAMPLE_USCC)
    assert example.enterprise is None and example.difference == 1000


def test_reviewer_reads_but_cannot_import(
    portal, enterprise_a, bureau_admin, bureau_reviewer, client_as
):
    statement = statement_import(
        actor=bureau_admin,
        as_of=AS_OF,
        upload_name="s.xlsx",
        data=xlsx([[enterprise_a.uscc, "配额", 2025, "", 1000]]),
    )
    client = client_as(bureau_reviewer)
    r = client.get(reverse("allowances:statement_list"))
    assert r.status_code == 200 and r.context["form"] is None
    assert (
        client.get(reverse("allowances:statement_detail", kwargs={"pk": statement.pk})).status_code
        == 200
    )
    r = _upload(client, xlsx([[enterprise_a.uscc, "配额", 2025, "", 1]]), "s.xlsx")
    assert r.status_code == 403
    assert client.get(reverse("allowances:statement_template")).status_code == 403
    assert RegistryStatement.objects.count() == 1


@pytest.mark.parametrize("persona", ["official_a", "ent_a", "agency_a_staff"])
def test_others_refused(portal, enterprise_a, bureau_admin, client_as, persona, request):
    statement = statement_import(
        actor=bureau_admin,
        as_of=AS_OF,
        upload_name="s.xlsx",
        data=xlsx([[enterprise_a.uscc, "配额", 2025, "", 1000]]),
    )
    client = client_as(request.getfixturevalue(persona))
    for name, kwargs in [
        ("statement_list", {}),
        ("statement_detail", {"pk": statement.pk}),
        ("statement_export", {"pk": statement.pk}),
        ("statement_download", {"pk": statement.pk}),
    ]:
        assert client.get(reverse(f"allowances:{name}", kwargs=kwargs)).status_code == 403
    assert _upload(client, xlsx([]), "s.xlsx").status_code == 403
    assert RegistryStatement.objects.count() == 1


def test_nav_entry_only_for_statement_readers(bureau_reviewer, ent_a, client_as):
    url = reverse("allowances:statement_list")
    assert url in client_as(bureau_reviewer).get(reverse("allowances:cycle_list")).content.decode()
    assert url not in client_as(ent_a).get(reverse("allowances:cycle_list")).content.decode()
