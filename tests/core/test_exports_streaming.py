"""Every Excel export, streamed (issue 11 §4): the same workbook as before, rows read in
chunks, the file sent from disk, and a query count that does not grow with the rows.

The demo is seeded once for the module at a fixed moment (``MOMENT``), and every export is
downloaded as the bureau, a county official and an enterprise. Each workbook (file name, sheet
titles, headers, every value) is compared with ``export_snapshots.json``, written by the
exports as they were before they streamed. After a deliberate change of an export or of the
demo, rewrite it with ``UPDATE_EXPORT_SNAPSHOTS=1 pytest tests/core/test_exports_streaming.py``
and review the diff. Memory is measured by ``python -m bench exports``, never here.
"""

from __future__ import annotations

import io
import json
import os
from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reporting import ledger_rules

SNAPSHOTS = Path(__file__).with_name("export_snapshots.json")
MOMENT = datetime.combine(date(2026, 11, 25), time(12), tzinfo=ZoneInfo("Asia/Shanghai"))
YEAR = 2025


def _account(**_kw):
    from allowances.models import AllowanceAccount

    account = (
        AllowanceAccount.objects.filter(holdings__entries__isnull=False)
        .order_by("enterprise__uscc").first()
    )
    return {"pk": account.pk}


def _statement(**_kw):
    from allowances.models import RegistryStatement

    return {"pk": RegistryStatement.objects.order_by("as_of", "file_name").first().pk}


def _violation_case(**_kw):
    from oversight.models import ViolationCase

    return {"pk": ViolationCase.objects.exclude(status="open").order_by("opened_at").first().pk}


# (key, user, URL name, query, URL kwargs)
EXPORTS = [
    ("user", "admin", "accounts:user_export", {}, None),
    ("user_search", "admin", "accounts:user_export", {"q": "ent"}, None),
    ("lockout", "admin", "accounts:lockout_export", {}, None),
    ("agency", "admin", "verifiers:agency_export", {}, None),
    ("enterprise", "admin", "registry:enterprise_export", {}, None),
    ("enterprise_area", "shapotou", "registry:enterprise_export", {}, None),
    ("key_list_draft", "admin", "registry:list_export", {}, lambda: {"year": 2026}),
    ("key_list", "admin", "registry:list_export", {}, lambda: {"year": 2025}),
    ("public_list", None, "public:list_export", {}, lambda: {"year": 2025}),
    ("ledger_grid", "admin", "reporting:ledger_grid_export", {"year": YEAR}, None),
    ("ledger_grid_missing", "admin", "reporting:ledger_grid_export",
     {"year": YEAR, "status": "missing"}, None),
    ("ledger_grid_closed", "admin", "reporting:ledger_grid_export",
     {"year": YEAR, "status": "closed"}, None),
    ("ledger_grid_area", "shapotou", "reporting:ledger_grid_export", {"year": YEAR}, None),
    ("ledger_grid_enterprise", "ent1", "reporting:ledger_grid_export", {"year": YEAR}, None),
    ("ledger_grid_no_days", "admin", "reporting:ledger_grid_export", {"year": 2021}, None),
    ("report", "admin", "reporting:report_export", {}, None),
    ("report_area", "shapotou", "reporting:report_export", {}, None),
    ("disclosure", None, "disclosure:export", {}, None),
    ("factor", "admin", "reporting:factor_export", {}, None),
    ("account", "admin", "allowances:account_export", {}, None),
    ("account_area", "shapotou", "allowances:account_export", {}, None),
    ("account_entries", "admin", "allowances:account_entries_export", {}, _account),
    ("surrender", "admin", "allowances:surrender_export", {}, None),
    ("compliance", "admin", "allowances:compliance_export", {"cycle": YEAR}, None),
    ("compliance_2024", "admin", "allowances:compliance_export", {"cycle": 2024}, None),
    ("compliance_area", "shapotou", "allowances:compliance_export", {"cycle": YEAR}, None),
    ("compliance_enterprise", "ent1", "allowances:compliance_export", {"cycle": YEAR}, None),
    *[
        (f"compliance_{name}", "admin", "allowances:compliance_export", query, None)
        for name, query in [
            ("by_remaining", {"cycle": YEAR, "ordering": "remaining"}),
            ("by_remaining_desc", {"cycle": YEAR, "ordering": "-remaining"}),
            ("by_obligation_desc", {"cycle": YEAR, "ordering": "-obligation"}),
            ("by_surrendered", {"cycle": YEAR, "ordering": "surrendered"}),
            ("by_ccer_desc", {"cycle": YEAR, "ordering": "-ccer"}),
            ("by_status", {"cycle": YEAR, "ordering": "status"}),
            ("by_status_desc", {"cycle": YEAR, "ordering": "-status"}),
            ("by_enterprise", {"cycle": YEAR, "ordering": "enterprise"}),
            ("by_enterprise_desc", {"cycle": YEAR, "ordering": "-enterprise"}),
            ("by_area_desc", {"cycle": YEAR, "ordering": "-area"}),
            ("by_sector", {"cycle": YEAR, "ordering": "sector"}),
            ("unknown_key", {"cycle": YEAR, "ordering": "pk"}),
            ("status_filter", {"cycle": YEAR, "status": "not_due"}),
            ("status_filter_sorted", {"cycle": 2024, "status": "short",
                                      "ordering": "-remaining"}),
            ("by_remaining_2024", {"cycle": 2024, "ordering": "remaining"}),
            ("by_surrendered_desc_2024", {"cycle": 2024, "ordering": "-surrendered"}),
            ("by_status_2024", {"cycle": 2024, "ordering": "status"}),
        ]
    ],
    ("price", "admin", "allowances:price_export", {}, None),
    ("penalty", "admin", "allowances:penalty_export", {"cycle": 2024}, None),
    ("penalty_area", "shapotou", "allowances:penalty_export", {"cycle": 2024}, None),
    ("penalty_all", "admin", "allowances:penalty_export", {}, None),
    ("allocation", "admin", "allowances:allocation_export", {"cycle": YEAR}, None),
    ("allocation_area", "shapotou", "allowances:allocation_export", {"cycle": YEAR}, None),
    ("plan", "admin", "allowances:plan_export", {}, None),
    ("benchmark", "admin", "allowances:benchmark_export", {}, None),
    ("band", "admin", "allowances:band_export", {}, None),
    ("intensity", "admin", "allowances:intensity_export", {}, None),
    ("statement", "admin", "allowances:statement_export", {}, _statement),
    ("violation", "admin", "oversight:violation_export", {}, None),
    ("violation_area", "park", "oversight:violation_export", {}, None),
    ("violation_other_area", "shapotou", "oversight:violation_export", {}, None),
    ("violation_enterprise", "ent1", "oversight:violation_export", {}, None),
    ("violation_referral", "admin", "oversight:violation_referral_export", {}, _violation_case),
    ("agency_performance", "admin", "oversight:performance_export", {"year": YEAR}, None),
    ("agency_performance_own", "agency1", "oversight:performance_export",
     {"year": YEAR, "ordering": "-on_time_rate"}, None),
    ("inspection_checklist", "admin", "oversight:checklist_export", {}, None),
    ("complaint", "admin", "complaints:complaint_export", {}, None),
    ("complaint_area", "shapotou", "complaints:complaint_export", {}, None),
    ("complaint_statistics", "admin", "complaints:complaint_statistics_export", {"year": 2026},
     None),
]


