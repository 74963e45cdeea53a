"""Demo data of the reporting app, loaded by ``manage.py seed_demo`` (idempotent).

The holiday calendar rows are the State Council's holiday arrangements for 2025 and 2026
(国务院办公厅关于2025年/2026年部分节假日安排的通知); bureau admins keep them up to date.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from accounts.models import Membership
from reporting.choices import LedgerStatus, ReportStatus
from reporting.demo_ledgers import YEAR, seed_ledgers
from reporting.demo_reports import seed_reports
from reporting.models import AnnualReport, MonthlyLedger, ReportingYear
from zhongwei_carbon.models import CalendarDay
from zhongwei_carbon.roles import Role

NOTICE = "国务院办公厅关于{year}年部分节假日安排的通知"


def _span(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


HOLIDAYS = {
    2025: [
        ("元旦", date(2025, 1, 1), date(2025, 1, 1)),
        ("春节", date(2025, 1, 28), date(2025, 2, 4)),
        ("清明节", date(2025, 4, 4), date(2025, 4, 6)),
        ("劳动节", date(2025, 5, 1), date(2025, 5, 5)),
        ("端午节", date(2025, 5, 31), date(2025, 6, 2)),
        ("国庆节、中秋节", date(2025, 10, 1), date(2025, 10, 8)),
    ],
    2026: [
        ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
        ("春节", date(2026, 2, 15), date(2026, 2, 23)),
        ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
        ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
        ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
        ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
        ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
    ],
}
WORKDAYS = {
    2025: [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ],
    2026: [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ],
}

# The city's notice runs reports one tier at a time: enterprise by 1 Feb, county within 10
# days, city by 1 Mar (the national deadline, Measures 2020 Art. 25, is 31 Mar).
REPORTING_YEARS = [
    (2024, date(2025, 2, 1), date(2025, 3, 1)),
    (2025, date(2026, 2, 1), date(2026, 3, 1)),
    (2026, date(2027, 2, 1), date(2027, 3, 1)),
]


def seed(*, actor, stdout=None) -> None:
    for year, spans in HOLIDAYS.items():
        for name, start, end in spans:
            for day in _span(start, end):
                CalendarDay.objects.get_or_create(
                    date=day,
                    defaults={
                        "kind": CalendarDay.Kind.HOLIDAY,
                        "name": name,
                        "source": NOTICE.format(year=year),
                    },
                )
        for day in WORKDAYS[year]:
            CalendarDay.objects.get_or_create(
                date=day,
                defaults={
                    "kind": CalendarDay.Kind.WORKDAY,
                    "name": "调休上班",
                    "source": NOTICE.format(year=year),
                },
            )
    for year, due, city_due in REPORTING_YEARS:
        ReportingYear.objects.get_or_create(
            year=year,
            defaults={
                "report_due": due,
                "report_city_due": city_due,
                "source": "中卫市年度排放报告工作通知（演示数据）",
            },
        )
    _seed_activity(actor=actor)
    if stdout is not None:
        stdout.write(summary())


def _seed_activity(*, actor) -> None:
    """Monthly ledgers and annual reports of 2025, when the demo users exist (they do after
    the registry part of ``seed_demo``)."""
    members = Membership.objects.filter(is_active=True).select_related("user", "area")
    officials = {m.area.code: m.user for m in members.filter(role=Role.AREA_OFFICIAL)}
    reviewer = next(
        (m.user for m in members.filter(role=Role.BUREAU_REVIEWER, user__username="reviewer")), None
    )
    if reviewer is None or not {"640502", "640521"} <= set(officials):
        return
    seed_ledgers(actor=actor, officials=officials, reviewer=reviewer)
    seed_reports(actor=actor, officials=officials)


def summary() -> str:
    """One line: calendar, ledgers and reports of the demo year by status."""
    ledgers = Counter(MonthlyLedger.objects.filter(year=YEAR).values_list("status", flat=True))
    reports = Counter(AnnualReport.objects.filter(year=YEAR).values_list("status", flat=True))
    ledger_part = ", ".join(f"{s.value} {ledgers[s.value]}" for s in LedgerStatus if ledgers[s.value])
    report_part = ", ".join(f"{s.value} {reports[s.value]}" for s in ReportStatus if reports[s.value])
    return (
        f"Reporting: {CalendarDay.objects.count()} calendar days, "
        f"{ReportingYear.objects.count()} reporting years; {YEAR} ledgers "
        f"{sum(ledgers.values())} ({ledger_part or '-'}); {YEAR} reports "
        f"{sum(reports.values())} ({report_part or '-'}); enterprise logins ent_<key>."
    )
