"""The programme's task tracker (issue 17): the progress report workflow with its forbidden
steps, who files and who reviews, the unit's database check, the reminders (once, resolved on
submission), the task's workflow, and the notices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from programme import tasks_rules as rules
from programme.models import ProgressReport, ReportAttachment, TaskUnit
from programme.selectors import tasks as selectors
from programme.services import task_reports as reports
from programme.services import tasks as services
from programme.tasks_choices import ReportStatus, TaskStatus
from tests import factories as f
from zhongwei_carbon import notifications
from zhongwei_carbon.models import Notification, Topic
from zhongwei_carbon.reminders.service import send_reminders

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 minutes of the meeting"


def pdf(name="minutes.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def bureau_unit_department(db):
    return f.department("ecology-environment", "市生态环境局")


@pytest.fixture
def task(bureau_admin, area_a, department_a, bureau_unit_department):
    """Task 2, in progress, reporting from 2025 Q1: the bureau leads, area_a (沙坡头区) and
    department_a (development-reform) support."""
    t = services.task_create(actor=bureau_admin, number=2, title="排放报告、核查与复查",
                             reports_from=date(2025, 1, 1))
    services.unit_add(actor=bureau_admin, task=t, role="lead", department=bureau_unit_department)
    services.unit_add(actor=bureau_admin, task=t, area=area_a)
    services.unit_add(actor=bureau_admin, task=t, department=department_a)
    return services.task_start(actor=bureau_admin, task=t)


def unit_of(task, **lookup) -> TaskUnit:
    return task.units.select_related("area", "department").get(**lookup)


def write(actor, unit, year=2025, period=1, text="完成台账核查", **kw):
    return reports.report_save(actor=actor, unit=unit, year=year, period=period, text=text, **kw)


def todos(user, obj=None):
    qs = notifications.open_todos(user)
    return qs if obj is None else qs.filter(object_id=obj.pk)


def test_the_report_goes_draft_submitted_accepted(task, official_a, bureau_reviewer, area_a):
    unit = unit_of(task, area=area_a)
    report = write(official_a, unit, figures=[("检查企业", Decimal("12.5"), "家")], files=[pdf()])
    assert report.status == ReportStatus.DRAFT
    assert [(x.label, x.value, x.unit) for x in report.figures.all()] == [
        ("检查企业", Decimal("12.5000"), "家")]
    attachment = report.attachments.get()
    assert attachment.original_name == "minutes.pdf" and attachment.file.name.endswith(".pdf")

    reports.report_submit(actor=official_a, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by == official_a
    todo = todos(bureau_reviewer, report).get()
    assert todo.topic == Topic.PROGRAMME and todo.link == report.get_absolute_url()

    reports.report_accept(actor=bureau_reviewer, report=report, note="")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == bureau_reviewer
    assert not todos(bureau_reviewer, report).exists()
    verbs = set(report_events(report))
    assert {"programme.report_saved", "programme.report_submitted",
            "programme.report_accepted"} <= verbs


def report_events(report):
    from zhongwei_carbon import events

    return events.for_object(report).values_list("verb", flat=True)


def test_a_returned_report_is_revised_and_submitted_again(task, official_a, bureau_reviewer,
                                                          area_a):
    unit = unit_of(task, area=area_a)
    report = write(official_a, unit)
    reports.report_submit(actor=official_a, report=report)
    with pytest.raises(ValidationError) as exc:
        reports.report_return(actor=bureau_reviewer, report=report, note="  ")
    assert "note" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # nothing changed

    reports.report_return(actor=bureau_reviewer, report=report, note="请补充执法数据")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.times_returned == 1
    assert todos(official_a, report).get().body == "请补充执法数据"
    assert not todos(bureau_reviewer, report).exists()

    report = write(official_a, unit, text="补充：联合执法3次", report=report)
    reports.report_submit(actor=official_a, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.text == "补充：联合执法3次"
    assert not todos(official_a, report).exists()  # the return's to-do is done
    assert todos(bureau_reviewer, report).count() == 1  # the new submission's


@pytest.mark.parametrize("status, step", [
    (ReportStatus.DRAFT, "accept"), (ReportStatus.DRAFT, "return"),
    (ReportStatus.ACCEPTED, "submit"), (ReportStatus.ACCEPTED, "return"),
    (ReportStatus.ACCEPTED, "accept"), (ReportStatus.RETURNED, "accept"),
    (ReportStatus.SUBMITTED, "submit"),
])
def test_forbidden_transitions_are_refused(task, official_a, bureau_reviewer, area_a, status, step):
    report = write(official_a, unit_of(task, area=area_a))
    ProgressReport.objects.filter(pk=report.pk).update(status=status)
    act = {"submit": lambda: reports.report_submit(actor=official_a, report=report),
           "accept": lambda: reports.report_accept(actor=bureau_reviewer, report=report),
           "return": lambda: reports.report_return(actor=bureau_reviewer, report=report,
                                                   note="更多")}[step]
    with pytest.raises(ValidationError, match="cannot be|不能"):
        act()
    report.refresh_from_db()
    assert report.status == status


def test_the_transition_table_is_the_one_source():
    allowed = {(frm, action) for action, (froms, _to) in rules.REPORT_TRANSITIONS.items()
               for frm in froms}
    assert allowed == {("draft", "submit"), ("returned", "submit"), ("submitted", "accept"),
                       ("submitted", "return")}


def test_a_submitted_or_accepted_report_is_frozen(task, official_a, area_a):
    report = write(official_a, unit_of(task, area=area_a))
    reports.report_submit(actor=official_a, report=report)
    with pytest.raises(ValidationError):
        write(official_a, report.unit, text="改动", report=report)
    report.refresh_from_db()
    assert report.text == "完成台账核查"


def test_who_files_for_which_unit(task, official_a, official_b, liaison_a, liaison_b,
                                  bureau_admin, bureau_reviewer, area_a, department_a,
                                  bureau_unit_department):
    area_unit = unit_of(task, area=area_a)
    department_unit = unit_of(task, department=department_a)
    bureau_unit = unit_of(task, department=bureau_unit_department)
    for actor, unit in ((official_b, area_unit), (liaison_b, department_unit),
                        (liaison_a, area_unit), (bureau_admin, area_unit),
                        (official_a, department_unit), (liaison_a, bureau_unit)):
        with pytest.raises(PermissionDenied):
            write(actor, unit)
    assert not ProgressReport.objects.exists()
    write(liaison_a, department_unit)
    write(bureau_reviewer, bureau_unit)  # the bureau's staff file its own unit's
    assert ProgressReport.objects.count() == 2
    with pytest.raises(PermissionDenied):  # only the office reviews
        reports.report_accept(actor=official_a, report=ProgressReport.objects.first())


def test_a_refused_upload_writes_nothing(task, official_a, area_a):
    unit = unit_of(task, area=area_a)
    with pytest.raises(ValidationError) as exc:
        write(official_a, unit, files=[pdf("virus.pdf", b"MZ\x90\x00 not a pdf")])
    assert "files" in exc.value.message_dict
    assert not ProgressReport.objects.exists() and not ReportAttachment.objects.exists()


@pytest.mark.parametrize("year, period", [(2024, 4), (2099, 1)])
def test_a_report_is_for_an_ended_quarter_of_the_task(task, official_a, area_a, year, period):
    with pytest.raises(ValidationError):
        write(official_a, unit_of(task, area=area_a), year=year, period=period)
    assert not ProgressReport.objects.exists()


def test_the_database_holds_exactly_one_of_area_and_department(task, area_b, department_b):
    for fields in ({"area": area_b, "department": department_b}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TaskUnit.objects.create(task=task, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():  # an area once per task
        TaskUnit.objects.create(task=task, area=task.units.exclude(area=None).get().area)


def test_the_service_refuses_a_unit_with_both_or_a_duplicate(task, bureau_admin, area_a,
                                                             department_b):
    before = task.units.count()
    with pytest.raises(ValidationError):
        services.unit_add(actor=bureau_admin, task=task, area=area_a, department=department_b)
    with pytest.raises(ValidationError):
        services.unit_add(actor=bureau_admin, task=task, area=area_a)
    assert task.units.count() == before


def test_the_task_workflow(task, bureau_admin, official_a, area_a):
    services.task_close(actor=bureau_admin, task=task, note="已完成")
    task.refresh_from_db()
    assert task.status == TaskStatus.CLOSED and task.closed_on is not None
    with pytest.raises(ValidationError):
        services.task_close(actor=bureau_admin, task=task)
    with pytest.raises(ValidationError):  # a closed task takes no new report
        write(official_a, unit_of(task, area=area_a))
    assert selectors.outstanding(selectors.units_for(official_a), date(2026, 12, 1)) == []
    services.task_reopen(actor=bureau_admin, task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    with pytest.raises(PermissionDenied):
        services.task_close(actor=official_a, task=task)


def test_milestone_done_once_and_not_in_the_future(task, bureau_admin):
    milestone = services.milestone_add(actor=bureau_admin, task=task, title="联合执法",
                                       due_date=date(2025, 6, 30))
    with pytest.raises(ValidationError):
        services.milestone_done(actor=bureau_admin, milestone=milestone, done_on=date(2999, 1, 1))
    services.milestone_done(actor=bureau_admin, milestone=milestone, done_on=date(2025, 6, 28))
    with pytest.raises(ValidationError):
        services.milestone_done(actor=bureau_admin, milestone=milestone, done_on=date(2025, 6, 29))


def test_outstanding_reports_and_overdue(task, official_a, area_a):
    today = date(2025, 7, 20)  # Q1 due 15 Apr (overdue), Q2 due 15 Jul (overdue)
    owed = selectors.outstanding(selectors.units_for(official_a), today)
    assert [(o.period.key, o.overdue) for o in owed] == [("2025-Q1", True), ("2025-Q2", True)]
    early = selectors.outstanding(selectors.units_for(official_a), date(2025, 7, 10))
    assert [(o.period.key, o.overdue) for o in early] == [("2025-Q1", True), ("2025-Q2", False)]


def test_reminders_once_per_recipient_and_resolved_on_submission(task, official_a, official_b,
                                                                 liaison_a, area_a):
    # the unit's reminder of 2025 Q1 (due 15 Apr): one day after, the overdue offset
    today = rules.Period(2025, 1).due.replace(day=16)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("programme.task_reminders.rules.periods_expected",
                   lambda start, day: [rules.Period(2025, 1)])
        first = send_reminders(today=today)
        second = send_reminders(today=today)
    assert first["programme-report"] >= 2 and second["programme-report"] == 0
    mine = Notification.objects.filter(recipient=official_a, key__startswith="reminder:programme-report:")
    assert mine.count() == 1 and mine.get().resolved_at is None
    assert not Notification.objects.filter(recipient=official_b,
                                           key__startswith="reminder:programme-report:").exists()
    assert Notification.objects.filter(recipient=liaison_a,
                                       key__startswith="reminder:programme-report:").count() == 1
    report = write(official_a, unit_of(task, area=area_a))
    reports.report_submit(actor=official_a, report=report)
    assert mine.get().resolved_at is not None
    # the liaison's own unit still owes its report
    assert Notification.objects.get(recipient=liaison_a,
                                    key__startswith="reminder:programme-report:").resolved_at is None


def test_period_rules():
    p = rules.Period(2026, 3)
    assert (p.start, p.end, p.due) == (date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 15))
    assert rules.Period(2026, 4).next() == rules.Period(2027, 1)
    assert rules.period_of(date(2026, 12, 4)) == rules.Period(2026, 4)
    assert rules.periods_expected(date(2026, 4, 1), date(2026, 12, 4)) == [
        rules.Period(2026, 2), rules.Period(2026, 3)]
