"""Annual report pages (thin: forms check, services act, ``scoping`` decides who sees what)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry.models import Enterprise
from reporting.choices import ReportStatus
from reporting.filtersets import REPORT_SORT
from reporting.forms.reports import (
    CountyCheckForm,
    ReportLineForm,
    ReportStartForm,
    ReportSubmitForm,
    ReportUploadForm,
)
from reporting.models import AnnualReport, ReportLine, ReportVersion
from reporting.selectors import reports as sel
from reporting.services import report_excel
from reporting.services import reports as svc
from reporting.views.confirm import Confirmation, confirmed_step
from reporting.workflow import ACTION_LABELS, Action
from zhongwei_carbon import events, roles, scoping, sorting, uploads, web
from zhongwei_carbon.excel import XLSX_CONTENT_TYPE, Column, export_rows, xlsx_response
from zhongwei_carbon.roles import Perm

T = "reporting/reports/"
ZERO = Decimal("0")


def _apply_errors(form, exc: ValidationError) -> None:
    # a process line's parameter errors go on its first parameter field
    first_param = next((n for n in form.fields if n.startswith("p_")), None)
    web.apply_errors(form, exc, aliases={"parameters": first_param})


def _report(request, pk, action=Perm.VIEW_REPORT) -> AnnualReport:
    qs = AnnualReport.objects.select_related(
        "enterprise", "enterprise__area", "enterprise__sector", "current_version"
    )
    return web.get_scoped_or_404(qs, request.user, action, pk=pk)


def _draft_version(report) -> ReportVersion:
    version = report.current_version
    if report.status != ReportStatus.DRAFT or version is None or version.is_frozen:
        raise PermissionDenied(_("Only a draft report can be changed."))
    return version


def _filters(request) -> dict:
    year = request.GET.get("year", "")
    return {
        "year": web.whole_number(year),
        "status": request.GET.get("status", "")
        if request.GET.get("status") in ReportStatus.values
        else "",
        "flagged": request.GET.get("flagged") == "1",
        "enterprise": web.enterprise_param(request),
        "q": request.GET.get("q", "").strip(),
    }


def _reports(request, filters: dict):
    """The reports of the list, filtered and in the order the user chose (page and export)."""
    qs = sel.reports_for(request.user, **filters)
    return REPORT_SORT.order(qs, request.GET.get(sorting.PARAM))


@web.require(Perm.VIEW_REPORT)
@require_GET
def report_list(request):
    filters = _filters(request)
    page_obj = web.paginate(request, _reports(request, filters))
    page_obj.object_list = sel.attach_deadlines(page_obj.object_list)  # one query for the page
    enterprises = []  # the start-a-report form is the enterprise users' (their own); the
    if roles.has_perm(request.user, Perm.EDIT_REPORT):  # bureau searches the list (``q``)
        enterprises = list(
            scoping.for_user(Enterprise.objects.all(), request.user, Perm.EDIT_REPORT)
            .order_by("name", "pk")
        )
    return render(
        request,
        T + "list.html",
        {
            "page_obj": page_obj,
            "filters": filters,
            "filtered_enterprise": web.filtered_enterprise(request, Perm.VIEW_REPORT),
            "statuses": ReportStatus.choices,
            "start_form": ReportStartForm(),
            "start_enterprises": enterprises,
        },
    )


def _export_columns() -> list[Column]:
    def v(r):
        return r.current_version

    return [
        Column(_("Year"), lambda r: r.year, 8),
        Column(_("Enterprise"), lambda r: r.enterprise.name, 32),
        Column(_("Unified social credit code"), lambda r: r.enterprise.uscc, 22),
        Column(_("Area"), lambda r: str(r.enterprise.area)),
        Column(_("Sector"), lambda r: str(r.enterprise.sector)),
        Column(_("Status"), lambda r: r.get_status_display()),
        Column(_("Version"), lambda r: v(r).number if v(r) else None, 8),
        Column(_("Reported total (tCO2e)"), lambda r: r.reported_total, 18),
        Column(_("Verified total (tCO2e)"), lambda r: r.verified_total, 18),
        Column(_("Difference, verified − reported (tCO2e)"), lambda r: r.verified_difference, 18),
        Column(
            _("Sum of monthly ledgers (tCO2e)"), lambda r: v(r).ledger_total if v(r) else None, 18
        ),
        Column(
            _("Differs from monthly ledgers"),
            lambda r: _("Yes") if v(r) and v(r).deviation_flagged else "",
            10,
        ),
        Column(_("Submitted at"), lambda r: v(r).submitted_at if v(r) else None, 18),
        Column(_("Report due"), lambda r: r.deadline.report_due, 12),
        Column(_("Late"), lambda r: _("Yes") if r.deadline.late else "", 8),
        Column(_("County check due"), lambda r: r.deadline.county_due, 12),
        Column(
            _("County check overdue"), lambda r: _("Yes") if r.deadline.county_overdue else "", 10
        ),
    ]


def _with_deadlines(reports):
    years = sel.reporting_years()  # one query for the whole export
    today = timezone.localdate()
    for report in reports:
        report.deadline = sel.deadlines_for(report, years, today=today)
        yield report


@web.require(Perm.VIEW_REPORT)
@require_GET
def report_export(request):
    return xlsx_response(
        filename=_("annual-reports"),
        sheet_title=_("Annual reports"),
        columns=_export_columns(),
        rows=_with_deadlines(export_rows(_reports(request, _filters(request)))),
    )


@web.require(Perm.EDIT_REPORT)
@require_POST
def report_start(request):
    enterprise = web.get_scoped_or_404(
        Enterprise.objects.all(),
        request.user,
        Perm.EDIT_REPORT,
        pk=request.POST.get("enterprise") or 0,
    )
    form = ReportStartForm(request.POST)
    if form.is_valid():
        try:
            report = svc.report_start(
                actor=request.user, enterprise=enterprise, year=form.cleaned_data["year"]
            )
        except ValidationError as exc:
            for e in exc.messages:
                messages.error(request, e)
        else:
            messages.success(request, _("Report for %(year)s started.") % {"year": report.year})
            return redirect("reporting:report_detail", pk=report.pk)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("reporting:report_list")


def _actions(request, report) -> dict:
    user = request.user
    draft = report.status == ReportStatus.DRAFT
    in_scope_edit = roles.has_perm(user, Perm.EDIT_REPORT) and scoping.can(
        user, Perm.EDIT_REPORT, report
    )
    county = roles.has_perm(user, Perm.COUNTY_CHECK_REPORT) and scoping.can(
        user, Perm.COUNTY_CHECK_REPORT, report
    )
    return {
        "can_edit": draft and in_scope_edit,
        "can_submit": draft and in_scope_edit and svc.is_signatory(user, report.enterprise),
        "can_revise": report.status == ReportStatus.COUNTY_RETURNED and in_scope_edit,
        "can_county_check": report.status == ReportStatus.SUBMITTED and county,
        # Verification exists once the county has passed the report.
        "has_verification": report.status
        not in (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.COUNTY_RETURNED),
    }


def _version_page(request, report, version):
    return render(
        request,
        T + "detail.html",
        {
            "report": report,
            "version": version,
            "is_current": version.pk == report.current_version_id,
            "groups": sel.grouped_lines(version),
            "versions": report.versions.order_by("-number"),
            "events": events.for_object(report),
            "history": web.history_rows(report),
            "actions": _actions(request, report),
            "next_steps": [ACTION_LABELS[a] for a in sel.available_actions(report)],
            "deadlines": sel.deadlines(report),
        },
    )


@web.require(Perm.VIEW_REPORT)
@require_GET
def report_detail(request, pk):
    report = _report(request, pk)
    return _version_page(request, report, report.current_version)


@web.require(Perm.VIEW_REPORT)
@require_GET
def report_version(request, pk, number):
    report = _report(request, pk)
    try:
        version = report.versions.get(number=number)
    except ReportVersion.DoesNotExist:
        raise Http404 from None
    return _version_page(request, report, version)


def _line_form_page(request, report, form, line=None, status=200):
    return render(
        request,
        T + "line_form.html",
        {"report": report, "form": form, "line": line, "version": report.current_version},
        status=status,
    )


@web.require(Perm.EDIT_REPORT)
@require_http_methods(["GET", "POST"])
def report_line_add(request, pk):
    report = _report(request, pk, Perm.EDIT_REPORT)
    version = _draft_version(report)
    form = ReportLineForm(request.POST or None, enterprise=report.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            svc.line_save(actor=request.user, version=version, data=form.line_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Emission source added."))
            return redirect("reporting:report_detail", pk=report.pk)
    return _line_form_page(request, report, form)


def _line(request, pk) -> ReportLine:
    return web.get_scoped_or_404(
        ReportLine.objects.select_related("version", "version__report"),
        request.user,
        Perm.EDIT_REPORT,
        pk=pk,
    )


@web.require(Perm.EDIT_REPORT)
@require_http_methods(["GET", "POST"])
def report_line_edit(request, pk):
    line = _line(request, pk)
    report = _report(request, line.version.report_id, Perm.EDIT_REPORT)
    version = _draft_version(report)
    if line.version_id != version.pk:
        raise PermissionDenied(_("Only a draft report can be changed."))
    form = ReportLineForm(
        request.POST or None,
        enterprise=report.enterprise,
        initial=ReportLineForm.initial_from(line),
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.line_save(actor=request.user, version=version, data=form.line_data(), line=line)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Emission source saved."))
            return redirect("reporting:report_detail", pk=report.pk)
    return _line_form_page(request, report, form, line)


@web.require(Perm.EDIT_REPORT)
@require_http_methods(["GET", "POST"])
def report_line_delete(request, pk):
    line = _line(request, pk)
    report = _report(request, line.version.report_id, Perm.EDIT_REPORT)
    version = _draft_version(report)
    if line.version_id != version.pk:
        raise PermissionDenied(_("Only a draft report can be changed."))
    if request.method == "POST":
        try:
            svc.line_delete(actor=request.user, line=line)
        except ValidationError as exc:
            for e in exc.messages:
                messages.error(request, e)
        else:
            messages.success(request, _("Emission source removed."))
        return redirect("reporting:report_detail", pk=report.pk)
    return render(request, T + "line_delete.html", {"report": report, "line": line})


@web.require(Perm.EDIT_REPORT)
@require_POST
def report_totals(request, pk):
    """htmx: the line's emissions and the new version total, computed without saving."""
    report = _report(request, pk, Perm.EDIT_REPORT)
    version = _draft_version(report)
    form = ReportLineForm(request.POST, enterprise=report.enterprise)
    ctx = {"emissions": None, "total": version.total_emissions, "error": ""}
    replaced = ZERO
    line_id = web.whole_number(request.POST.get("line"))
    if line_id is not None:
        old = version.lines.filter(pk=line_id).first()
        replaced = old.emissions if old else ZERO
    if form.is_valid():
        try:
            values = sel.compute_line(
                enterprise=report.enterprise, year=report.year, data=form.line_data()
            )
        except ValidationError as exc:
            ctx["error"] = " ".join(exc.messages)
        else:
            ctx["emissions"] = values["emissions"]
            ctx["total"] = sel.version_total(version) - replaced + values["emissions"]
    else:
        ctx["error"] = " ".join(str(e) for errs in form.errors.values() for e in errs)
    return render(request, T + "_totals.html", ctx)


