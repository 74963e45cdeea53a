"""Wiring of the programme's tasks topic: scope rules and the reminder sources."""


def register() -> None:
    from programme.models import ProgrammeTask, ProgressReport, ReportAttachment, TaskUnit
    from programme.task_reminders import (
        MILESTONE_KIND,
        REPORT_KIND,
        milestone_items,
        report_items,
    )
    from zhongwei_carbon import reminders, scoping
    from zhongwei_carbon.models import Topic

    # a task: the units it names (an area at most once, a department at most once: no
    # duplicate rows); a report and its files: its own unit only
    scoping.register(ProgrammeTask, area="units__area", department="units__department")
    scoping.register(TaskUnit, area="area", department="department")
    scoping.register(ProgressReport, area="unit__area", department="unit__department")
    scoping.register(ReportAttachment, area="report__unit__area",
                     department="report__unit__department")
    reminders.register(REPORT_KIND, report_items, Topic.PROGRAMME)
    reminders.register(MILESTONE_KIND, milestone_items, Topic.PROGRAMME)
