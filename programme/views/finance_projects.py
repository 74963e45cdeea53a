"""Climate-finance project pages (卫政办发〔2023〕61号 task 10): the scoped list with filters
and Excel export, a project's page (status, reviews, pushes and bank responses, activity),
the proposer's form, and the workflow steps (submit, the two reviews, push, a bank's
response), each confirmed after the server checked it. Thin: ``programme.services.finance``
acts and checks again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programme.finance_filters import ClimateProjectFilterSet
from programme.models import (
    BankResponse,
    ClimateProject,
    ClimateProjectAttachment,
    ClimateProjectShare,
    ClimateProjectStatus,
    ReviewDecision,
    ShareKind,
)
from programme.selectors import finance as sel
from programme.services import finance as svc
from programme.views.finance_forms import (
    ClimateProjectForm,
    ConfirmForm,
    PushForm,
    RespondForm,
    ReviewForm,
)
from zhongwei_carbon import display, events, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm, Role

T = "programme/finance/"
S = ClimateProjectStatus


def _filtered(request):
    fs = ClimateProjectFilterSet(request.GET or None, queryset=sel.projects_for(request.user))
    return fs.form, fs.qs


@web.require(Perm.VIEW_CLIMATE_PROJECT)
@require_GET
def project_list(request):
    form, qs = _filtered(request)
    return render(request, T + "list.html", {
        "form": form, "page_obj": web.paginate(request, qs),
        "can_propose": roles.has_perm(request.user, Perm.PROPOSE_CLIMATE_PROJECT),
    })


def project_columns() -> list[Column]:
    return [
        Column(_("Project title"), lambda p: p.title, 36),
        Column(_("Area"), lambda p: str(p.area)),
        Column(_("Enterprise"), lambda p: p.enterprise.name if p.enterprise else "", 30),
        Column(_("Category"), lambda p: p.get_category_display(), 14),
        Column(_("Sub-type"), lambda p: p.get_subtype_display(), 16),
        Column(_("Total investment (10k yuan)"), lambda p: p.total_investment, 16),
        Column(_("Financing need (10k yuan)"), lambda p: p.financing_need, 16),
        Column(_("Expected annual reduction (tCO2e)"), lambda p: p.annual_reduction, 18),
        Column(_("Status"), lambda p: p.get_status_display(), 16),
        Column(_("Proposer"), lambda p: display.person(p.proposer), 14),
        Column(_("Submitted at"), lambda p: p.submitted_at, 18),
    ]


@web.require(Perm.VIEW_CLIMATE_PROJECT)
@require_GET
def project_export(request):
    _form, qs = _filtered(request)
    return xlsx_response(filename=_("climate-finance-projects"),
                         sheet_title=_("Climate-finance projects"), columns=project_columns(),
                         rows=qs)


def _project(request, pk):
    try:
        return sel.projects_for(request.user).get(pk=pk)
    except ClimateProject.DoesNotExist:
        raise Http404 from None


def _url(project) -> str:
    return reverse("programme:climate_project_detail", args=[project.pk])


def _crumbs(*tail):
    return web.crumbs((_("Climate-finance projects"), "programme:climate_project_list"), *tail)


@web.require(Perm.VIEW_CLIMATE_PROJECT)
@require_GET
def project_detail(request, pk):
    project = _project(request, pk)
    user = request.user
    mine = sel.my_share(project, user)
    reform_share = sel.my_share(project, user, kind=ShareKind.REVIEW)
    return render(request, T + "detail.html", {
        "project": project, "breadcrumbs": _crumbs((project.title, None)),
        "reviews": project.reviews.select_related("reviewer"),
        "shares": sel.shares_of(project, user).filter(kind=ShareKind.PUSH),
        "attachments": project.attachments.all(),
        "events": events.for_object(project), "history": web.history_rows(project),
        "can_edit": project.status in svc.EDITABLE and _proposes_for(user, project),
        "can_submit": svc.allowed(project, "submit") and _proposes_for(user, project),
        "can_review": project.status == S.SUBMITTED
        and roles.has_perm(user, Perm.REVIEW_CLIMATE_PROJECT),
        "can_reform_review": project.status == S.BUREAU_REVIEWED and reform_share is not None,
        "can_push": svc.allowed(project, "push")
        and roles.has_perm(user, Perm.REVIEW_CLIMATE_PROJECT),
        "my_share": mine,
    })


def _proposes_for(user, project) -> bool:
    for m in roles.memberships(user):
        if m.role == Role.ENTERPRISE_USER and project.enterprise_id == m.enterprise_id:
            return True
        if m.role == Role.AREA_OFFICIAL and project.area_id == m.area_id:
            return True
    return False


def _proposer_scope(user):
    """(enterprise, area) the user proposes for: an enterprise user its own, an official its
    area (the enterprise then optional)."""
    for m in roles.memberships(user):
        if m.role == Role.ENTERPRISE_USER and m.enterprise_id:
            return m.enterprise, m.enterprise.area
    for m in roles.memberships(user):
        if m.role == Role.AREA_OFFICIAL and m.area_id:
            return None, m.area
    raise Http404


def _form_page(request, form, project=None):
    title = _("Edit the project") if project else _("Propose a climate-finance project")
    tail = [(project.title, _url(project))] if project else []
    return render(request, T + "form.html", {
        "form": form, "project": project, "title": title,
        "breadcrumbs": _crumbs(*tail, (title, None)),
    })


def _save(request, form, project=None):
    enterprise, area = _proposer_scope(request.user)
    data = {k: v for k, v in form.cleaned_data.items() if k != "attachment"}
    if data.get("enterprise") is None:
        data["area"] = area
    files = [form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else []
    if project is None:
        return svc.climate_project_create(actor=request.user, data=data, files=files)
    return svc.climate_project_update(actor=request.user, project=project, data=data,
                                      files=files)


@web.require(Perm.PROPOSE_CLIMATE_PROJECT)
@require_http_methods(["GET", "POST"])
def project_new(request):
    enterprise, area = _proposer_scope(request.user)
    form = ClimateProjectForm(request.POST or None, request.FILES or None,
                              enterprise=enterprise, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            project = _save(request, form)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Project saved as a draft. Submit it when complete."))
            return redirect(project)
    return _form_page(request, form)


@web.require(Perm.PROPOSE_CLIMATE_PROJECT)
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _project(request, pk)
    if not _proposes_for(request.user, project):
        raise Http404
    if project.status not in svc.EDITABLE:
        messages.error(request, _("Only a draft or a returned project can be edited."))
        return redirect(project)
    enterprise, area = _proposer_scope(request.user)
    form = ClimateProjectForm(request.POST or None, request.FILES or None, instance=project,
                              enterprise=enterprise, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, form, project)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect(project)
    return _form_page(request, form, project)


def _project_rows(project):
    return [
        (_("Project title"), project.title), (_("Area"), project.area),
        (_("Enterprise"), project.enterprise.name if project.enterprise else "—"),
        (_("Category"), f"{project.get_category_display()} · {project.get_subtype_display()}"),
        (_("Financing need (10k yuan)"), project.financing_need),
    ]


def _step(request, project, *, form_class, act, question, button, title, warning="",
          rows=(), template="step.html", form_kwargs=None, success=""):
    crumbs = _crumbs((project.title, _url(project)), (title, None))

    def confirmation(form, _summary):
        shown = list(rows(form) if callable(rows) else rows)
        return Confirmation(title=title, question=question, button=button, breadcrumbs=crumbs,
                            rows=_project_rows(project) + shown, warning=warning)

    def done(_result):
        messages.success(request, success)
        return redirect(_url(project))

    def make_form(data, files, initial):
        if data is None and initial is None and request.method == "POST":
            data = request.POST  # a step without fields posts nothing but the token
        return form_class(data, initial=initial, **(form_kwargs or {}))

    return confirmed_step(
        request, make_form=make_form,
        check=lambda form: None, act=act, confirmation=confirmation, done=done,
        purpose=f"climate:{project.pk}",
        form_page=lambda form: render(request, T + template, {
            "form": form, "project": project, "title": title, "breadcrumbs": crumbs}),
    )


@web.require(Perm.PROPOSE_CLIMATE_PROJECT)
@require_http_methods(["GET", "POST"])
def project_submit(request, pk):
    project = _project(request, pk)
    if not _proposes_for(request.user, project):
        raise Http404
    return _step(
        request, project, form_class=ConfirmForm, title=_("Submit the project"),
        question=_("Submit this project to the bureau? It cannot be edited while reviewed."),
        button=_("Submit project"), success=_("Project submitted to the bureau."),
        act=lambda form: svc.climate_project_submit(actor=request.user, project=project),
    )


def _review(request, project, title):
    def rows(form):
        d = form.cleaned_data
        return [(_("Decision"), ReviewDecision(d["decision"]).label), (_("Opinion"), d["opinion"])]

    return _step(
        request, project, form_class=ReviewForm, title=title, rows=rows,
        question=_("Record this review decision? It cannot be changed."),
        button=_("Confirm decision"), success=_("Review recorded."),
        act=lambda form: svc.climate_project_review(
            actor=request.user, project=project, decision=form.cleaned_data["decision"],
            opinion=form.cleaned_data["opinion"]),
    )


@web.require(Perm.REVIEW_CLIMATE_PROJECT)
@require_http_methods(["GET", "POST"])
def project_review(request, pk):
    project = _project(request, pk)
    if project.status != S.SUBMITTED:
        messages.error(request, _("The project is not awaiting the bureau's review."))
        return redirect(project)
    return _review(request, project, _("Bureau review"))


@web.require(Perm.REFORM_REVIEW_CLIMATE_PROJECT)
@require_http_methods(["GET", "POST"])
def project_reform_review(request, pk):
    project = _project(request, pk)
    if sel.my_share(project, request.user, kind=ShareKind.REVIEW) is None:
        raise Http404
    if project.status != S.BUREAU_REVIEWED:
        messages.error(request, _("The project is not awaiting development-reform's review."))
        return redirect(project)
    return _review(request, project, _("Development-reform review"))


@web.require(Perm.REVIEW_CLIMATE_PROJECT)
@require_http_methods(["GET", "POST"])
def project_push(request, pk):
    project = _project(request, pk)
    if not svc.allowed(project, "push"):
        messages.error(request, _("Only a project in the library can be pushed to banks."))
        return redirect(project)
    banks = svc.pushable_banks().exclude(
        climate_shares__project=project, climate_shares__kind=ShareKind.PUSH)
    return _step(
        request, project, form_class=PushForm, form_kwargs={"banks": banks},
        title=_("Push to banks"), template="push.html",
        rows=lambda form: [(_("Banks"), "、".join(str(b) for b in form.cleaned_data["banks"]))],
        question=_("Push this project to these banks? Their liaisons will see it and respond."),
        button=_("Push"), success=_("Project pushed to the banks."),
        act=lambda form: svc.climate_project_push(actor=request.user, project=project,
                                                  banks=form.cleaned_data["banks"]),
    )


@web.require(Perm.RESPOND_CLIMATE_PROJECT)
@require_http_methods(["GET", "POST"])
def share_respond(request, pk):
    share = web.get_scoped_or_404(
        ClimateProjectShare.objects.filter(kind=ShareKind.PUSH).select_related(
            "project", "department"),
        request.user, Perm.RESPOND_CLIMATE_PROJECT, pk=pk)
    project = share.project
    if sel.my_share(project, request.user) is None:
        raise Http404

    def rows(form):
        d = form.cleaned_data
        return [(_("Bank"), share.department), (_("Response"), BankResponse(d["response"]).label),
                (_("Loan amount (10k yuan)"), d["loan_amount"]), (_("Date"), d["response_date"]),
                (_("Note"), d["note"])]

    return _step(
        request, project, form_class=RespondForm, title=_("Record the bank's response"),
        rows=rows, question=_("Record this response? The bureau and the proposer will see it."),
        button=_("Record response"), success=_("Response recorded."),
        act=lambda form: svc.climate_share_respond(actor=request.user, share=share,
                                                   **form.cleaned_data),
    )


@web.require(Perm.VIEW_CLIMATE_PROJECT)
@require_GET
def attachment_download(request, pk):
    att = ClimateProjectAttachment.objects.select_related("project").filter(pk=pk).first()
    if att is None or not sel.projects_for(request.user).filter(pk=att.project_id).exists():
        raise Http404
    return web.send_file(att.file, att.name)