def _surrenders() -> None:
    """What the demo lacks for the compliance, surrender and penalty exports: surrenders in
    both cycles (in full, in part, none), open surrender requests and penalty cases, so the
    statuses, the sorts and their ties all show."""
    from accounts.models import User
    from allowances.models import ComplianceCycle, PenaltyCase, SurrenderRequest
    from allowances.selectors import compliance
    from allowances.services import ledger

    admin = User.objects.get(username="admin")
    for year, shares in ((2024, (1, 1, 0.5, 0.25, 1, 0.5)), (2025, (1, 0.4))):
        cycle = ComplianceCycle.objects.get(year=year)
        rows = [r for r in compliance.compliance(admin, cycle).rows if r.obligation]
        for row, share in zip(rows[::3], shares, strict=False):
            account = ledger.account_for(row.enterprise)
            tonnes = max(int(row.obligation * share), 1)
            ledger.allocate(actor=admin, account=account, cycle=cycle, vintage=year,
                            quantity=tonnes)
            ledger.surrender(actor=admin, account=account, cycle=cycle,
                             obligation=row.obligation, cea=[(year, tonnes)])
            SurrenderRequest.objects.create(account=account, cycle=cycle,
                                            cea=[[year, 1]], requested_by=admin)
        for row in rows[1::4]:
            PenaltyCase.objects.get_or_create(
                cycle=cycle, enterprise=row.enterprise, defaults={
                    "tonnes_short": row.obligation // 10, "price": Decimal("80.5"),
                    "fine_min": Decimal("4000"), "fine_max": Decimal("8000"),
                    "next_year_cut": row.obligation // 10, "opened_by": admin,
                })


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once at ``MOMENT`` inside a transaction rolled back at the end; each
    test runs in a savepoint within it."""
    from accounts.models import User

    with (django_db_blocker.unblock(), transaction.atomic(),
          mock.patch("django.utils.timezone.now", return_value=MOMENT)):
        call_command("seed_demo", stdout=StringIO())
        _surrenders()
        # ``date_joined`` defaults to the function object ``timezone.now`` (not patched)
        User.objects.update(date_joined=MOMENT)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def at_moment(demo, db):
    with mock.patch("django.utils.timezone.now", return_value=MOMENT):
        yield


def _get(user, name, query, kwargs):
    from accounts.models import User

    client = Client()
    if user is not None:
        client.force_login(User.objects.get(username=user))
    response = client.get(reverse(name, kwargs=kwargs() if kwargs else None), query)
    assert response.status_code == 200, (name, response.status_code)
    return response


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _value(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def _workbook(response) -> dict:
    wb = load_workbook(io.BytesIO(_body(response)))
    return {
        "file": response["Content-Disposition"],
        "sheets": [
            {"title": ws.title,
             "rows": [[_value(v) for v in row] for row in ws.iter_rows(values_only=True)]}
            for ws in wb.worksheets
        ],
    }


def _snapshots() -> dict:
    return json.loads(SNAPSHOTS.read_text(encoding="utf-8")) if SNAPSHOTS.exists() else {}


@pytest.mark.parametrize("key, user, name, query, kwargs", EXPORTS, ids=[e[0] for e in EXPORTS])
def test_every_export_writes_the_same_workbook(key, user, name, query, kwargs, at_moment):
    got = json.loads(json.dumps(_workbook(_get(user, name, query, kwargs)), ensure_ascii=False))
    if os.environ.get("UPDATE_EXPORT_SNAPSHOTS") == "1":
        snapshots = _snapshots()
        snapshots[key] = got
        SNAPSHOTS.write_text(
            json.dumps(dict(sorted(snapshots.items())), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        return
    expected = _snapshots()[key]
    assert got["file"] == expected["file"]
    assert [s["title"] for s in got["sheets"]] == [s["title"] for s in expected["sheets"]]
    for sheet, want in zip(got["sheets"], expected["sheets"], strict=True):
        assert sheet["rows"][:1] == want["rows"][:1], f"{key}: header of {sheet['title']}"
        assert sheet["rows"] == want["rows"], f"{key}: rows of {sheet['title']}"


def test_the_snapshots_are_not_empty():
    """The comparison above is not vacuous: the big lists have rows in the demo."""
    snapshots = _snapshots()
    for key in ("user", "enterprise", "ledger_grid", "report", "account", "compliance",
                "compliance_by_remaining_desc", "allocation", "key_list_draft", "factor"):
        rows = sum(len(s["rows"]) - 1 for s in snapshots[key]["sheets"])
        assert rows >= 2, key
    assert snapshots["compliance_by_remaining_desc"] != snapshots["compliance"]


def test_an_export_is_sent_from_a_file_not_from_memory(at_moment):
    """The workbook is written to a temp file that the response streams (and closes)."""
    response = _get("admin", "reporting:ledger_grid_export", {"year": YEAR}, None)
    assert response.streaming
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert int(response["Content-Length"]) == len(_body(response))  # read to the end: closed


# --- cost per row: queries, and for the ledger grid translations and deadlines ----------------


def _grow(copies: int = 1) -> None:
    """Copy the demo's enterprises with their rows (the bench's quick bulk copy)."""
    from bench.exports import DemoCopier
    from registry.models import Enterprise

    copier = DemoCopier()
    for _ in range(copies):
        copier.grow(Enterprise.objects.count(), len(copier.enterprises))


GROWING = [e for e in EXPORTS if e[0] in {
    "user", "enterprise", "key_list_draft", "ledger_grid", "ledger_grid_area", "report",
    "account", "surrender", "compliance", "compliance_by_remaining_desc",
    "compliance_by_enterprise_desc", "price", "penalty_all", "allocation",
}]


def _queries(user, name, query, kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        _body(_get(user, name, query, kwargs))
    return len(queries)


@pytest.mark.parametrize("key, user, name, query, kwargs", GROWING, ids=[e[0] for e in GROWING])
def test_export_queries_do_not_grow_with_the_rows(key, user, name, query, kwargs, at_moment):
    _get(user, name, query, kwargs)  # warm caches (content types, session)
    before = _queries(user, name, query, kwargs)
    rows_before = sum(len(s["rows"]) for s in _workbook(_get(user, name, query, kwargs))["sheets"])
    _grow()
    after = _queries(user, name, query, kwargs)
    rows_after = sum(len(s["rows"]) for s in _workbook(_get(user, name, query, kwargs))["sheets"])
    if key != "price":  # the prices do not grow with the enterprises; the rest does
        assert rows_after > rows_before, key
    assert after == before, f"{key}: {before} queries for {rows_before} rows, {after} for {rows_after}"


def _ledger_grid_calls() -> tuple[int, int]:
    """(gettext calls, deadline computations) of one ledger grid export."""
    real_gettext, real_deadlines = translation._trans.gettext, ledger_rules.deadlines
    counts = [0, 0]

    def gettext(message):
        counts[0] += 1
        return real_gettext(message)

    def deadlines(*args, **kwargs):
        counts[1] += 1
        return real_deadlines(*args, **kwargs)

    with (mock.patch.object(translation._trans, "gettext", gettext),
          mock.patch.object(ledger_rules, "deadlines", deadlines)):
        _body(_get("admin", "reporting:ledger_grid_export", {"year": YEAR}, None))
    return counts[0], counts[1]


def test_ledger_grid_translates_labels_and_computes_deadlines_once(at_moment):
    """Translations and deadlines cost the same for 69 facilities as for twice as many: the
    labels are translated once per export, the deadlines worked out once per month."""
    gettext_few, deadlines_few = _ledger_grid_calls()
    _grow()
    gettext_many, deadlines_many = _ledger_grid_calls()
    assert deadlines_few == deadlines_many == len(range(1, 13))
    assert gettext_many == gettext_few
