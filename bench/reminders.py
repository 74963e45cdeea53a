"""Bench: the daily reminder job over 5,000 key emitters (issue 15 "Done when": under 30 s,
with constant queries per deadline kind), on a throw-away database.

Builds 5,000 listed enterprises (one user each, two operating facilities, a verified 2025
figure), the 2025 reporting year and the 2025 compliance cycle, and a morning on which the
annual report (T−7), the February ledgers (T−1), the county's check of the January ledgers
(T−1, 10,000 ledgers, to the area officials) and the surrender (T−30) are all due. Times the first run, a second run of the same day (nothing new), and the
same morning at 500 enterprises, and prints the queries per deadline kind at both sizes.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import in_scratch_database

SIZES = (500, 5_000)
DAY = date(2026, 3, 24)  # report due 03-31 (T−7); March ledgers are due 04-20; see below
TARGET_SECONDS = 30.0
SUBMITTED_AT = datetime(2026, 3, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def _build(n: int, start: int) -> None:
    import pgtrigger

    from accounts.models import Membership, User
    from registry.choices import FacilityStatus, FacilityType
    from registry.models import (
        Area,
        EmissionRecord,
        Enterprise,
        Facility,
        KeyEmitterList,
        KeyEmitterListEntry,
        Sector,
    )
    from zhongwei_carbon.roles import Role
    from zhongwei_carbon.uscc import make as make_uscc

    areas, sectors = list(Area.objects.all()), list(Sector.objects.all())
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(uscc=make_uscc(f"91640500{i:09d}"), name=f"提醒测试企业{i:05d}有限公司",
                   area=areas[i % len(areas)], sector=sectors[i % len(sectors)])
        for i in range(start, start + n))
    users = User.objects.bulk_create(
        User(username=f"rem{e.pk}", full_name=f"联系人{e.pk}", email=f"rem{e.pk}@example.com")
        for e in enterprises)
    Membership.objects.bulk_create(
        Membership(user=u, role=Role.ENTERPRISE_USER, enterprise=e)
        for u, e in zip(users, enterprises, strict=True))
    Facility.objects.bulk_create(
        Facility(enterprise=e, name=f"{k}号机组", facility_type=FacilityType.values[0],
                 status=FacilityStatus.OPERATING)
        for e in enterprises for k in (1, 2))
    EmissionRecord.objects.bulk_create(
        EmissionRecord(enterprise=e, year=2025, emissions_tco2e=Decimal("30000.5"),
                       energy_tce=Decimal("12000"), source="verified")
        for e in enterprises)
    # January's ledgers uploaded on 03-20, waiting for the county's check (due 03-25: T−1)
    from reporting.models import MonthlyLedger

    MonthlyLedger.objects.bulk_create(
        MonthlyLedger(enterprise=f.enterprise, facility=f, year=2026, month=1,
                      status="submitted", submitted_at=SUBMITTED_AT)
        for f in Facility.objects.filter(enterprise__in=enterprises))
    clerk, _ = User.objects.get_or_create(username="bench_clerk")
    for year in (2025, 2026):  # the report's year and the ledgers' year
        key_list, _ = KeyEmitterList.objects.get_or_create(
            year=year, defaults={"basis_year": year - 1, "drafted_by": clerk,
                                 "status": "published"})
        # the second size adds to the published list, as only a bench or test may
        with pgtrigger.ignore("registry.KeyEmitterListEntry:published_entries_frozen_ins"):
            KeyEmitterListEntry.objects.bulk_create(
                KeyEmitterListEntry(key_list=key_list, enterprise=e, change="added",
                                    reason="emissions", emissions_tco2e=Decimal("30000"),
                                    enterprise_name=e.name, uscc=e.uscc, area_id=e.area_id,
                                    sector_id=e.sector_id)
                for e in enterprises)


def _officials() -> None:
    from accounts.models import Membership, User
    from registry.models import Area
    from zhongwei_carbon.roles import Role

    for area in Area.objects.all():
        user = User.objects.create(username=f"official{area.pk}", full_name=f"{area.name}经办人")
        Membership.objects.create(user=user, role=Role.AREA_OFFICIAL, area=area)


def _year() -> None:
    from allowances.choices import MilestoneKind
    from allowances.models import ComplianceCycle, Milestone
    from reporting.models import ReportingYear

    # the 2025 report due 03-31; February 2026 ledgers due 03-25 (upload day 25: T−1)
    ReportingYear.objects.create(year=2025, report_due=date(2026, 3, 31),
                                 report_city_due=date(2026, 6, 30))
    ReportingYear.objects.create(year=2026, report_due=date(2027, 3, 31),
                                 report_city_due=date(2027, 6, 30), ledger_upload_days=25)
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    Milestone.objects.create(cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE,
                             due_date=DAY + timedelta(days=30))


def _run(today):
    from zhongwei_carbon import reminders
    from zhongwei_carbon.reminders.service import send_reminders

    per_kind: Counter = Counter()
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = send_reminders(today=today)
        elapsed = time.perf_counter() - started
    # queries per kind: a second, identical pass per source (nothing new is sent)
    for source in reminders.sources():
        from zhongwei_carbon.reminders import service

        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as q:
            service._send_kind(source, today, service.workdays.calendar(
                today - timedelta(days=120), today + timedelta(days=120)), service._Escalation())
        per_kind[source.kind] = len(q.captured_queries)
    return elapsed, len(queries.captured_queries), counts, per_kind


def _measure() -> None:
    from django.conf import settings
    from django.db import connection as conn

    from zhongwei_carbon import tasks

    # the e-mails are queued for the worker (a push to Redis each), not sent by the job
    queued = []
    tasks.email_notification.delay = queued.append
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    _year()
    _officials()
    built = 0
    for size in SIZES:
        _build(size - built, built)
        built = size
        conn.cursor().execute("ANALYZE")
        from zhongwei_carbon.models import Notification, Reminder

        Notification.objects.all().delete()
        Reminder.objects.all().delete()
        elapsed, count, counts, per_kind = _run(DAY)
        again, again_count, again_counts, _ = _run(DAY)
        verdict = "met" if elapsed < TARGET_SECONDS else "MISSED"
        print(f"{size:,} enterprises: {sum(counts.values()):,} reminders in {elapsed:.2f} s "
              f"({sum(per_kind.values())} queries; target < {TARGET_SECONDS:.0f} s: {verdict}); the same "
              f"morning again: {sum(again_counts.values())} new in {again:.2f} s; "
              f"{len(queued):,} e-mails queued")
        queued.clear()
        print("  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
        print("  queries per kind (a repeat pass): "
              + ", ".join(f"{k} {n}" for k, n in sorted(per_kind.items())))


def main() -> int:
    return in_scratch_database(_measure)
