"""The list pages (issue 9 §14): one filter wording across the portal, tables sorted by a
click on a column header (page, Excel export and API in the same order, unknown keys
ignored, the order kept across pages and filters) and a pagination with page numbers and
the total.

Four enterprises with distinct figures stand behind the four sortable lists (enterprises,
annual reports, allowance accounts, compliance); every whitelisted key is tried in both
directions and the column read back from the page, the export and the API must be in order
(empty figures last)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allowances import rules
from allowances.models import RegistryStatement
from allowances.services import ledger
from registry.models import KeyEmitterList, KeyEmitterListEntry
from reporting.models import AnnualReport, ReportVersion
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FILTER, RESET, ALL = "筛选", "重置", "全部"
VERIFIED_TOTALS = {"Delta Heat": Decimal("470.25"), "Charlie Steel": Decimal("1150.00")}


# --- the world behind the four lists ---------------------------------------------------------


@pytest.fixture
def world(area_a, area_b, bureau_admin):
    """Four enterprises: name, area, sector, status, latest verified emissions (one has none),
    a report each (year, status, version, total, ledger total), an account each (CEA balance)
    and their compliance in cycle 2024 (obligation, surrendered, remaining, status)."""
    cycle = f.cycle_with_deadline(2024, date(2099, 12, 31))
    power, cement = f.sector("power"), f.sector("building_materials")
    spec = [
        # name, area, sector, status, verified, report (year, status, version, total, ledgers),
        # allocated, surrendered
        ("Delta Heat", area_a, power, "operating", "500.00",
         (2022, "final", 3, "480.50", None), 900, 500),
        ("Alpha Power", area_b, cement, "suspended", "120.40",
         (2024, "draft", 1, "99.00", "98.00"), 300, 50),
        ("Charlie Steel", area_a, cement, "closed", None,
         (2023, "final", 2, "1000.00", "1200.00"), 100, 0),
        ("Bravo Cement", area_b, power, "operating", "80.00",
         (2024, "submitted", 1, "0.00", "70.00"), 2000, 0),
    ]
    values = {}
    for name, area, sector, status, verified, report, allocated, surrendered in spec:
        e = f.EnterpriseFactory(name=name, area=area, sector=sector, status=status)
        obligation = None
        if name == "Delta Heat":  # its latest figure is a later year's (reported, not verified)
            f.EmissionRecordFactory(enterprise=e, year=2025, emissions_tco2e=Decimal("510.00"),
                                    source="reported")
        if verified is not None:
            f.EmissionRecordFactory(enterprise=e, year=2024, emissions_tco2e=Decimal(verified))
            obligation = rules.obligation(Decimal(verified))
        year, r_status, number, total, ledgers = report
        r = AnnualReport.objects.create(enterprise=e, year=year, status=r_status)
        for n in range(1, number + 1):
            v = ReportVersion.objects.create(
                report=r, number=n, created_by=bureau_admin,
                total_emissions=Decimal(total),
                ledger_total=Decimal(ledgers) if ledgers else None,
            )
        r.current_version = v
        # a final report carries the verified figure accepted on re-check
        verified_total = VERIFIED_TOTALS.get(name) if r_status == "final" else None
        r.final_emissions = verified_total
        r.save(update_fields=["current_version", "final_emissions"])
        f.listed(2024, e)  # a key emitter of the cycle's year: in the compliance table
        account = ledger.account_for(e)
        ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024,
                        quantity=allocated)
        if surrendered:
            ledger.surrender(actor=bureau_admin, account=account, cycle=cycle,
                             obligation=obligation, cea=[(2024, surrendered)])
        area_key = (area.sort_order, area.code)
        latest_year, latest_emissions = (2024, Decimal(verified)) if verified else (None, None)
        if name == "Delta Heat":
            latest_year, latest_emissions = 2025, Decimal("510.00")
        # unknown obligation: the remaining is blank (None), never 0, and sorts last
        remaining = None if obligation is None else rules.remaining(obligation, surrendered)
        values[name] = {
            "enterprises": {
                "name": name, "uscc": e.uscc, "area": area_key, "sector": sector.code,
                "status": status, "latest_emissions": latest_emissions,
                "latest_year": latest_year,
            },
            "reports": {
                "year": year, "enterprise": name, "area": area_key, "status": r_status,
                "version": number, "total": Decimal(total),
                "ledger_total": Decimal(ledgers) if ledgers else None,
                "verified_total": verified_total,
            },
            "accounts": {
                "enterprise": name, "uscc": e.uscc, "area": area_key, "sector": sector.code,
                "cea_balance": allocated - surrendered, "ccer_balance": 0,
            },
            "compliance": {
                "enterprise": name, "area": area_key, "sector": sector.code,
                "obligation": obligation, "surrendered": surrendered, "ccer": 0,
                "remaining": remaining,
            },
        }
    return {"cycle": cycle, "values": values}


LISTS = {
    "enterprises": {
        "page": "registry:enterprise_list", "export": "registry:enterprise_export",
        "api": "api:enterprise-list", "api_name": "name", "params": {},
        "keys": ["name", "uscc", "area", "sector", "status", "latest_emissions", "latest_year"],
    },
    "reports": {
        "page": "reporting:report_list", "export": "reporting:report_export",
        "api": "api:report-list", "api_name": "enterprise_name", "params": {},
        "keys": ["year", "enterprise", "area", "status", "version", "total", "verified_total",
                 "ledger_total"],
    },
    "accounts": {
        "page": "allowances:account_list", "export": "allowances:account_export",
        "api": "api:allowance-account-list", "api_name": "enterprise_name", "params": {},
        "keys": ["enterprise", "uscc", "area", "sector", "cea_balance", "ccer_balance"],
        "not_shown": ["uscc"],  # sorts the API and the export; the page has no such column
    },
    "compliance": {
        "page": "allowances:compliance", "export": "allowances:compliance_export",
        "api": "api:compliance-list", "api_name": "enterprise_name", "params": {"cycle": 2024},
        "keys": ["enterprise", "area", "sector", "obligation", "surrendered", "ccer",
                 "remaining", "status"],
    },
}
SORT_CASES = [(name, key) for name, spec in LISTS.items() for key in spec["keys"]]


def _names_in(texts, names) -> list[str]:
    """The enterprise named in each row (each row names exactly one of ``names``)."""
    out = []
    for text in texts:
        found = [n for n in names if n in text]
        if found:
            assert len(found) == 1, text
            out.append(found[0])
    return out


def page_names(html: str, names) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return _names_in(re.findall(r"<tr.*?</tr>", body, flags=re.S), names)


def export_names(content: bytes, names) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    return _names_in(rows[1:], names)


def api_names(data, field) -> list[str]:
    rows = data["results"]
    return [r[field] for r in rows]


def assert_in_order(names, values, key, descending):
    column = [values[n][key] for n in names]
    present = [v for v in column if v is not None]
    assert column == sorted(present, reverse=descending) + [None] * (len(column) - len(present)), (
        key, descending, names, column)


def assert_header(html, key, descending):
    header = re.search(rf'<th[^>]*data-sort="{key}"[^>]*>.*?</th>', html, re.S)
    assert header, key
    assert ('aria-sort="descending"' if descending else 'aria-sort="ascending"') in header[0]
    assert ("bi-caret-down-fill" if descending else "bi-caret-up-fill") in header[0]
    assert f"ordering={key if descending else '-' + key}" in header[0]


def _values(world, list_name):
    return {name: v[list_name] for name, v in world["values"].items()}


@pytest.mark.parametrize("list_name, key", SORT_CASES, ids=[f"{a}-{b}" for a, b in SORT_CASES])
def test_each_column_sorts_both_ways_on_page_export_and_api(world, bureau_admin, list_name, key):
    spec = LISTS[list_name]
    values = _values(world, list_name)
    if key == "status" and list_name == "compliance":
        from allowances.selectors import compliance as sel

        # the status sorts in the order of the cycle (rules.COMPLIANCE_STATUSES), not by code
        rows = sel.compliance(bureau_admin, world["cycle"]).rows
        values = {n: {**values[n], "status": rules.COMPLIANCE_STATUSES.index(r.status)}
                  for r in rows for n in [r.enterprise.name]}
    names = list(values)
    client = client_for(bureau_admin)
    orders = {}
    for descending in (False, True):
        ordering = f"-{key}" if descending else key
        params = {**spec["params"], "ordering": ordering}
        page = client.get(reverse(spec["page"]), params)
        assert page.status_code == 200
        on_page = page_names(page.content.decode(), names)
        assert sorted(on_page) == sorted(names)
        assert_in_order(on_page, values, key, descending)
        # the header shows the order and its link turns it round
        if key in spec.get("not_shown", ()):
            assert f'data-sort="{key}"' not in page.content.decode()
        else:
            assert_header(page.content.decode(), key, descending)
        exported = client.get(reverse(spec["export"]), params)
        assert export_names(exported.getvalue(), names) == on_page
        api = client.get(reverse(spec["api"]), params)
        assert api.status_code == 200
        assert api_names(api.json(), spec["api_name"]) == on_page
        orders[descending] = on_page
    distinct = {repr(values[n][key]) for n in names if values[n][key] is not None}
    if len(distinct) > 1:
        assert orders[False] != orders[True]


@pytest.mark.parametrize("list_name", list(LISTS))
@pytest.mark.parametrize("bad", ["nonsense", "-password", "pk,name", "enterprise__name", "--"])
def test_an_unknown_sort_key_is_ignored(world, bureau_admin, list_name, bad):
    spec = LISTS[list_name]
    names = list(world["values"])
    client = client_for(bureau_admin)
    default = client.get(reverse(spec["page"]), spec["params"])
    page = client.get(reverse(spec["page"]), {**spec["params"], "ordering": bad})
    assert page.status_code == 200
    assert page_names(page.content.decode(), names) == page_names(default.content.decode(), names)
    assert "alert-warning" not in page.content.decode()
    api = client.get(reverse(spec["api"]), {**spec["params"], "ordering": bad})
    assert api.status_code == 200
    default_api = client.get(reverse(spec["api"]), spec["params"])
    assert api_names(api.json(), spec["api_name"]) == api_names(default_api.json(), spec["api_name"])
    assert client.get(reverse(spec["export"]), {**spec["params"], "ordering": bad}).status_code == 200


def test_sort_survives_pagination_and_filters(area_a, area_b, bureau_admin):
    names = [f"Enterprise {i:02d}" for i in range(30)]
    for name in names:
        f.EnterpriseFactory(name=name, area=area_a)
    f.EnterpriseFactory(name="Enterprise 99 elsewhere", area=area_b)
    client = client_for(bureau_admin)
    url = reverse("registry:enterprise_list")
    first = client.get(url, {"area": area_a.pk, "ordering": "-name"}).content.decode()
    second = client.get(url, {"area": area_a.pk, "ordering": "-name", "page": 2}).content.decode()
    shown = page_names(first, names) + page_names(second, names)
    assert shown == sorted(names, reverse=True)
    assert "Enterprise 99" not in first + second
    # the total, the page numbers, and links that keep the filter and the order
    assert "共 30 条" in first
    links = re.findall(r'class="page-link"[^>]*href="\?([^"]+)"', first)
    assert links, first
    for link in links:
        assert "ordering=-name" in link and f"area={area_a.pk}" in link
    assert re.search(r'href="\?[^"]*page=2[^"]*">2</a>', first)
    assert 'aria-current="page"><span class="page-link">1</span>' in first
    # a header click keeps the filter and starts again at page 1
    header = re.search(r'<th[^>]*data-sort="name".*?</th>', second, re.S)[0]
    assert f"area={area_a.pk}" in header and "ordering=name" in header and "page=" not in header
    # changing the filters keeps the order
    assert '<input type="hidden" name="ordering" value="-name">' in first


def test_pagination_shows_page_numbers_with_ellipsis_and_keeps_the_query():
    request = RequestFactory().get("/x/", {"q": "钢铁", "ordering": "-name", "page": 6})
    page_obj = Paginator(range(300), 25).get_page(6)
    html = Template('{% include "includes/pagination.html" %}').render(
        Context({"request": request, "page_obj": page_obj})
    )
    assert "共 300 条" in html
    numbers = re.findall(r'class="page-link"[^>]*>([^<]+)<', html)
    assert numbers == ["上一页", "1", "…", "4", "5", "6", "7", "8", "…", "12", "下一页"]
    for link in re.findall(r'href="\?([^"]+)"', html):
        assert "q=%E9%92%A2%E9%93%81" in link and "ordering=-name" in link
    assert "page=5" in html and "page=7" in html


# --- one filter wording across the portal ------------------------------------------------------


class _Forms(HTMLParser):
    """The GET forms of a page: their submit buttons, reset links and select options."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._tag, self._option = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = {"buttons": [], "resets": [], "empty_options": [], "selects": 0}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "button":
            self._tag = ["buttons", ""]
        elif tag == "a" and attrs.get("data-filter") == "reset":
            self._tag = ["resets", ""]
        elif tag == "select":
            self._form["selects"] += 1
        elif tag == "option" and attrs.get("value") == "":
            self._tag = ["empty_options", ""]

    def handle_data(self, data):
        if self._tag is not None:
            self._tag[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif self._tag is not None and tag in ("button", "a", "option"):
            self._form[self._tag[0]].append(self._tag[1].strip())
            self._tag = None


@pytest.fixture
def everything(world, enterprise_a, bureau_admin):
    published = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=bureau_admin)
    KeyEmitterListEntry.objects.create(
        key_list=published, enterprise=enterprise_a, change="added", reason="emissions",
        emissions_tco2e=Decimal("30000"), enterprise_name=enterprise_a.name,
        uscc=enterprise_a.uscc, area=enterprise_a.area, sector=enterprise_a.sector,
    )
    KeyEmitterList.objects.filter(pk=published.pk).update(status="published")
    statement = RegistryStatement.objects.create(
        as_of=date(2025, 6, 30), file_name="s.csv", uploaded_by=bureau_admin, line_count=0
    )
    return {"statement": statement}


