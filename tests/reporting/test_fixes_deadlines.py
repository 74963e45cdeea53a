"""Review fix: the report due date and the county check window are read (rules at the day
boundaries; the dates are Asia/Shanghai dates) and shown on the report page."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from reporting import rules
from reporting.models import AnnualReport, ReportingYear, ReportVersion
from reporting.selectors.reports import deadlines
from tests import factories as f

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = dt.date(2025, 3, 31)


@pytest.mark.parametrize(
    ("submitted_on", "today", "late"),
    [
        (dt.date(2025, 3, 31), dt.date(2025, 6, 1), False),  # on the due date: on time
        (dt.date(2025, 4, 1), dt.date(2025, 6, 1), True),
        (None, dt.date(2025, 3, 31), False),  # not yet submitted, still the due date
        (None, dt.date(2025, 4, 1), True),
    ],
)
def test_report_late_at_the_boundary(submitted_on, today, late):
    assert rules.report_late(due=DUE, submitted_on=submitted_on, today=today) is late
    assert rules.report_late(due=None, submitted_on=submitted_on, today=today) is False


def test_county_check_due_and_overdue():
    due = rules.county_check_due(dt.date(2025, 3, 28), 5)
    assert due == dt.date(2025, 4, 2)  # calendar days, across the month end
    assert rules.county_check_due(None, 5) is None
    assert rules.county_check_overdue(due=due, checked_on=None, today=dt.date(2025, 4, 2)) is False
    assert rules.county_check_overdue(due=due, checked_on=None, today=dt.date(2025, 4, 3)) is True
    assert rules.county_check_overdue(due=due, checked_on=dt.date(2025, 4, 2), today=dt.date(2025, 5, 1)) is False
    assert rules.county_check_overdue(due=due, checked_on=dt.date(2025, 4, 3), today=dt.date(2025, 5, 1)) is True


@pytest.mark.django_db
def test_deadlines_use_the_shanghai_date_of_submission(enterprise_a, ent_a, client_as):
    ReportingYear.objects.create(year=2024, report_due=DUE, report_city_due=dt.date(2025, 5, 31),
                                 report_county_check_days=5)
    report = f.report_draft(enterprise_a, ent_a, year=2024)
    # 2025-03-31 23:30 in Shanghai is 15:30 UTC: still on the due date → on time
    ReportVersion.objects.filter(report=report).update(
        submitted_at=dt.datetime(2025, 3, 31, 23, 30, tzinfo=SH), submitted_by=ent_a
    )
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted")
    d = deadlines(report, today=dt.date(2025, 4, 5))
    assert (d.submitted_on, d.late, d.county_due, d.county_overdue) == (DUE, False, dt.date(2025, 4, 5), False)
    assert deadlines(report, today=dt.date(2025, 4, 6)).county_overdue is True
    page = client_as(ent_a).get(reverse("reporting:report_detail", kwargs={"pk": report.pk}))
    assert page.context["deadlines"].county_due == dt.date(2025, 4, 5)
    assert "2025-04-05" in page.content.decode()


@pytest.mark.django_db
def test_deadline_one_minute_after_midnight_is_late(enterprise_a, ent_a):
    ReportingYear.objects.create(year=2024, report_due=DUE, report_city_due=dt.date(2025, 5, 31))
    report = f.report_draft(enterprise_a, ent_a, year=2024)
    ReportVersion.objects.filter(report=report).update(
        submitted_at=dt.datetime(2025, 4, 1, 0, 1, tzinfo=SH), submitted_by=ent_a
    )
    assert deadlines(report, today=dt.date(2025, 4, 1)).late is True
