"""Compliance status and rates (issue 5 §4), computed by hand for three enterprises.

A (沙坡头区, power): verified 99.10 t → obligation 100; surrenders 100 → complied.
B (中宁县, building materials): verified 200.00 → 200; surrenders 50.
C (沙坡头区, power): verified 299.01 → 300; surrenders nothing.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

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
        f.EmissionRecordFactory(enterprise=ent, year=2024, emissions_tco2e=Decimal(verified))
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
    exported = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(
        min_row=2, values_only=True))
    assert len(exported) == 1 and "沙坡头发电有限公司" in exported[0]