@web.require(Perm.EDIT_REPORT)
@require_http_methods(["GET", "POST"])
def report_submit(request, pk):
    """Certification statement → checked (signatory, sources, factors) → the version as it
    will be submitted, to confirm → submitted and frozen."""
    report = _report(request, pk, Perm.EDIT_REPORT)

    def form_page(form):
        return render(request, T + "submit.html", {
            "report": report, "form": form, "version": report.current_version,
            "is_signatory": svc.is_signatory(request.user, report.enterprise),
        })

    def confirmation(form, checked):
        return Confirmation(
            title=_("Certify and submit"),
            question=_("Certify and submit this report? The version is then frozen."),
            button=_("Confirm: certify and submit"),
            rows=[
                (_("Report"), f"{report.enterprise.name} {report.year}"),
                (_("Version"), checked.version.number),
                (_("Total (tCO2e)"), floatformat(checked.total, "2g")),
                (_("Monthly ledgers (tCO2e)"), floatformat(checked.ledger_total, "2g")),
                (_("Differs from monthly ledgers"),
                 _("Yes") if checked.deviation_flagged else _("No")),
                (_("Certification statement"), form.cleaned_data["certification"]),
            ],
            warning=_("After submission the county/park official checks the report; later "
                      "changes need a new version."),
            crumbs="reporting/reports/_crumbs.html",
        )

    def done(_report):
        messages.success(request, _("The report was certified and submitted."))
        return redirect("reporting:report_detail", pk=report.pk)

    def certification(form):
        return {"certification": form.cleaned_data["certification"]}

    return confirmed_step(
        request, report=report,
        make_form=lambda data, files, initial: ReportSubmitForm(data, initial=initial),
        check=lambda form: svc.report_submit_check(
            actor=request.user, report=report, **certification(form)),
        act=lambda form: svc.report_submit(actor=request.user, report=report, **certification(form)),
        confirmation=confirmation, done=done, form_page=form_page,
        purpose=f"report-submit:{report.pk}",
    )


