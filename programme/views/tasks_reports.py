"""Progress report pages: the list (filters, search, Excel), a report's page with the review
actions, writing and revising a report (text, figures, attachments), submitting it and the
task group office's accept / return, each confirmed on its own page. Reading:
Perm.VIEW_PROGRESS_REPORT (a unit's own reports; the bureau all but other units' drafts);
filing: the unit's people (``selectors.files_for``); review: Perm.REVIEW_PROGRESS_REPORT."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from programme import tasks_rules as rules
from programme.models import ProgressReport, ReportAttachment
from programme.selectors import tasks as selectors
from programme.services import task_reports as services
from programme.tasks_choices import ReportStatus
from programme.tasks_filtersets import ProgressReportFilterSet, unit_choices
from programme.tasks_forms import (
    ConfirmForm,
    FigureFormSet,
    NoteForm,
    ReportForm,
    ReturnForm,
    figures_of,
)
from programme.views.tasks_pages import T, _posted, crumbs
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW, FILE, REVIEW = Perm.VIEW_PROGRESS_REPORT, Perm.FILE_PROGRESS_REPORT, Perm.REVIEW_PROGRESS_REPORT


def _report_crumbs(report, *more):
    task = report.unit.task
    return crumbs((str(task), task.get_absolute_url()),
                  (str(report), report.get_absolute_url() if more else None), *more)


def _filtered(request):
    return ProgressReportFilterSet(request.GET, queryset=selectors.reports_for(request.user),
                                   request=request)


@web.require(VIEW)
@require_GET
def report_list(request):
    filterset = _filtered(request)
    return render(request, T + "reports.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "statuses": ReportStatus.choices, "units": unit_choices(),
        "breadcrumbs": crumbs((_("Progress reports"), None)),
    })


def report_columns() -> list[Column]:
    return [
        Column(_("Task"), lambda r: str(r.unit.task), 40),
        Column(pgettext("programme", "Unit"), lambda r: str(r.unit), 24),
        Column(_("Role"), lambda r: r.unit.get_role_display(), 10),
        Column(_("Year"), lambda r: r.year, 8),
        Column(_("Quarter"), lambda r: r.period, 8),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Due date"), lambda r: r.due, 12),
        Column(_("Submitted at"), lambda r: r.submitted_at, 18),
        Column(_("Reviewed at"), lambda r: r.reviewed_at, 18),
        Column(_("Progress"), lambda r: r.text, 80),
        Column(_("Review note"), lambda r: r.review_note, 40),
    ]


@web.require(VIEW)
@require_GET
def report_export(request):
    return xlsx_response(filename=_("progress-reports"), sheet_title=_("Progress reports"),
                         columns=report_columns(), rows=_filtered(request).qs)


@web.require(VIEW)
@require_GET
def report_detail(request, pk):
    report = selectors.get_report(request.user, pk)
    mine = selectors.files_for(request.user, report.unit)
    can_review = roles.has_perm(request.user, REVIEW) and report.status == ReportStatus.SUBMITTED
    return render(request, T + "report_detail.html", {
        "report": report, "task": report.unit.task, "figures": report.figures.all(),
        "attachments": report.attachments.all(), "can_edit": mine and report.is_editable,
        "can_review": can_review, "overdue": rules.is_overdue(report.reporting_period, timezone.localdate(),
                                   report.status),
        "events": events.for_object(report), "history": web.history_rows(report),
        "breadcrumbs": _report_crumbs(report),
    })


def _form_page(request, unit, period, form, figures, report=None):
    title = _("Progress report of Q%(n)s %(year)s") % {"n": period.n, "year": period.year}
    task = unit.task
    more = [(str(report), report.get_absolute_url())] if report else []
    return render(request, T + "report_form.html", {
        "form": form, "figures": figures, "unit": unit, "task": task, "period": period,
        "report": report, "title": title,
        "attachments": report.attachments.all() if report else [],
        "cancel_url": report.get_absolute_url() if report else task.get_absolute_url(),
        "breadcrumbs": crumbs((str(task), task.get_absolute_url()), *more, (title, None)),
    })


def _write(request, unit, period, report=None):
    if not selectors.files_for(request.user, unit):
        raise PermissionDenied
    initial = [{"label": f.label, "value": f.value.normalize(), "unit": f.unit}
               for f in report.figures.all()] if report else []
    form = ReportForm(request.POST or None, request.FILES or None,
                      initial={"text": report.text} if report else None)
    figures = FigureFormSet(request.POST or None, initial=initial, prefix="fig")
    if request.method == "POST" and form.is_valid() and figures.is_valid():
        try:
            report = services.report_save(
                actor=request.user, unit=unit, year=period.year, period=period.n,
                report=report, text=form.cleaned_data["text"], figures=figures_of(figures),
                files=form.cleaned_data["files"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Progress report saved as a draft: submit it when it is complete."))
            return redirect(report)
    return _form_page(request, unit, period, form, figures, report)


@web.require(FILE)
@require_http_methods(["GET", "POST"])
def report_write(request, unit, year, period):
    """Write a unit's report of a quarter (a report already begun opens for revision)."""
    unit = selectors.get_unit(request.user, unit, FILE)
    if not rules.valid_period(year, period):
        raise Http404
    found = ProgressReport.objects.filter(unit=unit, year=year, period=period).first()
    if found is not None:
        return redirect("programme:report_edit" if found.is_editable else "programme:report_detail",
                        pk=found.pk)
    return _write(request, unit, rules.Period(year, period))


