"""Compliance status and rates (issue 5 §4), computed by hand for three enterprises.

A (沙坡头区, power): verified 99.10 t → obligation 100; surrenders 100 → complied.
B (中宁县, building materials): verified 200.00 → 200; surrenders 50.
C (沙坡头区, power): verified 299.01 → 300; surrenders nothing.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from allowances import rules
from allowances.choices import MilestoneKind
from allowances.models import ComplianceCycle, Milestone
from allowances.selectors import compliance as sel
from allowances.services import ledger
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_a, enterprise_b, area_a, bureau_admin):
    cycle = ComplianceCycle.objects.create(year=2024, name="2024")
    deadline = Milestone.objects.create(
        cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE, due_date=date(2099, 12, 31)
    )
    c = f.EnterpriseFactory(name="沙坡头热电", area=area_a)
    for ent, verified, surrender in (
        (enterprise_a, "99.10", 100), (enterprise_b, "200.00", 50), (c, "299.01", 0)
    ):
        f.obliged(ent, 2024, verified)
        account = ledger.account_for(ent)
        ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024,
                        quantity=1000)
        if surrender:
            ledger.surrender(actor=bureau_admin, account=account, cycle=cycle,
                             obligation=rules.obligation(Decimal(verified)),
                             cea=[(2024, surrender)])
    return {"cycle": cycle, "deadline": deadline, "c": c}


def statuses(data):
    return {r.enterprise.name: (r.obligation, r.surrendered, r.status) for r in data.rows}


def test_statuses_before_and_after_the_deadline(world, bureau_admin):
    data = sel.compliance(bureau_admin, world["cycle"])
    assert statuses(data) == {
        "沙坡头发电有限公司": (100, 100, "complied"),
        "中宁水泥有限公司": (200, 50, "in_progress"),
        "沙坡头热电": (300, 0, "not_due"),
    }
    after = sel.compliance(bureau_admin, world["cycle"], today=date(2100, 1, 1))
    assert [r.status for r in after.rows if r.obligation != 100] == ["short", "short"]
    # deadline moved before the day A met its obligation: complied late
    Milestone.objects.filter(pk=world["deadline"].pk).update(due_date=date(2020, 1, 1))
    late = sel.compliance(bureau_admin, world["cycle"])
    assert statuses(late)["沙坡头发电有限公司"][2] == "complied_late"


def test_rates_by_city_area_and_sector(world, bureau_admin):
    data = sel.compliance(bureau_admin, world["cycle"], today=date(2100, 1, 1))
    # city: 1 of 3 enterprises; tonnes (100 + 50 + 0) / (100 + 200 + 300) = 150 / 600
    assert (data.city.complied_count, data.city.due_count) == (1, 3)
    assert data.city.by_count == Decimal("0.3333")
    assert data.city.by_tonnes == Decimal("0.2500")
    areas = {name: rate for name, rate in data.by_area}
    zhongning, shapotou = (r for _n, r in sorted(areas.items(), key=lambda kv: kv[1].due_tonnes))
    # 中宁县: B alone 0/1, 50/200; 沙坡头区: A and C 1/2, 100/400
    assert (shapotou.by_count, shapotou.by_tonnes) == (Decimal("0.5000"), Decimal("0.2500"))
    assert (zhongning.by_count, zhongning.by_tonnes) == (Decimal("0"), Decimal("0.2500"))
    sectors = {r.due_tonnes: r for _n, r in data.by_sector}
    assert sectors[400].by_count == Decimal("0.5000")  # power: A and C
    assert sectors[200].by_count == Decimal("0")  # building materials: B


def test_scoped_rows_and_export(world, official_b, ent_a, agency_a_staff, client_as):
    url = reverse("allowances:compliance") + "?cycle=2024"
    rows = client_as(official_b).get(url).context["data"].rows
    assert [r.enterprise.name for r in rows] == ["中宁水泥有限公司"]
    rows = client_as(ent_a).get(url).context["data"].rows
    assert [r.enterprise.name for r in rows] == ["沙坡头发电有限公司"]
    assert client_as(agency_a_staff).get(url).status_code == 403
    response = client_as(ent_a).get(reverse("allowances:compliance_export") + "?cycle=2024")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    import io

    from openpyxl import load_workbook

    # the export has the page's scope: the enterprise's own row only
    exported = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(
        min_row=2, values_only=True))
    assert len(exported) == 1 and "沙坡头发电有限公司" in exported[0]


# --- issue 9 §11: the compliance page --------------------------------------------------------


def page(client, **params):
    return client.get(reverse("allowances:compliance"), {"cycle": 2024, **params})


def table_rows(response):
    """(enterprise name, {column: cell text}) of each row, in the page's order."""
    import re

    html = response.content.decode()
    body = html[html.index('id="compliance-table"'):]
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    rows = []
    for tr in re.findall(r"<tr data-enterprise.*?</tr>", body, re.S):
        name = re.sub(r"<[^>]+>", "", re.search(r"<td>(.*?)</td>", tr, re.S).group(1))
        cells = dict(re.findall(r'data-col="(\w+)">([^<]*)</td>', tr))
        rows.append((name, cells))
    return rows


