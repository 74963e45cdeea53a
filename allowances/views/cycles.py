"""Compliance cycle and milestone pages (thin: forms check, services act)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from allowances.choices import CycleStatus
from allowances.forms import CycleForm, MilestoneForm
from allowances.models import ComplianceCycle, Milestone
from allowances.selectors import cycles as cycle_sel
from allowances.services import cycles as svc
from zhongwei_carbon import events, roles, scoping, web
from zhongwei_carbon.roles import Perm

TEMPLATES = "allowances/cycles/"


@web.require(Perm.VIEW_CYCLE)
@require_GET
def cycle_list(request):
    cycles = scoping.for_user(
        ComplianceCycle.objects.prefetch_related("milestones"), request.user, Perm.VIEW_CYCLE
    )
    return render(
        request,
        TEMPLATES + "list.html",
        {
            "page_obj": web.paginate(request, cycles),
            "can_manage": roles.has_perm(request.user, Perm.MANAGE_CYCLE),
            "can_follow": roles.has_perm(request.user, Perm.VIEW_ALLOCATION),
        },
    )


@web.require(Perm.MANAGE_CYCLE)
@require_http_methods(["GET", "POST"])
def cycle_create(request):
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = svc.cycle_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Compliance cycle %(name)s created.") % {"name": cycle.name})
            return redirect("allowances:cycle_detail", year=cycle.year)
    return render(request, TEMPLATES + "form.html", {"form": form, "cycle": None})


def _cycle(request, year, action):
    return web.get_scoped_or_404(ComplianceCycle.objects.all(), request.user, action, year=year)


@web.require(Perm.VIEW_CYCLE)
@require_GET
def cycle_detail(request, year):
    cycle = _cycle(request, year, Perm.VIEW_CYCLE)
    today = timezone.localdate()  # Asia/Shanghai (TIME_ZONE)
    is_open = cycle.status != CycleStatus.CLOSED
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "cycle": cycle,
            "timeline": cycle_sel.timeline(
                cycle.milestones.all(), today, progress=cycle_sel.progress(cycle),
                cycle_open=is_open,
            ),
            "is_open": is_open,
            "today": today,
            "events": list(events.for_object(cycle)[:100]),
            "history": web.history_rows(cycle),
            "can_manage": roles.has_perm(request.user, Perm.MANAGE_CYCLE),
        },
    )


@web.require(Perm.MANAGE_CYCLE)
@require_http_methods(["GET", "POST"])
def cycle_edit(request, year):
    cycle = _cycle(request, year, Perm.MANAGE_CYCLE)
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = svc.cycle_update(actor=request.user, cycle=cycle, data=form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Compliance cycle %(name)s saved.") % {"name": cycle.name})
            return redirect("allowances:cycle_detail", year=cycle.year)
    original = ComplianceCycle.objects.get(pk=cycle.pk)
    return render(request, TEMPLATES + "form.html", {"form": form, "cycle": original})


@web.require(Perm.MANAGE_CYCLE)
@require_http_methods(["GET", "POST"])
def milestone_create(request, year):
    cycle = _cycle(request, year, Perm.MANAGE_CYCLE)
    form = MilestoneForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            svc.milestone_create(actor=request.user, cycle=cycle, data=form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("allowances:cycle_detail", year=cycle.year)
    return render(
        request, TEMPLATES + "milestone_form.html", {"form": form, "cycle": cycle, "milestone": None}
    )


@web.require(Perm.MANAGE_CYCLE)
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk):
    milestone = web.get_scoped_or_404(
        Milestone.objects.select_related("cycle"), request.user, Perm.MANAGE_CYCLE, pk=pk
    )
    cycle = milestone.cycle
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            svc.milestone_update(actor=request.user, milestone=milestone, data=form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect("allowances:cycle_detail", year=cycle.year)
    return render(
        request,
        TEMPLATES + "milestone_form.html",
        {"form": form, "cycle": cycle, "milestone": milestone},
    )
