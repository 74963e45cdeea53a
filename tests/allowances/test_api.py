"""Allowance API (issue 5 §6): a surrender from request to confirmation through the API with
four eyes, balances and entries by hand, the CCER cap, scoping (403 / 404) and compliance rows.

By hand: enterprise_a's verified 2024 emissions 20,020.40 t → obligation 20,021 t → CCER cap
floor(5 % × 20,021) = floor(1,001.05) = 1,001 t. It holds 30,000 t CEA 2024, 2,000 t CCER 2023.
Surrendering 19,020 t CEA + 1,001 t CCER = 20,021 t leaves 10,980 t CEA and 999 t CCER."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, SurrenderRequest
from allowances.services import ledger
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(enterprise_a, bureau_admin):
    cycle = f.cycle_with_deadline(2024, date(2099, 12, 31))
    f.obliged(enterprise_a, 2024, "20020.40")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024, quantity=30000)
    project = CCERProject.objects.create(code="CCER-ZW-1", name="中卫光伏")
    ledger.post(
        actor=bureau_admin,
        movements=[ledger.Movement(account, UnitType.CCER, 2023, 2000, EntryKind.TRANSFER_IN, project)],
    )
    return {"cycle": cycle, "account": account, "project": project}


def body(setup, cea=19020, ccer=1001):
    return {
        "cycle": 2024,
        "cea": [{"vintage": 2024, "tonnes": cea}],
        "ccer": [{"project": setup["project"].pk, "vintage": 2023, "tonnes": ccer}],
    }


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def step(pk, name):
    return reverse(f"api:surrender-{name}", kwargs={"pk": pk})


def test_surrender_through_the_api_with_four_eyes(
    setup, ent_a, bureau_admin, bureau_reviewer, client_as
):
    response = post(client_as(ent_a), reverse("api:surrender-list"), body(setup))
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "requested"
    assert response.json()["cea"] == [[2024, 19020]]
    assert response.json()["ccer"] == [[setup["project"].pk, 2023, 1001]]

    admin = client_as(bureau_admin)
    assert post(admin, step(pk, "approve")).json()["status"] == "approved"
    # four eyes: the approver cannot confirm; a 400 with the service's message, nothing moves
    response = post(admin, step(pk, "confirm"))
    assert response.status_code == 400
    with translation.override("zh-hans"):
        four_eyes = gettext(
            "Four eyes: the user who approved this surrender cannot also confirm it."
        )
    assert response.json()["non_field_errors"] == [four_eyes]
    assert SurrenderRequest.objects.get(pk=pk).status == "approved"
    account_url = reverse("api:allowance-account-detail", kwargs={"pk": setup["account"].pk})
    assert client_as(ent_a).get(account_url).json()["cea_balance"] == 30000

    response = post(client_as(bureau_reviewer), step(pk, "confirm"))
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["approved_by"] == bureau_admin.pk
    assert response.json()["confirmed_by"] == bureau_reviewer.pk

    account = client_as(ent_a).get(account_url).json()
    assert (account["cea_balance"], account["ccer_balance"]) == (10980, 999)
    holdings = {(h["unit_type"], h["vintage"], h["project_code"]): h["quantity"]
                for h in account["holdings"]}
    assert holdings == {("cea", 2024, None): 10980, ("ccer", 2023, "CCER-ZW-1"): 999}

    entries_url = reverse("api:allowance-account-entries", kwargs={"pk": setup["account"].pk})
    page = client_as(ent_a).get(entries_url, {"kind": "surrender"}).json()
    assert page["count"] == 2
    assert {(e["unit_type"], e["quantity"]) for e in page["results"]} == {
        ("cea", -19020), ("ccer", -1001)
    }
    page = client_as(ent_a).get(entries_url, {"unit_type": "ccer"}).json()
    assert sorted(e["quantity"] for e in page["results"]) == [-1001, 2000]
    page = client_as(ent_a).get(entries_url, {"cycle": "2024", "unit_type": "cea"}).json()
    assert sum(e["quantity"] for e in page["results"]) == 10980

    # compliance: complied in full, rates 1.0000
    data = client_as(bureau_admin).get(reverse("api:compliance-list"), {"cycle": 2024}).json()
    row = next(r for r in data["results"] if r["enterprise"] == setup["account"].enterprise_id)
    assert (row["obligation"], row["cea"], row["ccer"], row["remaining"]) == (20021, 19020, 1001, 0)
    assert row["status"] == "complied"
    data = client_as(bureau_admin).get(reverse("api:compliance-summary"), {"cycle": 2024}).json()
    assert data["city"]["by_count"] == "1.0000" and data["city"]["by_tonnes"] == "1.0000"
    assert data["city"]["due_tonnes"] == 20021


def test_ccer_over_the_cap_is_a_400_and_nothing_is_saved(setup, ent_a, client_as):
    response = post(client_as(ent_a), reverse("api:surrender-list"), body(setup, ccer=1002))
    assert response.status_code == 400
    assert "ccer" in response.json()
    assert not SurrenderRequest.objects.exists()
    response = post(client_as(ent_a), reverse("api:surrender-list"), body(setup, cea=30001))
    assert response.status_code == 400 and "cea" in response.json()
    response = post(client_as(ent_a), reverse("api:surrender-list"), {"cycle": 1999})
    assert response.status_code == 400 and "cycle" in response.json()
    assert not SurrenderRequest.objects.exists()


def test_wrong_persona_and_scope(
    setup, ent_a, ent_b, official_a, official_b, agency_a_staff, bureau_admin, client_as
):
    pk = post(client_as(ent_a), reverse("api:surrender-list"), body(setup)).json()["id"]
    detail = reverse("api:surrender-detail", kwargs={"pk": pk})
    assert client_as(ent_b).get(detail).status_code == 404
    assert client_as(official_b).get(detail).status_code == 404
    assert client_as(official_a).get(detail).status_code == 200
    assert post(client_as(official_a), step(pk, "approve")).status_code == 403
    assert post(client_as(ent_a), step(pk, "approve")).status_code == 403
    assert post(client_as(ent_b), step(pk, "withdraw")).status_code == 404
    assert client_as(agency_a_staff).get(reverse("api:surrender-list")).status_code == 403
    assert client_as(ent_b).get(reverse("api:surrender-list")).json()["count"] == 0
    account_url = reverse("api:allowance-account-detail", kwargs={"pk": setup["account"].pk})
    assert client_as(ent_b).get(account_url).status_code == 404
    assert client_as(ent_b).get(reverse("api:allowance-account-list")).json()["count"] == 0
    assert SurrenderRequest.objects.get(pk=pk).status == "requested"
    rows = client_as(official_b).get(reverse("api:compliance-list"), {"cycle": 2024}).json()
    assert rows["results"] == [] and rows["count"] == 0


def test_reject_needs_a_reason_and_withdraw(setup, ent_a, bureau_admin, client_as):
    client = client_as(ent_a)
    pk = post(client, reverse("api:surrender-list"), body(setup)).json()["id"]
    admin = client_as(bureau_admin)
    response = post(admin, step(pk, "reject"), {"reason": " "})
    assert response.status_code == 400 and "reason" in response.json()
    assert SurrenderRequest.objects.get(pk=pk).status == "requested"
    response = post(admin, step(pk, "reject"), {"reason": "CCER serials unclear"})
    assert response.json()["status"] == "rejected"
    assert response.json()["note"] == "CCER serials unclear"
    assert post(client, step(pk, "withdraw")).status_code == 400  # closed already

    pk = post(client, reverse("api:surrender-list"), body(setup)).json()["id"]
    assert post(client, step(pk, "withdraw")).json()["status"] == "withdrawn"


def test_bad_filters_are_400(setup, ent_a, bureau_admin, client_as):
    url = reverse("api:allowance-account-entries", kwargs={"pk": setup["account"].pk})
    response = client_as(ent_a).get(url, {"kind": "gift", "cycle": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "cycle"}
    response = client_as(bureau_admin).get(reverse("api:compliance-list"), {"cycle": "20x"})
    assert response.status_code == 400
    assert client_as(bureau_admin).get(reverse("api:compliance-list"), {"cycle": 1990}).status_code == 404
    summary = reverse("api:compliance-summary")
    assert client_as(bureau_admin).get(summary, {"cycle": "20x"}).status_code == 400
    assert client_as(bureau_admin).get(summary, {"cycle": 1990}).status_code == 404


def test_ccer_only_request_through_the_api(setup, ent_a, client_as):
    data = {"cycle": 2024, "ccer": [{"project": setup["project"].pk, "vintage": 2023,
                                      "tonnes": 700}]}
    response = post(client_as(ent_a), reverse("api:surrender-list"), data)
    assert response.status_code == 201, response.json()
    assert response.json()["cea"] == [] and response.json()["ccer"][0][2] == 700


def test_request_beyond_the_remaining_obligation_is_a_400_with_both_figures(
    setup, ent_a, client_as
):
    response = post(client_as(ent_a), reverse("api:surrender-list"),
                    body(setup, cea=19021, ccer=1001))  # 20,022 t of 20,021 t due
    assert response.status_code == 400
    (message,) = response.json()["non_field_errors"]
    assert "剩余清缴义务 20,021 吨，本次申请 20,022 吨" in message
    assert not SurrenderRequest.objects.exists()
    # a second request counts the first one's CCER: 600 + 600 > 1,001
    client = client_as(ent_a)
    first = {"cycle": 2024, "ccer": [{"project": setup["project"].pk, "vintage": 2023,
                                       "tonnes": 600}]}
    assert post(client, reverse("api:surrender-list"), first).status_code == 201
    response = post(client, reverse("api:surrender-list"), first)
    assert response.status_code == 400 and "ccer" in response.json()
    assert SurrenderRequest.objects.count() == 1
