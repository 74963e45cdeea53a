"""Recording credit events: once per key, also under concurrency; manual events with four
eyes (a different admin confirms; the database refuses the same person)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from credit.choices import EventKind, EventOrigin, EventStatus, SubjectKind
from credit.models import CreditEvent
from credit.services import events as services
from tests import factories as f
from zhongwei_carbon.models import Event, Notification
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def _record(subject, key="report:1:2025", **kw):
    fields = dict(subject=subject, year=2025, kind=EventKind.REPORT_LATE,
                  occurred_on=date(2026, 4, 2), summary="迟报", key=key)
    return services.record(**(fields | kw))


def test_record_once_per_key(enterprise_a):
    event, created = _record(enterprise_a)
    assert created and event.status == EventStatus.ACTIVE and event.origin == EventOrigin.AUTOMATIC
    assert event.subject_kind == SubjectKind.ENTERPRISE and event.enterprise == enterprise_a
    again, created = _record(enterprise_a, summary="其他", kind=EventKind.REPORT_MISSING)
    assert not created and again.pk == event.pk
    again.refresh_from_db()
    assert again.kind == EventKind.REPORT_LATE and again.summary == "迟报"  # nothing changed
    assert CreditEvent.objects.count() == 1
    audit = Event.objects.filter(verb="credit.event_recorded")
    assert audit.count() == 1 and audit.get().target == event


def test_record_an_agency_with_its_source(agency_a, enterprise_a):
    event, _ = _record(agency_a, key="agency_suspended:x", kind=EventKind.AGENCY_SUSPENDED,
                       source=enterprise_a)
    assert event.subject_kind == SubjectKind.AGENCY and event.agency == agency_a
    assert event.source == enterprise_a


def test_record_needs_a_key(enterprise_a):
    with pytest.raises(ValueError):
        _record(enterprise_a, key="")
    assert not CreditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_records_of_one_key_keep_one(area_a):
    enterprise = f.EnterpriseFactory(area=area_a)
    barrier, results, errors = threading.Barrier(4), [], []

    def worker():
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(_record(enterprise, key="race:1")[1])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert CreditEvent.objects.filter(key="race:1").count() == 1


# --- manual events -----------------------------------------------------------------------


@pytest.fixture
def second_admin(db):
    return f.make_member("admin_two", Role.BUREAU_ADMIN)


def _enter(actor, subject, **kw):
    fields = dict(subject=subject, year=2025, kind=EventKind.MANUAL_DEDUCTION,
                  occurred_on=date(2025, 8, 1), summary="拒绝配合检查", evidence="现场笔录")
    return services.manual_enter(actor=actor, **(fields | kw))


def test_manual_event_pending_until_another_admin_confirms(bureau_admin, second_admin,
                                                           enterprise_a):
    event = _enter(bureau_admin, enterprise_a)
    assert event.status == EventStatus.PENDING and event.origin == EventOrigin.MANUAL
    assert event.recorded_by == bureau_admin and event.key is None
    # the other admin is told, not the one who entered it
    note = Notification.objects.get(key=f"credit_event_confirm:{event.pk}")
    assert note.recipient == second_admin
    with translation.override("en"), pytest.raises(ValidationError, match="another administrator"):
        services.manual_confirm(actor=bureau_admin, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.PENDING and event.confirmed_by is None
    services.manual_confirm(actor=second_admin, event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.ACTIVE and event.confirmed_by == second_admin
    assert event.confirmed_at is not None
    with pytest.raises(ValidationError):  # decided once
        services.manual_refuse(actor=second_admin, event=event, reason="x")


def test_the_database_refuses_the_same_person_confirming(bureau_admin, enterprise_a):
    event = _enter(bureau_admin, enterprise_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditEvent.objects.filter(pk=event.pk).update(
            status=EventStatus.ACTIVE, confirmed_by=bureau_admin)


def test_refusal_needs_a_reason_and_never_counts(bureau_admin, second_admin, agency_a):
    event = _enter(bureau_admin, agency_a, kind=EventKind.MANUAL_CREDIT)
    with pytest.raises(ValidationError) as exc:
        services.manual_refuse(actor=second_admin, event=event, reason="  ")
    assert "reason" in exc.value.error_dict
    services.manual_refuse(actor=second_admin, event=event, reason="证据不足")
    event.refresh_from_db()
    assert event.status == EventStatus.REFUSED and event.confirmed_by == second_admin
    assert Notification.objects.filter(recipient=bureau_admin,
                                       key=f"credit_event_decided:{event.pk}").exists()


def test_only_bureau_admins_enter_or_confirm(bureau_admin, bureau_reviewer, enterprise_a):
    with pytest.raises(PermissionDenied):
        _enter(bureau_reviewer, enterprise_a)
    event = _enter(bureau_admin, enterprise_a)
    with pytest.raises(PermissionDenied):
        services.manual_confirm(actor=bureau_reviewer, event=event)
    assert CreditEvent.objects.get().status == EventStatus.PENDING


def test_manual_evidence_is_required_and_checked_by_signature(bureau_admin, enterprise_a):
    with pytest.raises(ValidationError) as exc:
        _enter(bureau_admin, enterprise_a, evidence="")
    assert "evidence" in exc.value.error_dict
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        _enter(bureau_admin, enterprise_a, evidence="", evidence_file=fake)
    assert "evidence_file" in exc.value.error_dict
    assert not CreditEvent.objects.exists()
    png = SimpleUploadedFile("photo.exe.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    event = _enter(bureau_admin, enterprise_a, evidence="", evidence_file=png)
    assert event.evidence_file.name.endswith(".png") and ".exe" not in event.evidence_file.name


def test_a_manual_event_cannot_be_in_the_future(bureau_admin, enterprise_a):
    with pytest.raises(ValidationError) as exc:
        _enter(bureau_admin, enterprise_a, occurred_on=date(2999, 1, 1))
    assert "occurred_on" in exc.value.error_dict