LIST_PAGES = [
    ("registry:enterprise_list", {}, {}),
    ("registry:registration_list", {}, {}),
    ("registry:list_index", {}, {}),
    ("registry:list_detail", {"year": 2025}, {}),
    ("public:list_detail", {"year": 2025}, {}),
    ("reporting:ledger_index", {}, {}),
    ("reporting:report_list", {}, {}),
    ("reporting:verification_queue", {}, {}),
    ("disclosure:index", {}, {}),
    ("allowances:parameter_index", {}, {}),
    ("allowances:surrender_list", {}, {}),
    ("allowances:allocation_list", {}, {"cycle": 2024}),
    ("allowances:penalty_list", {}, {"cycle": 2024}),
    ("allowances:account_list", {}, {}),
    ("allowances:compliance", {}, {"cycle": 2024}),
    ("allowances:statement_detail", "statement", {}),
    ("accounts:user_list", {}, {}),
    ("verifiers:agency_list", {}, {}),
    ("oversight:plan_list", {}, {}),
    ("oversight:inspection_list", {}, {}),
    ("oversight:inspector_list", {}, {}),
    ("oversight:violation_list", {}, {}),
    ("oversight:performance", {}, {}),
    ("inspections_public:plan_list", {}, {}),
]


@pytest.mark.parametrize("name, kwargs, params", LIST_PAGES, ids=[p[0] for p in LIST_PAGES])
def test_every_filter_form_uses_the_same_words(everything, bureau_admin, name, kwargs, params):
    if kwargs == "statement":
        kwargs = {"pk": everything["statement"].pk}
    response = client_for(bureau_admin).get(reverse(name, kwargs=kwargs), params)
    assert response.status_code == 200
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        assert set(form["empty_options"]) <= {ALL}, (name, form)
        if form["buttons"]:  # a filter form (a select that submits itself has no button)
            assert form["buttons"] == [FILTER], (name, form)
            assert form["resets"] == [RESET], (name, form)


