"""Allowance account pages: scoping per persona, balances from holdings equal to the entry
sums, filters, and the xlsx exports read back."""

import io

import openpyxl
import pytest
from django.db.models import Sum
from django.urls import reverse

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, ComplianceCycle, Holding
from allowances.services import ledger
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(enterprise_a, enterprise_b, bureau_admin):
    cycle = ComplianceCycle.objects.create(year=2025, name="2025年度履约周期")
    project = CCERProject.objects.create(code="CCER-14-001", name="中卫光伏")
    acc_a, acc_b = ledger.account_for(enterprise_a), ledger.account_for(enterprise_b)
    ledger.allocate(
        actor=bureau_admin, account=acc_a, cycle=cycle, vintage=2025, quantity=7000,
        kind=EntryKind.PRE_ALLOCATION,
    )
    ledger.allocate(actor=bureau_admin, account=acc_a, cycle=cycle, vintage=2025, quantity=2500)
    ledger.allocate(actor=bureau_admin, account=acc_b, cycle=cycle, vintage=2024, quantity=4000)
    ledger.transfer(
        actor=bureau_admin, source=acc_a, target=acc_b, unit_type=UnitType.CEA,
        vintage=2025, quantity=1200, reference="T-1",
    )
    ledger.post(
        actor=bureau_admin,
        movements=[
            ledger.Movement(acc_a, UnitType.CCER, 2023, 300, EntryKind.TRANSFER_IN, project,
                            serial_start=1000001, serial_end=1000300)
        ],
        reference="CCER issue",
    )
    return acc_a, acc_b


def test_balances_by_hand_and_equal_entry_sums(accounts, bureau_admin, client_as):
    acc_a, acc_b = accounts
    r = client_as(bureau_admin).get(reverse("allowances:account_detail", kwargs={"pk": acc_a.pk}))
    assert r.status_code == 200
    # 7000 + 2500 − 1200 = 8300 CEA; 300 CCER
    assert r.context["totals"] == {"cea": 8300, "ccer": 300}
    assert [(h.unit_type, h.vintage, h.quantity) for h in r.context["holdings"]] == [
        ("ccer", 2023, 300),
        ("cea", 2025, 8300),
    ]
    for holding in Holding.objects.all():
        assert holding.quantity == holding.entries.aggregate(s=Sum("quantity"))["s"]
    rows = client_as(bureau_admin).get(reverse("allowances:account_list")).context["page_obj"]
    assert {(a.pk, a.cea_balance, a.ccer_balance) for a in rows} == {
        (acc_a.pk, 8300, 300),
        (acc_b.pk, 5200, 0),  # 4000 + 1200
    }
    entries = r.context["page_obj"]
    assert [e.quantity for e in entries] == [300, -1200, 2500, 7000]  # newest first


def test_list_scoping(accounts, personas):
    acc_a, acc_b = accounts
    url = reverse("allowances:account_list")

    def seen(name):
        return {a.pk for a in client_for(personas[name]).get(url).context["page_obj"]}

    assert seen("bureau_reviewer") == {acc_a.pk, acc_b.pk}
    assert seen("official_a") == {acc_a.pk}
    assert seen("official_b") == {acc_b.pk}
    assert seen("ent_a") == {acc_a.pk}
    assert client_for(personas["agency_a_staff"]).get(url).status_code == 403
    assert client_for(personas["anonymous"]).get(url).status_code == 302


def test_detail_scoping(accounts, personas):
    acc_a, _acc_b = accounts
    url = reverse("allowances:account_detail", kwargs={"pk": acc_a.pk})
    export = reverse("allowances:account_entries_export", kwargs={"pk": acc_a.pk})
    for name, code in [
        ("bureau_admin", 200), ("official_a", 200), ("ent_a", 200), ("official_b", 404),
        ("ent_b", 404), ("agency_a_staff", 403),
    ]:
        client = client_for(personas[name])
        assert client.get(url).status_code == code, name
        assert client.get(export).status_code == code, name
    anon = client_for(personas["anonymous"]).get(url)
    assert anon.status_code == 302 and "/accounts/login/" in anon["Location"]


def test_filters(accounts, bureau_admin, client_as, enterprise_a):
    acc_a, acc_b = accounts
    client = client_as(bureau_admin)
    url = reverse("allowances:account_list")
    by_area = client.get(url, {"area": enterprise_a.area_id}).context["page_obj"]
    assert [a.pk for a in by_area] == [acc_a.pk]
    by_name = client.get(url, {"q": enterprise_a.name}).context["page_obj"]
    assert [a.pk for a in by_name] == [acc_a.pk]
    by_sector = client.get(url, {"sector": enterprise_a.sector_id}).context["page_obj"]
    assert acc_a.pk in [a.pk for a in by_sector]


def _sheet(response):
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))
                                if response.streaming else io.BytesIO(response.content))
    return list(wb.active.iter_rows(values_only=True))


def test_account_export(accounts, official_a, client_as, enterprise_a):
    rows = _sheet(client_as(official_a).get(reverse("allowances:account_export")))
    assert len(rows) == 2  # header + enterprise_a only
    assert rows[1][0] == enterprise_a.name
    assert rows[1][4:] == (8300, 300)


def test_entries_export(accounts, ent_a, client_as):
    acc_a, _ = accounts
    rows = _sheet(
        client_as(ent_a).get(reverse("allowances:account_entries_export", kwargs={"pk": acc_a.pk}))
    )
    assert len(rows) == 5
    quantities = [r[5] for r in rows[1:]]
    assert quantities == [300, -1200, 2500, 7000]
    ccer = rows[1]
    assert ccer[4] == "CCER-14-001" and ccer[6:8] == (1000001, 1000300)
    assert rows[4][10] == 2025