@web.require(FILE)
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = selectors.get_report(request.user, pk, FILE)
    if not report.is_editable:
        messages.info(request, _("A %(status)s report cannot be changed.")
                      % {"status": report.get_status_display()})
        return redirect(report)
    return _write(request, report.unit, report.reporting_period, report)


def _confirm(request, report, *, form, act, title, question, button, success, warning=""):
    return web.form_step(
        request, report, form=form, success=success, act=act,
        page=lambda f: render(request, T + "report_confirm.html", {
            "report": report, "form": f, "title": title, "question": question,
            "button": button, "warning": warning, "figures": report.figures.all(),
            "attachments": report.attachments.all(),
            "breadcrumbs": _report_crumbs(report, (title, None))}))


@web.require(FILE)
@require_http_methods(["GET", "POST"])
def report_submit(request, pk):
    report = selectors.get_report(request.user, pk, FILE)
    if not selectors.files_for(request.user, report.unit):
        raise PermissionDenied
    return _confirm(
        request, report, form=ConfirmForm(_posted(request)),
        act=lambda d: services.report_submit(actor=request.user, report=report),
        title=_("Submit the progress report"), button=_("Submit"),
        question=_("Submit this report to the task group office?"),
        warning=_("Once submitted the report cannot be changed unless the office returns it."),
        success=_("Progress report submitted."))


@web.require(REVIEW)
@require_http_methods(["GET", "POST"])
def report_accept(request, pk):
    report = selectors.get_report(request.user, pk, REVIEW)
    return _confirm(
        request, report, form=NoteForm(_posted(request)),
        act=lambda d: services.report_accept(actor=request.user, report=report, **d),
        title=_("Accept the progress report"), button=_("Accept"),
        question=_("Accept this report for the quarter?"),
        warning=_("An accepted report is final."), success=_("Progress report accepted."))


@web.require(REVIEW)
@require_http_methods(["GET", "POST"])
def report_return(request, pk):
    report = selectors.get_report(request.user, pk, REVIEW)
    return _confirm(
        request, report, form=ReturnForm(_posted(request)),
        act=lambda d: services.report_return(actor=request.user, report=report, **d),
        title=_("Return the report for more"), button=_("Return to the unit"),
        question=_("Return this report to the unit, asking for more?"),
        warning=_("The unit's people are notified and must submit it again."),
        success=_("Progress report returned to the unit."))


def _attachment(request, pk, action):
    qs = ReportAttachment.objects.select_related("report__unit__task", "report__unit__department")
    attachment = web.get_scoped_or_404(qs, request.user, action, pk=pk)
    # the bureau does not see another unit's draft, nor its files
    selectors.get_report(request.user, attachment.report_id, action)
    return attachment


@web.require(VIEW)
@require_GET
def report_attachment(request, pk):
    attachment = _attachment(request, pk, VIEW)
    ext = os.path.splitext(attachment.file.name or "")[1].lower()
    stem = os.path.splitext(attachment.original_name)[0] or "attachment"
    return web.send_file(attachment.file, f"{stem}{ext}")


@web.require(FILE)
@require_http_methods(["GET", "POST"])
def report_attachment_remove(request, pk):
    attachment = _attachment(request, pk, FILE)
    report = attachment.report
    if request.method != "POST":
        return render(request, T + "report_confirm.html", {
            "report": report, "title": _("Remove an attachment"),
            "question": _("Remove %(name)s from the report?") % {"name": attachment.original_name},
            "button": _("Remove"), "form": ConfirmForm(), "figures": [], "attachments": [],
            "breadcrumbs": _report_crumbs(report, (_("Remove an attachment"), None))})
    return web.post_step(request, report, lambda: services.attachment_remove(
        actor=request.user, attachment=attachment), _("Attachment removed."))

