"""Ledger services: save, each transition and each forbidden one, scope, evidence."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reporting.models import LedgerEvidence, MonthlyLedger
from reporting.services import ledgers as svc
from tests import factories as f
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%stamped ledger\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def facility_a(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


@pytest.fixture
def draft(facility_a, ent_a):
    return svc.ledger_save(
        actor=ent_a, facility=facility_a, year=2025, month=1,
        data={"purchased_electricity_mwh": Decimal("1545.000"), "running_hours": Decimal("744")},
        lines=[{"fuel": f.ledger_fuel("raw_coal"), "consumption": Decimal("12000.5")}],
    )


def test_save_creates_draft_with_lines_and_event(draft, enterprise_a):
    assert draft.status == "draft"
    assert draft.enterprise == enterprise_a
    assert draft.purchased_electricity_mwh == Decimal("1545.000")
    assert [(x.fuel.code, x.consumption) for x in draft.lines.all()] == [("raw_coal", Decimal("12000.500"))]
    assert Event.objects.filter(verb="ledger.created", target_id=str(draft.pk)).count() == 1


def test_save_replaces_lines(draft, facility_a, ent_a):
    svc.ledger_save(
        actor=ent_a, facility=facility_a, year=2025, month=1, data={},
        lines=[{"fuel": f.ledger_fuel("natural_gas"), "consumption": Decimal("3")}],
    )
    assert [x.fuel.code for x in draft.lines.all()] == ["natural_gas"]
    assert MonthlyLedger.objects.count() == 1


def test_save_refuses_negative_and_duplicate_fuel(facility_a, ent_a, draft):
    with pytest.raises(ValidationError):
        svc.ledger_save(actor=ent_a, facility=facility_a, year=2025, month=2,
                        data={"generation_mwh": Decimal("-1")}, lines=[])
    coal = f.ledger_fuel("raw_coal")
    with pytest.raises(ValidationError):
        svc.ledger_save(actor=ent_a, facility=facility_a, year=2025, month=1, data={},
                        lines=[{"fuel": coal, "consumption": 1}, {"fuel": coal, "consumption": 2}])
    assert MonthlyLedger.objects.count() == 1
    assert draft.lines.get().consumption == Decimal("12000.500")


def test_other_enterprise_and_officials_cannot_save(facility_a, ent_b, official_a):
    for actor in (ent_b, official_a):
        with pytest.raises(PermissionDenied):
            svc.ledger_save(actor=actor, facility=facility_a, year=2025, month=1, data={}, lines=[])
    assert not MonthlyLedger.objects.exists()


def test_full_path_submit_pass_close(draft, ent_a, official_a, bureau_reviewer):
    led = svc.ledger_submit(actor=ent_a, ledger=draft)
    assert (led.status, led.submitted_by) == ("submitted", ent_a)
    assert led.submitted_at is not None
    led = svc.ledger_county_pass(actor=official_a, ledger=led)
    assert (led.status, led.county_checked_by) == ("county_checked", official_a)
    led = svc.ledger_close(actor=bureau_reviewer, ledger=led)
    assert (led.status, led.closed_by) == ("closed", bureau_reviewer)
    verbs = list(Event.objects.filter(target_id=str(led.pk)).order_by("id").values_list("verb", flat=True))
    assert verbs == ["ledger.created", "ledger.submit", "ledger.county_pass", "ledger.close"]


def test_return_then_edit_and_resubmit(draft, ent_a, official_a, facility_a):
    svc.ledger_submit(actor=ent_a, ledger=draft)
    with pytest.raises(ValidationError):
        svc.ledger_county_return(actor=official_a, ledger=draft, reason="  ")
    led = svc.ledger_county_return(actor=official_a, ledger=draft, reason="缺少盖章台账")
    assert (led.status, led.return_reason) == ("returned", "缺少盖章台账")
    svc.ledger_save(actor=ent_a, facility=facility_a, year=2025, month=1,
                    data={"running_hours": Decimal("700")}, lines=[])
    assert svc.ledger_submit(actor=ent_a, ledger=led).status == "submitted"


@pytest.mark.parametrize(
    "status,call",
    [
        ("draft", "pass"), ("draft", "close"), ("submitted", "submit"), ("submitted", "close"),
        ("county_checked", "submit"), ("county_checked", "return"), ("closed", "close"),
        ("closed", "pass"), ("returned", "close"),
    ],
)
def test_forbidden_transitions_change_nothing(facility_a, ent_a, official_a, bureau_admin, status, call):
    led = f.ledger_make(facility_a, status=status)
    calls = {
        "submit": lambda: svc.ledger_submit(actor=ent_a, ledger=led),
        "pass": lambda: svc.ledger_county_pass(actor=official_a, ledger=led),
        "return": lambda: svc.ledger_county_return(actor=official_a, ledger=led, reason="x"),
        "close": lambda: svc.ledger_close(actor=bureau_admin, ledger=led),
    }
    with pytest.raises(ValidationError) as exc:
        calls[call]()
    assert "forbidden_transition" in str(exc.value.error_list[0].code)
    led.refresh_from_db()
    assert led.status == status
    assert not Event.objects.exists()


def test_saving_a_submitted_ledger_is_refused(facility_a, ent_a):
    f.ledger_make(facility_a, status="submitted")
    with pytest.raises(ValidationError):
        svc.ledger_save(actor=ent_a, facility=facility_a, year=2025, month=1,
                        data={"running_hours": Decimal("1")}, lines=[])


def test_scope_of_each_tier(facility_a, official_b, ent_a, bureau_admin):
    led = f.ledger_make(facility_a, status="submitted")
    with pytest.raises(PermissionDenied):
        svc.ledger_county_pass(actor=official_b, ledger=led)
    with pytest.raises(PermissionDenied):
        svc.ledger_county_pass(actor=bureau_admin, ledger=led)  # the county acts first
    led2 = f.ledger_make(facility_a, month=2, status="county_checked")
    with pytest.raises(PermissionDenied):
        svc.ledger_close(actor=ent_a, ledger=led2)
    assert set(MonthlyLedger.objects.values_list("status", flat=True)) == {"submitted", "county_checked"}


def test_evidence_stored_once_per_content(draft, ent_a):
    ev, created = svc.ledger_add_evidence(actor=ent_a, ledger=draft, name="台账1月.pdf", content=PDF)
    assert created and ev.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    again, created = svc.ledger_add_evidence(actor=ent_a, ledger=draft, name="copy.pdf", content=PDF)
    assert (again.pk, created) == (ev.pk, False)
    svc.ledger_add_evidence(actor=ent_a, ledger=draft, name="photo.png", content=PNG)
    assert draft.evidence.count() == 2


@pytest.mark.parametrize(
    "name,content",
    [
        ("ledger.xlsx", b"PK\x03\x04rest"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),  # renamed executable
        ("photo.gif", b"GIF89a..."),
        ("empty.pdf", b""),
    ],
)
def test_evidence_type_refused(draft, ent_a, name, content):
    with pytest.raises(ValidationError) as exc:
        svc.ledger_add_evidence(actor=ent_a, ledger=draft, name=name, content=content)
    assert "file" in exc.value.message_dict
    assert not LedgerEvidence.objects.exists()


def test_evidence_size_refused(draft, ent_a, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        svc.ledger_add_evidence(actor=ent_a, ledger=draft, name="big.pdf", content=PDF + b"x" * 100)
    assert not LedgerEvidence.objects.exists()


def test_evidence_only_by_own_enterprise_while_editable(draft, ent_b, ent_a, official_a):
    for actor in (ent_b, official_a):
        with pytest.raises(PermissionDenied):
            svc.ledger_add_evidence(actor=actor, ledger=draft, name="a.pdf", content=PDF)
    svc.ledger_submit(actor=ent_a, ledger=draft)
    with pytest.raises(ValidationError):
        svc.ledger_add_evidence(actor=ent_a, ledger=draft, name="a.pdf", content=PDF)
    assert not LedgerEvidence.objects.exists()
