"""Pledge pages: the account page and the surrender form show what is pledged and what is
available, and the surrender form says why units are unavailable; the surrender request of
pledged units is refused with nothing written; the pledge list is scoped (the bureau all, an
enterprise its own, the pledgee bank's liaison its own) and exports; the register and release
steps are confirmed before they act."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from allowances.choices import PledgeStatus
from allowances.models import Holding, Pledge, SurrenderRequest
from allowances.services import ledger
from allowances.services import pledges as svc
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(enterprise_a, enterprise_b, bureau_admin, department_b):
    cycle = f.cycle_with_deadline(2024, date(2099, 12, 31))
    f.obliged(enterprise_a, 2024, "20020.40")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024, quantity=30000)
    other = ledger.account_for(enterprise_b)
    ledger.allocate(actor=bureau_admin, account=other, cycle=cycle, vintage=2024, quantity=500)
    pledge = svc.pledge_register(
        actor=bureau_admin, account=account, pledgee=department_b, quantity=25000,
        contract_number="NX-2026-007", loan_amount=Decimal("1200.00"),
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
    )
    other_bank = f.department("bank-abc", "农业银行中卫分行", kind="bank")
    svc.pledge_register(
        actor=bureau_admin, account=other, pledgee=other_bank, quantity=100,
        contract_number="ABC-1", loan_amount=Decimal("5"), start_date=date(2026, 1, 1),
        end_date=date(2026, 6, 30),
    )
    cea = Holding.objects.get(account=account, unit_type="cea")
    return {"cycle": cycle, "account": account, "pledge": pledge, "cea": cea}


def test_account_page_shows_pledged_and_available(setup, ent_a, client_as):
    page = client_as(ent_a).get(reverse("allowances:account_detail", args=[setup["account"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["pledged"].pledged == 25000 and page.context["pledged"].free == 5000
    assert 'id="pledge-note"' in html and "NX-2026-007" in html and "宁夏银行中卫分行" in html


def test_surrender_form_says_why_units_are_unavailable(setup, ent_a, client_as):
    client = client_as(ent_a)
    url = reverse("allowances:surrender_new") + "?cycle=2024"
    page = client.get(url)
    html = page.content.decode()
    assert 'id="pledge-note"' in html and "NX-2026-007" in html
    assert 'max="5000"' in html
    response = client.post(url, {f"h_{setup['cea'].pk}": "5001"})
    assert response.status_code == 200
    errors = response.context["form"].errors[f"h_{setup['cea'].pk}"]
    assert "5000" in errors[0]
    assert not SurrenderRequest.objects.exists()
    response = client.post(url, {f"h_{setup['cea'].pk}": "5000"})
    assert response.status_code == 302 and SurrenderRequest.objects.count() == 1


def test_surrender_request_service_refuses_pledged_units(setup, ent_a):
    from django.core.exceptions import ValidationError

    from allowances.services import surrender

    with pytest.raises(ValidationError) as exc:
        surrender.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                                    cea=[(2024, 5001)])
    assert "NX-2026-007" in " ".join(exc.value.message_dict["cea"])
    assert not SurrenderRequest.objects.exists()


def _listed(client, **params):
    page = client.get(reverse("allowances:pledge_list"), params)
    return {p.contract_number for p in page.context["page_obj"]}


def test_pledge_list_scope_and_export(setup, bureau_admin, ent_a, ent_b, liaison_b, liaison_a,
                                      client_as):
    assert _listed(client_as(bureau_admin)) == {"NX-2026-007", "ABC-1"}
    assert _listed(client_as(bureau_admin), q="abc") == {"ABC-1"}
    assert _listed(client_as(ent_a)) == {"NX-2026-007"}
    assert _listed(client_as(ent_b)) == {"ABC-1"}
    assert _listed(client_as(liaison_b)) == {"NX-2026-007"}  # the pledgee bank
    assert _listed(client_as(liaison_a)) == set()
    response = client_as(liaison_b).get(reverse("allowances:pledge_export"))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "NX-2026-007" in values and "ABC-1" not in values
    other = Pledge.objects.get(contract_number="ABC-1")
    assert client_as(liaison_b).get(
        reverse("allowances:pledge_detail", args=[other.pk])).status_code == 404


def test_register_through_the_page_is_confirmed_first(setup, bureau_admin, enterprise_b,
                                                      department_b, client_as):
    client = client_as(bureau_admin)
    url = reverse("allowances:pledge_new")
    fields = {"account": ledger.account_for(enterprise_b).pk, "pledgee": department_b.pk,
              "quantity": "401", "vintage": "", "contract_number": "NX-2026-008",
              "loan_amount": "20", "start_date": "2026-02-01", "end_date": "2026-08-01"}
    # 500 held, 100 pledged: 401 is refused on the field, nothing written
    response = client.post(url, fields)
    assert "quantity" in response.context["form"].errors
    fields["quantity"] = "400"
    response = client.post(url, fields)
    assert response.status_code == 200 and "confirm-step" in response.content.decode()
    assert not Pledge.objects.filter(contract_number="NX-2026-008").exists()
    response = client.post(url, {**fields, "step": "confirm"})
    assert response.status_code == 302
    assert Pledge.objects.get(contract_number="NX-2026-008").quantity == 400


def test_release_through_the_page(setup, bureau_admin, client_as):
    client = client_as(bureau_admin)
    url = reverse("allowances:pledge_release", args=[setup["pledge"].pk])
    response = client.post(url, {"note": "已还款"})
    assert "confirm-step" in response.content.decode()
    assert Pledge.objects.get(pk=setup["pledge"].pk).status == PledgeStatus.ACTIVE
    client.post(url, {"note": "已还款", "step": "confirm"})
    pledge = Pledge.objects.get(pk=setup["pledge"].pk)
    assert pledge.status == PledgeStatus.RELEASED and pledge.release_note == "已还款"
    detail = client.get(reverse("allowances:pledge_detail", args=[pledge.pk]))
    assert "已还款" in detail.content.decode()
