"""Task tracker pages for reading: the task group's list of all tasks (filters, search,
pagination, Excel), a task's page, "my tasks" of an official or liaison, and the printable
quarterly summary (with its Excel). Reading: Perm.VIEW_PROGRAMME_TASK through
``selectors.tasks`` (the bureau all, others the tasks their unit takes part in; else 404)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from programme import tasks_rules as rules
from programme.selectors import tasks as selectors
from programme.tasks_choices import ReportStatus, TaskStatus
from programme.tasks_filtersets import TaskFilterSet, unit_choices
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.excel import Column, Sheet, xlsx_response, xlsx_sheets_response
from zhongwei_carbon.roles import Perm

VIEW, MANAGE = Perm.VIEW_PROGRAMME_TASK, Perm.MANAGE_PROGRAMME_TASK
FILE, REVIEW = Perm.FILE_PROGRESS_REPORT, Perm.REVIEW_PROGRESS_REPORT
T = "programme/tasks/"


def crumbs(*more):
    return web.crumbs((_("Programme tasks"), "programme:task_list"), *more)


def _posted(request):
    """A form's data: the POST even when empty (a confirmation posts no field)."""
    return request.POST if request.method == "POST" else None


def _filtered(request):
    qs = selectors.tasks_for(request.user).prefetch_related(selectors.units_prefetch())
    return TaskFilterSet(request.GET, queryset=qs.order_by("number"), request=request)


def _units_text(task, role: str) -> str:
    return "、".join(str(u) for u in task.units_in(role))


@web.require(VIEW)
@require_GET
def task_list(request):
    filterset = _filtered(request)
    counts = {s: 0 for s, _label in TaskStatus.choices}
    for status in selectors.tasks_for(request.user).values_list("status", flat=True):
        counts[status] += 1
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "statuses": [(s, label, counts[s]) for s, label in TaskStatus.choices],
        "units": unit_choices(), "can_manage": roles.has_perm(request.user, MANAGE),
        "breadcrumbs": crumbs(),
    })


def task_columns() -> list[Column]:
    return [
        Column(_("Number"), lambda t: t.number, 8),
        Column(_("Title"), lambda t: t.title, 40),
        Column(_("Status"), lambda t: t.get_status_display(), 10),
        Column(_("Lead unit"), lambda t: _units_text(t, "lead"), 30),
        Column(_("Supporting units"), lambda t: _units_text(t, "supporting"), 50),
        Column(_("Due date"), lambda t: t.due_date, 12),
        Column(_("Progress reports from"), lambda t: t.reports_from, 12),
        Column(_("Closed on"), lambda t: t.closed_on, 12),
        Column(_("Description"), lambda t: t.description, 60),
    ]


@web.require(VIEW)
@require_GET
def task_export(request):
    return xlsx_response(filename=_("programme-tasks"), sheet_title=_("Programme tasks"),
                         columns=task_columns(), rows=_filtered(request).qs)


@web.require(VIEW)
@require_GET
def task_detail(request, pk):
    task = selectors.get_task(request.user, pk)
    today = timezone.localdate()
    periods, grid = selectors.period_grid(task, request.user, today)
    return render(request, T + "detail.html", {
        "task": task, "periods": periods, "grid": grid, "today": today,
        "items": task.items.all(), "milestones": task.milestones.all(),
        "can_manage": roles.has_perm(request.user, MANAGE),
        "events": events.for_object(task), "history": web.history_rows(task),
        "breadcrumbs": crumbs((str(task), None)),
    })


@web.require(FILE)
@require_GET
def task_mine(request):
    """The tasks the user's unit takes part in, and the reports it owes."""
    today = timezone.localdate()
    units = list(selectors.own_units(request.user).order_by("task__number", "position"))
    owed = selectors.outstanding(selectors.own_units(request.user), today)
    recent = (selectors.reports_for(request.user).filter(unit__in=[u.pk for u in units])
              .order_by("-year", "-period", "unit__task__number")[:20])
    return render(request, T + "mine.html", {
        "units": units, "owed": owed, "recent": recent, "today": today,
        "breadcrumbs": crumbs((_("My tasks"), None)),
    })


def _summary_periods(request) -> list[rules.Period]:
    today = timezone.localdate()
    last = rules.last_ended(today)
    year = web.whole_number(request.GET.get("year"))
    quarter = web.whole_number(request.GET.get("quarter"))
    if year is None or not rules.valid_period(year, 1):
        return [last]
    if quarter is not None and rules.valid_period(year, quarter):
        return [rules.Period(year, quarter)]
    return [rules.Period(year, n) for n in range(1, rules.PERIODS_PER_YEAR + 1)
            if rules.Period(year, n) <= last] or [rules.Period(year, 1)]


@web.require(VIEW)
@require_GET
def task_summary(request):
    """The quarterly summary for the task group: one printed page per quarter."""
    periods = _summary_periods(request)
    pages = [(p, selectors.summary(request.user, p)) for p in periods]
    return render(request, T + "summary.html", {
        "pages": pages, "year": periods[0].year, "quarter": request.GET.get("quarter", ""),
        "quarters": range(1, rules.PERIODS_PER_YEAR + 1), "submitted": ReportStatus.SUBMITTED,
        "breadcrumbs": crumbs((_("Quarterly summary"), None)),
    })


def _figures(report) -> str:
    if report is None:
        return ""
    return "；".join(str(f) for f in report.figures.all())


@web.require(VIEW)
@require_GET
def task_summary_export(request):
    sheets = []
    for period in _summary_periods(request):
        rows = [(task, unit, report) for task, units in selectors.summary(request.user, period)
                for unit, report in units]
        sheets.append(Sheet(f"{period.year}Q{period.n}", [
            Column(_("Number"), lambda r: r[0].number, 8),
            Column(_("Task"), lambda r: r[0].title, 36),
            Column(pgettext("programme", "Unit"), lambda r: str(r[1]), 24),
            Column(_("Role"), lambda r: r[1].get_role_display(), 10),
            Column(_("Report status"), lambda r: r[2].get_status_display() if r[2]
                   else _("Not filed"), 12),
            Column(_("Due date"), lambda r, p=period: p.due, 12),
            Column(_("Progress"), lambda r: r[2].text if r[2] else "", 80),
            Column(_("Figures"), lambda r: _figures(r[2]), 40),
            Column(_("Review note"), lambda r: r[2].review_note if r[2] else "", 40),
        ], rows))
    return xlsx_sheets_response(filename=_("programme-quarterly-summary"), sheets=sheets,
                                ascii_name="programme-summary")