# --- the number of queries does not grow with the rows, whatever the order -------------------


QUERY_CASES = [
    ("registry:enterprise_list", {"ordering": "-latest_emissions"}),
    ("registry:enterprise_list", {"ordering": "area"}),
    ("reporting:report_list", {"ordering": "-total"}),
    ("reporting:report_list", {"ordering": "area"}),
    ("allowances:account_list", {"ordering": "-cea_balance"}),
    ("allowances:compliance", {"cycle": 2024, "ordering": "-remaining"}),
    ("api:enterprise-list", {"ordering": "-latest_emissions"}),
    ("api:report-list", {"ordering": "-total"}),
    ("api:allowance-account-list", {"ordering": "-cea_balance"}),
]


def _more(world, bureau_admin, n):
    for i in range(n):
        e = f.EnterpriseFactory(name=f"Extra {i:02d}")
        f.obliged(e, 2024, 100 + i)
        ledger.allocate(actor=bureau_admin, account=ledger.account_for(e), cycle=world["cycle"],
                        vintage=2024, quantity=10 + i)
        f.report_draft(e, bureau_admin, year=2024)


@pytest.mark.parametrize("name, params", QUERY_CASES, ids=[f"{c[0]}{c[1]}" for c in QUERY_CASES])
def test_sorted_lists_do_not_query_per_row(world, bureau_admin, name, params):
    client = client_for(bureau_admin)
    client.get(reverse(name), params)  # warm caches

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name), params).status_code == 200
        return len(queries)

    few = count()
    _more(world, bureau_admin, 10)
    assert count() == few


