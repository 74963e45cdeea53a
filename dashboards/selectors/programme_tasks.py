"""Bureau, county / park official and department liaison: the reform programme's tasks
(卫政办发〔2023〕61号) as the user sees them: tasks by status, tasks with something overdue,
tasks awaiting a unit's quarterly report, reports waiting for the task group office's review,
and the reports still owed (oldest due first). Each figure opens the task list or the report
list with the same filter (``programme.tasks_filtersets``), read through the same selectors, in
a constant number of queries."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.panels import Figure, Panel
from dashboards.selectors.base import TOP, Context, url
from programme.selectors import tasks as sel
from programme.tasks_choices import ReportStatus, TaskStatus
from zhongwei_carbon import roles
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Perm

TASKS, REPORTS = "programme:task_list", "programme:report_list"


def programme_tasks_panel(ctx: Context) -> Panel | None:
    user = ctx.user
    if not roles.has_perm(user, Perm.VIEW_PROGRAMME_TASK):
        return None
    by_status = dict(sel.tasks_for(user).order_by().values_list("status")
                     .annotate(n=Count("pk")))
    owed = sel.outstanding(sel.units_for(user), ctx.today)
    overdue = sel.overdue_task_ids(user, ctx.today, owed)
    awaiting = {o.unit.task_id for o in owed}
    figures = [Figure(str(label), by_status.get(value, 0), url(TASKS, status=value),
                      key=f"status_{value}") for value, label in TaskStatus.choices]
    figures += [
        Figure(_("Tasks with something overdue"), len(overdue), url(TASKS, overdue="true"),
               key="overdue"),
        Figure(_("Tasks awaiting progress reports"), len(awaiting), url(TASKS, awaiting="true"),
               key="awaiting"),
    ]
    if roles.has_perm(user, Perm.REVIEW_PROGRESS_REPORT):
        to_review = sel.reports_for(user).filter(status=ReportStatus.SUBMITTED).count()
        figures.append(Figure(_("Reports to review"), to_review,
                              url(REPORTS, status=ReportStatus.SUBMITTED), key="to_review"))
    return Panel(
        key="programme_tasks", title=_("Reform programme tasks"), scope=ctx.scope,
        figures=figures,
        columns=[Column(_("Task"), lambda o: o.task.title, 30),
                 Column(pgettext("programme", "Unit"), lambda o: str(o.unit), 20),
                 Column(_("Quarter"), lambda o: o.period.key, 10),
                 Column(_("Due date"), lambda o: o.period.due, 12),
                 Column(_("Status"), lambda o: _status(o), 12)],
        rows=owed[:TOP], export_rows=owed,
        row_url=lambda o: o.task.get_absolute_url(),
        more_url=url(TASKS, awaiting="true"), more_label=_("Tasks awaiting progress reports"),
        empty=_("No progress report is owed."),
    )


def _status(o) -> str:
    if o.overdue:
        return _("Overdue")
    return o.report.get_status_display() if o.report else _("Not filed")
