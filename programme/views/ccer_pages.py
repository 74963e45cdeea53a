"""The CCER project library's pages. Reading: Perm.VIEW_CCER_LIBRARY through
``programme.selectors.ccer`` (the bureau all, an area official his area's projects, an
enterprise its own, a liaison the whole library once his unit holds the ``ccer_library``
grant, else 403; out of scope is 404). An area official proposes ideas of his area
(Perm.PROPOSE_CCER_PROJECT); the bureau admin edits, moves stages and records reductions
(Perm.MANAGE_CCER_LIBRARY)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import enterprise_label
from programme.forms.ccer import CCERProjectFilterSet, ProjectForm, ReductionForm, StageForm
from programme.models import CCERStage
from programme.selectors import ccer as sel
from programme.services import ccer as svc
from registry.models import Enterprise
from zhongwei_carbon import events, lookup, roles, scoping, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW, PROPOSE, MANAGE = (Perm.VIEW_CCER_LIBRARY, Perm.PROPOSE_CCER_PROJECT,
                         Perm.MANAGE_CCER_LIBRARY)
T = "programme/ccer/"


def require_library(view):
    """``web.require(VIEW)``, and a liaison only through his unit's grant (else 403)."""

    @web.require(VIEW)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not sel.may_read(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _crumbs(project=None, *more):
    items = [(_("CCER project library"), "programme:ccer_list")]
    if project is not None:
        items.append((str(project), project.get_absolute_url() if more else None))
    return web.crumbs(*items, *more)


def _get(user, pk, action=VIEW):
    project = sel.projects_for(user, action).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def _filtered(request):
    return CCERProjectFilterSet(request.GET, queryset=sel.projects_for(request.user))


@require_library
@require_GET
def ccer_list(request):
    filterset = _filtered(request)
    user = request.user
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "can_propose": roles.has_perm(user, PROPOSE), "can_manage": roles.has_perm(user, MANAGE),
        "breadcrumbs": _crumbs(),
    })


def columns() -> list[Column]:
    return [
        Column(_("Library number"), lambda p: p.code, 14),
        Column(_("Project name"), lambda p: p.name, 36),
        Column(_("Owner"), lambda p: p.owner, 28),
        Column(_("Area"), lambda p: str(p.area), 12),
        Column(_("Project type"), lambda p: p.get_project_type_display(), 16),
        Column(_("Methodology"), lambda p: p.methodology, 30),
        Column(_("Capacity / scale"), lambda p: p.scale, 14),
        Column(_("Stage"), lambda p: p.get_stage_display(), 18),
        Column(_("Design document completed"), lambda p: p.design_on, 12),
        Column(_("Validation started"), lambda p: p.validation_on, 12),
        Column(_("Registered on"), lambda p: p.registered_on, 12),
        Column(_("Registration code"),
               lambda p: p.registered_project.code if p.registered_project_id else "", 18),
        Column(_("First issuance on"), lambda p: p.issued_on, 12),
        Column(_("Expected reductions (tCO2e)"), lambda p: p.expected_total, 16),
        Column(_("Issued reductions (tCO2e)"), lambda p: p.issued_total, 16),
    ]


@require_library
@require_GET
def ccer_export(request):
    return xlsx_response(filename=_("ccer-project-library"), sheet_title=_("CCER projects"),
                         columns=columns(), rows=_filtered(request).qs)


@require_library
@require_GET
def ccer_detail(request, pk):
    project = _get(request.user, pk)
    user = request.user
    return render(request, T + "detail.html", {
        "p": project, "breadcrumbs": _crumbs(project),
        "timeline": sel.timeline(project), "reductions": sel.reductions_of(project),
        "units": sel.registry_units(user, project),
        "owner_url": reverse("registry:enterprise_detail", args=[project.owner_enterprise_id])
        if project.owner_enterprise_id
        and scoping.covers(user, Perm.VIEW_ENTERPRISE, project.owner_enterprise) else "",
        "can_manage": svc.may_edit(user, project) and scoping.can(user, MANAGE, project),
        "events": events.for_object(project), "history": web.history_rows(project),
    })


def _form_page(request, form, title, project=None):
    return render(request, T + "form.html", {
        "form": form, "title": title, "p": project,
        "breadcrumbs": _crumbs(project, (title, None)) if project else _crumbs(None, (title, None)),
    })


