"""Pages of the programme's tasks topic (the task tracker): reading in ``tasks_pages``, the
bureau admin's task management in ``tasks_manage``, progress reports in ``tasks_reports``."""

from django.urls import path

from programme.views import tasks_manage as manage
from programme.views import tasks_pages as pages
from programme.views import tasks_reports as reports

urlpatterns: list = [
    path("tasks/", pages.task_list, name="task_list"),
    path("tasks/export/", pages.task_export, name="task_export"),
    path("tasks/mine/", pages.task_mine, name="task_mine"),
    path("tasks/summary/", pages.task_summary, name="task_summary"),
    path("tasks/summary/export/", pages.task_summary_export, name="task_summary_export"),
    path("tasks/new/", manage.task_create, name="task_create"),
    path("tasks/<int:pk>/", pages.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", manage.task_edit, name="task_edit"),
    path("tasks/<int:pk>/units/add/", manage.task_unit_add, name="task_unit_add"),
    path("tasks/<int:pk>/items/add/", manage.task_item_add, name="task_item_add"),
    path("tasks/<int:pk>/milestones/add/", manage.task_milestone_add, name="task_milestone_add"),
    path("tasks/milestones/<int:pk>/done/", manage.task_milestone_done, name="task_milestone_done"),
    path("tasks/<int:pk>/start/", manage.task_start, name="task_start"),
    path("tasks/<int:pk>/close/", manage.task_close, name="task_close"),
    path("tasks/<int:pk>/reopen/", manage.task_reopen, name="task_reopen"),
    path("tasks/reports/", reports.report_list, name="report_list"),
    path("tasks/reports/export/", reports.report_export, name="report_export"),
    path("tasks/units/<int:unit>/reports/<int:year>/<int:period>/", reports.report_write,
         name="report_write"),
    path("tasks/reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("tasks/reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("tasks/reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("tasks/reports/<int:pk>/accept/", reports.report_accept, name="report_accept"),
    path("tasks/reports/<int:pk>/return/", reports.report_return, name="report_return"),
    path("tasks/attachments/<int:pk>/", reports.report_attachment, name="report_attachment"),
    path("tasks/attachments/<int:pk>/remove/", reports.report_attachment_remove,
         name="report_attachment_remove"),
]
