"""Services of enterprises, facilities and annual records: validation, source rank, events."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from registry.models import EmissionRecord, Enterprise, Facility
from registry.services import enterprises as svc
from tests import factories as f
from zhongwei_carbon import events
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English msgids, whatever catalogs exist."""
    with translation.override("en"):
        yield


def _data(**overrides):
    data = {
        "uscc": "91110000600037341L",  # check character L computed by hand (test_uscc.py)
        "name": "中卫新材料有限公司",
        "area": f.area("640502"),
        "sector": f.sector("power"),
        "address": "中卫市沙坡头区",
        "legal_representative": "赵六",
        "status": "operating",
    }
    data.update(overrides)
    return data


def test_create_normalises_uscc_and_records_event(bureau_admin):
    ent = svc.enterprise_create(actor=bureau_admin, data=_data(uscc=" 91110000600037341l "))
    assert Enterprise.objects.get(pk=ent.pk).uscc == "91110000600037341L"
    (event,) = events.for_object(ent)
    assert event.verb == "enterprise.created"
    assert event.actor == bureau_admin
    assert "91110000600037341L" in event.message


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341M",  # wrong check character (L is right)
        "91110000600037341",  # 17 characters
        "9111000060003734IL",  # I is not in the alphabet
        "9111000060003734OL",
        "9111000060003734SL",
        "9111000060003734VL",
        "9111000060003734ZL",
    ],
)
def test_invalid_uscc_refused_nothing_saved(bureau_admin, code):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_create(actor=bureau_admin, data=_data(uscc=code))
    assert "uscc" in exc.value.message_dict
    assert not Enterprise.objects.exists()
    assert not Event.objects.exists()


def test_duplicate_uscc_refused(bureau_admin, enterprise_a):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_create(actor=bureau_admin, data=_data(uscc=enterprise_a.uscc.lower()))
    assert "uscc" in exc.value.message_dict
    assert Enterprise.objects.count() == 1


def test_unknown_field_is_a_programming_error(bureau_admin):
    with pytest.raises(TypeError):
        svc.enterprise_create(actor=bureau_admin, data=_data(colour="red"))


def test_update_status_to_closed_says_what_changed(bureau_admin, enterprise_a):
    svc.enterprise_update(
        actor=bureau_admin,
        enterprise=enterprise_a,
        data={"status": "closed", "contact_person": "钱七"},
    )
    enterprise_a.refresh_from_db()
    assert enterprise_a.status == "closed"
    assert enterprise_a.contact_person == "钱七"
    (event,) = events.for_object(enterprise_a)
    assert event.verb == "enterprise.status_closed"
    assert "Operating → Closed" in event.message
    assert "— → 钱七" in event.message
    assert event.data["status"] == {"old": "operating", "new": "closed"}
    assert enterprise_a.history.count() == 2  # created + updated


def test_update_without_change_writes_nothing(bureau_admin, enterprise_a):
    svc.enterprise_update(actor=bureau_admin, enterprise=enterprise_a, data={"name": enterprise_a.name})
    assert not Event.objects.exists()
    assert enterprise_a.history.count() == 1


def test_update_to_existing_uscc_refused(bureau_admin, enterprise_a, enterprise_b):
    with pytest.raises(ValidationError) as exc:
        svc.enterprise_update(actor=bureau_admin, enterprise=enterprise_b, data={"uscc": enterprise_a.uscc})
    assert "uscc" in exc.value.message_dict
    enterprise_b.refresh_from_db()
    assert enterprise_b.uscc != enterprise_a.uscc


def test_facility_create_update_and_events(bureau_admin, enterprise_a):
    fac = svc.facility_create(
        actor=bureau_admin,
        enterprise=enterprise_a,
        data={"name": " 1号机组 ", "facility_type": "coal_unit", "capacity_mw": Decimal("660.00")},
    )
    assert fac.name == "1号机组"
    svc.facility_update(actor=bureau_admin, facility=fac, data={"status": "retired"})
    fac.refresh_from_db()
    assert fac.status == "retired"
    assert [e.verb for e in events.for_object(fac)] == ["facility.updated", "facility.created"]


