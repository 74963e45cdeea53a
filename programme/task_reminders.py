"""Deadline sources of the programme's task tracker for the reminder job (issue 15's engine),
registered from ``programme.setup.tasks``; each reads its items in a constant number of
queries.

- ``programme-report``: each unit of a task in progress owes a progress report per quarter,
  due ``tasks_rules.DUE_DAYS_AFTER_PERIOD`` days after the quarter ends; reminded to the
  unit's people (a county's officials, a department's liaisons, the bureau's staff for its
  own unit) until it is submitted, escalated (overdue) to the bureau. The item is the unit
  and the quarter (``Due.part``); submitting resolves its to-dos at once
  (``services.task_reports.report_submit``).
- ``programme-milestone``: a milestone not done by its date, reminded to the people of the
  task's lead units; recording it done resolves the to-dos.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from programme import tasks_people
from programme import tasks_rules as rules
from programme.tasks_choices import TaskStatus, UnitRole
from zhongwei_carbon.reminders import NO_AREA, Due

AHEAD = timedelta(days=30)
BEHIND = timedelta(days=30)
REPORT_KIND, MILESTONE_KIND = "programme-report", "programme-milestone"


def report_items(today: date):
    """One item per unit and quarter whose report is due within ``AHEAD`` or still owed;
    reports submitted within ``BEHIND`` of their due day come as done (three to five
    queries)."""
    from programme.models import ProgressReport, TaskUnit

    units = list(TaskUnit.objects.filter(task__status=TaskStatus.IN_PROGRESS)
                 .select_related("task", "area", "department").order_by("task__number", "pk"))
    found = {(r.unit_id, r.year, r.period): r.status
             for r in ProgressReport.objects.filter(unit__in=[u.pk for u in units])}
    people = tasks_people.unit_people(units)
    # reminders start before the due day: a quarter ended by today + AHEAD may be due soon
    horizon = today + AHEAD
    for unit in units:
        for period in rules.periods_expected(unit.task.reports_from, horizon):
            status = found.get((unit.pk, period.year, period.n))
            done = status in rules.DONE
            if period.due > horizon or (done and period.due < today - BEHIND):
                continue
            yield Due(
                kind=REPORT_KIND, object=unit, part=period.key,
                recipients=people.get(unit.pk, ()), deadline=period.due,
                title=_("Progress report of %(task)s, Q%(n)s %(year)s (%(unit)s)") % {
                    "task": unit.task, "n": period.n, "year": period.year, "unit": unit},
                todo=_("Write and submit the quarter's progress report."),
                url=reverse("programme:report_write", kwargs={
                    "unit": unit.pk, "year": period.year, "period": period.n}),
                done=done,
                area_id=unit.area_id or NO_AREA,
                escalate=not unit.is_bureau,
            )


def milestone_items(today: date):
    """One item per milestone of a task in progress due within ``AHEAD`` or late (two to
    four queries)."""
    from programme.models import TaskMilestone, TaskUnit

    rows = list(TaskMilestone.objects.filter(
        Q(done_on__isnull=True) | Q(due_date__gte=today - BEHIND),
        task__status=TaskStatus.IN_PROGRESS, due_date__lte=today + AHEAD,
    ).select_related("task").order_by("due_date", "pk"))
    leads = list(TaskUnit.objects.filter(task__in={m.task_id for m in rows}, role=UnitRole.LEAD)
                 .select_related("department"))
    people = tasks_people.unit_people(leads)
    by_task: dict[int, dict] = {}
    for unit in leads:
        for user in people.get(unit.pk, ()):
            by_task.setdefault(unit.task_id, {})[user.pk] = user
    for m in rows:
        yield Due(
            kind=MILESTONE_KIND, object=m, recipients=tuple(by_task.get(m.task_id, {}).values()),
            deadline=m.due_date,
            title=_("Milestone “%(title)s” of %(task)s") % {"title": m.title, "task": m.task},
            todo=_("Reach the milestone; the task group office records it done."),
            url=m.task.get_absolute_url(), done=m.done_on is not None,
            area_id=NO_AREA, escalate=False,
        )
