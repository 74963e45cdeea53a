"""Inspection pages. Reading: Perm.VIEW_INSPECTION through scoping (county: its area;
enterprise, agency: their own; inspectors: what they are drawn for). Recording, findings,
conclusion and the review of rectification: Perm.CONDUCT_INSPECTION, only for the inspectors
of the inspection (others get 404). Answers: Perm.ANSWER_RECTIFICATION, the inspected party."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from oversight.choices import (
    Conclusion,
    InspectionStatus,
    InspectionTrigger,
    RectificationStatus,
    TargetKind,
)
from oversight.filtersets import InspectionFilterSet
from oversight.forms import (
    AnswerForm,
    ConcludeForm,
    FindingForm,
    OpenInspectionForm,
    RecordForm,
    ReviewForm,
)
from oversight.selectors import inspections as selectors
from oversight.selectors import violations as violation_selectors
from oversight.services import inspections as services
from oversight.services import rectification as rect_services
from registry.models import Area
from zhongwei_carbon import events, roles, scoping, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW, CONDUCT = Perm.VIEW_INSPECTION, Perm.CONDUCT_INSPECTION
T = "oversight/inspections/"


def _crumbs(inspection=None, *more):
    items = [(_("Inspections"), "oversight:inspection_list")]
    if inspection is not None:
        items.append((inspection.target_name, inspection.get_absolute_url() if more else None))
    return web.crumbs(*items, *more)


def _filtered(request):
    return InspectionFilterSet(request.GET, queryset=selectors.inspections_for(request.user),
                               request=request)


@web.require(VIEW)
@require_GET
def inspection_list(request):
    filterset = _filtered(request)
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "statuses": InspectionStatus.choices, "conclusions": Conclusion.choices,
        "triggers": InspectionTrigger.choices, "kinds": TargetKind.choices,
        "areas": Area.objects.all(),
        "can_open": roles.has_perm(request.user, Perm.OPEN_INSPECTION),
        "can_conduct": roles.has_perm(request.user, CONDUCT),
        "filtered_enterprise": web.filtered_enterprise(request, VIEW),
    })


def _inspectors(inspection) -> str:
    return "、".join(i.inspector.name for i in inspection.inspectors.all())


@web.require(VIEW)
@require_GET
def inspection_export(request):
    columns = [
        Column(_("Inspected"), lambda i: i.target_name, 36),
        Column(_("Target kind"), lambda i: i.get_target_kind_display(), 12),
        Column(_("Unified social credit code"), lambda i: (i.enterprise or i.agency).uscc, 22),
        Column(_("Area"), lambda i: str(i.area) if i.area else "", 12),
        Column(_("Plan"), lambda i: str(i.plan) if i.plan else "", 30),
        Column(_("Trigger"), lambda i: i.get_trigger_display(), 14),
        Column(_("Inspectors"), _inspectors, 24),
        Column(_("Inspected on"), lambda i: i.inspected_on, 12),
        Column(_("Status"), lambda i: i.get_status_display(), 12),
        Column(_("Conclusion"), lambda i: i.get_conclusion_display(), 14),
        Column(_("Rectification deadline"), lambda i: _deadline(i), 14),
    ]
    return xlsx_response(filename=_("inspections"), sheet_title=_("Inspections"),
                         columns=columns, rows=_filtered(request).qs)


def _deadline(inspection):
    rectification = getattr(inspection, "rectification", None)
    return rectification.deadline if rectification else None


@web.require(Perm.OPEN_INSPECTION)
@require_http_methods(["GET", "POST"])
def inspection_open(request):
    # a link may fill the form in (a complaint's page: ?trigger=complaint&trigger_note=TS…&
    # enterprise=<pk>); the values are only proposed, the form checks what is posted
    initial = {k: request.GET[k][:500] for k in ("trigger", "trigger_note", "enterprise", "agency")
               if request.GET.get(k)}
    form = OpenInspectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Inspection opened."))
            return redirect(inspection)
    title = _("Open an inspection outside a plan")
    return render(request, T + "form.html", {
        "form": form, "title": title, "cancel_url": reverse("oversight:inspection_list"),
        "breadcrumbs": _crumbs(None, (title, None)),
    })


@web.require(VIEW)
@require_GET
def inspection_detail(request, pk):
    inspection = selectors.get(request.user, pk)
    user = request.user
    can_conduct = roles.has_perm(user, CONDUCT) and scoping.can(user, CONDUCT, inspection)
    detail = selectors.detail(inspection)
    rectification = detail.rectification
    return render(request, T + "detail.html", {
        "inspection": inspection, "d": detail, "breadcrumbs": _crumbs(inspection),
        "is_open": inspection.status == InspectionStatus.OPEN,
        "can_conduct": can_conduct,
        "can_answer": rectification is not None
        and rectification.status == RectificationStatus.PENDING
        and roles.has_perm(user, Perm.ANSWER_RECTIFICATION)
        and scoping.can(user, Perm.ANSWER_RECTIFICATION, rectification),
        "can_review": can_conduct and rectification is not None
        and rectification.status == RectificationStatus.ANSWERED,
        "events": events.for_object(inspection), "history": web.history_rows(inspection),
        "cases": violation_selectors.cases_of_inspection(user, inspection),
        "can_open_case": inspection.conclusion == Conclusion.VIOLATION
        and roles.has_perm(user, Perm.MANAGE_VIOLATION),
    })


def _conducted(request, pk):
    """The inspection for one of its inspectors (anyone else: 404)."""
    return selectors.get(request.user, pk, CONDUCT)


def _page(request, inspection, form, template, title, **extra):
    return render(request, T + template, {
        "inspection": inspection, "form": form, "title": title,
        "breadcrumbs": _crumbs(inspection, (title, None)), **extra,
    })


@web.require(CONDUCT)
@require_http_methods(["GET", "POST"])
def inspection_record(request, pk):
    inspection = _conducted(request, pk)
    checks = inspection.checks.order_by("item__sort_order", "pk")
    form = RecordForm(request.POST or None, checks=checks,
                      initial={"inspected_on": inspection.inspected_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_record(
                actor=request.user, inspection=inspection,
                inspected_on=form.cleaned_data["inspected_on"], results=form.results(),
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Inspection record saved."))
            return redirect(inspection)
    return _page(request, inspection, form, "record.html", _("Date and checklist"))


@web.require(CONDUCT)
@require_http_methods(["GET", "POST"])
def finding_add(request, pk):
    inspection = _conducted(request, pk)
    form = FindingForm(request.POST or None, request.FILES or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.finding_add(actor=request.user, inspection=inspection, text=data["text"],
                                 check=data["check_result"], files=data["files"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect(inspection)
    return _page(request, inspection, form, "form_files.html", _("New finding"))


@web.require(CONDUCT)
@require_http_methods(["GET", "POST"])
def inspection_conclude(request, pk):
    inspection = _conducted(request, pk)
    title = _("Conclude the inspection")

    def args(form):
        data = form.cleaned_data
        return {"actor": request.user, "inspection": inspection,
                "conclusion": data["conclusion"], "note": data["note"],
                "requirements": data["requirements"], "working_days": data["working_days"]}

    def confirmation(form, summary):
        data = form.cleaned_data
        rows = [(_("Inspected"), inspection.target_name),
                (_("Conclusion"), dict(Conclusion.choices)[data["conclusion"]]),
                (_("Conclusion in words"), data["note"])]
        if summary["deadline"]:
            rows += [(_("What must be rectified"), data["requirements"]),
                     (_("Deadline"), _("%(date)s (%(days)s working days)") % {
                         "date": summary["deadline"].isoformat(), "days": data["working_days"]})]
        return Confirmation(
            title=title, question=_("Conclude this inspection?"), button=_("Conclude"),
            rows=rows, breadcrumbs=_crumbs(inspection, (title, None)),
            warning=_("The conclusion is final: the record can no longer be changed, the "
                      "inspected party is notified and the result is published."),
        )

    def done(result):
        messages.success(request, _("Inspection concluded."))
        return redirect(inspection)

    return confirmed_step(
        request, make_form=lambda data, files, initial: ConcludeForm(data, initial=initial),
        check=lambda form: services.conclude_check(**args(form)),
        act=lambda form: services.inspection_conclude(**args(form)),
        confirmation=confirmation, done=done,
        form_page=lambda form: _page(request, inspection, form, "form.html", title,
                                     button=_("Continue")),
        purpose=f"inspection-conclude:{inspection.pk}",
    )


@web.require(Perm.ANSWER_RECTIFICATION)
@require_http_methods(["GET", "POST"])
def rectification_answer(request, pk):
    inspection = selectors.get(request.user, pk, Perm.ANSWER_RECTIFICATION)
    rectification = getattr(inspection, "rectification", None)
    if rectification is None or rectification.status != RectificationStatus.PENDING:
        messages.info(request, _("This inspection is not waiting for a rectification answer."))
        return redirect(inspection)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rect_services.rectification_answer(
                actor=request.user, rectification=rectification,
                text=form.cleaned_data["text"], files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Your answer was sent to the inspectors."))
            return redirect(inspection)
    return _page(request, inspection, form, "form_files.html", _("Answer the rectification"),
                 rectification=rectification)


@web.require(CONDUCT)
@require_http_methods(["GET", "POST"])
def rectification_review(request, pk):
    inspection = _conducted(request, pk)
    rectification = getattr(inspection, "rectification", None)
    if rectification is None or rectification.status != RectificationStatus.ANSWERED:
        messages.info(request, _("There is no answer to review."))
        return redirect(inspection)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            rect_services.rectification_review(actor=request.user, rectification=rectification,
                                               accept=accept, note=form.cleaned_data["note"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Rectification accepted.") if accept
                             else _("Answer returned."))
            return redirect(inspection)
    return _page(request, inspection, form, "form.html", _("Review the rectification answer"),
                 answers=selectors.detail(inspection).answers)


@web.require(VIEW)
@require_GET
def evidence_download(request, pk):
    evidence = selectors.evidence_for(request.user, pk)
    ext = os.path.splitext(evidence.file.name or "")[1].lower()
    stem = os.path.splitext(evidence.original_name)[0] or "evidence"
    return web.send_file(evidence.file, f"{stem}{ext}")
