"""Reads of the programme's task tracker, each through ``scoping.for_user`` (DESIGN.md §4.1):
the bureau sees every task and every report but other units' drafts; a county/park official
or a department liaison the tasks its unit takes part in and its own unit's reports (others:
not found)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q

from programme import tasks_rules as rules
from programme.models import ProgrammeTask, ProgressReport, TaskUnit
from programme.tasks_choices import ReportStatus, TaskStatus
from zhongwei_carbon import roles, scoping, web
from zhongwei_carbon.roles import BUREAU, Perm, Role

VIEW, VIEW_REPORT = Perm.VIEW_PROGRAMME_TASK, Perm.VIEW_PROGRESS_REPORT
FILE = Perm.FILE_PROGRESS_REPORT

UNIT_RELATED = ("area", "department")


def units_prefetch() -> Prefetch:
    return Prefetch("units", queryset=TaskUnit.objects.select_related(*UNIT_RELATED))


def tasks_for(user, action: str = VIEW):
    return scoping.for_user(ProgrammeTask.objects.all(), user, action)


def get_task(user, pk, action: str = VIEW) -> ProgrammeTask:
    return web.get_scoped_or_404(ProgrammeTask.objects.all(), user, action, pk=pk)


def own_units_q(user) -> Q:
    """The units ``user`` files progress reports for (TaskUnit rows): an official's area, a
    liaison's department, the bureau's own unit for bureau staff. No unit: matches nothing."""
    allowed = roles.roles_for(FILE)
    clauses = Q(pk__in=[])
    for m in roles.memberships(user):
        if m.role not in allowed:
            continue
        if m.role in BUREAU:
            clauses |= Q(department__code=rules.BUREAU_UNIT_CODE)
        elif m.role == Role.AREA_OFFICIAL and m.area_id:
            clauses |= Q(area_id=m.area_id)
        elif m.role == Role.DEPARTMENT_LIAISON and m.department_id:
            clauses |= Q(department_id=m.department_id)
    return clauses


def files_for(user, unit: TaskUnit) -> bool:
    """Does ``user`` file the reports of ``unit`` (no query: the unit's department loaded)?"""
    allowed = roles.roles_for(FILE)
    for m in roles.memberships(user):
        if m.role not in allowed:
            continue
        if m.role in BUREAU and unit.department_id and unit.department.code == rules.BUREAU_UNIT_CODE:
            return True
        if m.role == Role.AREA_OFFICIAL and unit.area_id and unit.area_id == m.area_id:
            return True
        if (m.role == Role.DEPARTMENT_LIAISON and unit.department_id
                and unit.department_id == m.department_id):
            return True
    return False


def own_units(user):
    return TaskUnit.objects.filter(own_units_q(user)).select_related("task", *UNIT_RELATED)


def units_for(user):
    """The units whose reports ``user`` may read: all for the bureau, else its own."""
    return scoping.for_user(TaskUnit.objects.all(), user, VIEW_REPORT)


def get_unit(user, pk, action: str = VIEW_REPORT) -> TaskUnit:
    return web.get_scoped_or_404(TaskUnit.objects.select_related("task", *UNIT_RELATED), user,
                                 action, pk=pk)


def reports_for(user, action: str = VIEW_REPORT):
    """Progress reports within the user's scope; the bureau sees no other unit's draft."""
    qs = scoping.for_user(ProgressReport.objects.all(), user, action)
    if roles.is_bureau(user):
        qs = qs.filter(~Q(status=ReportStatus.DRAFT) | Q(unit__in=TaskUnit.objects.filter(
            own_units_q(user))))
    return qs.select_related("unit__task", "unit__area", "unit__department", "submitted_by",
                             "reviewed_by")


def get_report(user, pk, action: str = VIEW_REPORT) -> ProgressReport:
    return web.get_scoped_or_404(reports_for(user, action), user, action, pk=pk)


@dataclass
class Outstanding:
    """A report a unit owes for a period (none filed, a draft, or returned)."""

    unit: TaskUnit
    period: rules.Period
    report: ProgressReport | None
    overdue: bool

    @property
    def task(self):
        return self.unit.task


def outstanding(units, today: date) -> list[Outstanding]:
    """The reports ``units`` (a TaskUnit queryset) owe by ``today`` for their tasks in
    progress, oldest due first (two queries)."""
    rows = list(units.filter(task__status=TaskStatus.IN_PROGRESS)
                .select_related("task", *UNIT_RELATED).order_by("task__number", "position", "pk"))
    found = {(r.unit_id, r.year, r.period): r
             for r in ProgressReport.objects.filter(unit__in=[u.pk for u in rows])}
    out = []
    for unit in rows:
        for period in rules.periods_expected(unit.task.reports_from, today):
            report = found.get((unit.pk, period.year, period.n))
            status = report.status if report else None
            if status not in rules.DONE:
                out.append(Outstanding(unit, period, report, rules.is_overdue(period, today, status)))
    out.sort(key=lambda o: (o.period.due, o.unit.task.number, o.unit.position))
    return out


def late_milestones_q(today: date) -> Q:
    return Q(milestones__due_date__lt=today, milestones__done_on__isnull=True)


def overdue_task_ids(user, today: date, owed: list[Outstanding] | None = None) -> set[int]:
    """Tasks (within the user's scope) with an overdue report of a unit the user sees, a
    milestone not done by its date, or their own due date passed while not closed (``owed``:
    ``outstanding`` of the user's units, when already read)."""
    if owed is None:
        owed = outstanding(units_for(user), today)
    ids = {o.unit.task_id for o in owed if o.overdue}
    late = tasks_for(user).filter(
        late_milestones_q(today) | Q(due_date__lt=today, status__in=[
            TaskStatus.PLANNED, TaskStatus.IN_PROGRESS])
    ).values_list("pk", flat=True)
    return ids | set(late)


def task_ids_awaiting(user, today: date) -> set[int]:
    """Tasks where a unit the user sees still owes a report (due or overdue)."""
    return {o.unit.task_id for o in outstanding(units_for(user), today)}


def period_grid(task: ProgrammeTask, user, today: date):
    """The task page's table: each unit (the user may see) by period, with its report (or
    ``None``), from the first period to the last ended (newest first)."""
    periods = list(reversed(rules.periods_expected(task.reports_from, today)))
    units = list(task.units.select_related(*UNIT_RELATED))
    visible = set(units_for(user).filter(task=task).values_list("pk", flat=True))
    reports = {(r.unit_id, r.year, r.period): r
               for r in reports_for(user).filter(unit__task=task)}
    rows = []
    for unit in units:
        cells = [(p, reports.get((unit.pk, p.year, p.n)),
                  rules.is_overdue(p, today, getattr(reports.get((unit.pk, p.year, p.n)),
                                                     "status", None))
                  if task.status == TaskStatus.IN_PROGRESS else False)
                 for p in periods]
        rows.append({"unit": unit, "cells": cells, "visible": unit.pk in visible,
                     "mine": files_for(user, unit)})
    return periods, rows


def summary(user, period: rules.Period):
    """The quarterly summary: every task (in scope) reporting in ``period``, its units, each
    unit's report of the period (drafts hidden from the bureau) with its figures. Four
    queries."""
    tasks = list(tasks_for(user).exclude(status=TaskStatus.PLANNED)
                 .filter(reports_from__lte=period.end).prefetch_related(units_prefetch())
                 .order_by("number"))
    reports = {r.unit_id: r for r in reports_for(user).filter(
        year=period.year, period=period.n, unit__task__in=tasks).prefetch_related("figures")}
    by_task = defaultdict(list)
    for task in tasks:
        for unit in task.units.all():
            by_task[task.pk].append((unit, reports.get(unit.pk)))
    return [(task, by_task[task.pk]) for task in tasks]
