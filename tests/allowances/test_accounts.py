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


# --- the obligation panel of the current cycle ------------------------------------------------
# enterprise_a: verified 10,000.40 t → obligation 10,001 t (rounded up); CCER cap
# 5 % × 10,001 = 500.05 → 500 t (rounded down); 6,000 CEA + 300 CCER surrendered →
# headroom 500 − 300 = 200 t, remaining 10,001 − 6,300 = 3,701 t.


@pytest.fixture
def panel(enterprise_a, bureau_admin):
    from datetime import timedelta

    from django.utils import timezone

    from allowances.models import Milestone
    from tests import factories as f

    ComplianceCycle.objects.create(year=2024, name="2024年度履约周期")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025年度履约周期")
    Milestone.objects.create(
        cycle=cycle, kind="surrender_deadline", due_date=timezone.localdate() + timedelta(days=30)
    )
    f.obliged(enterprise_a, 2025, "10000.40")
    project = CCERProject.objects.create(code="CCER-14-002", name="中卫风电")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2025, quantity=10000)
    ledger.post(
        actor=bureau_admin,
        movements=[ledger.Movement(account, UnitType.CCER, 2024, 400, EntryKind.TRANSFER_IN,
                                   project, serial_start=1, serial_end=400)],
        reference="CCER issue",
    )
    ledger.surrender(
        actor=bureau_admin, account=account, cycle=cycle, obligation=10001,
        cea=[(2025, 6000)], ccer=[(project, 2024, 300)],
    )
    return {"cycle": cycle, "account": account, "project": project}


def _detail(client, account, **params):
    return client.get(reverse("allowances:account_detail", kwargs={"pk": account.pk}), params)


def test_panel_numbers_by_hand(panel, ent_a, client_as):
    response = _detail(client_as(ent_a), panel["account"])
    assert response.context["cycle"] == panel["cycle"]  # the newest cycle
    o = response.context["obligation"]
    assert (o.obligation, o.cea_done, o.ccer_done) == (10001, 6000, 300)
    assert (o.cap, o.headroom, o.remaining) == (500, 200, 3701)
    assert response.context["status"].status == "in_progress"
    assert response.context["deadline"] == panel["cycle"].milestones.get().due_date
    html = response.content.decode()
    for element, text in [("panel-obligation", "10,001"), ("panel-cap", "500"),
                          ("panel-headroom", "200"), ("panel-remaining", "3,701")]:
        assert f'id="{element}">{text}<' in html, element


def test_panel_after_the_deadline_and_when_complied(panel, bureau_admin, ent_a, client_as):
    from datetime import timedelta

    from django.utils import timezone

    milestone = panel["cycle"].milestones.get()
    milestone.due_date = timezone.localdate() - timedelta(days=1)
    milestone.save()
    response = _detail(client_as(ent_a), panel["account"])
    assert response.context["status"].status == "short"
    # the last 3,701 t: 3,601 CEA + 100 CCER (≤ headroom 200), after the deadline
    ledger.surrender(
        actor=bureau_admin, account=panel["account"], cycle=panel["cycle"], obligation=10001,
        cea=[(2025, 3601)], ccer=[(panel["project"], 2024, 100)],
    )
    response = _detail(client_as(ent_a), panel["account"])
    o = response.context["obligation"]
    assert (o.cea_done, o.ccer_done, o.remaining, o.headroom) == (9601, 400, 0, 100)
    assert response.context["status"].status == "complied_late"
    assert response.context["status"].met_on == timezone.localdate()


def test_panel_without_verified_figure_and_other_cycle(panel, enterprise_b, bureau_admin,
                                                       client_as):
    account_b = ledger.account_for(enterprise_b)
    response = _detail(client_as(bureau_admin), account_b)
    o = response.context["obligation"]
    assert o.obligation is None and (o.cea_done, o.ccer_done) == (0, 0)
    assert response.context["status"].status == "not_due"
    assert 'id="panel-obligation"><span class="text-muted">' in response.content.decode()
    assert 'id="panel-remaining"' not in response.content.decode()
    # ?cycle=2024: nothing verified, nothing surrendered for that cycle, no deadline
    response = _detail(client_as(bureau_admin), panel["account"], cycle="2024")
    assert response.context["cycle"].year == 2024
    o = response.context["obligation"]
    assert (o.obligation, o.cea_done, o.ccer_done) == (None, 0, 0)
    assert response.context["deadline"] is None
    response = _detail(client_as(bureau_admin), panel["account"], cycle="1999")
    assert response.status_code == 200 and response.context["cycle"] is None


def test_panel_of_another_enterprise_is_404(panel, ent_b, official_b, client_as):
    for user in (ent_b, official_b):
        assert _detail(client_as(user), panel["account"], cycle="2025").status_code == 404


def test_account_page_query_count_does_not_grow(
    panel, bureau_admin, client_as, django_assert_max_num_queries
):
    client = client_as(bureau_admin)
    _detail(client, panel["account"])  # warm up (session, content types)
    with django_assert_max_num_queries(14) as few:  # session, user, memberships, account,
        # totals, entry count, cycles, cycle, deadline, verified, surrenders, notifications,
        # holdings, entry page
        _detail(client, panel["account"])
    for vintage in range(2010, 2022):  # 12 more holdings, 24 more entries
        ledger.allocate(actor=bureau_admin, account=panel["account"], cycle=panel["cycle"],
                        vintage=vintage, quantity=10)
        ledger.allocate(actor=bureau_admin, account=panel["account"], cycle=panel["cycle"],
                        vintage=vintage, quantity=5, kind=EntryKind.TOP_UP)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _detail(client, panel["account"])
    assert len(response.context["holdings"]) == 2 + 12
