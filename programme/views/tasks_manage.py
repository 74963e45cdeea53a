"""The bureau admin's task pages (Perm.MANAGE_PROGRAMME_TASK): create and edit tasks, add
units, sub-items and milestones, record a milestone done, and the task's workflow (start,
close and reopen, each confirmed on its own page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programme.models import TaskMilestone
from programme.selectors import tasks as selectors
from programme.services import tasks as services
from programme.tasks_forms import (
    ItemForm,
    MilestoneDoneForm,
    MilestoneForm,
    NoteForm,
    TaskForm,
    UnitForm,
)
from programme.views.tasks_pages import T, _posted, crumbs
from zhongwei_carbon import web
from zhongwei_carbon.roles import Perm

MANAGE = Perm.MANAGE_PROGRAMME_TASK


def _page(request, form, title, *, task=None, cancel_url="", **extra):
    more = [(str(task), task.get_absolute_url())] if task else []
    return render(request, T + "form.html", {
        "form": form, "title": title, "task": task,
        "cancel_url": cancel_url or (task.get_absolute_url() if task
                                     else reverse("programme:task_list")),
        "breadcrumbs": crumbs(*more, (title, None)), **extra,
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_create(request):
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Task created."))
            return redirect(task)
    return _page(request, form, _("New programme task"))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    task = selectors.get_task(request.user, pk, MANAGE)
    form = TaskForm(request.POST or None, instance=task)
    return web.form_step(
        request, task, form=form, success=_("Task saved."),
        act=lambda d: services.task_update(actor=request.user, task=task, **d),
        page=lambda f: _page(request, f, _("Edit the task"), task=task))


def _task_step(request, pk, form_class, act, title, success):
    task = selectors.get_task(request.user, pk, MANAGE)
    return web.form_step(request, task, form=form_class(request.POST or None), success=success,
                         act=lambda d: act(task, d),
                         page=lambda f: _page(request, f, title, task=task))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_unit_add(request, pk):
    return _task_step(
        request, pk, UnitForm, title=_("Add a unit"), success=_("Unit added."),
        act=lambda task, d: services.unit_add(actor=request.user, task=task, role=d["role"],
                                              area=d["area"], department=d["department"]))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_item_add(request, pk):
    return _task_step(
        request, pk, ItemForm, title=_("Add a sub-item"), success=_("Sub-item added."),
        act=lambda task, d: services.item_add(actor=request.user, task=task, **d))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_milestone_add(request, pk):
    return _task_step(
        request, pk, MilestoneForm, title=_("Add a milestone"), success=_("Milestone added."),
        act=lambda task, d: services.milestone_add(actor=request.user, task=task, **d))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_milestone_done(request, pk):
    milestone = get_object_or_404(TaskMilestone.objects.select_related("task"), pk=pk)
    task = selectors.get_task(request.user, milestone.task_id, MANAGE)
    title = _("Milestone done: %(title)s") % {"title": milestone.title}
    return web.form_step(
        request, task, form=MilestoneDoneForm(request.POST or None), success=_("Milestone recorded as done."),
        act=lambda d: services.milestone_done(actor=request.user, milestone=milestone, **d),
        page=lambda f: _page(request, f, title, task=task,
                             warning=_("The done date is recorded for good.")))


def _transition(request, pk, act, *, title, question, button, success, warning=""):
    """A task's workflow step on its own page: the question, an optional note, the button."""
    task = selectors.get_task(request.user, pk, MANAGE)
    return web.form_step(
        request, task, form=NoteForm(_posted(request)), success=success,
        act=lambda d: act(task, d),
        page=lambda f: _page(request, f, title, task=task, question=question, button=button,
                             warning=warning))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_start(request, pk):
    return _transition(
        request, pk, lambda task, d: services.task_start(actor=request.user, task=task),
        title=_("Start the task"), button=_("Start the task"), success=_("Task started."),
        question=_("Start this task? Its units' quarterly progress reports become due."))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_close(request, pk):
    return _transition(
        request, pk, lambda task, d: services.task_close(actor=request.user, task=task, **d),
        title=_("Close the task"), button=_("Close the task"), success=_("Task closed."),
        question=_("Close this task as done?"),
        warning=_("No more progress reports are due once it is closed; the reports filed stay."))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def task_reopen(request, pk):
    return _transition(
        request, pk, lambda task, d: services.task_reopen(actor=request.user, task=task, **d),
        title=_("Reopen the task"), button=_("Reopen the task"), success=_("Task reopened."),
        question=_("Reopen this task? Its units' progress reports become due again."))
