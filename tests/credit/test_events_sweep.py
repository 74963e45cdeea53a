"""The deadline sweep: late or missing reports and ledgers, surrender on time / short / late,
Art. 24 not corrected, agencies suspended; nothing before a deadline passes; twice is once."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from credit.choices import EventKind
from credit.models import CreditEvent
from credit.services.sweep import sweep
from reporting.models import ReportVersion
from tests import factories as f
from tests.allowances.dated import on

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day):
    return datetime.combine(day, time(10), tzinfo=SHANGHAI)


def events_of(**filters):
    return sorted((e.enterprise_id or e.agency_id, e.kind) for e in
                  CreditEvent.objects.filter(**filters))


def _submitted(enterprise, user, day, year=2025):
    report = f.report_draft(enterprise, user, year=year)
    ReportVersion.objects.filter(report=report).update(submitted_at=at(day), submitted_by=user)
    return report


def test_annual_report_late_or_missing(enterprise_a, enterprise_b, ent_a, area_a):
    f.verification_reporting_year(2025)  # due 2026-03-31, the city's check 2026-06-30
    on_time, unlisted = f.EnterpriseFactory(area=area_a), f.EnterpriseFactory(area=area_a)
    f.listed(2025, enterprise_a, enterprise_b, on_time)
    late = _submitted(enterprise_a, ent_a, date(2026, 4, 3))
    _submitted(on_time, ent_a, date(2026, 3, 31))  # on the due day: on time
    assert sum(sweep(year=2025, today=date(2026, 3, 31)).values()) == 0  # not passed yet
    counts = sweep(year=2025, today=date(2026, 4, 10))
    assert counts == {EventKind.REPORT_LATE: 1}
    event = CreditEvent.objects.get()
    assert (event.enterprise, event.occurred_on, event.year, event.source, event.measure) == (
        enterprise_a, date(2026, 4, 3), 2025, late, Decimal("3"))
    # enterprise_b: missing once the city's check is due and passed, never before
    assert sum(sweep(year=2025, today=date(2026, 6, 30)).values()) == 0
    assert sweep(year=2025, today=date(2026, 7, 1)) == {EventKind.REPORT_MISSING: 1}
    assert sum(sweep(year=2025, today=date(2026, 7, 2)).values()) == 0  # twice: once
    assert events_of() == sorted([(enterprise_a.pk, EventKind.REPORT_LATE),
                                  (enterprise_b.pk, EventKind.REPORT_MISSING)])
    assert not CreditEvent.objects.filter(enterprise__in=[on_time, unlisted]).exists()


def test_no_deadline_data_no_events(enterprise_a):
    f.listed(2025, enterprise_a)
    assert sum(sweep(year=2025, today=date(2027, 1, 1)).values()) == 0


def test_monthly_ledgers_late_or_missing_per_month(enterprise_a, enterprise_b):
    f.ledger_reporting_year(2025, upload=20, close=40)
    f.listed(2025, enterprise_a)
    facility = f.FacilityFactory(enterprise=enterprise_a)
    f.FacilityFactory(enterprise=enterprise_a, status="retired")  # owes nothing
    f.FacilityFactory(enterprise=enterprise_b)  # not listed: owes nothing
    f.ledger_make(facility, month=1, status="closed", submitted_at=at(date(2025, 2, 20)))
    f.ledger_make(facility, month=2, status="submitted", submitted_at=at(date(2025, 3, 25)))
    f.ledger_make(facility, month=3, status="draft")
    # 25 April: March's upload is overdue but its close is not: not yet missing
    assert sweep(year=2025, today=date(2025, 4, 25)) == {EventKind.LEDGER_LATE: 1}
    late = CreditEvent.objects.get()
    assert (late.occurred_on, late.measure, late.key) == (
        date(2025, 3, 25), Decimal("5"), f"ledger:{enterprise_a.pk}:2025-02")
    assert sweep(year=2025, today=date(2025, 5, 11)) == {EventKind.LEDGER_MISSING: 1}
    missing = CreditEvent.objects.get(kind=EventKind.LEDGER_MISSING)
    assert (missing.occurred_on, missing.key) == (date(2025, 4, 21),
                                                  f"ledger:{enterprise_a.pk}:2025-03")
    assert sum(sweep(year=2025, today=date(2025, 5, 11)).values()) == 0


def test_surrender_on_time_short_and_late(enterprise_a, enterprise_b, area_a, bureau_admin):
    from allowances.services import ledger

    cycle = f.cycle_with_deadline(2024, date(2024, 12, 31))
    late_one, off_list = f.EnterpriseFactory(area=area_a), f.EnterpriseFactory(area=area_a)
    for e in (enterprise_a, enterprise_b, late_one):
        f.obliged(e, 2024, "30000.00")
    f.EmissionRecordFactory(enterprise=off_list, year=2024, emissions_tco2e=Decimal("40000"))

    def pay(enterprise, day, tonnes):
        account = ledger.account_for(enterprise)
        ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2024,
                        quantity=tonnes)
        with on(day):
            ledger.surrender(actor=bureau_admin, account=account, cycle=cycle, obligation=30000,
                             cea=[(2024, tonnes)])

    pay(enterprise_a, date(2024, 12, 31), 30000)  # on the deadline day: on time
    pay(late_one, date(2024, 12, 20), 10000)
    assert sum(sweep(year=2024, today=date(2024, 12, 31)).values()) == 0
    assert sweep(year=2024, today=date(2025, 1, 1)) == {EventKind.SURRENDER_ON_TIME: 1,
                                                        EventKind.SURRENDER_SHORT: 2}
    short = CreditEvent.objects.get(kind=EventKind.SURRENDER_SHORT, enterprise=late_one)
    assert (short.measure, short.occurred_on) == (Decimal("20000"), date(2025, 1, 1))
    pay(late_one, date(2025, 1, 10), 20000)
    assert sweep(year=2024, today=date(2025, 1, 11)) == {EventKind.SURRENDER_LATE: 1}
    assert sum(sweep(year=2024, today=date(2025, 1, 12)).values()) == 0
    assert events_of() == sorted([
        (enterprise_a.pk, EventKind.SURRENDER_ON_TIME), (enterprise_b.pk, EventKind.SURRENDER_SHORT),
        (late_one.pk, EventKind.SURRENDER_SHORT), (late_one.pk, EventKind.SURRENDER_LATE),
    ])
    assert CreditEvent.objects.get(kind=EventKind.SURRENDER_LATE).occurred_on == date(2025, 1, 10)


def test_art24_not_corrected_found_by_the_sweep(enterprise_a, bureau_admin):
    from allowances.models import PenaltyCase
    from allowances.services import ledger
    from allowances.services import penalties as svc

    cycle = f.cycle_with_deadline(2024, date(2024, 12, 31))
    f.obliged(enterprise_a, 2024, "30000.00")
    svc.price_set(actor=bureau_admin, month=date(2024, 12, 1), average_price=Decimal("80.00"),
                  source="SEEE")
    ledger.account_for(enterprise_a)
    case = svc.penalty_open(actor=bureau_admin, cycle=cycle, enterprise=enterprise_a,
                            correction_deadline=date(2025, 1, 31), today=date(2025, 1, 2))
    assert not CreditEvent.objects.filter(kind=EventKind.ART24_NOT_CORRECTED).exists()
    sweep(year=2024, today=date(2025, 1, 31))
    assert not CreditEvent.objects.filter(kind=EventKind.ART24_NOT_CORRECTED).exists()
    counts = sweep(year=2024, today=date(2025, 2, 1))
    assert counts[EventKind.ART24_NOT_CORRECTED] == 1
    event = CreditEvent.objects.get(kind=EventKind.ART24_NOT_CORRECTED)
    assert (event.measure, event.source) == (Decimal("30000"), case)
    assert PenaltyCase.objects.get().next_year_cut is None  # the sweep changes no case


def test_agency_suspension_found_in_the_audit_trail(agency_a, bureau_admin):
    from verifiers.services import agency_suspend

    agency_suspend(actor=bureau_admin, agency=agency_a, until=date(2027, 5, 31), reason="x")
    year = date.today().year
    assert sweep(year=year - 1, today=date(year + 1, 1, 1)) == {}
    assert sweep(year=year, today=date(year + 1, 1, 1)) == {EventKind.AGENCY_SUSPENDED: 1}
    assert sum(sweep(year=year, today=date(year + 1, 1, 1)).values()) == 0


def test_the_command_and_the_task(enterprise_a, capsys):
    from credit.tasks import sweep_deadlines

    f.verification_reporting_year(2025)
    f.listed(2025, enterprise_a)
    system = f.UserFactory(username="system", is_system=True)
    call_command("credit_sweep", "--year", "2025", "--today", "2026-07-01")
    assert "2025: 1 new credit events" in capsys.readouterr().out
    event = CreditEvent.objects.get()
    assert event.kind == EventKind.REPORT_MISSING
    from zhongwei_carbon.models import Event

    assert Event.objects.get(verb="credit.event_recorded").actor == system
    assert sweep_deadlines(2025) == 0  # twice: once
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("credit_sweep", "--today", "1 July")
