"""Bench: time to refuse hostile workbooks, through each Excel importer (issue 10 §2).

Builds each hostile file once per importer (its sheet name and headers), in memory, with
``tests.hostile_xlsx``, and times the importer's service on it: the annual report, the monthly
ledgers, the registry import, the allocation notice and the registry statement. Every file
passes the old guards (under the upload limit, unpacked total under 200 MB, compression ratio
under 100); each must now be refused, in under 0.5 s. Best and worst of three runs are shown.
Everything written to the database happens inside a transaction that is rolled back.

The files:
- the issue's: 2.5 MB that unpacks to ~180 MB, no <dimension>, 3,000,000 rows;
- 3,000,000 blank rows (~35 MB unpacked, under the part cap);
- no <dimension>, ~45 MB of rows (under the part cap: the row limit is the backstop);
- a <dimension> claiming 3,000,000 rows over a header and one row;
- a 60 MB shared-string table (a big part besides the sheet);
- 1,000,000 shared strings in 19 MB (under the part cap);
- one row of 2,000,000 cells (under the part cap);
- 20,000 tiny parts (each part would cost a look at its head).
"""

from __future__ import annotations

import time
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from tests import hostile_xlsx as h

GOAL = 0.5
RUNS = 3
IMPORTERS = ("report", "ledger", "registry", "allocation", "statement")


class _Rollback(Exception):
    pass


def _files():
    """(label, builder(sheet, headers) -> bytes)."""

    def one(rows, **kw):
        return lambda sheet, headers: h.workbook(
            [(sheet, h.sheet([h.header(headers), *rows()], **kw))]
        )

    def with_strings(count):
        return lambda sheet, headers: h.workbook(
            [(sheet, h.sheet([h.header(headers)]))], strings=h.shared_strings(count)
        )

    return [
        ("issue file: no <dimension>, 3,000,000 rows", one(lambda: h.data_rows(3_000_000))),
        ("3,000,000 blank rows", one(lambda: h.blank_rows(3_000_000))),
        ("no <dimension>, 750,000 rows (45 MB)", one(lambda: h.data_rows(750_000))),
        (
            "<dimension> of 3,000,000 rows",
            one(lambda: [b"<row><c><v>1</v></c></row>"], dimension="A1:N3000000"),
        ),
        ("60 MB shared-string table", with_strings(3_200_000)),
        ("1,000,000 shared strings (19 MB)", with_strings(1_000_000)),
        ("one row of 2,000,000 cells", one(lambda: h.cell_flood(2_000_000, varied=True))),
        ("20,000 tiny parts", lambda sheet, headers: h.workbook(
            [(sheet, h.sheet([h.header(headers)]))],
            parts={f"xl/extra/{i}.xml": [b"<a/>"] for i in range(20_000)},
        )),
    ]


def _setup():
    from accounts.models import Membership, User
    from allowances.models import ComplianceCycle
    from registry.models import Area, Enterprise, Facility, Sector
    from reporting.services import reports
    from zhongwei_carbon.roles import Role
    from zhongwei_carbon.uscc import make as make_uscc

    enterprise = Enterprise.objects.create(
        uscc=make_uscc(f"91640500{time.time_ns() % 10**9:09d}"),
        name="基准测试企业",
        area=Area.objects.order_by("code").first(),
        sector=Sector.objects.order_by("pk").first(),
    )
    Facility.objects.create(enterprise=enterprise, name="1号机组", facility_type="coal_unit")
    stamp = enterprise.pk
    user = User.objects.create(username=f"bench-ent-{stamp}", full_name="bench")
    Membership.objects.create(user=user, role=Role.ENTERPRISE_USER, enterprise=enterprise)
    admin = User.objects.create(username=f"bench-admin-{stamp}", full_name="bench")
    Membership.objects.create(user=admin, role=Role.BUREAU_ADMIN)
    year = date.today().year - 1
    report = reports.report_start(actor=user, enterprise=enterprise, year=year)
    cycle = ComplianceCycle.objects.filter(year=year).first() or ComplianceCycle.objects.create(
        year=year, name=f"{year}"
    )
    return {"enterprise": enterprise, "user": user, "admin": admin, "report": report,
            "cycle": cycle, "year": year}


