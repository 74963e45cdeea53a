"""Enterprise, facility and annual record forms through the pages: errors, nothing saved,
confirmation before closing, history and events, who may change what."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from registry.models import EmissionRecord, Enterprise, Facility
from tests import factories as f
from zhongwei_carbon import events
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(client_as):
    """Clients that pick English with the language switch (messages asserted in English)."""

    def make(user):
        client = client_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make

CREATE = reverse("registry:enterprise_create")


def _post_data(**overrides):
    data = {
        "uscc": "91110000600037341L",  # check character computed by hand in test_uscc.py
        "name": "中卫新能源有限公司",
        "area": f.area("640502").pk,
        "sector": f.sector("power").pk,
        "status": "operating",
        "address": "",
        "legal_representative": "孙八",
        "contact_person": "",
        "contact_phone": "",
        "contact_email": "",
    }
    data.update(overrides)
    return data


def _errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_create_enterprise(client_as, bureau_admin):
    response = client_as(bureau_admin).post(CREATE, _post_data(uscc="91110000600037341l "))
    ent = Enterprise.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:enterprise_detail", args=[ent.pk])
    assert ent.uscc == "91110000600037341L"
    assert ent.legal_representative == "孙八"
    assert [e.verb for e in events.for_object(ent)] == ["enterprise.created"]


@pytest.mark.parametrize(
    "code,fragment",
    [
        ("91110000600037341M", "check character"),
        ("9111000060003734", "18 characters (got 16)"),
        ("91110000600037341LX", "18 characters (got 19)"),
        ("9111000060003734OL", "not allowed"),
        ("9111000060003734ZL", "not allowed"),
    ],
)
def test_create_with_invalid_uscc_shows_field_error(client_as, bureau_admin, code, fragment):
    response = client_as(bureau_admin).post(CREATE, _post_data(uscc=code))
    assert response.status_code == 200
    (message,) = _errors(response, "uscc")
    assert fragment in message
    assert not Enterprise.objects.exists()
    assert not Event.objects.exists()


def test_create_with_duplicate_uscc(client_as, bureau_admin, enterprise_a):
    response = client_as(bureau_admin).post(CREATE, _post_data(uscc=enterprise_a.uscc))
    assert response.status_code == 200
    assert "already exists" in _errors(response, "uscc")[0]
    assert Enterprise.objects.count() == 1


def test_create_without_name_and_bad_email(client_as, bureau_admin):
    response = client_as(bureau_admin).post(CREATE, _post_data(name="", contact_email="not-an-email"))
    assert _errors(response, "name") and _errors(response, "contact_email")
    assert not Enterprise.objects.exists()


def _edit_data(ent, **overrides):
    data = _post_data(
        uscc=ent.uscc, name=ent.name, area=ent.area_id, sector=ent.sector_id, status=ent.status,
        address=ent.address, legal_representative=ent.legal_representative,
    )
    data.update(overrides)
    return data


def test_edit_writes_history_and_event(client_as, bureau_admin, enterprise_a):
    url = reverse("registry:enterprise_edit", args=[enterprise_a.pk])
    response = client_as(bureau_admin).post(url, _edit_data(enterprise_a, name="沙坡头电力有限公司"))
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "沙坡头电力有限公司"
    latest = enterprise_a.history.first()
    assert latest.history_type == "~" and latest.history_user == bureau_admin
    (event,) = events.for_object(enterprise_a)
    assert "沙坡头发电有限公司 → 沙坡头电力有限公司" in event.message
    detail = client_as(bureau_admin).get(reverse("registry:enterprise_detail", args=[enterprise_a.pk]))
    assert event.message in detail.content.decode()
    assert detail.context["history"][0]["changes"][0]["new"] == "沙坡头电力有限公司"


def test_closing_needs_confirmation(client_as, bureau_admin, enterprise_a):
    url = reverse("registry:enterprise_edit", args=[enterprise_a.pk])
    client = client_as(bureau_admin)
    response = client.post(url, _edit_data(enterprise_a, status="closed"))
    assert response.status_code == 200
    assert "registry/enterprises/confirm_close.html" in [t.name for t in response.templates]
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == "operating"
    assert not Event.objects.exists()
    response = client.post(url, _edit_data(enterprise_a, status="closed", confirmed="1"))
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == "closed"
    assert events.for_object(enterprise_a)[0].verb == "enterprise.status_closed"


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_only_bureau_admin_may_edit(client_as, request, enterprise_a, persona):
    user = request.getfixturevalue(persona)
    url = reverse("registry:enterprise_edit", args=[enterprise_a.pk])
    assert client_as(user).get(url).status_code == 403
    assert client_as(user).post(url, _edit_data(enterprise_a, name="X")).status_code == 403
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "沙坡头发电有限公司"


def test_missing_objects_are_404(client_as, bureau_admin):
    client = client_as(bureau_admin)
    for name in ("enterprise_detail", "enterprise_edit", "facility_create", "facility_edit",
                 "record_create", "record_edit"):
        assert client.get(reverse(f"registry:{name}", args=[999999])).status_code == 404, name


# --- facilities -------------------------------------------------------------------------


def _facility_data(**overrides):
    data = {"name": "2号机组", "facility_type": "coal_unit", "capacity_mw": "660.00",
            "main_fuel": "coal", "commissioned_on": "2012-06-30", "status": "operating"}
    data.update(overrides)
    return data


def test_facility_create_and_edit(client_as, bureau_admin, enterprise_a):
    client = client_as(bureau_admin)
    url = reverse("registry:facility_create", args=[enterprise_a.pk])
    assert client.post(url, _facility_data()).status_code == 302
    fac = Facility.objects.get()
    assert (fac.enterprise, fac.capacity_mw, str(fac.commissioned_on)) == (
        enterprise_a, Decimal("660.00"), "2012-06-30"
    )
    edit = reverse("registry:facility_edit", args=[fac.pk])
    assert client.post(edit, _facility_data(status="retired")).status_code == 302
    fac.refresh_from_db()
    assert fac.status == "retired"


def test_facility_bad_input(client_as, bureau_admin, enterprise_a):
    f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    url = reverse("registry:facility_create", args=[enterprise_a.pk])
    response = client_as(bureau_admin).post(url, _facility_data(name="1号机组", capacity_mw="-5"))
    assert response.status_code == 200
    assert _errors(response, "name") and _errors(response, "capacity_mw")
    assert Facility.objects.count() == 1


# --- annual records ---------------------------------------------------------------------


def _record_data(**overrides):
    data = {"year": "2024", "emissions_tco2e": "27000.50", "energy_tce": "11000",
            "source": "verified", "note": ""}
    data.update(overrides)
    return data


def test_record_create_and_edit(client_as, bureau_admin, enterprise_a):
    client = client_as(bureau_admin)
    url = reverse("registry:record_create", args=[enterprise_a.pk])
    assert client.post(url, _record_data()).status_code == 302
    rec = EmissionRecord.objects.get()
    assert (rec.year, rec.emissions_tco2e, rec.energy_tce) == (2024, Decimal("27000.50"), Decimal("11000.00"))
    # the year is fixed once entered: a posted year is ignored
    edit = reverse("registry:record_edit", args=[rec.pk])
    assert client.post(edit, _record_data(year="2020", emissions_tco2e="26999.99")).status_code == 302
    rec.refresh_from_db()
    assert (rec.year, rec.emissions_tco2e) == (2024, Decimal("26999.99"))


def test_record_lower_source_refused_on_the_source_field(client_as, bureau_admin, enterprise_a):
    rec = f.EmissionRecordFactory(enterprise=enterprise_a, year=2024, source="verified")
    edit = reverse("registry:record_edit", args=[rec.pk])
    response = client_as(bureau_admin).post(edit, _record_data(source="self_reported", emissions_tco2e="1"))
    assert response.status_code == 200
    assert _errors(response, "source")
    rec.refresh_from_db()
    assert (rec.source, rec.emissions_tco2e) == ("verified", Decimal("30000.00"))


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"emissions_tco2e": "-1"}, "emissions_tco2e"),
        ({"energy_tce": "-0.5"}, "energy_tce"),
        ({"emissions_tco2e": "abc"}, "emissions_tco2e"),
        ({"emissions_tco2e": "1.234"}, "emissions_tco2e"),
        ({"year": "1990"}, "year"),
        ({"source": "guess"}, "source"),
    ],
)
def test_record_bad_input(client_as, bureau_admin, enterprise_a, overrides, field):
    url = reverse("registry:record_create", args=[enterprise_a.pk])
    response = client_as(bureau_admin).post(url, _record_data(**overrides))
    assert response.status_code == 200
    assert _errors(response, field)
    assert not EmissionRecord.objects.exists()


def test_record_create_for_existing_year_points_to_edit(client_as, bureau_admin, enterprise_a):
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2024)
    url = reverse("registry:record_create", args=[enterprise_a.pk])
    response = client_as(bureau_admin).post(url, _record_data(emissions_tco2e="1"))
    assert "already a record for 2024" in _errors(response, "year")[0]
    assert EmissionRecord.objects.get().emissions_tco2e == Decimal("30000.00")


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a"])
def test_records_changed_by_bureau_admin_only(client_as, request, enterprise_a, persona):
    user = request.getfixturevalue(persona)
    url = reverse("registry:record_create", args=[enterprise_a.pk])
    assert client_as(user).post(url, _record_data()).status_code == 403
    assert not EmissionRecord.objects.exists()