@pytest.fixture
def unverified(world, area_a, bureau_admin):
    """D (沙坡头区): on the 2024 list, an account but no verified figure for 2024: obligation
    unknown."""
    d = f.EnterpriseFactory(name="沙坡头新材料", area=area_a)
    f.listed(2024, d)
    ledger.allocate(actor=bureau_admin, account=ledger.account_for(d), cycle=world["cycle"],
                    vintage=2024, quantity=5)
    return d


def test_summary_card_names_the_scope_of_each_role(world, bureau_admin, official_a, ent_a,
                                                   client_as):
    import re

    def scope(user):
        with translation.override("zh-hans"):
            html = page(client_as(user)).content.decode()
        return re.search(r'id="compliance-scope">([^<]*)<', html).group(1)

    assert scope(bureau_admin) == "全市"
    assert scope(official_a) == "沙坡头区"
    assert scope(ent_a) == "沙坡头发电有限公司"


def test_figures_have_thousands_separators_and_unknown_remaining_is_blank(
    world, unverified, bureau_admin, client_as
):
    big = f.EnterpriseFactory(name="中卫大电厂", area=world["c"].area)
    f.obliged(big, 2024, "20020.40")
    response = page(client_as(bureau_admin))
    rows = dict(table_rows(response))
    assert rows["中卫大电厂"] == {"obligation": "20,021", "surrendered": "0", "ccer": "0",
                                  "remaining": "20,021"}
    assert rows["沙坡头新材料"]["obligation"] == "" and rows["沙坡头新材料"]["remaining"] == ""
    assert rows["沙坡头热电"]["remaining"] == "300"
    html = response.content.decode()
    assert "20,621" in html  # due tonnes of the city: 100 + 200 + 300 + 20,021
    # the export and the API leave the unknown remaining blank too (not 0)
    import io

    from openpyxl import load_workbook

    export = client_as(bureau_admin).get(reverse("allowances:compliance_export"), {"cycle": 2024})
    sheet = load_workbook(io.BytesIO(export.getvalue())).active
    header = [c.value for c in sheet[1]]
    by_name = {r[header.index(_en_or_zh(header, "Enterprise"))]: r
               for r in sheet.iter_rows(min_row=2, values_only=True)}
    remaining_col = header.index(_en_or_zh(header, "Remaining (t)"))
    assert by_name["沙坡头新材料"][remaining_col] is None
    assert by_name["沙坡头热电"][remaining_col] == 300
    api = client_as(bureau_admin).get(reverse("api:compliance-list"), {"cycle": 2024}).json()
    api_rows = {r["enterprise_name"]: r for r in api["results"]}
    assert api_rows["沙坡头新材料"]["remaining"] is None
    assert api_rows["沙坡头热电"]["remaining"] == 300


