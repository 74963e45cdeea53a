"""State changes of the programme's tasks (the bureau admin, as the task group office): tasks,
their units, sub-items and milestones, and the task's workflow (``tasks_rules.TASK_TRANSITIONS``).
Each runs in a transaction, validates the rows and writes a business event on the task."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from programme import tasks_rules as rules
from programme.models import ProgrammeTask, TaskItem, TaskMilestone, TaskUnit
from programme.tasks_choices import TaskStatus, UnitRole
from zhongwei_carbon import events, roles
from zhongwei_carbon.roles import Perm

MANAGE = Perm.MANAGE_PROGRAMME_TASK
DEPARTMENTS_FROM = 101
TASK_FIELDS = ("number", "title", "description", "due_date", "reports_from")


def require(actor, action: str) -> None:
    if not roles.has_perm(actor, action):
        raise PermissionDenied(_("You may not do this."))


def _lock(task: ProgrammeTask) -> ProgrammeTask:
    return ProgrammeTask.objects.select_for_update(no_key=True).get(pk=task.pk)


def _save(obj, **extra):
    try:
        obj.full_clean(**extra)
    except ValidationError as exc:
        if "__all__" in getattr(exc, "error_dict", {}):
            raise ValidationError(exc.error_dict["__all__"]) from None
        raise
    obj.save()
    return obj


@transaction.atomic
def task_create(*, actor, number: int, title: str, description: str = "",
                due_date: date | None = None, reports_from: date | None = None) -> ProgrammeTask:
    require(actor, MANAGE)
    task = ProgrammeTask(number=number, title=title, description=description, due_date=due_date,
                         reports_from=reports_from or timezone.localdate(), created_by=actor)
    _save(task)
    events.record(actor=actor, verb="programme.task_created", target=task,
                  message=_("Task created: %(task)s") % {"task": task})
    return task


@transaction.atomic
def task_update(*, actor, task: ProgrammeTask, **fields) -> ProgrammeTask:
    require(actor, MANAGE)
    task = _lock(task)
    changed = []
    for name in TASK_FIELDS:
        if name in fields and getattr(task, name) != fields[name]:
            setattr(task, name, fields[name])
            changed.append(str(ProgrammeTask._meta.get_field(name).verbose_name))
    if not changed:
        return task
    _save(task)
    events.record(actor=actor, verb="programme.task_updated", target=task,
                  message=_("Task changed: %(fields)s") % {"fields": "、".join(changed)})
    return task


def _move(actor, task: ProgrammeTask, action: str, note: str = "") -> ProgrammeTask:
    require(actor, MANAGE)
    task = _lock(task)
    target = rules.next_status(rules.TASK_TRANSITIONS, action, task.status)
    if target is None:
        raise ValidationError(
            _("A task that is “%(status)s” cannot be %(action)s.")
            % {"status": task.get_status_display(), "action": _action_label(action)},
            code="transition")
    before = task.get_status_display()
    task.status = target
    task.closed_on = timezone.localdate() if target == TaskStatus.CLOSED else None
    _save(task)
    message = _("Status: %(before)s → %(after)s") % {"before": before,
                                                      "after": task.get_status_display()}
    events.record(actor=actor, verb=f"programme.task_{action}", target=task,
                  message=f"{message}{'：' + note if note else ''}")
    return task


def _action_label(action: str) -> str:
    return {"start": _("started"), "close": _("closed"), "reopen": _("reopened")}[action]


@transaction.atomic
def task_start(*, actor, task: ProgrammeTask) -> ProgrammeTask:
    """Start the task: its units' progress reports become due from ``reports_from``."""
    return _move(actor, task, "start")


@transaction.atomic
def task_close(*, actor, task: ProgrammeTask, note: str = "") -> ProgrammeTask:
    """The task group office closes a task that is done: no more reports are due."""
    return _move(actor, task, "close", note)


@transaction.atomic
def task_reopen(*, actor, task: ProgrammeTask, note: str = "") -> ProgrammeTask:
    return _move(actor, task, "reopen", note)


@transaction.atomic
def unit_add(*, actor, task: ProgrammeTask, role: str = UnitRole.SUPPORTING, area=None,
             department=None) -> TaskUnit:
    """Add a lead or supporting unit: a county/park or a department/bank (exactly one)."""
    require(actor, MANAGE)
    task = _lock(task)
    if (area is None) == (department is None):
        raise ValidationError(_("Choose either an area or a department, not both."),
                              code="unit")
    same = task.units.filter(area=area) if area else task.units.filter(department=department)
    if same.exists():
        raise ValidationError(_("%(unit)s is already a unit of this task.")
                              % {"unit": area or department}, code="duplicate")
    # counties and parks first (positions from 1), then departments (from 101): the plan's order
    kind = task.units.filter(area__isnull=area is None)
    last = kind.aggregate(last=Max("position"))["last"]
    position = (last or (0 if area else DEPARTMENTS_FROM - 1)) + 1
    unit = _save(TaskUnit(task=task, role=role, area=area, department=department,
                          position=position), validate_constraints=False)
    events.record(actor=actor, verb="programme.unit_added", target=task,
                  message=_("%(role)s added: %(unit)s") % {"role": unit.get_role_display(),
                                                          "unit": unit})
    return unit


@transaction.atomic
def unit_remove(*, actor, unit: TaskUnit) -> None:
    """Remove a unit that has filed nothing (a unit with reports stays: its history)."""
    require(actor, MANAGE)
    task = _lock(unit.task)
    if unit.reports.exists():
        raise ValidationError(_("%(unit)s has progress reports and cannot be removed.")
                              % {"unit": unit}, code="has_reports")
    name = str(unit)
    unit.delete()
    events.record(actor=actor, verb="programme.unit_removed", target=task,
                  message=_("Unit removed: %(unit)s") % {"unit": name})


@transaction.atomic
def item_add(*, actor, task: ProgrammeTask, text: str) -> TaskItem:
    require(actor, MANAGE)
    task = _lock(task)
    position = task.items.count() + 1
    item = _save(TaskItem(task=task, text=text, position=position))
    events.record(actor=actor, verb="programme.item_added", target=task,
                  message=_("Sub-item added: %(text)s") % {"text": text})
    return item


@transaction.atomic
def milestone_add(*, actor, task: ProgrammeTask, title: str, due_date: date) -> TaskMilestone:
    require(actor, MANAGE)
    task = _lock(task)
    milestone = _save(TaskMilestone(task=task, title=title, due_date=due_date))
    events.record(actor=actor, verb="programme.milestone_added", target=task,
                  message=_("Milestone added: %(title)s, due %(date)s")
                  % {"title": title, "date": due_date.isoformat()})
    return milestone


@transaction.atomic
def milestone_done(*, actor, milestone: TaskMilestone, done_on: date) -> TaskMilestone:
    """Record the day a milestone was reached (not in the future)."""
    require(actor, MANAGE)
    task = _lock(milestone.task)
    milestone = TaskMilestone.objects.select_for_update(no_key=True).get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise ValidationError(_("This milestone is already done."), code="done")
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The day it was done cannot be in the future.")})
    milestone.done_on = done_on
    _save(milestone)
    events.record(actor=actor, verb="programme.milestone_done", target=task,
                  message=_("Milestone done: %(title)s on %(date)s")
                  % {"title": milestone.title, "date": done_on.isoformat()})
    from zhongwei_carbon import notifications

    notifications.resolve(milestone)
    return milestone
