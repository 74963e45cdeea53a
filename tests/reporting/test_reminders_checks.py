"""Reminders of the checks after a submission (issue 15): the county/park officials check
a submitted ledger within the year's county-check days of its upload and a submitted report
within the report county-check days; the bureau closes a checked ledger by the year's close
day. Each reaches the right people only, names the item, links to where it is done, stops
when the work is done, and reads its items in constant queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import reminders_checks as src
from reporting.models import AnnualReport
from reporting.services import ledgers as ledger_svc
from reporting.services import reports as report_svc
from tests import factories as f
from tests.notified import open_todos
from tests.reporting.reminder_helpers import at, remind, source_queries
from zhongwei_carbon.models import Topic

pytestmark = pytest.mark.django_db

UPLOADED = date(2025, 2, 10)  # January ledgers uploaded; county check due 15 Feb (5 days)


@pytest.fixture
def year(db):
    return f.ledger_reporting_year(2025, county=5, close=40)


def _ledger(enterprise, status="submitted", month=1, name=None, **fields):
    facility = (f.FacilityFactory(enterprise=enterprise, name=name) if name
                else f.FacilityFactory(enterprise=enterprise))
    return f.ledger_make(facility, year=2025, month=month, status=status,
                         submitted_at=at(UPLOADED), **fields)


# --- ledger county check ------------------------------------------------------------------


def test_ledger_county_check_reaches_each_areas_officials_only(
    year, personas, enterprise_a, enterprise_b
):
    a = _ledger(enterprise_a, name="1号锅炉")
    _ledger(enterprise_b, name="2号窑")
    got = remind(personas, "ledger-county-check", UPLOADED + timedelta(days=4))  # T−1
    got.assert_exactly("official_a", "official_b", todo=True, topic=Topic.LEDGER)
    [note] = [n for n in got.notes if n.recipient == personas["official_a"]]
    assert "1号锅炉" in note.subject and "沙坡头发电有限公司" in note.subject
    assert "2025-01" in note.subject and "2025-02-15" in note.subject
    assert note.link == reverse("reporting:ledger_county_check", args=[a.pk])


def test_ledger_county_check_done_gets_none_and_the_check_resolves_it(
    year, personas, enterprise_a, django_capture_on_commit_callbacks
):
    a = _ledger(enterprise_a)
    _ledger(enterprise_a, status="county_checked")  # already checked: nothing
    _ledger(enterprise_a, status="returned")  # returned: the enterprise's turn
    got = remind(personas, "ledger-county-check", UPLOADED + timedelta(days=5))  # due day
    [note] = got.assert_exactly("official_a", todo=True)
    assert note.object_id == a.pk
    with django_capture_on_commit_callbacks(execute=True):
        ledger_svc.ledger_county_pass(actor=personas["official_a"], ledger=a)
    assert open_todos(personas["official_a"], a) == []
    remind(personas, "ledger-county-check", UPLOADED + timedelta(days=6)).assert_nobody()


def test_ledger_county_check_overdue_escalates_to_the_bureau(year, personas, enterprise_a, settings):
    _ledger(enterprise_a)
    day = UPLOADED + timedelta(days=5 + settings.REMINDER_ESCALATION_DAYS)
    remind(personas, "ledger-county-check", day).assert_exactly(
        "bureau_admin", "bureau_reviewer", todo=False)


def test_ledger_county_check_queries_constant(year, personas, enterprise_a, enterprise_b):
    _ledger(enterprise_a)
    one, items = source_queries(src.ledger_county_checks, UPLOADED)
    assert len(items) == 1
    _ledger(enterprise_b)
    _ledger(f.EnterpriseFactory(area=f.area("640521")))
    three, items = source_queries(src.ledger_county_checks, UPLOADED)
    assert len(items) == 3 and one == three


# --- ledger city close ----------------------------------------------------------------------

CLOSE_DUE = date(2025, 3, 12)  # January 2025: 31 Jan + 40 days


def test_ledger_close_reaches_the_bureau_only_without_escalation(
    year, personas, enterprise_a, enterprise_b, settings
):
    a = _ledger(enterprise_a, status="county_checked", name="1号锅炉")
    _ledger(enterprise_b, status="closed")  # closed: nothing
    _ledger(enterprise_b, status="submitted", month=2)  # the county's turn, not the bureau's
    got = remind(personas, "ledger-close", CLOSE_DUE - timedelta(days=1))
    got.assert_exactly("bureau_admin", "bureau_reviewer", todo=True, topic=Topic.LEDGER)
    assert {n.link for n in got.notes} == {reverse("reporting:ledger_close", args=[a.pk])}
    assert all("1号锅炉" in n.subject and "2025-03-12" in n.subject for n in got.notes)
    late = CLOSE_DUE + timedelta(days=settings.REMINDER_ESCALATION_DAYS + 1)
    remind(personas, "ledger-close", late).assert_nobody()  # the bureau owes it


def test_ledger_close_resolved_by_the_close(
    year, personas, enterprise_a, django_capture_on_commit_callbacks
):
    a = _ledger(enterprise_a, status="county_checked")
    remind(personas, "ledger-close", CLOSE_DUE)
    assert len(open_todos(personas["bureau_reviewer"], a)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        ledger_svc.ledger_close(actor=personas["bureau_reviewer"], ledger=a)
    assert open_todos(personas["bureau_reviewer"], a) == []
    assert open_todos(personas["bureau_admin"], a) == []


def test_ledger_close_queries_constant(year, personas, enterprise_a, enterprise_b):
    _ledger(enterprise_a, status="county_checked")
    one, items = source_queries(src.ledger_closes, CLOSE_DUE)
    _ledger(enterprise_b, status="county_checked")
    _ledger(enterprise_b, status="county_checked", month=2)
    three, items3 = source_queries(src.ledger_closes, CLOSE_DUE)
    assert (len(items), len(items3)) == (1, 3) and one == three


# --- report county check ---------------------------------------------------------------------


def _submitted_report(enterprise, user):
    f.verification_reporting_year(2024)  # report_county_check_days: 10
    report = f.verification_report_passed(enterprise, user)
    AnnualReport.objects.filter(pk=report.pk).update(status="submitted")
    return report


def test_report_county_check_reaches_each_areas_officials_only(personas, enterprise_a, enterprise_b):
    a = _submitted_report(enterprise_a, personas["ent_a"])
    _submitted_report(enterprise_b, personas["ent_b"])
    due = timezone.localdate() + timedelta(days=10)
    got = remind(personas, "report-county-check", due - timedelta(days=3))
    got.assert_exactly("official_a", "official_b", todo=True, topic=Topic.REPORT)
    [note] = [n for n in got.notes if n.recipient == personas["official_a"]]
    assert "沙坡头发电有限公司" in note.subject and "2024" in note.subject
    assert due.isoformat() in note.subject
    assert note.link == reverse("reporting:report_county_check", args=[a.pk])


def test_report_county_check_done_gets_none_and_the_check_resolves_it(
    personas, enterprise_a, django_capture_on_commit_callbacks
):
    a = _submitted_report(enterprise_a, personas["ent_a"])
    due = timezone.localdate() + timedelta(days=10)
    remind(personas, "report-county-check", due).assert_exactly("official_a", todo=True)
    with django_capture_on_commit_callbacks(execute=True):
        report_svc.report_county_pass(actor=personas["official_a"], report=a)
    assert open_todos(personas["official_a"], a) == []
    remind(personas, "report-county-check", due + timedelta(days=1)).assert_nobody()


def test_report_county_check_queries_constant(personas, enterprise_a, enterprise_b):
    _submitted_report(enterprise_a, personas["ent_a"])
    one, items = source_queries(src.report_county_checks, timezone.localdate())
    _submitted_report(enterprise_b, personas["ent_b"])
    _submitted_report(f.EnterpriseFactory(area=f.area("640521")), personas["ent_b"])
    three, items3 = source_queries(src.report_county_checks, timezone.localdate())
    assert (len(items), len(items3)) == (1, 3) and one == three