def _en_or_zh(header, msgid):
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        zh = gettext(msgid)
    return zh if zh in header else msgid


def test_status_filter_and_sort_by_column(world, unverified, bureau_admin, client_as):
    client = client_as(bureau_admin)
    assert [n for n, _c in table_rows(page(client, status="in_progress"))] == ["中宁水泥有限公司"]
    assert [n for n, _c in table_rows(page(client, status="complied"))] == ["沙坡头发电有限公司"]
    # by obligation, largest first; the unknown obligation last either way
    names = [n for n, _c in table_rows(page(client, ordering="-obligation"))]
    assert names == ["沙坡头热电", "中宁水泥有限公司", "沙坡头发电有限公司", "沙坡头新材料"]
    names = [n for n, _c in table_rows(page(client, ordering="remaining"))]
    assert names == ["沙坡头发电有限公司", "中宁水泥有限公司", "沙坡头热电", "沙坡头新材料"]
    # the header links sort the other way the second time
    html = page(client, ordering="remaining").content.decode()
    header = re.search(r'<th[^>]*data-sort="remaining"[^>]*>.*?</th>', html, re.S).group(0)
    assert 'aria-sort="ascending"' in header and 'href="?cycle=2024&amp;ordering=-remaining"' in header
    # the filter keeps the summary over the whole scope; nonsense is ignored
    response = page(client, status="short", ordering="nonsense")
    assert table_rows(response) == []
    assert response.context["data"].city.due_count == 3
    # the export follows the filter
    import io

    from openpyxl import load_workbook

    export = client.get(reverse("allowances:compliance_export"),
                        {"cycle": 2024, "status": "in_progress"})
    rows = list(load_workbook(io.BytesIO(export.getvalue())).active.iter_rows(min_row=2,
                                                                           values_only=True))
    assert len(rows) == 1 and "中宁水泥有限公司" in rows[0]


def test_rows_link_to_the_account_and_the_chart_has_its_data(world, bureau_admin, enterprise_a,
                                                              client_as):
    import json
    import re

    response = page(client_as(bureau_admin))
    html = response.content.decode()
    account = ledger.account_for(enterprise_a)
    link = reverse("allowances:account_detail", kwargs={"pk": account.pk})
    assert f'<a href="{link}?cycle=2024">沙坡头发电有限公司</a>' in html
    data = json.loads(re.search(
        r'<script id="compliance-chart-data" type="application/json">(.*?)</script>', html, re.S
    ).group(1))
    areas = {g["name"]: g for g in data["by_area"]}
    assert areas["沙坡头区"] == {"name": "沙坡头区", "by_count": "50.00", "by_tonnes": "25.00"}
    assert {g["by_count"] for g in data["by_sector"]} == {"50.00", "0.00"}
    assert "/static/vendor/echarts-" in html and "/static/js/compliance-chart.js" in html
    assert 'id="compliance-chart-area"' in html
    assert "<script>" not in html.split("</main>")[0]  # no inline script in the page body


def test_days_to_the_surrender_deadline(world, bureau_admin, client_as):
    from django.utils import timezone

    html = page(client_as(bureau_admin)).content.decode()
    days = (date(2099, 12, 31) - timezone.localdate()).days
    assert f'data-days="{days}"' in html


def test_api_status_filter(world, bureau_admin, client_as):
    url = reverse("api:compliance-list")
    data = client_as(bureau_admin).get(url, {"cycle": 2024, "status": "in_progress"}).json()
    assert [r["enterprise_name"] for r in data["results"]] == ["中宁水泥有限公司"]
    assert data["count"] == 1
    summary = client_as(bureau_admin).get(reverse("api:compliance-summary"),
                                          {"cycle": 2024}).json()
    assert summary["city"]["due_count"] == 3  # the rates cover the whole scope
    assert client_as(bureau_admin).get(url, {"cycle": 2024, "status": "late"}).status_code == 400
