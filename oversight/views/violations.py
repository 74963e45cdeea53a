"""Violation-case pages. Reading: Perm.VIEW_VIOLATION through ``selectors.violations`` (the
bureau every case, a county its area, the party its own decided cases; others 404). Opening,
adding evidence, persons and departments, deciding (confirmed), referring and closing:
Perm.MANAGE_VIOLATION (the bureau admin). Exports: the case list (everyone, scoped) and the
referral workbook of a decided case for the region (the bureau admin)."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from oversight.choices import CaseStatus, Conclusion, ViolationArticle
from oversight.filtersets import ViolationCaseFilterSet
from oversight.forms_violations import (
    CaseOpenForm,
    DecideForm,
    DepartmentForm,
    EvidenceForm,
    PenaltyRangeForm,
    PersonForm,
    StatusForm,
)
from oversight.selectors import inspections as inspection_selectors
from oversight.selectors import violations as selectors
from oversight.services import violations as services
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, Sheet, xlsx_response, xlsx_sheets_response
from zhongwei_carbon.roles import Perm

VIEW, MANAGE = Perm.VIEW_VIOLATION, Perm.MANAGE_VIOLATION
T = "oversight/violations/"


def _crumbs(case=None, *more):
    items = [(_("Violation cases"), "oversight:violation_list")]
    if case is not None:
        items.append((str(case), case.get_absolute_url() if more else None))
    return web.crumbs(*items, *more)


def _filtered(request):
    return ViolationCaseFilterSet(request.GET, queryset=selectors.cases_for(request.user),
                                  request=request)


@web.require(VIEW)
@require_GET
def violation_list(request):
    filterset = _filtered(request)
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "articles": ViolationArticle.choices, "statuses": CaseStatus.choices,
        "can_manage": roles.has_perm(request.user, MANAGE),
        "breadcrumbs": _crumbs(),
    })


def _persons(case) -> str:
    return "；".join(f"{p.name} {p.fine:,}" for p in case.persons.all())


def _departments(case) -> str:
    return "、".join(str(d) for d in case.departments.all())


def case_columns() -> list[Column]:
    return [
        Column(_("Party"), lambda c: c.target_name, 34),
        Column(_("Target kind"), lambda c: c.get_target_kind_display(), 12),
        Column(_("Unified social credit code"), lambda c: (c.enterprise or c.agency).uscc, 22),
        Column(_("Area"), lambda c: str(c.area) if c.area else "", 12),
        Column(_("Year"), lambda c: c.year, 8),
        Column(_("Article"), lambda c: c.get_article_display(), 30),
        Column(_("Status"), lambda c: c.get_status_display(), 12),
        Column(_("Illegal gains (CNY)"), lambda c: c.illegal_gains, 14),
        Column(_("Fine (CNY)"), lambda c: c.fine, 14),
        Column(_("Decision document number"), lambda c: c.decision_number, 22),
        Column(_("Decided on"), lambda c: c.decided_on, 12),
        Column(_("Cut of next year's allocation (%)"), lambda c: c.allocation_cut_percent, 12),
        Column(_("Banned until"), lambda c: c.ban_until, 12),
        Column(_("Responsible persons (CNY)"), _persons, 30),
        Column(_("Cooperating departments"), _departments, 24),
    ]


@web.require(VIEW)
@require_GET
def violation_export(request):
    return xlsx_response(filename=_("violation-cases"), sheet_title=_("Violation cases"),
                         columns=case_columns(), rows=_filtered(request).qs)


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def violation_open(request):
    inspection = None
    inspection_id = web.whole_number(request.GET.get("inspection"))
    if inspection_id is not None:
        inspection = inspection_selectors.get(request.user, inspection_id)
        if inspection.conclusion != Conclusion.VIOLATION:
            messages.info(request, _("Only an inspection that concluded “violation found” can "
                                     "open a case."))
            return redirect(inspection)
    form = CaseOpenForm(request.POST or None, request.FILES or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            case = services.case_open(actor=request.user, inspection=inspection, **data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Violation case opened."))
            return redirect(case)
    title = _("Open a violation case")
    return render(request, T + "form.html", {
        "form": form, "title": title, "inspection": inspection,
        "cancel_url": inspection.get_absolute_url() if inspection
        else reverse("oversight:violation_list"),
        "breadcrumbs": _crumbs(None, (title, None)),
    })


@web.require(VIEW)
@require_GET
def violation_detail(request, pk):
    case = selectors.get(request.user, pk)
    can_manage = roles.has_perm(request.user, MANAGE)
    return render(request, T + "detail.html", {
        "case": case, "p": selectors.case_penalties(case), "breadcrumbs": _crumbs(case),
        "evidence": selectors.evidence_of(case), "is_open": case.status == CaseStatus.OPEN,
        "can_manage": can_manage,
        "can_refer": can_manage and case.status == CaseStatus.DECIDED,
        "can_close": can_manage and case.status in (CaseStatus.DECIDED, CaseStatus.REFERRED),
        "events": events.for_object(case), "history": web.history_rows(case),
    })


def _managed(request, pk):
    return selectors.get(request.user, pk, MANAGE)


def _page(request, case, form, title, **extra):
    return render(request, T + "form.html", {
        "case": case, "form": form, "title": title, "cancel_url": case.get_absolute_url(),
        "breadcrumbs": _crumbs(case, (title, None)), **extra,
    })


def _step(request, pk, *, form_class, act, title, success, open_only=True):
    case = _managed(request, pk)
    if open_only and case.status != CaseStatus.OPEN:
        messages.info(request, _("The case is decided and can no longer be changed."))
        return redirect(case)
    return web.form_step(request, case, form=form_class(request.POST or None, request.FILES or None),
                         act=lambda d: act(case, d), success=success,
                         page=lambda form: _page(request, case, form, title))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def violation_evidence_add(request, pk):
    return _step(request, pk, form_class=EvidenceForm, title=_("Add evidence"),
                 success=_("Evidence added."),
                 act=lambda case, d: services.evidence_add(actor=request.user, case=case,
                                                           files=d["files"]))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def violation_person_add(request, pk):
    return _step(request, pk, form_class=PersonForm, title=_("Add a responsible person"),
                 success=_("Responsible person added."),
                 act=lambda case, d: services.person_add(actor=request.user, case=case, **d))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def violation_department_add(request, pk):
    return _step(request, pk, form_class=DepartmentForm, open_only=False,
                 title=_("Add a cooperating department"), success=_("Department added."),
                 act=lambda case, d: services.department_add(actor=request.user, case=case,
                                                             **d))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def violation_decide(request, pk):
    case = _managed(request, pk)
    if case.status != CaseStatus.OPEN:
        messages.info(request, _("The case is already decided."))
        return redirect(case)
    title = _("Decide the case")

    def args(form):
        data = form.cleaned_data
        return {"actor": request.user, "case": case, **data}

    def confirmation(form, summary):
        data = form.cleaned_data
        rows = [(_("Party"), case.target_name), (_("Article"), case.get_article_display()),
                (_("Range allowed"), summary["range"]),
                (_("Fine (CNY)"), f"{data['fine']:,}"),
                (_("Decision document number"), data["decision_number"]),
                (_("Decided on"), data["decided_on"].isoformat())]
        for person in summary["persons"]:
            rows.append((_("Responsible person"), f"{person.name} · {person.fine:,}"))
        if data["allocation_cut_percent"] is not None:
            rows.append((_("Cut of next year's allocation (%)"),
                         data["allocation_cut_percent"]))
        if data["ban_until"]:
            rows.append((_("Banned until"), data["ban_until"].isoformat()))
        return Confirmation(
            title=title, question=_("Record this decision?"), button=_("Decide the case"), rows=rows,
            breadcrumbs=_crumbs(case, (title, None)),
            warning=_("The decision is final: it cannot be changed, the party sees it, credit "
                      "scores it and a ban takes effect at once."),
        )

    def done(result):
        messages.success(request, _("Decision recorded."))
        return redirect(result)

    return confirmed_step(
        request, make_form=lambda data, files, initial: DecideForm(data, files, initial=initial),
        check=lambda form: services.decide_check(**args(form)),
        act=lambda form: services.case_decide(**args(form)),
        confirmation=confirmation, done=done, file_field="file",
        form_page=lambda form: _page(request, case, form, title, button=_("Continue"),
                                     p=selectors.case_penalties(case)),
        purpose=f"violation-decide:{case.pk}",
    )


def _move(request, pk, act, title, success):
    case = _managed(request, pk)
    return web.form_step(request, case, form=StatusForm(request.POST or None), success=success,
                         act=lambda d: act(actor=request.user, case=case, note=d["note"]),
                         page=lambda form: _page(request, case, form, title))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def violation_refer(request, pk):
    return _move(request, pk, services.case_refer, _("Refer to the regional department"),
                 _("The case is marked as referred to the region."))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def violation_close(request, pk):
    return _move(request, pk, services.case_close, _("Close the case"), _("Case closed."))


@web.require(MANAGE)
@require_GET
def violation_referral_export(request, pk):
    """The referral to the region (移送/报送自治区生态环境厅): the letter, the persons, the
    departments, the evidence and the case's events, one sheet each."""
    case = _managed(request, pk)
    if case.status == CaseStatus.OPEN:
        raise Http404
    p = selectors.case_penalties(case)
    letter = [
        (_("Addressed to"), _("Department of Ecology and Environment of the Ningxia Hui Autonomous Region")),
        (_("Sent by"), _("Zhongwei Municipal Ecology and Environment Bureau")),
        (_("Subject"), _("Referral of a carbon-market violation case: %(case)s") % {"case": case}),
        (_("Party"), case.target_name),
        (_("Unified social credit code"), (case.enterprise or case.agency).uscc),
        (_("Target kind"), case.get_target_kind_display()),
        (_("Area"), str(case.area) if case.area else ""),
        (_("Article"), case.get_article_display()),
        (_("Legal basis"), p.fine.source if p.fine else ""),
        (_("Inspection"), str(case.inspection) if case.inspection else case.trigger_note),
        (_("Facts"), case.facts),
        (_("Illegal gains (CNY)"), case.illegal_gains),
        (_("Lowest fine allowed (CNY)"), case.fine_low),
        (_("Highest fine allowed (CNY)"), case.fine_high),
        (_("Fine (CNY)"), case.fine),
        (_("Decision document number"), case.decision_number),
        (_("Decided on"), case.decided_on),
        (_("Cut of next year's allocation (%)"), case.allocation_cut_percent),
        (_("Banned until"), case.ban_until),
        (_("Status"), case.get_status_display()),
    ]
    pair = [Column(_("Item"), lambda r: r[0], 24), Column(_("Content"), lambda r: r[1], 80)]
    sheets = [
        Sheet(_("Referral letter"), pair, letter),
        Sheet(_("Responsible persons"), [
            Column(_("Name of the person"), lambda x: x.name, 16), Column(_("Position"), lambda x: x.position, 20),
            Column(_("Fine (CNY)"), lambda x: x.fine, 14)], case.persons.all()),
        Sheet(_("Cooperating departments"), [
            Column(_("Department"), lambda x: x.get_department_display(), 16),
            Column(_("Name of the office"), lambda x: x.name, 24),
            Column(_("Contact"), lambda x: x.contact, 20),
            Column(_("What it does"), lambda x: x.note, 30)], case.departments.all()),
        Sheet(_("Evidence"), [
            Column(_("File name"), lambda x: x.original_name, 30),
            Column(_("SHA-256"), lambda x: x.sha256, 66),
            Column(_("Uploaded at"), lambda x: x.uploaded_at, 18)], selectors.evidence_of(case)),
        Sheet(_("Events"), [
            Column(_("Time"), lambda x: x.occurred_at, 18),
            Column(_("By"), lambda x: str(x.actor or ""), 16),
            Column(_("What"), lambda x: x.message, 80)],
            events.for_object(case).order_by("occurred_at", "pk")),
    ]
    return xlsx_sheets_response(filename=_("violation-referral"), sheets=sheets,
                                ascii_name="violation-referral")