@web.require(Perm.COUNTY_CHECK_REPORT)
@require_http_methods(["GET", "POST"])
def report_county_check(request, pk):
    report = _report(request, pk, Perm.COUNTY_CHECK_REPORT)
    form = CountyCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == CountyCheckForm.PASS:
                svc.report_county_pass(actor=request.user, report=report, note=data["reason"])
            else:
                svc.report_county_return(actor=request.user, report=report, reason=data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Technical check recorded."))
            return redirect("reporting:report_detail", pk=report.pk)
    return render(
        request,
        T + "county_check.html",
        {"report": report, "form": form, "version": report.current_version},
    )


@web.require(Perm.EDIT_REPORT)
@require_http_methods(["GET", "POST"])
def report_revise(request, pk):
    report = _report(request, pk, Perm.EDIT_REPORT)
    if request.method == "POST":
        try:
            version = svc.report_revise(actor=request.user, report=report)
        except ValidationError as exc:
            for e in exc.messages:
                messages.error(request, e)
        else:
            messages.success(request, _("Version %(n)s opened.") % {"n": version.number})
        return redirect("reporting:report_detail", pk=report.pk)
    return render(
        request, T + "revise.html", {"report": report, "label": ACTION_LABELS[Action.REVISE]}
    )


@web.require(Perm.EDIT_REPORT)
@require_GET
def report_template(request, pk):
    report = _report(request, pk, Perm.EDIT_REPORT)
    response = HttpResponse(report_excel.template_workbook(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="report-{report.year}-{report.pk}.xlsx"'
    )
    return response


@web.require(Perm.EDIT_REPORT)
@require_http_methods(["GET", "POST"])
def report_upload(request, pk):
    report = _report(request, pk, Perm.EDIT_REPORT)
    version = _draft_version(report)
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_BYTES
        problem = uploads.size_problem(upload.size)
        if problem:  # name the real size, without reading the whole file
            result = report_excel.UploadResult()
            result.add(0, None, problem, sheet="")
            return render(
                request, T + "upload.html", {"report": report, "form": form, "result": result}
            )
        data = upload.read(limit + 1)
        try:
            result = report_excel.report_upload(
                actor=request.user, version=version, data=data, filename=upload.name
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if result.ok:
                messages.success(
                    request,
                    _("%(n)d emission sources read from the workbook.") % {"n": result.lines},
                )
                return redirect("reporting:report_detail", pk=report.pk)
    return render(request, T + "upload.html", {"report": report, "form": form, "result": result})
