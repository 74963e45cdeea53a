"""Surrender with four eyes (issue 5 §4): request form with the CCER cap at its boundary,
approve / confirm by two different bureau users (service and DB CHECK), balances by hand,
scoping (404 / 403) and a failed confirmation that leaves the request approved."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, ComplianceCycle, Holding, SurrenderRequest
from allowances.services import ledger
from allowances.services import surrender as svc
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(enterprise_a, bureau_admin):
    """enterprise_a: verified 2024 emissions 20,020.40 t → obligation 20,021 t → CCER cap
    floor(1,001.05) = 1,001 t. Holds 30,000 t CEA 2024 and 2,000 t CCER 2023."""
    cycle = f.cycle_with_deadline(2024, date(2099, 12, 31))
    f.obliged(enterprise_a, 2024, "20020.40")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024, quantity=30000)
    project = CCERProject.objects.create(code="CCER-ZW-1", name="中卫光伏")
    ledger.post(
        actor=bureau_admin,
        movements=[ledger.Movement(account, UnitType.CCER, 2023, 2000, EntryKind.TRANSFER_IN, project)],
    )
    cea = Holding.objects.get(account=account, unit_type=UnitType.CEA)
    ccer = Holding.objects.get(account=account, unit_type=UnitType.CCER)
    return {"cycle": cycle, "account": account, "project": project, "cea": cea, "ccer": ccer}


def qty(holding):
    holding.refresh_from_db()
    return holding.quantity


def new_url():
    return reverse("allowances:surrender_new") + "?cycle=2024"


def test_ccer_cap_at_the_boundary_through_the_form(setup, ent_a, client_as):
    client = client_as(ent_a)
    fields = {f"h_{setup['cea'].pk}": "19020", f"h_{setup['ccer'].pk}": "1002"}
    response = client.post(new_url(), fields)
    assert response.status_code == 200
    assert f"h_{setup['ccer'].pk}" in response.context["form"].errors
    assert not SurrenderRequest.objects.exists()

    fields[f"h_{setup['ccer'].pk}"] = "1001"
    response = client.post(new_url(), fields)
    assert response.status_code == 302
    request = SurrenderRequest.objects.get()
    assert request.cea == [[2024, 19020]]
    assert request.ccer == [[setup["project"].pk, 2023, 1001]]
    assert request.status == "requested"
    assert qty(setup["cea"]) == 30000  # nothing moves before confirmation


def test_more_than_held_is_a_field_error(setup, ent_a, client_as):
    response = client_as(ent_a).post(new_url(), {f"h_{setup['cea'].pk}": "30001"})
    assert f"h_{setup['cea'].pk}" in response.context["form"].errors
    assert not SurrenderRequest.objects.exists()
    with pytest.raises(ValidationError) as exc:
        svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                              cea=[(2024, 30001)])
    assert "cea" in exc.value.error_dict


def test_live_totals(setup, ent_a, client_as):
    response = client_as(ent_a).post(
        new_url(), {f"h_{setup['cea'].pk}": "5000", f"h_{setup['ccer'].pk}": "300"},
        HTTP_HX_REQUEST="true",
    )
    totals = response.context["totals"]
    assert (totals.obligation, totals.done, totals.headroom) == (20021, 0, 1001)
    assert totals.remaining_after == 20021 - 5300  # 14,721
    assert totals.headroom_after == 701
    assert not SurrenderRequest.objects.exists()


def request_of(setup, ent_a, cea=19020, ccer=1001):
    return svc.surrender_request(
        actor=ent_a, account=setup["account"], cycle=setup["cycle"],
        cea=[(2024, cea)], ccer=[(setup["project"], 2023, ccer)],
    )


def test_four_eyes_and_exact_movement(setup, ent_a, bureau_admin, bureau_reviewer):
    request = request_of(setup, ent_a)
    svc.surrender_approve(actor=bureau_admin, request=request)
    with pytest.raises(ValidationError):
        svc.surrender_confirm(actor=bureau_admin, request=request)
    request.refresh_from_db()
    assert request.status == "approved" and request.confirmed_by is None
    assert qty(setup["cea"]) == 30000

    svc.surrender_confirm(actor=bureau_reviewer, request=request)
    request.refresh_from_db()
    assert request.status == "confirmed" and request.confirmed_by == bureau_reviewer
    assert qty(setup["cea"]) == 30000 - 19020 == 10980
    assert qty(setup["ccer"]) == 2000 - 1001 == 999
    assert ledger.surrendered(setup["account"], setup["cycle"]) == (19020, 1001)


def test_db_check_refuses_confirmer_equal_to_approver(setup, ent_a, bureau_admin):
    request = request_of(setup, ent_a)
    svc.surrender_approve(actor=bureau_admin, request=request)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurrenderRequest.objects.filter(pk=request.pk).update(confirmed_by=bureau_admin)


def test_confirm_fails_cleanly_when_units_are_gone(
    setup, ent_a, enterprise_b, bureau_admin, bureau_reviewer
):
    request = request_of(setup, ent_a, cea=19020, ccer=0)
    svc.surrender_approve(actor=bureau_admin, request=request)
    ledger.transfer(actor=bureau_admin, source=setup["account"],
                    target=ledger.account_for(enterprise_b), unit_type=UnitType.CEA,
                    vintage=2024, quantity=20000)
    with pytest.raises(ValidationError):
        svc.surrender_confirm(actor=bureau_reviewer, request=request)
    request.refresh_from_db()
    assert request.status == "approved"
    assert qty(setup["cea"]) == 10000


def test_reject_needs_reason_and_withdraw(setup, ent_a, bureau_admin):
    request = request_of(setup, ent_a)
    with pytest.raises(ValidationError):
        svc.surrender_reject(actor=bureau_admin, request=request, reason="  ")
    svc.surrender_withdraw(actor=ent_a, request=request)
    request.refresh_from_db()
    assert request.status == "withdrawn"
    with pytest.raises(ValidationError):
        svc.surrender_approve(actor=bureau_admin, request=request)


def test_roles_and_scope(setup, ent_a, ent_b, official_a, bureau_admin, client_as):
    request = request_of(setup, ent_a)
    with pytest.raises(PermissionDenied):
        svc.surrender_approve(actor=official_a, request=request)
    with pytest.raises(PermissionDenied):
        svc.surrender_withdraw(actor=ent_b, request=request)
    approve = reverse("allowances:surrender_approve", kwargs={"pk": request.pk})
    assert client_as(official_a).post(approve).status_code == 403
    detail = reverse("allowances:surrender_detail", kwargs={"pk": request.pk})
    assert client_as(ent_b).get(detail).status_code == 404
    # named by enterprise, cycle and time of the request, never by its database id
    html = client_as(ent_a).get(detail).content.decode()
    assert f"#{request.pk}" not in html
    assert f"{request.account.enterprise.name} · {request.cycle.year}年度清缴申请" in html
    withdraw = reverse("allowances:surrender_withdraw", kwargs={"pk": request.pk})
    assert client_as(ent_b).post(withdraw).status_code == 404
    request.refresh_from_db()
    assert request.status == "requested"
    # the bureau approves through the page; the same user then cannot confirm
    assert client_as(bureau_admin).post(approve).status_code == 302
    confirm = reverse("allowances:surrender_confirm", kwargs={"pk": request.pk})
    client_as(bureau_admin).post(confirm)
    request.refresh_from_db()
    assert request.status == "approved"
    assert qty(setup["cea"]) == 30000


def test_surrender_export_follows_scope_and_filters(bureau_admin, ent_a, ent_b, enterprise_a,
                                                     enterprise_b, client_as):
    import io

    from openpyxl import load_workbook

    from allowances.models import ComplianceCycle, SurrenderRequest
    from allowances.services import ledger as ledger_svc

    cycle = ComplianceCycle.objects.create(year=2031, name="2031")
    SurrenderRequest.objects.create(account=ledger_svc.account_for(enterprise_a), cycle=cycle,
                                    cea=[[2031, 700], [2030, 50]], ccer=[[1, 2030, 30]],
                                    requested_by=ent_a)
    SurrenderRequest.objects.create(account=ledger_svc.account_for(enterprise_b), cycle=cycle,
                                    cea=[[2031, 5]], requested_by=ent_b, status="rejected")
    url = reverse("allowances:surrender_export")

    def rows(user, **params):
        response = client_as(user).get(url, params)
        return list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(
            min_row=2, values_only=True))

    mine = rows(ent_a, cycle=2031)
    # named by enterprise (no database id column), 700 + 50 CEA, 30 CCER
    assert [(r[0], r[4], r[5]) for r in mine] == [(enterprise_a.name, 750, 30)]
    assert len(rows(bureau_admin, cycle=2031)) == 2
    assert len(rows(bureau_admin, cycle=2031, status="rejected")) == 1


# --- issue 9 §4: CCER-only requests, the remaining obligation, open requests ---------------


def test_ccer_only_request_through_the_form(setup, ent_a, client_as):
    response = client_as(ent_a).post(new_url(), {f"h_{setup['ccer'].pk}": "500"})
    assert response.status_code == 302, response.context["form"].errors
    request = SurrenderRequest.objects.get()
    assert request.cea == [] and request.ccer == [[setup["project"].pk, 2023, 500]]


def test_request_beyond_the_remaining_obligation_is_refused_with_both_figures(
    setup, ent_a, client_as
):
    # obligation 20,021 t; 30,000 t held: 20,022 t is one tonne too many
    response = client_as(ent_a).post(new_url(), {f"h_{setup['cea'].pk}": "20022"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "剩余清缴义务 20,021 吨，本次申请 20,022 吨" in errors  # the portal speaks Chinese
    assert "剩余清缴义务 20,021 吨" in response.content.decode()
    assert not SurrenderRequest.objects.exists()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                              cea=[(2024, 20022)])
    assert "Remaining obligation 20,021 t, requested 20,022 t" in str(exc.value)
    assert not SurrenderRequest.objects.exists()
    # exactly the remaining obligation passes; the surplus stays in the account
    response = client_as(ent_a).post(new_url(), {f"h_{setup['cea'].pk}": "20021"})
    assert response.status_code == 302
    assert qty(setup["cea"]) == 30000


def test_open_requests_count_against_the_ccer_headroom(setup, ent_a, bureau_admin):
    # cap 1,001 t: 600 t and 600 t are each within it alone, together over it
    first = svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                                  ccer=[(setup["project"], 2023, 600)])
    with pytest.raises(ValidationError) as exc:
        svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                              ccer=[(setup["project"], 2023, 600)])
    assert "ccer" in exc.value.error_dict
    assert "401" in str(exc.value)  # 1,001 − 600 left
    assert SurrenderRequest.objects.count() == 1
    # an approved request still counts; a withdrawn one frees the headroom
    svc.surrender_approve(actor=bureau_admin, request=first)
    with pytest.raises(ValidationError):
        svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                              ccer=[(setup["project"], 2023, 402)])
    svc.surrender_withdraw(actor=ent_a, request=first)
    svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                          ccer=[(setup["project"], 2023, 600)])
    assert SurrenderRequest.objects.filter(status="requested").count() == 1


def test_open_requests_count_against_the_remaining_obligation(setup, ent_a):
    svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                          cea=[(2024, 15000)])
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        svc.surrender_request(actor=ent_a, account=setup["account"], cycle=setup["cycle"],
                              cea=[(2024, 5022)])
    assert "Remaining obligation 5,021 t" in str(exc.value)
    assert "requested 5,022 t" in str(exc.value)
    assert SurrenderRequest.objects.count() == 1


def test_confirmation_refuses_more_than_still_owed(setup, ent_a, bureau_admin, bureau_reviewer):
    """A request made before another surrender was confirmed cannot over-surrender."""
    request = request_of(setup, ent_a, cea=19020, ccer=0)
    svc.surrender_approve(actor=bureau_admin, request=request)
    ledger.surrender(actor=bureau_admin, account=setup["account"], cycle=setup["cycle"],
                     obligation=20021, cea=[(2024, 10000)])
    with pytest.raises(ValidationError) as exc:
        svc.surrender_confirm(actor=bureau_reviewer, request=request)
    assert "10,021" in str(exc.value) and "19,020" in str(exc.value)
    request.refresh_from_db()
    assert request.status == "approved"
    assert qty(setup["cea"]) == 30000 - 10000


def test_request_without_a_verified_obligation_is_refused(setup, ent_a):
    cycle = ComplianceCycle.objects.create(year=2030, name="2030")
    f.listed(2030, setup["account"].enterprise)
    for lines in ({"cea": [(2024, 10)]}, {"ccer": [(setup["project"], 2023, 10)]}):
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            svc.surrender_request(actor=ent_a, account=setup["account"], cycle=cycle, **lines)
        assert "No verified emissions for 2030 yet" in str(exc.value)
    assert not SurrenderRequest.objects.exists()


def test_an_enterprise_off_the_years_list_owes_nothing_whatever_its_verified_figure(
    setup, ent_a, enterprise_a, bureau_admin, client_as
):
    """Only the key emitters of a year's published list owe allowances for its cycle (MEE
    Measures Art. 8): a verified figure alone (an enterprise below the threshold, or listed
    only another year) is no obligation, and the compliance table leaves it out."""
    from allowances.selectors import compliance

    cycle = ComplianceCycle.objects.create(year=2031, name="2031")
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2031, emissions_tco2e="40000.00")
    assert compliance.obligation_of(enterprise_a, cycle) is None
    assert list(compliance.compliance_rows(bureau_admin, cycle)) == []
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        svc.surrender_request(actor=ent_a, account=setup["account"], cycle=cycle,
                              cea=[(2024, 10)])
    assert "not on the published key-emitter list of 2031" in str(exc.value)
    assert not SurrenderRequest.objects.exists()
    # once on the list, the same figure is an obligation and the row appears
    f.listed(2031, enterprise_a)
    assert compliance.obligation_of(enterprise_a, cycle) == 40000
    assert [r.enterprise for r in compliance.compliance_rows(bureau_admin, cycle)] == [enterprise_a]


def test_detail_names_the_ccer_project_and_what_remains(setup, ent_a, client_as):
    request = request_of(setup, ent_a, cea=10000, ccer=1001)
    html = client_as(ent_a).get(
        reverse("allowances:surrender_detail", kwargs={"pk": request.pk})
    ).content.decode()
    assert "CCER-ZW-1 中卫光伏 2023: 1,001" in html
    assert "10,000" in html and "20,021" in html
