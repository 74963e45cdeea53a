"""Deadline flags (late report, county check due/overdue) in the report list, its export and
the verification queue, computed without a query per row."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from reporting.models import AnnualReport, ReportingYear, ReportVersion
from reporting.selectors import reports as sel
from tests import factories as f

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 1, 15)  # every due date below is long past


def _at(*args):
    return datetime(*args, tzinfo=SH)


def _report(user, *, name, submissions=(), checked=None, status="draft", year=2024):
    """A report with one version per submission time (None: a draft never submitted)."""
    report = AnnualReport.objects.create(
        enterprise=f.EnterpriseFactory(name=name), year=year, status=status
    )
    version = None
    for number, at in enumerate(submissions or [None], start=1):
        version = ReportVersion.objects.create(report=report, number=number, created_by=user)
        if at is not None:  # a version is frozen once submitted: set the time once
            ReportVersion.objects.filter(pk=version.pk).update(submitted_at=at)
    report.current_version = version
    report.county_checked_at = checked
    report.save()
    return report


@pytest.fixture
def year_2024(db):
    # due 2025-03-31; the county checks within 10 days of a submission
    return ReportingYear.objects.create(
        year=2024, report_due=date(2025, 3, 31), report_city_due=date(2025, 6, 30),
        report_county_check_days=10,
    )


@pytest.fixture
def four(year_2024, bureau_admin):
    u = bureau_admin
    return {
        # submitted 2 days late, never checked: county due 04-02 + 10 = 04-12, overdue
        "late": _report(u, name="A-late", submissions=[_at(2025, 4, 2, 10)], status="submitted"),
        # submitted 23:30 on the due date (15:30 UTC), checked on its county due date 04-10
        "on_time": _report(
            u, name="B-ontime", submissions=[_at(2025, 3, 31, 23, 30)],
            checked=_at(2025, 4, 10, 20), status="county_passed",
        ),
        # never submitted: late, no county due date
        "draft": _report(u, name="C-draft"),
        # v1 on time and checked; v2 on 05-01 unchecked: not late, county due 05-11, overdue
        "revised": _report(
            u, name="D-revised", submissions=[_at(2025, 3, 1, 9), _at(2025, 5, 1, 9)],
            checked=_at(2025, 3, 5, 9), status="submitted",
        ),
    }


EXPECTED = {  # late, county due, county overdue
    "late": (True, date(2025, 4, 12), True),
    "on_time": (False, date(2025, 4, 10), False),
    "draft": (True, None, False),
    "revised": (False, date(2025, 5, 11), True),
}


@pytest.fixture
def today(monkeypatch):
    real = sel.timezone.localdate

    def localdate(value=None, timezone=None):  # "today" is fixed; dates of times stay real
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr(sel.timezone, "localdate", localdate)


def test_batch_flags_equal_the_single_report_flags(four, today):
    reports = sel.attach_deadlines(sel.with_submissions(AnnualReport.objects.all()))
    assert len(reports) == 4
    for report in reports:
        assert report.deadline == sel.deadlines(report, today=TODAY)


def test_flags_in_the_report_list(four, today, bureau_admin, client_as):
    response = client_as(bureau_admin).get(reverse("reporting:report_list"))
    assert response.status_code == 200
    rows = {r.pk: r.deadline for r in response.context["page_obj"]}
    for key, (late, county_due, overdue) in EXPECTED.items():
        d = rows[four[key].pk]
        assert (d.late, d.county_due, d.county_overdue) == (late, county_due, overdue), key
    html = response.content.decode()
    assert html.count('data-flag="late"') == 2
    assert html.count('data-flag="county-overdue"') == 2
    assert "2025-04-12" in html and "2025-05-11" in html


def test_flags_in_the_export(four, today, bureau_admin, client_as):
    client = client_as(bureau_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reporting:report_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    col = {name: header.index(name) for name in
           ("Enterprise", "Late", "County check due", "County check overdue")}
    got = {}
    for row in rows[1:]:
        due = row[col["County check due"]]
        got[row[col["Enterprise"]]] = (
            row[col["Late"]] == "Yes",
            due.date() if isinstance(due, datetime) else due,
            row[col["County check overdue"]] == "Yes",
        )
    names = {"late": "A-late", "on_time": "B-ontime", "draft": "C-draft", "revised": "D-revised"}
    assert got == {names[k]: v for k, v in EXPECTED.items()}


def test_late_flag_in_the_verification_queue(year_2024, bureau_admin, client_as, today):
    late = _report(bureau_admin, name="Q-late", submissions=[_at(2025, 4, 2, 10)],
                   status="county_passed", checked=_at(2025, 4, 3, 9))
    on_time = _report(bureau_admin, name="Q-ontime", submissions=[_at(2025, 3, 30, 10)],
                      status="county_passed", checked=_at(2025, 4, 3, 9))
    response = client_as(bureau_admin).get(reverse("reporting:verification_queue"))
    flags = {row.report.pk: row.report.deadline.late for row in response.context["page_obj"]}
    assert flags == {late.pk: True, on_time.pk: False}
    assert response.content.decode().count('data-flag="late"') == 1


@pytest.mark.parametrize("n", [5, 25])
def test_report_list_queries_do_not_grow_with_rows(
    n, year_2024, bureau_admin, client_as, django_assert_max_num_queries
):
    for i in range(n):
        _report(bureau_admin, name=f"N{i:02}", submissions=[_at(2025, 3, 1), _at(2025, 4, 1)],
                status="submitted")
    client = client_as(bureau_admin)
    with django_assert_max_num_queries(7):  # session, user, memberships, count, page, years, …
        response = client.get(reverse("reporting:report_list"))
    assert len(response.context["page_obj"]) == n
    assert all(not r.deadline.late for r in response.context["page_obj"])