def test_facility_negative_capacity_and_duplicate_name_refused(bureau_admin, enterprise_a):
    with pytest.raises(ValidationError) as exc:
        svc.facility_create(
            actor=bureau_admin,
            enterprise=enterprise_a,
            data={"name": "A", "facility_type": "boiler", "capacity_mw": Decimal("-1")},
        )
    assert "capacity_mw" in exc.value.message_dict
    f.FacilityFactory(enterprise=enterprise_a, name="B")
    with pytest.raises(ValidationError):
        svc.facility_create(
            actor=bureau_admin, enterprise=enterprise_a, data={"name": "B", "facility_type": "boiler"}
        )
    assert Facility.objects.count() == 1


def _upsert(actor, ent, source, emissions="30000.50", energy="12000", year=2024):
    return svc.emission_record_upsert(
        actor=actor,
        enterprise=ent,
        year=year,
        emissions_tco2e=Decimal(emissions),
        energy_tce=Decimal(energy) if energy is not None else None,
        source=source,
    )


def test_record_created_then_updated_by_same_or_higher_rank(bureau_admin, enterprise_a):
    _upsert(bureau_admin, enterprise_a, "statistics", "20000")
    _upsert(bureau_admin, enterprise_a, "self_reported", "21000.25")
    rec = _upsert(bureau_admin, enterprise_a, "verified", "21500.75")
    assert EmissionRecord.objects.count() == 1
    rec.refresh_from_db()
    assert rec.emissions_tco2e == Decimal("21500.75")
    assert rec.source == "verified"
    verbs = [e.verb for e in events.for_object(rec)]
    assert verbs == ["emission_record.updated", "emission_record.updated", "emission_record.created"]
    # the activity line shows tonnes with thousands separators (issue 9 §11)
    assert "21,500.75" in events.for_object(rec)[0].message
    # same rank may correct the figure
    _upsert(bureau_admin, enterprise_a, "verified", "21400")
    rec.refresh_from_db()
    assert rec.emissions_tco2e == Decimal("21400.00")


@pytest.mark.parametrize(
    "existing,lower", [("verified", "self_reported"), ("verified", "statistics"), ("self_reported", "statistics")]
)
def test_lower_rank_never_overwrites(bureau_admin, enterprise_a, existing, lower):
    _upsert(bureau_admin, enterprise_a, existing, "30000")
    before = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        _upsert(bureau_admin, enterprise_a, lower, "10")
    assert "source" in exc.value.message_dict
    rec = EmissionRecord.objects.get()
    assert rec.emissions_tco2e == Decimal("30000.00")
    assert rec.source == existing
    assert Event.objects.count() == before


@pytest.mark.parametrize("field", ["emissions", "energy"])
def test_negative_figures_refused(bureau_admin, enterprise_a, field):
    kwargs = {"emissions": "100", "energy": "100", field: "-0.01"}
    with pytest.raises(ValidationError) as exc:
        _upsert(bureau_admin, enterprise_a, "verified", **kwargs)
    assert {"emissions": "emissions_tco2e", "energy": "energy_tce"}[field] in exc.value.message_dict
    assert not EmissionRecord.objects.exists()


def test_floats_are_refused_and_three_decimals_are_an_error(bureau_admin, enterprise_a):
    with pytest.raises(TypeError):
        svc.emission_record_upsert(
            actor=bureau_admin, enterprise=enterprise_a, year=2024,
            emissions_tco2e=1.5, energy_tce=None, source="verified",
        )
    with pytest.raises(ValidationError) as exc:
        _upsert(bureau_admin, enterprise_a, "verified", "1.234")
    assert "emissions_tco2e" in exc.value.message_dict
    assert not EmissionRecord.objects.exists()


def test_energy_may_be_empty(bureau_admin, enterprise_a):
    rec = _upsert(bureau_admin, enterprise_a, "self_reported", "500", energy=None)
    assert rec.energy_tce is None


def test_upsert_refuses_a_future_year_whoever_calls_it(bureau_admin, enterprise_a):
    """The service itself holds the year rule (reporting calls it directly)."""
    from django.utils import timezone

    with pytest.raises(ValidationError) as exc:
        _upsert(bureau_admin, enterprise_a, "verified", year=timezone.localdate().year + 1)
    assert "year" in exc.value.message_dict
    assert not EmissionRecord.objects.filter(enterprise=enterprise_a).exists()