@web.require(PROPOSE)
@require_http_methods(["GET", "POST"])
def ccer_create(request):
    form = ProjectForm(request.POST or None, user=request.user)
    title = _("Propose a CCER project") if not roles.has_perm(request.user, MANAGE) else _(
        "Add a CCER project")
    if request.method == "POST" and form.is_valid():
        try:
            project = svc.project_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("The project is in the library at the idea stage."))
            return redirect(project)
    return _form_page(request, form, title)


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def ccer_edit(request, pk):
    project = _get(request.user, pk, MANAGE)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    title = _("Edit the project")
    return web.form_step(
        request, project, form=form,
        act=lambda data: svc.project_update(actor=request.user, project=project, data=data),
        page=lambda f: _form_page(request, f, title, project), success=_("The project was saved."))


def _move_kwargs(request, project, form) -> dict:
    data = form.cleaned_data
    return {"actor": request.user, "project": project, "to_stage": data["to_stage"],
            "on": data["on"], "note": data["note"], "registry_code": data["registry_code"],
            "inside_national_ets": data["inside_national_ets"]}


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def ccer_stage(request, pk):
    project = _get(request.user, pk, MANAGE)
    title = _("Change the stage")
    crumbs = _crumbs(project, (title, None))

    def form_page(form):
        return render(request, T + "stage.html", {"form": form, "p": project, "title": title,
                                                  "breadcrumbs": crumbs})

    def confirmation(form, _summary):
        data = form.cleaned_data
        rows = [(_("Project"), str(project)), (_("Current stage"), project.get_stage_display()),
                (_("New stage"), dict(CCERStage.choices)[data["to_stage"]]),
                (_("Date"), data["on"].isoformat()), (_("Note"), data["note"])]
        if data["to_stage"] == CCERStage.REGISTERED:
            rows.append((_("Registration code"), data["registry_code"]))
        return Confirmation(
            title=title, question=_("Change the stage of this project?"),
            button=_("Change the stage"), rows=rows, breadcrumbs=crumbs,
            warning=_("A stage change cannot be undone; a withdrawn project is closed for good.")
            if data["to_stage"] == CCERStage.WITHDRAWN else "")

    return confirmed_step(
        request, make_form=lambda data, files, initial: StageForm(
            data, project=project, initial=initial),
        check=lambda form: svc.project_move_check(**_move_kwargs(request, project, form)),
        act=lambda form: svc.project_move(**_move_kwargs(request, project, form)),
        confirmation=confirmation, form_page=form_page, purpose="ccer-stage",
        done=lambda _r: _done(request, project, _("The project's stage was changed.")),
    )


def _done(request, target, message):
    messages.success(request, message)
    return redirect(target)


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def ccer_reduction(request, pk):
    project = _get(request.user, pk, MANAGE)
    year = web.whole_number(request.GET.get("year"))
    row = project.reductions.filter(year=year).first() if year else None
    initial = ({"year": row.year, "expected_tco2e": row.expected_tco2e,
                "issued_tco2e": row.issued_tco2e} if row else {})
    form = ReductionForm(request.POST or None, initial=initial)
    title = _("Reductions of a year")

    def page(f):
        return render(request, T + "form.html", {
            "form": f, "title": title, "p": project, "breadcrumbs": _crumbs(project, (title, None)),
            "help": _("Leave both figures empty to remove the year."),
        })

    return web.form_step(
        request, project, form=form,
        act=lambda d: svc.reduction_set(actor=request.user, project=project, year=d["year"],
                                        expected=d["expected_tco2e"], issued=d["issued_tco2e"]),
        page=page, success=_("The reductions were saved."))


@web.require(PROPOSE)
@require_GET
def ccer_owner_lookup(request):
    """The owner search of the project form (JSON): enterprises the user may see."""
    qs = scoping.for_user(Enterprise.objects.select_related("area"), request.user,
                          Perm.VIEW_ENTERPRISE)
    return lookup.respond(request, qs, key="uscc", search=("name", "uscc"),
                          describe=enterprise_label, order=("name", "pk"))


__all__ = ["ccer_create", "ccer_detail", "ccer_edit", "ccer_export", "ccer_list",
           "ccer_owner_lookup", "ccer_reduction", "ccer_stage", "require_library"]