@web.require(VIEW)
@require_GET
def violation_evidence_download(request, pk):
    evidence = selectors.evidence_for(request.user, pk)
    ext = os.path.splitext(evidence.file.name or "")[1].lower()
    stem = os.path.splitext(evidence.original_name)[0] or "evidence"
    return web.send_file(evidence.file, f"{stem}{ext}")


@web.require(VIEW)
@require_GET
def violation_decision_file(request, pk):
    case = selectors.get(request.user, pk)
    if not case.decision_file:
        raise Http404
    return web.send_file(case.decision_file, _("decision-%(number)s.pdf")
                         % {"number": case.decision_number or case.pk})


# --- the penalty ranges (data rows with their article, year and source) -----------------------


@web.require(MANAGE)
@require_GET
def penalty_range_list(request):
    return render(request, T + "ranges.html", {
        "rows": selectors.range_rows_for(request.user),
        "breadcrumbs": web.crumbs((_("Violation cases"), "oversight:violation_list"),
                                  (_("Penalty ranges"), None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def penalty_range_create(request):
    form = PenaltyRangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.penalty_range_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Penalty range added."))
            return redirect("oversight:penalty_range_list")
    title = _("New penalty range")
    return render(request, T + "form.html", {
        "form": form, "title": title, "cancel_url": reverse("oversight:penalty_range_list"),
        "breadcrumbs": web.crumbs((_("Violation cases"), "oversight:violation_list"),
                                  (_("Penalty ranges"), "oversight:penalty_range_list"),
                                  (title, None)),
    })
