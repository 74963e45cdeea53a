"""Reminders of verification and objections (issue 15): the assigned agency's verification
due date (its staff only, never another agency's; overdue: the bureau), the enterprise's
objection window on a final result (working days, before it closes, no escalation) and the
bureau's decision on an objection (working days, no escalation)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting import reminders_verification as src
from reporting.models import AnnualReport, Objection
from reporting.services import verification as svc
from tests import factories as f
from tests.notified import open_todos
from tests.reporting.reminder_helpers import at, remind, source_queries
from zhongwei_carbon import workdays
from zhongwei_carbon.models import Topic

pytestmark = pytest.mark.django_db

DUE = date(2025, 10, 31)  # a Friday


def _report(enterprise, user, **fields):
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise, user)
    AnnualReport.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


def _assigned(enterprise, user, agency, due=DUE, status="assigned"):
    return _report(enterprise, user, status=status, agency=agency, verification_due=due)


def _agency(personas, name):
    return personas[name].memberships.get().agency


# --- verification due -------------------------------------------------------------------


def test_verification_due_reaches_the_assigned_agencys_staff_only(
    personas, enterprise_a, enterprise_b
):
    a = _assigned(enterprise_a, personas["ent_a"], _agency(personas, "agency_a_staff"))
    _assigned(enterprise_b, personas["ent_b"], _agency(personas, "agency_b_staff"),
              due=DUE + timedelta(days=60))  # not near yet
    got = remind(personas, "verification-due", DUE - timedelta(days=7))
    [note] = got.assert_exactly("agency_a_staff", todo=True, topic=Topic.VERIFICATION)
    assert "沙坡头发电有限公司" in note.subject and "2024" in note.subject
    assert "2025-10-31" in note.subject and "宁夏碳核查中心" in note.body
    assert note.link == reverse("reporting:verification_detail", args=[a.pk])


def test_verification_overdue_escalates_to_the_bureau_not_the_area(personas, enterprise_a, settings):
    _assigned(enterprise_a, personas["ent_a"], _agency(personas, "agency_a_staff"))
    late = DUE + timedelta(days=settings.REMINDER_ESCALATION_DAYS)
    remind(personas, "verification-due", late).assert_exactly(
        "bureau_admin", "bureau_reviewer", todo=False)


def test_verification_filed_gets_none_and_the_filing_resolves_it(
    personas, enterprise_a, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    a = _assigned(enterprise_a, personas["ent_a"], _agency(personas, "agency_a_staff"))
    remind(personas, "verification-due", DUE - timedelta(days=14)).assert_exactly(
        "agency_a_staff", todo=True)
    facility = a.current_version.lines.exclude(facility=None).first().facility
    with django_capture_on_commit_callbacks(execute=True):
        svc.verification_file(
            actor=personas["agency_a_staff"], report=a, conclusion="confirmed", file=SimpleUploadedFile(
                "v.pdf", b"%PDF-1.4\n% signed\n", content_type="application/pdf"),
            figures=[{"facility": facility, "source_kind": "combustion", "verified": Decimal("20000.00")},
                     {"facility": None, "source_kind": "electricity", "verified": Decimal("10573.36")}])
    assert open_todos(personas["agency_a_staff"], a) == []
    remind(personas, "verification-due", DUE - timedelta(days=7)).assert_nobody()


def test_verification_due_queries_constant(personas, enterprise_a, enterprise_b):
    agency_a, agency_b = _agency(personas, "agency_a_staff"), _agency(personas, "agency_b_staff")
    _assigned(enterprise_a, personas["ent_a"], agency_a)
    one, items = source_queries(src.verification_dues, DUE)
    _assigned(enterprise_b, personas["ent_b"], agency_b)
    _assigned(f.EnterpriseFactory(), personas["ent_b"], agency_b)
    three, items3 = source_queries(src.verification_dues, DUE)
    assert (len(items), len(items3)) == (1, 3) and one == three


# --- objection window ----------------------------------------------------------------------

NOTICE = date(2025, 11, 3)  # Monday; 7 working days: Wednesday 12 Nov


def _final(enterprise, user, deadline=None):
    return _report(enterprise, user, status="final", final_emissions=Decimal("30573.36"),
                   final_at=at(NOTICE), notice_date=NOTICE,
                   objection_deadline=deadline or workdays.deadline(NOTICE, 7))


def test_objection_window_reminds_the_enterprise_before_it_closes(
    personas, enterprise_a, enterprise_b
):
    a = _final(enterprise_a, personas["ent_a"])
    _final(enterprise_b, personas["ent_b"], deadline=date(2025, 12, 31))
    closes = a.objection_deadline
    assert closes == date(2025, 11, 12)
    got = remind(personas, "report-objection-window", date(2025, 11, 7))  # 3 working days before
    [note] = got.assert_exactly("ent_a", todo=True, topic=Topic.OBJECTION)
    assert "2025-11-12" in note.subject and "30,573.36" in note.body
    assert note.link == reverse("reporting:objection_file", args=[a.pk])
    remind(personas, "report-objection-window", date(2025, 11, 11)).assert_exactly("ent_a")
    # once or twice only: no reminder on the day nor after it, and no escalation
    for day in (closes, closes + timedelta(days=1), closes + timedelta(days=10)):
        remind(personas, "report-objection-window", day).assert_nobody()
    assert open_todos(personas["ent_a"], a) == []  # the window closed: nothing left to do


def test_objection_window_done_once_objected(personas, enterprise_a):
    a = _final(enterprise_a, personas["ent_a"])
    Objection.objects.create(report=a, reasons="核查有误", filed_by=personas["ent_a"],
                             decision_due=date(2025, 11, 20))
    remind(personas, "report-objection-window", date(2025, 11, 7)).assert_nobody()


def test_objection_window_queries_constant(personas, enterprise_a, enterprise_b):
    _final(enterprise_a, personas["ent_a"])
    one, items = source_queries(src.objection_windows, NOTICE)
    _final(enterprise_b, personas["ent_b"])
    _final(f.EnterpriseFactory(), personas["ent_b"])
    three, items3 = source_queries(src.objection_windows, NOTICE)
    assert (len(items), len(items3)) == (1, 3) and one == three


# --- objection decision --------------------------------------------------------------------


def _objection(enterprise, user, decision_due=date(2025, 11, 28), **fields):
    report = _report(enterprise, user, status="objected", final_at=at(NOTICE))
    return Objection.objects.create(report=report, reasons="核查有误", filed_by=user,
                                    decision_due=decision_due, **fields)


def test_objection_decision_reaches_the_deciding_bureau_only(
    personas, enterprise_a, enterprise_b, settings
):
    o = _objection(enterprise_a, personas["ent_a"])  # due Friday 28 Nov
    got = remind(personas, "objection-decision", date(2025, 11, 25))  # 3 working days before
    [note] = got.assert_exactly("bureau_admin", todo=True, topic=Topic.OBJECTION)
    assert "沙坡头发电有限公司" in note.subject and "2025-11-28" in note.subject
    assert note.link == reverse("reporting:objection_decide", args=[o.pk])
    # working days: the day after Friday 28 is Monday 1 Dec; the bureau owes it, no escalation
    remind(personas, "objection-decision", date(2025, 11, 28)).assert_exactly("bureau_admin")
    remind(personas, "objection-decision", date(2025, 11, 29)).assert_nobody()
    remind(personas, "objection-decision", date(2025, 12, 1)).assert_exactly("bureau_admin")
    late = date(2025, 12, 1) + timedelta(days=settings.REMINDER_ESCALATION_DAYS + 7)
    remind(personas, "objection-decision", late).assert_nobody()


def test_decided_objection_gets_none_and_the_decision_resolves_it(
    personas, enterprise_a, django_capture_on_commit_callbacks
):
    o = _objection(enterprise_a, personas["ent_a"])
    remind(personas, "objection-decision", date(2025, 11, 25))
    assert len(open_todos(personas["bureau_admin"], o)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        svc.objection_decide(actor=personas["bureau_admin"], objection=o, decision="rejected",
                             note="核查结论无误")
    assert open_todos(personas["bureau_admin"], o) == []
    remind(personas, "objection-decision", date(2025, 11, 27)).assert_nobody()


def test_objection_decision_queries_constant(personas, enterprise_a, enterprise_b):
    _objection(enterprise_a, personas["ent_a"])
    one, items = source_queries(src.objection_decisions, NOTICE)
    _objection(enterprise_b, personas["ent_b"])
    _objection(f.EnterpriseFactory(), personas["ent_b"])
    three, items3 = source_queries(src.objection_decisions, NOTICE)
    assert (len(items), len(items3)) == (1, 3) and one == three
