"""Inspection plan pages: everyone with a role reads published plans (the bureau also drafts);
the bureau admin creates, draws, re-draws and publishes (Perm.MANAGE_INSPECTION_PLAN)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from oversight.choices import PlanStatus
from oversight.filtersets import PlanFilterSet
from oversight.forms import DrawForm, PlanForm
from oversight.models import InspectionPlan
from oversight.selectors import plans as selectors
from oversight.services import plans as services
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW, MANAGE = Perm.VIEW_INSPECTION_PLAN, Perm.MANAGE_INSPECTION_PLAN
T = "oversight/plans/"


def _plan(request, pk, action=VIEW) -> InspectionPlan:
    return web.get_scoped_or_404(InspectionPlan.objects.all(), request.user, action, pk=pk)


def _posted(request):
    """The posted data of a form that may be posted empty (``request.POST or None`` would
    leave it unbound)."""
    return request.POST if request.method == "POST" else None


def _crumbs(plan=None, *more):
    items = [(_("Inspection plans"), "oversight:plan_list")]
    if plan is not None:
        items.append((str(plan), plan.get_absolute_url() if more else None))
    return web.crumbs(*items, *more)


@web.require(VIEW)
@require_GET
def plan_list(request):
    filterset = PlanFilterSet(request.GET, queryset=selectors.plans_for(request.user))
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "statuses": PlanStatus.choices, "can_manage": roles.has_perm(request.user, MANAGE),
    })


@web.require(VIEW)
@require_GET
def plan_export(request):
    filterset = PlanFilterSet(request.GET, queryset=selectors.plans_for(request.user))
    columns = [
        Column(_("Year"), lambda p: p.year, 8),
        Column(_("Title"), lambda p: p.title, 40),
        Column(_("Targets"), lambda p: p.get_targets_display(), 16),
        Column(_("Status"), lambda p: p.get_status_display(), 10),
        Column(_("Inspections from"), lambda p: p.start_date, 12),
        Column(_("Inspections until"), lambda p: p.end_date, 12),
        Column(_("Legal basis"), lambda p: p.legal_basis, 40),
        Column(_("Draws"), lambda p: p.draw_count, 8),
        Column(_("Inspections"), lambda p: p.inspection_count, 10),
        Column(_("Concluded"), lambda p: p.concluded_count, 10),
        Column(_("Published at"), lambda p: p.published_at, 18),
    ]
    return xlsx_response(filename=_("inspection-plans"), sheet_title=_("Inspection plans"),
                         columns=columns, rows=filterset.qs)


def _form_page(request, form, *, title, plan=None):
    cancel = plan.get_absolute_url() if plan else reverse("oversight:plan_list")
    return render(request, T + "form.html", {
        "form": form, "title": title, "cancel_url": cancel,
        "breadcrumbs": _crumbs(plan, (title, None)) if plan else web.crumbs(
            (_("Inspection plans"), "oversight:plan_list"), (title, None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Inspection plan created; draw it when it is complete."))
            return redirect(plan)
    return _form_page(request, form, title=_("New inspection plan"))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = _plan(request, pk, MANAGE)
    if plan.is_published:
        messages.info(request, _("A published plan can no longer be changed."))
        return redirect(plan)
    form = PlanForm(request.POST or None, instance=InspectionPlan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(plan)
    return _form_page(request, form, title=_("Edit the plan"), plan=plan)


@web.require(VIEW)
@require_GET
def plan_detail(request, pk):
    plan = _plan(request, pk)
    draw = selectors.latest_draw(plan)
    can_manage = roles.has_perm(request.user, MANAGE)
    context = {
        "plan": plan, "draw": draw, "can_manage": can_manage,
        "targets": selectors.drawn_targets(draw) if draw else [],
        "exclusions": selectors.exclusion_rows(draw) if draw else [],
        "draws": plan.draws.select_related("drawn_by").order_by("number"),
        "areas": plan.areas.all(), "sectors": plan.sectors.all(),
        "pool": plan.inspectors.order_by("kind", "name"),
        "draw_form": DrawForm() if can_manage and not plan.is_published else None,
        "breadcrumbs": _crumbs(plan),
    }
    if roles.has_perm(request.user, Perm.VIEW_EVENTS) and roles.is_bureau(request.user):
        context |= {"events": events.for_object(plan), "history": web.history_rows(plan)}
    return render(request, T + "detail.html", context)


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def plan_draw(request, pk):
    plan = _plan(request, pk, MANAGE)
    form = DrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            draw = services.plan_draw(actor=request.user, plan=plan,
                                      reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Draw %(n)s made: check the targets and inspectors, "
                                        "then publish.") % {"n": draw.number})
            return redirect(plan)
    return render(request, T + "draw.html", {
        "plan": plan, "form": form, "previous": plan.draws.count(),
        "breadcrumbs": _crumbs(plan, (_("Draw"), None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def plan_publish(request, pk):
    plan = _plan(request, pk, MANAGE)
    crumbs = _crumbs(plan, (_("Publish"), None))

    def confirmation(form, summary):
        draw = summary["draw"]
        return Confirmation(
            title=_("Publish the plan"),
            question=_("Publish %(plan)s with draw %(n)s?") % {"plan": plan, "n": draw.number},
            button=_("Publish"),
            rows=[
                (_("Draw"), draw.number), (_("Random seed"), draw.seed),
                (_("Drawn at"), draw.drawn_at.strftime("%Y-%m-%d %H:%M")),
                (_("Targets (one inspection each)"), summary["targets"]),
                (_("Inspections"), f"{plan.start_date:%Y-%m-%d} – {plan.end_date:%Y-%m-%d}"),
            ],
            warning=_("Once published, the plan and its draw are frozen and shown on the public "
                      "site; the drawn inspectors are notified. This cannot be undone."),
            breadcrumbs=crumbs,
        )

    def done(result):
        messages.success(request, _("The plan is published; its inspections are open."))
        return redirect(plan)

    def form_page(form):
        return render(request, T + "publish.html", {
            "plan": plan, "form": form, "draw": selectors.latest_draw(plan),
            "breadcrumbs": crumbs,
        })

    return confirmed_step(
        request, make_form=lambda data, files, initial: forms.Form(_posted(request)),
        check=lambda form: services.plan_publish_check(actor=request.user, plan=plan),
        act=lambda form: services.plan_publish(actor=request.user, plan=plan),
        confirmation=confirmation, form_page=form_page, done=done,
        purpose=f"plan-publish:{plan.pk}",
    )


@web.require(VIEW)
@require_GET
def plan_rerun(request, pk):
    """Anyone who sees the plan re-runs its latest draw (or ``?draw=N``) from the stored seed
    and snapshot and sees whether it matches."""
    plan = _plan(request, pk)
    number = web.whole_number(request.GET.get("draw"))
    draws = plan.draws.all()
    draw = draws.filter(number=number).first() if number else selectors.latest_draw(plan)
    if draw is None:
        messages.info(request, _("The plan has not been drawn yet."))
        return redirect(plan)
    return render(request, T + "rerun.html", {
        "plan": plan, "result": selectors.rerun(draw),
        "breadcrumbs": _crumbs(plan, (_("Re-run the draw"), None)),
    })


def target_columns() -> list[Column]:
    return [
        Column(_("Order drawn"), lambda t: t.position, 8),
        Column(_("Kind"), lambda t: t.get_kind_display(), 12),
        Column(_("Name"), lambda t: t.name, 36),
        Column(_("Unified social credit code"), lambda t: t.uscc, 22),
        Column(_("Area"), lambda t: str(t.area) if t.area else "", 12),
        Column(_("Inspectors"), lambda t: "、".join(a.inspector.name for a in t.assignments.all()),
               30),
        Column(_("Inspected on"), lambda t: _inspection(t, "inspected_on"), 12),
        Column(_("Conclusion"), lambda t: _inspection(t, "get_conclusion_display"), 16),
    ]


def _inspection(target, attr):
    inspection = getattr(target, "inspection", None)
    if inspection is None:
        return None
    value = getattr(inspection, attr)
    return value() if callable(value) else value


@web.require(VIEW)
@require_GET
def plan_targets_export(request, pk):
    plan = _plan(request, pk)
    draw = selectors.latest_draw(plan)
    rows = selectors.drawn_targets(draw) if draw else []
    return xlsx_response(filename=_("inspection-targets-%(year)s") % {"year": plan.year},
                         sheet_title=_("Drawn targets"), columns=target_columns(), rows=rows)
