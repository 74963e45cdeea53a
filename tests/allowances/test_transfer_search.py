"""The accounts of a transfer are searched, not listed (issue 11): the transfer page no longer
holds every account of the city as an <option> (twice); each account is given by its
enterprise's credit code, found by a JSON search among the accounts the user may post to
(``transfer_accounts``). Validation and the ledger service are unchanged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from allowances.choices import EntryKind
from allowances.models import ComplianceCycle, LedgerEntry
from allowances.services import ledger
from tests import factories as f
from zhongwei_carbon import roles
from zhongwei_carbon.roles import Perm, Role

pytestmark = pytest.mark.django_db

TRANSFER = reverse("allowances:transfer_new")
SEARCH = reverse("allowances:transfer_accounts")


@pytest.fixture
def accounts(enterprise_a, enterprise_b, bureau_admin):
    """a holds 1,000 t CEA 2025; b nothing."""
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    a, b = ledger.account_for(enterprise_a), ledger.account_for(enterprise_b)
    ledger.allocate(actor=bureau_admin, account=a, cycle=cycle, vintage=2025, quantity=1000)
    return a, b


def _transfer(source, target, **extra):
    return {
        "source": source, "target": target, "unit_type": "cea", "vintage": 2025,
        "project": "", "quantity": 300, "serial_start": "", "serial_end": "",
        "reference": "NETS-2025-0009", **extra,
    }


def _more_accounts(n):
    for enterprise in f.EnterpriseFactory.create_batch(n, name="批量配额账户企业"):
        ledger.account_for(enterprise)


def test_transfer_page_does_not_grow_with_the_accounts(client_as, bureau_admin, accounts):
    client = client_as(bureau_admin)
    _more_accounts(10)
    with CaptureQueriesContext(connection) as small_queries:
        small = client.get(TRANSFER)
    _more_accounts(20)
    with CaptureQueriesContext(connection) as big_queries:
        big = client.get(TRANSFER)
    assert len(big_queries) == len(small_queries)
    assert len(big.content) == len(small.content)
    assert "批量配额账户企业" not in big.content.decode()
    assert big.content.count(b'data-lookup="/allowances/transfers/accounts/"') == 2


def test_search_finds_accounts_by_name_or_code(client_as, bureau_admin, accounts, enterprise_c):
    a, b = accounts
    client = client_as(bureau_admin)
    answer = client.get(SEARCH, {"q": "水泥"}).json()
    assert answer["results"] == [{
        "value": b.enterprise.uscc,
        "label": f"{b.enterprise.name}（{b.enterprise.uscc}） · {b.enterprise.area}",
    }]
    found = client.get(SEARCH, {"q": a.enterprise.uscc.lower()}).json()["results"]
    assert [r["value"] for r in found] == [a.enterprise.uscc]
    # an enterprise without an allowance account is not offered
    assert client.get(SEARCH, {"q": enterprise_c.name}).json()["results"] == []


@pytest.fixture
def enterprise_c(area_a):
    return f.EnterpriseFactory(name="无账户热电有限公司", area=area_a)


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_b", "ent_b", "agency_a_staff"])
def test_search_is_for_ledger_posters_only(client_as, accounts, persona, request):
    response = client_as(request.getfixturevalue(persona)).get(SEARCH, {"q": "有限公司"})
    assert response.status_code == 403
    assert accounts[1].enterprise.uscc not in response.content.decode()


def test_search_and_form_keep_to_the_scope(client_as, monkeypatch, official_a, accounts):
    """Were a county official allowed to post, he would find and use only his county's
    accounts: the search and the form share the scoped queryset."""
    a, b = accounts
    monkeypatch.setitem(
        roles.PERMISSIONS, Perm.POST_LEDGER,
        roles.PERMISSIONS[Perm.POST_LEDGER] | {Role.AREA_OFFICIAL},
    )
    client = client_as(official_a)
    found = client.get(SEARCH, {"q": "有限公司"}).json()["results"]
    assert [r["value"] for r in found] == [a.enterprise.uscc]
    assert client.get(SEARCH, {"q": b.enterprise.uscc}).json()["results"] == []
    before = LedgerEntry.objects.count()
    response = client.post(TRANSFER, _transfer(a.enterprise.uscc, b.enterprise.uscc, confirm="1"))
    assert response.status_code == 200
    assert b.enterprise.uscc in " ".join(response.context["form"].errors["target"])
    assert LedgerEntry.objects.count() == before


def test_transfer_by_credit_codes_previews_and_posts(client_as, bureau_admin, accounts):
    a, b = accounts
    client = client_as(bureau_admin)
    data = _transfer(f" {a.enterprise.uscc.lower()}", b.enterprise.uscc)
    preview = client.post(TRANSFER, data)
    assert preview.templates[0].name == "allowances/movements/transfer_confirm.html"
    # the confirmation step carries the codes on
    assert f'value="{b.enterprise.uscc}"' in preview.content.decode()
    posted = client.post(TRANSFER, {**data, "confirm": "1"})
    assert posted.status_code == 302
    out = LedgerEntry.objects.get(kind=EntryKind.TRANSFER_OUT)
    into = LedgerEntry.objects.get(kind=EntryKind.TRANSFER_IN)
    assert (out.holding.account, out.quantity) == (a, -300)
    assert (into.holding.account, into.quantity) == (b, 300)


def test_unknown_code_is_a_clear_error_in_chinese(client_as, bureau_admin, accounts):
    a, _b = accounts
    before = LedgerEntry.objects.count()
    with translation.override("zh-hans"):
        response = client_as(bureau_admin).post(
            TRANSFER, _transfer(a.enterprise.uscc, "中宁水泥", confirm="1")
        )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["target"])
    assert "“中宁水泥”不是您可记账的企业配额账户的统一社会信用代码" in errors
    assert LedgerEntry.objects.count() == before
    page = response.content.decode()
    # the source stays filled in and named; what was typed for the target is shown back
    assert f"{a.enterprise.name}（{a.enterprise.uscc}）" in page
    assert 'value="中宁水泥"' in page


def test_prefilled_account_shows_its_code(client_as, bureau_admin, accounts, enterprise_b):
    """A transfer started from a statement line fills in the account's credit code."""
    from datetime import date

    from allowances.services.statements import statement_import

    data = f"统一社会信用代码,单位类型,年份,CCER项目编号,持有量（吨）\n{enterprise_b.uscc},配额,2025,,250\n"
    statement = statement_import(
        actor=bureau_admin, as_of=date(2025, 6, 30), upload_name="s.csv", data=data.encode()
    )
    line = statement.lines.get(uscc=enterprise_b.uscc)
    page = client_as(bureau_admin).get(TRANSFER, {"line": line.pk}).content.decode()
    assert f'name="target" value="{enterprise_b.uscc}"' in page
    assert f"{enterprise_b.name}（{enterprise_b.uscc}）" in page