# --- compliance: the status filter, the column sort and the pages together ---------------------


@pytest.fixture
def crowded(world, area_a, bureau_admin):
    """The four enterprises of ``world`` and 30 more, each with verified emissions and
    nothing surrendered (not due: the deadline is in 2099), so the table runs over two pages."""
    power = f.sector("power")
    for i in range(30):
        e = f.EnterpriseFactory(name=f"Zulu {i:02d}", area=area_a, sector=power)
        f.obliged(e, 2024, 1000 + i)
        ledger.account_for(e)
    return world


def test_compliance_status_filter_sort_and_pages_agree(crowded, bureau_admin):
    from allowances.selectors import compliance as sel

    client = client_for(bureau_admin)
    url, export_url = reverse("allowances:compliance"), reverse("allowances:compliance_export")
    rows = sel.compliance(bureau_admin, crowded["cycle"]).rows
    not_due = [r for r in rows if r.status == "not_due"]
    assert len(not_due) > 25 and len(not_due) < len(rows)
    known = [r for r in not_due if r.obligation is not None]
    expected = [r.enterprise.name for r in sorted(known, key=lambda r: -r.obligation)] + [
        r.enterprise.name for r in not_due if r.obligation is None]
    query = {"cycle": 2024, "status": "not_due", "ordering": "-obligation"}
    names = [r.enterprise.name for r in rows]
    first = client.get(url, query)
    second = client.get(url, {**query, "page": 2})
    html = first.content.decode()
    shown = page_names(html, names) + page_names(second.content.decode(), names)
    assert shown == expected  # filtered, sorted, and the order kept across the pages
    assert f"共 {len(not_due)} 条" in html
    links = re.findall(r'class="page-link"[^>]*href="\?([^"]+)"', html)
    assert links and all("status=not_due" in x and "ordering=-obligation" in x for x in links)
    # the summary card and the chart cover every row in scope, not the page nor the filter
    assert first.context["data"].city.due_count == len([r for r in rows if r.obligation])
    chart = first.context["chart"]
    assert sorted(g["name"] for g in chart["by_area"]) == sorted({str(r.enterprise.area) for r in rows})
    # the export and the API list the same rows in the same order (all pages)
    assert export_names(client.get(export_url, query).getvalue(), names) == expected
    api = client.get(reverse("api:compliance-list"), query)
    assert api_names(api.json(), "enterprise_name") == expected
    # a header click keeps the status filter and goes back to page 1
    header = re.search(r'<th[^>]*data-sort="remaining".*?</th>',
                       second.content.decode(), re.S)[0]
    assert "status=not_due" in header and "ordering=remaining" in header
    assert "page=" not in header
    # the filter form: 筛选 / 重置 / 全部 (status, sector, county or park), and the cycle
    # picker keeps the order
    parser = _Forms()
    parser.feed(html)
    (form,) = [x for x in parser.forms if x["selects"] == 4]
    assert form == {"buttons": [FILTER], "resets": [RESET], "empty_options": [ALL] * 3,
                    "selects": 4}
    assert '<input type="hidden" name="ordering" value="-obligation">' in html
    # the export link carries the filter and the order
    export_link = re.search(r'href="/allowances/compliance/export/\?([^"]+)"', html)
    assert export_link and "status=not_due" in export_link[1]
    assert "ordering=-obligation" in export_link[1]


def test_compliance_api_status_and_ordering_errors(world, bureau_admin):
    client = client_for(bureau_admin)
    url = reverse("api:compliance-list")
    # an unknown status is refused (400), an unknown order ignored
    assert client.get(url, {"cycle": 2024, "status": "late", "ordering": "remaining"}).status_code == 400
    ok = client.get(url, {"cycle": 2024, "status": "in_progress", "ordering": "bogus"})
    assert ok.status_code == 200
    assert {r["status"] for r in ok.json()["results"]} == {"in_progress"}
