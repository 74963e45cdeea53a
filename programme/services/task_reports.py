"""The progress reports of the programme's tasks: a unit writes its report of a period (text,
figures, checked attachments), submits it; the task group office (the bureau) accepts it or
returns it asking for more, and the unit revises and submits again. The allowed steps are
``tasks_rules.REPORT_TRANSITIONS``; any other is refused with a clear error.

Notices (Topic.PROGRAMME): a submitted report is a to-do of the reviewers, resolved when they
accept or return it; a returned report is a to-do of the unit's people, resolved when it is
submitted again, as are the period's deadline reminders (``programme.task_reminders``)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.services.inspections import checked_files
from programme import tasks_people
from programme import tasks_rules as rules
from programme.models import ProgressReport, ReportAttachment, ReportFigure, TaskUnit
from programme.selectors import tasks as selectors
from programme.tasks_choices import TaskStatus
from zhongwei_carbon import events, notifications, uploads
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Perm

FILE, REVIEW = Perm.FILE_PROGRESS_REPORT, Perm.REVIEW_PROGRESS_REPORT
KEY = "programme-report"  # prefix of the workflow's notice keys
REMINDER_KIND = "programme-report"


def _require_filer(actor, unit: TaskUnit) -> None:
    if not selectors.files_for(actor, unit):
        raise PermissionDenied(_("Only the unit's own people file its progress reports."))


def _require_reviewer(actor) -> None:
    from zhongwei_carbon import roles

    if not roles.has_perm(actor, REVIEW):
        raise PermissionDenied(_("Only the task group office reviews progress reports."))


def _lock(report: ProgressReport) -> ProgressReport:
    return (ProgressReport.objects.select_for_update(no_key=True, of=("self",))
            .select_related("unit__task", "unit__area", "unit__department").get(pk=report.pk))


def _move(report: ProgressReport, action: str) -> str:
    target = rules.next_status(rules.REPORT_TRANSITIONS, action, report.status)
    if target is None:
        labels = {"submit": _("submitted"), "accept": _("accepted"), "return": _("returned")}
        raise ValidationError(
            _("A progress report that is “%(status)s” cannot be %(action)s.")
            % {"status": report.get_status_display(), "action": labels[action]},
            code="transition")
    return target


def _period_check(unit: TaskUnit, year: int, period: int) -> None:
    if not rules.valid_period(year, period):
        raise ValidationError(_("There is no such reporting period."), code="period")
    if unit.task.status != TaskStatus.IN_PROGRESS:
        raise ValidationError(_("Progress reports are filed only while the task is in progress."),
                              code="task_status")
    expected = rules.periods_expected(unit.task.reports_from, timezone.localdate())
    if rules.Period(year, period) not in expected:
        raise ValidationError(
            _("A report is filed for a quarter that has ended, from the task's first reporting "
              "quarter on."), code="period")


def _set_figures(report: ProgressReport, figures) -> None:
    rows = []
    for i, (label, value, unit) in enumerate(figures or [], start=1):
        if not isinstance(value, Decimal):
            raise ValidationError({"figures": _("A figure's value must be a number.")})
        row = ReportFigure(report=report, position=i, label=label.strip(), value=value,
                           unit=(unit or "").strip())
        row.full_clean(exclude=["report"])
        rows.append(row)
    report.figures.all().delete()
    ReportFigure.objects.bulk_create(rows)


def _store(actor, report: ProgressReport, files) -> list[ReportAttachment]:
    return uploads.store_documents(
        files, lambda **names: ReportAttachment(report=report, uploaded_by=actor, **names))


@transaction.atomic
def report_save(*, actor, unit: TaskUnit, year: int, period: int, text: str,
                figures=(), files=(), report: ProgressReport | None = None) -> ProgressReport:
    """Write (or revise) the unit's report of a period while it is a draft or returned:
    ``figures`` are (label, Decimal value, unit) and replace the earlier ones; ``files`` are
    added. Every upload is checked before anything is stored."""
    unit = TaskUnit.objects.select_related("task", "area", "department").get(pk=unit.pk)
    _require_filer(actor, unit)
    checked = checked_files(files)  # refused uploads: nothing written
    if report is None:
        report = ProgressReport.objects.filter(unit=unit, year=year, period=period).first()
    if report is None:
        _period_check(unit, year, period)
        report = ProgressReport(unit=unit, year=year, period=period, created_by=actor)
        created = True
    else:
        report = _lock(report)
        created = False
        if not report.is_editable:
            raise ValidationError(
                _("A %(status)s report cannot be changed.")
                % {"status": report.get_status_display()}, code="frozen")
    report.text = text
    report.full_clean()
    report.save()
    _set_figures(report, figures)
    stored = _store(actor, report, checked)
    message = _("Report written") if created else _("Report revised")
    if stored:
        message += _("; attached: %(names)s") % {"names": "、".join(a.original_name for a in stored)}
    events.record(actor=actor, verb="programme.report_saved", target=report, message=message)
    return report


@transaction.atomic
def attachment_remove(*, actor, attachment: ReportAttachment) -> None:
    report = _lock(attachment.report)
    _require_filer(actor, report.unit)
    if not report.is_editable:
        raise ValidationError(_("A %(status)s report cannot be changed.")
                              % {"status": report.get_status_display()}, code="frozen")
    name = attachment.original_name
    attachment.delete()
    events.record(actor=actor, verb="programme.attachment_removed", target=report,
                  message=_("Attachment removed: %(name)s") % {"name": name})


def _reminder_prefix(report: ProgressReport) -> str:
    ct = ContentType.objects.get_for_model(TaskUnit)
    return f"reminder:{REMINDER_KIND}:{ct.pk}:{report.unit_id}:{report.reporting_period.key}:"


@transaction.atomic
def report_submit(*, actor, report: ProgressReport) -> ProgressReport:
    """Submit the report to the task group office (frozen until it is returned)."""
    report = _lock(report)
    _require_filer(actor, report.unit)
    report.status = _move(report, "submit")
    if not report.text.strip():
        raise ValidationError({"text": _("Describe the progress before submitting.")})
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.full_clean()
    report.save()
    again = report.times_returned > 0
    events.record(actor=actor, verb="programme.report_submitted", target=report,
                  message=_("Submitted again after the return") if again else _("Submitted"))
    # the unit's work is done: its return notice and the period's reminders
    notifications.resolve(report, key_prefix=f"{KEY}:{report.pk}:returned")
    notifications.resolve(report.unit, key_prefix=_reminder_prefix(report))
    notifications.notify(
        recipients=tasks_people.reviewers(), obj=report, todo=True, topic=Topic.PROGRAMME,
        key=f"{KEY}:{report.pk}:submitted:{report.times_returned}",
        subject=_("Progress report to review: %(task)s · %(report)s")
        % {"task": report.unit.task, "report": report},
        body=report.text[:300], link=report.get_absolute_url(),
    )
    return report


def _review(actor, report: ProgressReport, action: str, note: str) -> ProgressReport:
    _require_reviewer(actor)
    report = _lock(report)
    report.status = _move(report, action)
    if action == "return" and not note.strip():
        raise ValidationError({"note": _("Say what the unit must add or revise.")})
    report.reviewed_by, report.reviewed_at, report.review_note = actor, timezone.now(), note
    if action == "return":
        report.times_returned += 1
    report.full_clean()
    report.save()
    notifications.resolve(report, key_prefix=f"{KEY}:{report.pk}:submitted")
    return report


@transaction.atomic
def report_accept(*, actor, report: ProgressReport, note: str = "") -> ProgressReport:
    report = _review(actor, report, "accept", note)
    events.record(actor=actor, verb="programme.report_accepted", target=report,
                  message=_("Accepted") + (f"：{note}" if note else ""))
    return report


@transaction.atomic
def report_return(*, actor, report: ProgressReport, note: str) -> ProgressReport:
    """Return the report asking for more (``note``: what to add); the unit's people get a
    to-do."""
    report = _review(actor, report, "return", note)
    events.record(actor=actor, verb="programme.report_returned", target=report,
                  message=_("Returned for more: %(note)s") % {"note": note})
    people = tasks_people.unit_people([report.unit]).get(report.unit_id, ())
    notifications.notify(
        recipients=people, obj=report, todo=True, topic=Topic.PROGRAMME,
        key=f"{KEY}:{report.pk}:returned:{report.times_returned}",
        subject=_("Progress report returned: %(task)s · %(report)s")
        % {"task": report.unit.task, "report": report},
        body=note, link=report.get_absolute_url(),
    )
    return report
