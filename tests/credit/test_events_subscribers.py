"""The lower apps' domain events become exactly the expected credit events (and the same
domain event twice, one)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from credit.choices import EventKind, SubjectKind
from credit.models import CreditEvent
from credit.subscribers import deviation_percent
from tests import factories as f
from tests.allowances.dated import on
from zhongwei_carbon import events

pytestmark = pytest.mark.django_db


def kinds(**filters):
    return sorted(CreditEvent.objects.filter(**filters).values_list("kind", flat=True))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Publish (or run a service) and run the subscribers as after commit."""

    def runner(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return runner


def _case(enterprise=None, agency=None, article="21", admin=None, **more):
    from oversight.models import ViolationCase

    target = enterprise or agency
    case = ViolationCase.objects.create(
        target_kind="enterprise" if enterprise else "agency", enterprise=enterprise,
        agency=agency, target_name=target.name, area=getattr(enterprise, "area", None),
        year=2026, article=article, facts="事实", opened_by=admin, trigger_note="举报", status="decided", fine=100000,
        fine_low=50000, fine_high=500000, decision_number="卫环罚〔2026〕1号",
        decided_on=date(2026, 6, 1), decided_by=admin, **more,
    )
    case.decision_file.save("d.pdf", ContentFile(b"%PDF-d"), save=True)
    return case


def _publish_decided(case):
    events.publish("violation.decided", case_id=case.pk, article=case.article,
                   decided_on=case.decided_on, subject_kind=case.target_kind,
                   enterprise_id=case.enterprise_id, agency_id=case.agency_id,
                   ban_until=case.ban_until)


@pytest.mark.parametrize("article, kind", [("21", EventKind.VIOLATION_ART21),
                                           ("22", EventKind.VIOLATION_ART22)])
def test_violation_decided_against_an_enterprise(run, enterprise_a, bureau_admin, article, kind):
    case = _case(enterprise_a, article=article, admin=bureau_admin)
    run(_publish_decided, case)
    run(_publish_decided, case)  # delivered twice: one event
    event = CreditEvent.objects.get()
    assert (event.kind, event.enterprise, event.year, event.occurred_on) == (
        kind, enterprise_a, 2026, date(2026, 6, 1))
    assert event.source == case and event.key == f"violation:{case.pk}"


def test_agency_ban_through_the_verifiers_service_is_one_suspension(run, agency_a, bureau_admin):
    from verifiers.services import agency_suspend

    case = _case(agency=agency_a, article="23", admin=bureau_admin, ban_until=date(2027, 5, 31))

    def decide():
        with transaction.atomic():
            agency_suspend(actor=bureau_admin, agency=agency_a, until=case.ban_until,
                           reason="第二十三条", source=case)
            _publish_decided(case)

    run(decide)
    assert kinds(agency=agency_a) == [EventKind.AGENCY_SUSPENDED, EventKind.VIOLATION_ART23]
    suspension = CreditEvent.objects.get(kind=EventKind.AGENCY_SUSPENDED)
    assert suspension.subject_kind == SubjectKind.AGENCY and suspension.source == case
    # a suspension not extending the current one publishes nothing new
    run(agency_suspend, actor=bureau_admin, agency=agency_a, until=date(2027, 1, 1), reason="x")
    assert CreditEvent.objects.filter(kind=EventKind.AGENCY_SUSPENDED).count() == 1


def _complaint(enterprise, outcome, number):
    from complaints.models import Complaint

    return Complaint.objects.create(
        number=number, secret_hash="x", category="false_data", target_kind="enterprise",
        enterprise=enterprise, area=enterprise.area, description="数据造假",
        filed_at="2026-05-01T08:00:00Z", status="answered", outcome=outcome,
        answered_at="2026-06-10T02:00:00Z",
    )


def test_only_substantiated_complaints_count(run, enterprise_a):
    for i, outcome in enumerate(("substantiated", "partly", "unsubstantiated")):
        c = _complaint(enterprise_a, outcome, f"TS2026-0000{i}")
        run(events.publish, "complaint.substantiated", complaint_id=c.pk, outcome=outcome,
            category=c.category, target_kind="enterprise", enterprise_id=enterprise_a.pk,
            agency_id=None)
    assert kinds() == [EventKind.COMPLAINT_SUBSTANTIATED] * 2
    assert {e.occurred_on for e in CreditEvent.objects.all()} == {date(2026, 6, 10)}


def test_rectification_overdue_through_the_oversight_job(run, enterprise_a, bureau_admin):
    from oversight.models import Inspection, Rectification
    from oversight.services.rectification import rectifications_report_overdue

    inspection = Inspection.objects.create(
        trigger="complaint", target_kind="enterprise", enterprise=enterprise_a,
        target_name=enterprise_a.name, area=enterprise_a.area, inspected_on=date(2026, 4, 10),
        status="rectifying", conclusion="rectify", created_by=bureau_admin,
    )
    rectification = Rectification.objects.create(
        inspection=inspection, requirements="补记录", ordered_on=date(2026, 4, 10),
        working_days=10, deadline=date(2026, 4, 24))
    run(rectifications_report_overdue, today=date(2026, 4, 24))  # not overdue yet
    assert kinds() == []
    run(rectifications_report_overdue, today=date(2026, 4, 25))
    run(rectifications_report_overdue, today=date(2026, 4, 26))
    event = CreditEvent.objects.get()
    assert (event.kind, event.enterprise, event.occurred_on, event.year) == (
        EventKind.RECTIFICATION_OVERDUE, enterprise_a, date(2026, 4, 25), 2026)
    assert event.key == f"rectification_overdue:{rectification.pk}"


def _transition(actor, report, action):
    from reporting.services.workflow import apply_transition, lock

    with transaction.atomic():
        apply_transition(actor=actor, report=lock(report), action=action)


def test_each_return_of_a_report_is_one_event(run, enterprise_a, ent_a, official_a, agency_a,
                                               bureau_admin):
    from reporting.models import AnnualReport

    report = f.report_draft(enterprise_a, ent_a, year=2025)
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted")
    run(_transition, official_a, report, "county_return")
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted")
    run(_transition, official_a, report, "county_return")
    assert kinds(enterprise=enterprise_a) == [EventKind.REPORT_RETURNED] * 2
    # on re-check the verification goes back to the agency: the agency's event
    AnnualReport.objects.filter(pk=report.pk).update(status="verified", agency=agency_a,
                                                     verification_round=1)
    run(_transition, bureau_admin, report, "recheck_return")
    assert kinds(agency=agency_a) == [EventKind.REPORT_RETURNED]
    assert {e.year for e in CreditEvent.objects.all()} == {2025}
    # other steps are no returns
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted")
    run(_transition, official_a, report, "county_pass")
    assert CreditEvent.objects.count() == 3


def test_final_figures_deviating_from_the_reported(run, enterprise_a, ent_a):
    from reporting.models import AnnualReport

    report = f.verification_report_passed(enterprise_a, ent_a, year=2025)  # 30,573.36 t reported
    AnnualReport.objects.filter(pk=report.pk).update(
        status="final", final_emissions=Decimal("33630.70"), final_at="2026-07-01T04:00:00Z")
    for _ in range(2):
        run(events.publish, "report.final", report_id=report.pk, enterprise_id=enterprise_a.pk,
            year=2025, final_emissions=Decimal("33630.70"))
    event = CreditEvent.objects.get()
    assert (event.kind, event.measure, event.year, event.occurred_on) == (
        EventKind.VERIFIED_DEVIATION, Decimal("10.00"), 2025, date(2026, 7, 1))


def test_no_deviation_no_event(run, enterprise_a, ent_a):
    from reporting.models import AnnualReport

    report = f.verification_report_passed(enterprise_a, ent_a, year=2025)
    AnnualReport.objects.filter(pk=report.pk).update(status="final",
                                                     final_emissions=Decimal("30573.36"))
    run(events.publish, "report.final", report_id=report.pk)
    assert not CreditEvent.objects.exists()


def test_deviation_percent():
    assert deviation_percent(Decimal("100"), Decimal("95")) == Decimal("5.00")
    assert deviation_percent(Decimal("3"), Decimal("4")) == Decimal("33.33")
    assert deviation_percent(Decimal("0"), Decimal("4")) is None
    assert deviation_percent(None, Decimal("4")) is None


def test_art24_not_corrected_when_the_cut_is_fixed(run, enterprise_a, bureau_admin):
    from allowances.services import ledger
    from allowances.services import penalties as svc

    cycle = f.cycle_with_deadline(2024, date(2024, 12, 31))
    f.obliged(enterprise_a, 2024, "30000.00")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024,
                    quantity=40000)
    svc.price_set(actor=bureau_admin, month=date(2024, 12, 1), average_price=Decimal("80.00"),
                  source="SEEE")
    case = svc.penalty_open(actor=bureau_admin, cycle=cycle, enterprise=enterprise_a,
                            correction_deadline=date(2025, 1, 31), today=date(2025, 1, 2))
    with on(date(2025, 1, 20)):
        ledger.surrender(actor=bureau_admin, account=account, cycle=cycle, obligation=30000,
                         cea=[(2024, 10000)])

    def settle(today):
        from allowances.models import PenaltyCase

        with transaction.atomic():
            locked = PenaltyCase.objects.select_for_update().get(pk=case.pk)
            return svc.cut_due(actor=bureau_admin, case=locked, today=today)

    assert run(settle, date(2025, 1, 31)) is None  # not known yet
    assert kinds() == []
    assert run(settle, date(2025, 2, 1)) == 20000
    event = CreditEvent.objects.get()
    assert (event.kind, event.measure, event.year, event.occurred_on, event.source) == (
        EventKind.ART24_NOT_CORRECTED, Decimal("20000"), 2024, date(2025, 2, 1), case)


def test_a_failing_subscriber_never_breaks_the_lower_app(run, enterprise_a, caplog):
    run(events.publish, "penalty.cut_fixed", case_id=999999, cut=5)
    assert not CreditEvent.objects.exists()
    assert "credit subscriber" in caplog.text


def test_lower_apps_never_import_credit():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    lower = ("accounts", "registry", "verifiers", "reporting", "allowances", "oversight",
             "complaints", "zhongwei_carbon")
    offenders = [
        str(p.relative_to(root)) for app in lower for p in (root / app).rglob("*.py")
        if re.search(r"^\s*(from|import) credit\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_days_are_asia_shanghai(run, enterprise_a):
    """A complaint answered at 17:00 UTC on 9 June is answered on 10 June in Zhongwei."""
    c = _complaint(enterprise_a, "substantiated", "TS2026-00099")
    type(c).objects.filter(pk=c.pk).update(answered_at="2026-06-09T17:00:00Z")
    run(events.publish, "complaint.substantiated", complaint_id=c.pk, outcome="substantiated",
        enterprise_id=enterprise_a.pk)
    assert CreditEvent.objects.get().occurred_on == date(2026, 6, 9) + timedelta(days=1)
