"""Factor-table pages: who reads, who edits, clear field errors that change nothing, events."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting.models import (
    EmissionFactor,
    FactorApplicability,
    FuelFactor,
    FuelType,
    ReportingYear,
)
from reporting.selectors.factors import factor_for
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db

INDEX = reverse("reporting:factor_index")


def _snapshot():
    """Everything these pages can change, to prove a refused request changed nothing."""
    return (
        list(FuelType.objects.values_list("pk", "code", "name", "unit")),
        list(FuelFactor.objects.values_list("pk", "ncv", "carbon_content", "oxidation_rate")),
        list(EmissionFactor.objects.values_list("pk", "value", "data_year")),
        list(FactorApplicability.objects.values_list("pk", "reporting_year", "kind", "factor")),
        list(ReportingYear.objects.values_list("pk", "year", "ledger_tolerance")),
        Event.objects.count(),
    )


def _fuel_factor_post(**over):
    data = {
        "valid_from_year": "2024",
        "ncv": "20.908",
        "carbon_content": "0.02637",
        "oxidation_rate": "0.94",
        "source": "测试来源",
    }
    data.update(over)
    return data


# --- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bureau_admin", "bureau_reviewer", "official_b", "ent_a", "agency_b_staff"])
def test_everyone_logged_in_reads_the_seeded_tables(client_as, request, persona):
    response = client_as(request.getfixturevalue(persona)).get(INDEX)
    assert response.status_code == 200
    assert [f.code for f in response.context["fuels"]][:2] == ["raw_coal", "coke"]
    raw_coal = response.context["fuels"][0]
    assert [r.ncv for r in raw_coal.factors.all()] == [Decimal("20.9080")]
    assert {(a.reporting_year, a.kind, a.factor.value) for a in response.context["applicability"]} >= {
        (2022, "grid", Decimal("0.5703")),
        (2025, "grid", Decimal("0.5306")),
    }
    # Edit links only for the bureau admin.
    assert response.context["can_manage"] is (persona == "bureau_admin")
    assert (reverse("reporting:fuel_create") in response.content.decode()) is (persona == "bureau_admin")


def test_anonymous_goes_to_login(client_as):
    response = client_as(None).get(INDEX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_only_the_bureau_admin_edits(client_as, request, persona):
    fuel = FuelType.objects.get(code="raw_coal")
    before = _snapshot()
    client = client_as(request.getfixturevalue(persona))
    assert client.get(reverse("reporting:fuel_edit", args=[fuel.pk])).status_code == 403
    response = client.post(
        reverse("reporting:fuel_factor_create", args=[fuel.pk]), _fuel_factor_post()
    )
    assert response.status_code == 403
    assert _snapshot() == before


def test_unknown_row_is_404(client_as, bureau_admin):
    assert client_as(bureau_admin).get(reverse("reporting:fuel_factor_edit", args=[999999])).status_code == 404


# --- editing ---------------------------------------------------------------------------


def test_admin_adds_fuel_factor_row_with_event_and_history(client_as, bureau_admin):
    fuel = FuelType.objects.get(code="raw_coal")
    response = client_as(bureau_admin).post(
        reverse("reporting:fuel_factor_create", args=[fuel.pk]),
        _fuel_factor_post(ncv="21.000", oxidation_rate="0.98"),
    )
    assert response.status_code == 302
    row = FuelFactor.objects.get(fuel=fuel, valid_from_year=2024)
    assert (row.ncv, row.carbon_content, row.oxidation_rate) == (
        Decimal("21.0000"), Decimal("0.026370"), Decimal("0.9800")
    )
    event = Event.objects.get(verb="fuel_factor.created")
    assert event.actor == bureau_admin and event.target_id == str(row.pk)
    assert row.history.count() == 1


def test_admin_edits_fuel_factor_and_sees_history(client_as, bureau_admin):
    row = FuelFactor.objects.get(fuel__code="coke")
    client = client_as(bureau_admin)
    url = reverse("reporting:fuel_factor_edit", args=[row.pk])
    response = client.post(url, _fuel_factor_post(valid_from_year="2015", ncv="28.500"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.ncv == Decimal("28.5000") and row.oxidation_rate == Decimal("0.9400")
    event = Event.objects.get(verb="fuel_factor.updated")
    assert event.data["ncv"] == {"old": "28.4350", "new": "28.5000"}
    page = client.get(url)
    # Newest first: the edit. (A seeded row may or may not have a creation record, depending
    # on whether a data migration or a re-seed after a flush created it.)
    assert page.context["history"][0]["record"].history_type == "~"
    assert [e.verb for e in page.context["events"]] == ["fuel_factor.updated"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("ncv", "-1"),  # negative
        ("carbon_content", "-0.001"),
        ("oxidation_rate", "1.01"),  # OF > 1
        ("ncv", "abc"),
    ],
)
def test_bad_fuel_factor_is_a_field_error_and_nothing_saved(client_as, bureau_admin, field, value):
    fuel = FuelType.objects.get(code="diesel")
    before = _snapshot()
    response = client_as(bureau_admin).post(
        reverse("reporting:fuel_factor_create", args=[fuel.pk]), _fuel_factor_post(**{field: value})
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert _snapshot() == before


def test_duplicate_fuel_factor_year_is_a_field_error(client_as, bureau_admin):
    fuel = FuelType.objects.get(code="diesel")
    before = _snapshot()
    response = client_as(bureau_admin).post(
        reverse("reporting:fuel_factor_create", args=[fuel.pk]), _fuel_factor_post(valid_from_year="2015")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["valid_from_year"]
    assert _snapshot() == before


def test_duplicate_applicability_row_is_a_field_error_and_nothing_saved(client_as, bureau_admin):
    other = EmissionFactor.objects.get(kind="grid", region="ningxia", data_year=2023)
    before = _snapshot()
    response = client_as(bureau_admin).post(
        reverse("reporting:applicability_create"),
        {"reporting_year": "2025", "kind": "grid", "factor": other.pk, "note": ""},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["kind"]
    assert _snapshot() == before
    assert factor_for("grid", 2025) == Decimal("0.5306")


def test_applicability_factor_of_other_kind_refused(client_as, bureau_admin):
    heat = EmissionFactor.objects.get(kind="heat")
    before = _snapshot()
    response = client_as(bureau_admin).post(
        reverse("reporting:applicability_create"),
        {"reporting_year": "2026", "kind": "grid", "factor": heat.pk, "note": ""},
    )
    assert list(response.context["form"].errors) == ["factor"]
    assert _snapshot() == before


def test_new_applicability_row_changes_the_factor_used(client_as, bureau_admin):
    ningxia = EmissionFactor.objects.get(kind="grid", region="ningxia", data_year=2023)
    response = client_as(bureau_admin).post(
        reverse("reporting:applicability_create"),
        {"reporting_year": "2026", "kind": "grid", "factor": ningxia.pk, "note": "省级因子"},
    )
    assert response.status_code == 302
    assert factor_for("grid", 2026) == Decimal("0.6187")
    row = FactorApplicability.objects.get(reporting_year=2026, kind="grid")
    edit = client_as(bureau_admin).post(
        reverse("reporting:applicability_edit", args=[row.pk]),
        {"reporting_year": "2026", "kind": "grid", "factor": EmissionFactor.objects.get(
            kind="grid", region="national", data_year=2023).pk, "note": ""},
    )
    assert edit.status_code == 302
    assert factor_for("grid", 2026) == Decimal("0.5306")
    assert Event.objects.filter(target_id=str(row.pk), verb__startswith="factor_applicability").count() == 2


def test_emission_factor_negative_and_duplicate(client_as, bureau_admin):
    url = reverse("reporting:emission_factor_create")
    client = client_as(bureau_admin)
    before = _snapshot()
    bad = client.post(url, {"kind": "grid", "region": "national", "data_year": "2024", "value": "-0.5", "source": "x"})
    assert list(bad.context["form"].errors) == ["value"]
    dup = client.post(url, {"kind": "grid", "region": "national", "data_year": "2022", "value": "0.5703", "source": "x"})
    assert list(dup.context["form"].errors) == ["value"]
    assert _snapshot() == before
    ok = client.post(url, {"kind": "grid", "region": "national", "data_year": "2024", "value": "0.5200", "source": "MEE"})
    assert ok.status_code == 302
    assert EmissionFactor.objects.filter(data_year=2024, value=Decimal("0.52")).exists()


def _year_post(**over):
    data = {
        "year": "2025",
        "ledger_upload_days": "20",
        "ledger_county_check_days": "5",
        "ledger_close_days": "40",
        "report_due": "2026-02-01",
        "report_county_check_days": "10",
        "report_city_due": "2026-03-01",
        "ledger_tolerance": "0.02",
        "objection_working_days": "7",
        "objection_decision_working_days": "10",
        "source": "卫政办发〔2023〕61号",
    }
    data.update(over)
    return data


def test_reporting_year_create_edit_and_bad_input(client_as, bureau_admin):
    client = client_as(bureau_admin)
    assert client.post(reverse("reporting:reporting_year_create"), _year_post()).status_code == 302
    year = ReportingYear.objects.get(year=2025)
    assert year.ledger_tolerance == Decimal("0.0200")
    before = _snapshot()
    for field, value in [
        ("ledger_tolerance", "1.5"),
        ("ledger_tolerance", "-0.01"),
        ("report_city_due", "2026-01-15"),  # before the reports are due
        ("year", "2025x"),
    ]:
        data = _year_post(**{"year": "2026", field: value})
        response = client.post(reverse("reporting:reporting_year_create"), data)
        assert list(response.context["form"].errors) == [field], (field, value)
    dup = client.post(reverse("reporting:reporting_year_create"), _year_post())
    assert list(dup.context["form"].errors) == ["year"]
    assert _snapshot() == before
    edit = client.post(reverse("reporting:reporting_year_edit", args=[year.pk]), _year_post(ledger_tolerance="0.05"))
    assert edit.status_code == 302
    year.refresh_from_db()
    assert year.ledger_tolerance == Decimal("0.0500")


def test_fuel_type_create_and_duplicate_code(client_as, bureau_admin):
    client = client_as(bureau_admin)
    data = {"code": "lpg", "name": "液化石油气", "name_en": "LPG", "unit": "t", "sort_order": "9"}
    assert client.post(reverse("reporting:fuel_create"), data).status_code == 302
    before = _snapshot()
    dup = client.post(reverse("reporting:fuel_create"), {**data, "name": "另一个"})
    assert list(dup.context["form"].errors) == ["code"]
    assert _snapshot() == before


def test_unchanged_edit_writes_no_event(client_as, bureau_admin):
    fuel = FuelType.objects.get(code="coke")
    data = {"code": fuel.code, "name": fuel.name, "name_en": fuel.name_en, "unit": fuel.unit, "sort_order": fuel.sort_order}
    assert client_as(bureau_admin).post(reverse("reporting:fuel_edit", args=[fuel.pk]), data).status_code == 302
    assert not Event.objects.filter(verb="fuel_type.updated").exists()


# --- export ----------------------------------------------------------------------------


def test_export_has_every_table_with_exact_values(client_as, ent_b):
    client = client_as(ent_b)
    client.cookies["django_language"] = "en"  # sheet names asserted in English
    response = client.get(reverse("reporting:factor_export"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    assert wb.sheetnames == ["Fuel default factors", "Emission factors", "Applicability", "Reporting years"]
    fuels = list(wb["Fuel default factors"].iter_rows(values_only=True))
    assert fuels[1][:8] == ("raw_coal", "原煤", "Raw coal", "t", 2015, 20.908, 0.02637, 0.94)
    assert len(fuels) == 1 + FuelFactor.objects.count()
    applic = list(wb["Applicability"].iter_rows(values_only=True))
    assert ("2022", "0.5703") in {(str(r[0]), str(r[4])) for r in applic[1:]}
