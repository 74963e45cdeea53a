"""Verification, re-check, findings and objection pages (thin: forms check, services act)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from reporting.choices import ObjectionDecision, RecheckDecision, ReportStatus
from reporting.forms import verification as vf
from reporting.models import AnnualReport, Finding, Objection
from reporting.selectors import reports as report_sel
from reporting.selectors import verification as sel
from reporting.services import verification as svc
from reporting.views.confirm import Confirmation, confirmed_step
from reporting.workflow import Action, actions_from
from verifiers.models import Agency
from zhongwei_carbon import advisories, events, roles, scoping, web
from zhongwei_carbon.roles import Perm, Role

T = "reporting/verification/"
REPORTS = AnnualReport.objects.select_related("enterprise__area", "agency", "current_version")


def _report(request, pk, action):
    return web.get_scoped_or_404(REPORTS, request.user, action, pk=pk)


def _to_detail(report):
    return redirect("reporting:verification_detail", pk=report.pk)


def _not_now(request, report):
    messages.warning(
        request,
        _("This is not possible while the report is “%(status)s”.")
        % {"status": report.get_status_display()},
    )
    return _to_detail(report)


def _form_page(request, report, form, *, title, action_url, multipart=False):
    return render(
        request,
        T + "form.html",
        {"report": report, "form": form, "title": title, "action_url": action_url,
         "multipart": multipart},
    )


# --- queue, declarations -----------------------------------------------------------------


@web.require(Perm.VIEW_VERIFICATION_QUEUE)
@require_GET
def verification_queue(request):
    status = request.GET.get("status", "")
    statuses = sel.queue_statuses(request.user)
    show = request.GET.get("show", "")
    page_obj = web.paginate(request, sel.queue_for(request.user, status=status, show=show))
    page_obj.object_list = sel.queue_rows(report_sel.attach_deadlines(page_obj.object_list))
    return render(
        request,
        T + "queue.html",
        {
            "page_obj": page_obj,
            "statuses": [(s, ReportStatus(s).label) for s in statuses],
            "status": status,
            "show": show if show in (sel.SHOW_OPEN, sel.SHOW_OVERDUE) else "",
            "shows": [(sel.SHOW_OPEN, pgettext("verification queue", "Open assignments")),
                      (sel.SHOW_OVERDUE, pgettext("verification queue", "Overdue assignments"))],
            "is_bureau": roles.is_bureau(request.user),
        },
    )


@web.require(Perm.DECLARE_PREPARATION)
@require_GET
def declaration_list(request):
    return render(
        request, T + "declarations.html",
        {
            "page_obj": web.paginate(request, sel.declarations_for(request.user)),
            # only agency staff declare (the bureau reads the list): no button that leads to 403
            "can_declare": any(
                m.role == Role.AGENCY_STAFF and m.agency_id for m in roles.memberships(request.user)
            ),
        },
    )


@web.require(Perm.DECLARE_PREPARATION)
@require_http_methods(["GET", "POST"])
def declaration_add(request):
    agencies = [m.agency for m in roles.memberships(request.user)
                if m.role == Role.AGENCY_STAFF and m.agency_id]
    if not agencies:
        raise PermissionDenied
    form = vf.DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.declaration_add(actor=request.user, agency=agencies[0], **form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Declaration recorded."))
            return redirect("reporting:declaration_list")
    return render(request, T + "declaration_form.html", {"form": form, "agency": agencies[0]})


# --- one report ----------------------------------------------------------------------------


@web.require(Perm.VIEW_REPORT)
@require_GET
def verification_detail(request, pk):
    report = _report(request, pk, Perm.VIEW_REPORT)
    user = request.user
    allowed = set(actions_from(report.status))

    def can(perm):
        return roles.has_perm(user, perm) and scoping.can(user, perm, report)

    return render(
        request,
        T + "detail.html",
        {
            "report": report,
            "verifications": sel.verifications_visible(user, report),
            "findings": sel.findings_visible(user, report),
            "rechecks": sel.rechecks_visible(user, report),
            "objections": sel.objections_of(report),
            "events": events.for_object(report)[:50],
            "history": web.history_rows(report),
            "can_assign": Action.ASSIGN in allowed and can(Perm.ASSIGN_VERIFICATION),
            "can_verify": can(Perm.VERIFY_REPORT) and report.status in svc.AGENCY_WORKING,
            "can_recheck": Action.RECHECK_ACCEPT in allowed and can(Perm.RECHECK_REPORT),
            "can_answer": can(Perm.ANSWER_FINDING),
            "can_object": Action.OBJECT in allowed and can(Perm.OBJECT_TO_RESULT)
            and svc.objection_blocker(report) is None,
            "can_decide": Action.OBJECTION_UPHOLD in allowed and can(Perm.DECIDE_OBJECTION),
            "pending": ObjectionDecision.PENDING,
        },
    )


@web.require(Perm.ASSIGN_VERIFICATION)
@require_http_methods(["GET", "POST"])
def verification_assign(request, pk):
    report = _report(request, pk, Perm.ASSIGN_VERIFICATION)
    if report.status != ReportStatus.COUNTY_PASSED:
        return _not_now(request, report)
    agencies = sel.assignable_agencies(report)
    # what higher apps advise about each agency (credit: its latest grade)
    advised = advisories.for_agencies(request.user, agencies)
    form = vf.AssignForm(request.POST or None, agencies=agencies, advised=advised)
    if request.method == "POST" and form.is_valid():
        try:
            svc.verification_assign(actor=request.user, report=report, **form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Verification assigned."))
            return _to_detail(report)
    declared = Agency.objects.filter(pk__in=sel.declared_agency_ids(report))
    return render(
        request, T + "assign.html",
        {"report": report, "form": form, "declared": declared, "agencies": agencies,
         "agency_rows": [(a, advised.get(a.pk, [])) for a in agencies],
         "warnings": [(a, x) for a in agencies for x in advised.get(a.pk, []) if x.warns]},
    )


@web.require(Perm.VERIFY_REPORT)
@require_http_methods(["GET", "POST"])
def finding_add(request, pk):
    report = _report(request, pk, Perm.VERIFY_REPORT)
    if report.status not in svc.AGENCY_WORKING:
        return _not_now(request, report)
    form = vf.FindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.finding_add(actor=request.user, report=report, **form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Finding recorded; it is not visible to the enterprise until sent."))
            return _to_detail(report)
    return _form_page(request, report, form, title=_("Record a finding"),
                      action_url=request.path)


@web.require(Perm.VERIFY_REPORT)
@require_http_methods(["GET", "POST"])
def finding_send(request, pk):
    finding = web.get_scoped_or_404(
        Finding.objects.select_related("report"), request.user, Perm.VERIFY_REPORT, pk=pk
    )
    report = finding.report
    if finding.sent_at is not None:
        messages.info(request, _("This finding has already been sent."))
        return _to_detail(report)
    if request.method == "POST":
        try:
            svc.finding_send(actor=request.user, finding=finding)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Finding sent to the enterprise."))
        return _to_detail(report)
    return render(request, T + "confirm_send.html", {"report": report, "finding": finding})


@web.require(Perm.ANSWER_FINDING)
@require_http_methods(["GET", "POST"])
def finding_answer(request, pk):
    finding = web.get_scoped_or_404(
        Finding.objects.filter(sent_at__isnull=False).select_related("report"),
        request.user, Perm.ANSWER_FINDING, pk=pk,
    )
    report = finding.report
    if finding.responded_at is not None:
        messages.info(request, _("This finding has already been answered."))
        return _to_detail(report)
    form = vf.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.finding_answer(actor=request.user, finding=finding, **form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Answer sent."))
            return _to_detail(report)
    return render(request, T + "answer.html", {"report": report, "finding": finding, "form": form})


@web.require(Perm.VERIFY_REPORT)
@require_http_methods(["GET", "POST"])
def verification_file(request, pk):
    """Figures, conclusion and the signed PDF → checked (PDF signature included) → the round
    as it will be filed, to confirm → filed."""
    report = _report(request, pk, Perm.VERIFY_REPORT)
    if report.status not in svc.AGENCY_WORKING:
        return _not_now(request, report)
    sources = sel.reported_by_source(report)

    def make_form(data, files, initial):
        return vf.VerificationFileForm(data, files, initial=initial, sources=sources)

    def service_args(form):
        data = form.cleaned_data
        return {"actor": request.user, "report": report, "conclusion": data["conclusion"],
                "figures": form.figures(), "file": data["file"]}

    def confirmation(form, filing):
        return Confirmation(
            title=_("File verification report"),
            question=_("File this verification report? A filed round cannot be changed."),
            button=pgettext("verification report", "Confirm and submit the verification report"),
            rows=[
                (_("Report"), report),
                (_("Round"), filing.round),
                (_("Conclusion"), filing.conclusion_label),
                (_("Reported total (tCO2e)"), floatformat(filing.reported_total, "2g")),
                (_("Verified total (tCO2e)"), floatformat(filing.verified_total, "2g")),
                (_("Signed verification report (PDF)"),
                 f"{filing.file_name} · {filesizeformat(filing.file_size)} · "
                 f"SHA-256 {filing.sha256[:16]}…"),
                (_("Note"), form.cleaned_data["note"]),
            ],
            figures=filing.figures,
            total=filing.verified_total,
            warning=_("Once filed, the round goes to the bureau for re-check; it cannot be changed "
                      "or withdrawn."),
        )

    def act(form):
        return svc.verification_file(**service_args(form), note=form.cleaned_data["note"])

    def done(_verification):
        messages.success(request, _("Verification report filed."))
        return _to_detail(report)

    return confirmed_step(
        request, report=report, make_form=make_form,
        check=lambda form: svc.verification_file_check(**service_args(form)),
        act=act, confirmation=confirmation, done=done,
        form_page=lambda form: render(request, T + "file.html", {"report": report, "form": form}),
        purpose=f"verification:{report.pk}", file_field="file",
    )


@web.require(Perm.RECHECK_REPORT)
@require_http_methods(["GET", "POST"])
def recheck(request, pk):
    report = _report(request, pk, Perm.RECHECK_REPORT)
    if report.status != ReportStatus.VERIFIED:
        return _not_now(request, report)
    latest = report.verifications.order_by("-round").first()

    def confirmation(form, _action):
        data = form.cleaned_data
        accept = data["decision"] == RecheckDecision.ACCEPTED
        return Confirmation(
            title=_("Re-check"),
            question=_("Record this re-check decision? It cannot be changed."),
            button=_("Confirm decision"),
            rows=[
                (_("Report"), report),
                (_("Round"), latest.round if latest else "—"),
                (_("Verified total (tCO2e)"),
                 floatformat(latest.verified_total, "2g") if latest else "—"),
                (_("Decision"), RecheckDecision(data["decision"]).label),
                (_("Opinions for the agency"), data["opinion"]),
            ],
            warning=_("Accepting makes the verified figure final, writes it to the registry and "
                      "notifies the enterprise.") if accept else
            _("The report goes back to the agency with these opinions."),
        )

    def done(_row):
        messages.success(request, _("Re-check recorded."))
        return _to_detail(report)

    return confirmed_step(
        request, report=report,
        make_form=lambda data, files, initial: vf.RecheckForm(data, initial=initial),
        check=lambda form: svc.recheck_check(
            actor=request.user, report=report, **form.service_data()),
        act=lambda form: svc.recheck(actor=request.user, report=report, **form.service_data()),
        confirmation=confirmation, done=done,
        form_page=lambda form: render(
            request, T + "recheck.html", {"report": report, "form": form, "latest": latest}),
        purpose=f"recheck:{report.pk}",
    )


@web.require(Perm.OBJECT_TO_RESULT)
@require_http_methods(["GET", "POST"])
def objection_file(request, pk):
    report = _report(request, pk, Perm.OBJECT_TO_RESULT)
    if report.status != ReportStatus.FINAL:
        return _not_now(request, report)

    def confirmation(form, _none):
        upload = form.cleaned_data.get("file")
        return Confirmation(
            title=_("Object to the verified result"),
            question=_("File this objection? An objection cannot be withdrawn once filed."),
            button=_("Confirm and file the objection"),
            rows=[
                (_("Report"), report),
                (_("Final verified emissions (tCO2e)"), floatformat(report.final_emissions, "2g")),
                (_("Reasons"), form.cleaned_data["reasons"]),
                (_("Supporting file (PDF or image)"), upload.name if upload else ""),
            ],
        )

    def done(_objection):
        messages.success(request, _("Objection filed."))
        return _to_detail(report)

    return confirmed_step(
        request, report=report,
        make_form=lambda data, files, initial: vf.ObjectionForm(data, files, initial=initial),
        check=lambda form: svc.objection_check(
            actor=request.user, report=report, **form.service_data()),
        act=lambda form: svc.objection_file(
            actor=request.user, report=report, **form.service_data()),
        confirmation=confirmation, done=done,
        form_page=lambda form: _form_page(
            request, report, form, title=_("Object to the verified result"),
            action_url=request.path, multipart=True),
        purpose=f"objection:{report.pk}", file_field="file",
    )


@web.require(Perm.DECIDE_OBJECTION)
@require_http_methods(["GET", "POST"])
def objection_decide(request, pk):
    objection = web.get_scoped_or_404(
        Objection.objects.select_related("report__enterprise"), request.user,
        Perm.DECIDE_OBJECTION, pk=pk,
    )
    report = objection.report
    if objection.decision != ObjectionDecision.PENDING:
        messages.info(request, _("This objection has already been decided."))
        return _to_detail(report)

    def confirmation(form, _action):
        data = form.cleaned_data
        return Confirmation(
            title=_("Decide objection"),
            question=_("Record this decision? It cannot be changed."),
            button=_("Confirm decision"),
            rows=[
                (_("Report"), report),
                (_("Reasons"), objection.reasons),
                (_("Decision"), ObjectionDecision(data["decision"]).label),
                (_("Reasons for the decision"), data["note"]),
            ],
            warning=_("Upholding sends the report back to the agency for revision.")
            if data["decision"] == ObjectionDecision.UPHELD else "",
        )

    def done(_objection):
        messages.success(request, _("Objection decided."))
        return _to_detail(report)

    return confirmed_step(
        request, report=report,
        make_form=lambda data, files, initial: vf.ObjectionDecisionForm(data, initial=initial),
        check=lambda form: svc.objection_decide_check(
            actor=request.user, objection=objection, **form.service_data()),
        act=lambda form: svc.objection_decide(
            actor=request.user, objection=objection, **form.service_data()),
        confirmation=confirmation, done=done,
        form_page=lambda form: render(
            request, T + "decide.html", {"report": report, "objection": objection, "form": form}),
        purpose=f"objection-decision:{objection.pk}",
    )