def _importers(ctx):
    """name -> (sheet, headers, call(data) -> the refusal message, or None if accepted)."""
    from allowances.services import allocation as allocation_svc
    from allowances.services import allocation_import, statement_file, statements
    from registry.services import import_cells
    from registry.services.imports import enterprise_import
    from reporting.services import ledger_import, report_excel
    from zhongwei_carbon.excel import UploadRejected

    def report(data):
        version = ctx["report"].current_version
        result = report_excel.report_upload(
            actor=ctx["user"], version=version, data=data, filename="bench.xlsx"
        )
        return result.errors[0].message if not result.ok else None

    def refusal(call):
        def run(data):
            try:
                with transaction.atomic():
                    call(data)
                    raise _Rollback
            except UploadRejected as exc:
                return str(exc)
            except ValidationError as exc:
                return " ".join(exc.messages)
            except _Rollback:
                return None

        return run

    return {
        "report": (
            report_excel.SHEET_LINES, [t for _k, t in report_excel.HEADERS], report
        ),
        "ledger": (
            ledger_import.SHEET,
            [c.header for c in ledger_import.COLUMNS],
            refusal(lambda data: ledger_import.ledger_import(
                actor=ctx["user"], enterprise=ctx["enterprise"], year=ctx["year"], data=data
            )),
        ),
        "registry": (
            import_cells.SHEET_ENTERPRISES,
            [c.header for c in import_cells.ENTERPRISE_COLUMNS],
            refusal(lambda data: enterprise_import(actor=ctx["admin"], data=data, apply=False)),
        ),
        "allocation": (
            allocation_import.SHEET_ALLOCATIONS,
            [c.header for c in allocation_import.ALLOCATION_COLUMNS],
            refusal(lambda data: allocation_svc.allocation_import(
                actor=ctx["admin"], cycle=ctx["cycle"], data=data, filename="bench.xlsx"
            )),
        ),
        "statement": (
            "持仓",
            [t for _k, t in statement_file.COLUMNS],
            refusal(lambda data: statements.statement_import(
                actor=ctx["admin"], as_of=date(ctx["year"], 12, 31), upload_name="bench.xlsx",
                data=data,
            )),
        ),
    }


def _time(call, data) -> tuple[float, float, str | None]:
    times, message = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        message = call(data)
        times.append(time.perf_counter() - start)
    return min(times), max(times), message


def main() -> int:
    from bench.ledger_import import _migrate_if_needed

    settings.DEBUG = False
    _migrate_if_needed()
    ok = True
    print(f"goal: every file refused in < {GOAL} s (best / worst of {RUNS} runs, seconds)")
    print(f"{'file':<44} {'upload':>8} {'unpacked':>9}  " + "  ".join(
        f"{name:>11}" for name in IMPORTERS))
    reasons = {}
    with translation.override("en"):
        try:
            with transaction.atomic():
                ctx = _setup()
                importers = _importers(ctx)
                for label, build in _files():
                    cells, sizes = [], None
                    for name in IMPORTERS:
                        sheet, headers, call = importers[name]
                        data = build(sheet, headers)
                        sizes = h.sizes(data)
                        best, worst, message = _time(call, data)
                        refused = message is not None
                        ok &= refused and worst < GOAL
                        cells.append(f"{best:5.3f}/{worst:5.3f}" if refused else "  ACCEPTED!")
                        reasons.setdefault(label, message)
                    print(f"{label:<44} {sizes[0] / 2**20:>6.1f}MB {sizes[1] / 2**20:>7.1f}MB  "
                          + "  ".join(f"{c:>11}" for c in cells), flush=True)
                raise _Rollback
        except _Rollback:
            pass
    print("why (first importer's message):")
    for label, message in reasons.items():
        print(f"  {label}: {(message or 'accepted')[:110]}")
    print(f"goal < {GOAL} s for every file and importer: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


__all__ = ["main"]
