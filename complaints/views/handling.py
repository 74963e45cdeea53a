"""Bureau-side pages of complaints. Reading: Perm.VIEW_COMPLAINT through ``selectors`` (the
bureau every complaint, a county / park official those handled in its area, a handler his
own). Triage, assignment, approval of the reply: Perm.MANAGE_COMPLAINT (the bureau admin).
Investigation and the reply: Perm.HANDLE_COMPLAINT, the assigned handler only. The filer's
identity: Perm.VIEW_COMPLAINT_IDENTITY, on an explicit, logged request (never on a page a
handler can reach, in the API, an export or a history)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import rules, selectors, services, statistics
from complaints.choices import Category, Status, TargetKind
from complaints.filtersets import ComplaintFilterSet
from complaints.forms import (
    AssignForm,
    FindingsForm,
    MergeForm,
    OfficialForm,
    RejectForm,
    ReplyForm,
    ReturnForm,
)
from complaints.models import Complaint
from zhongwei_carbon import display, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, Sheet, xlsx_response, xlsx_sheets_response
from zhongwei_carbon.roles import Perm

VIEW, MANAGE, HANDLE = Perm.VIEW_COMPLAINT, Perm.MANAGE_COMPLAINT, Perm.HANDLE_COMPLAINT
IDENTITY = Perm.VIEW_COMPLAINT_IDENTITY
T = "complaints/handling/"


def _crumbs(complaint=None, *more):
    items = [(_("Complaints and reports"), "complaints:complaint_list")]
    if complaint is not None:
        items.append((str(complaint), complaint.get_absolute_url() if more else None))
    return web.crumbs(*items, *more)


def _filtered(request):
    return ComplaintFilterSet(request.GET, queryset=selectors.complaints_for(request.user),
                              request=request)


@web.require(VIEW)
@require_GET
def complaint_list(request):
    filterset = _filtered(request)
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "statuses": Status.choices, "categories": Category.choices,
        "outcomes": selectors.OUTCOME_CHOICES, "areas": filterset.filters["area"].queryset,
        "today": timezone.localdate(), "can_handle": roles.has_perm(request.user, HANDLE),
        "breadcrumbs": _crumbs(),
    })


def complaint_columns() -> list[Column]:
    today = timezone.localdate()
    return [
        Column(_("Tracking number"), lambda c: c.number, 16),
        Column(_("Filed at"), lambda c: timezone.localtime(c.filed_at).strftime("%Y-%m-%d %H:%M"),
               17),
        Column(_("Category"), lambda c: c.get_category_display(), 20),
        Column(_("About"), lambda c: c.get_target_kind_display(), 12),
        Column(pgettext("complaint", "Party"), lambda c: c.target_name, 30),
        Column(_("Unified social credit code"),
               lambda c: (c.enterprise or c.agency).uscc if (c.enterprise or c.agency) else "", 22),
        Column(_("Area"), lambda c: str(c.area) if c.area else "", 12),
        Column(_("Status"), lambda c: c.get_status_display(), 14),
        Column(_("Handler"), lambda c: display.person(c.handler) if c.handler else "", 14),
        Column(_("Reply due"), lambda c: c.reply_due, 12),
        Column(_("Overdue"), lambda c: _("yes") if rules.is_overdue(
            c.reply_due, today, c.status == Status.ANSWERED) else "", 8),
        Column(_("Outcome"), lambda c: c.get_outcome_display(), 14),
        Column(_("Answered at"), lambda c: timezone.localtime(c.answered_at).strftime(
            "%Y-%m-%d") if c.answered_at else "", 12),
    ]


@web.require(VIEW)
@require_GET
def complaint_export(request):
    return xlsx_response(filename=_("complaints"), sheet_title=_("Complaints and reports"),
                         columns=complaint_columns(), rows=_filtered(request).qs)


@web.require(VIEW)
@require_GET
def complaint_detail(request, pk):
    complaint = selectors.get(request.user, pk)
    user = request.user
    can_manage = roles.has_perm(user, MANAGE)
    is_handler = complaint.handler_id == user.pk and roles.has_perm(user, HANDLE)
    status = complaint.status
    return render(request, T + "detail.html", {
        "c": complaint, "breadcrumbs": _crumbs(complaint),
        "attachments": complaint.attachments.all(),
        "can_triage": can_manage and status == Status.RECEIVED,
        "can_merge": can_manage and status in (Status.RECEIVED, Status.ACCEPTED),
        "can_mark_official": can_manage and status in (Status.RECEIVED, Status.ACCEPTED)
        and complaint.target_kind in (TargetKind.OTHER, TargetKind.OFFICIAL),
        "can_assign": can_manage and status in (Status.ACCEPTED, Status.ASSIGNED),
        "can_approve": can_manage and status == Status.REPLY_PENDING
        and user.pk not in (complaint.handler_id, complaint.reply_drafted_by_id),
        "can_work": is_handler and status == Status.ASSIGNED,
        "can_see_identity": roles.has_perm(user, IDENTITY),
        # the duplicates merged into it: the bureau's (a handler reaches none of them)
        "duplicates": complaint.duplicates.order_by("filed_at") if can_manage else (),
        "inspection_url": _inspection_url(user, complaint),
        "overdue": rules.is_overdue(complaint.reply_due, timezone.localdate(),
                                    status == Status.ANSWERED),
        "events": selectors.events_for(user, complaint), "history": web.history_rows(complaint),
    })


def _inspection_url(user, complaint) -> str:
    """The oversight form opening an inspection of the complaint's party, filled in (the
    complaint named by its number only), for a bureau admin while the complaint is handled."""
    if not roles.has_perm(user, Perm.OPEN_INSPECTION) or complaint.status not in (
            Status.ACCEPTED, Status.ASSIGNED, Status.REPLY_PENDING):
        return ""
    if complaint.enterprise_id:
        party = f"enterprise={complaint.enterprise_id}"
    elif complaint.agency_id:
        party = f"agency={complaint.agency_id}"
    else:
        return ""
    return (reverse("oversight:inspection_open")
            + f"?trigger=complaint&trigger_note={complaint.number}&{party}")


@web.require(VIEW)
@require_GET
def attachment_download(request, pk):
    attachment = selectors.attachment_for(request.user, pk)
    return web.send_file(attachment.file, attachment.label)


def _form_page(request, complaint, form, title, **extra):
    return render(request, T + "form.html", {
        "c": complaint, "form": form, "title": title, "cancel_url": complaint.get_absolute_url(),
        "breadcrumbs": _crumbs(complaint, (title, None)), **extra,
    })


def _step(request, complaint, *, form, act, title, success, **extra):
    return web.form_step(request, complaint, form=form, act=act, success=success,
                         page=lambda form: _form_page(request, complaint, form, title, **extra))


def _managed(request, pk) -> Complaint:
    return selectors.get(request.user, pk, MANAGE)


def _handled(request, pk) -> Complaint:
    return selectors.get(request.user, pk, HANDLE)


@web.require(MANAGE)
@require_POST
def complaint_accept(request, pk):
    complaint = _managed(request, pk)
    return web.post_step(request, complaint, lambda: services.complaint_accept(
        actor=request.user, complaint=complaint), _("Complaint accepted."))


class ApproveForm(forms.Form):
    approve = forms.BooleanField(widget=forms.HiddenInput, initial=True)


@web.require(MANAGE)
@require_POST
def reply_approve(request, pk):
    """Approving publishes the reply to the filer (and a substantiated outcome to credit):
    it is confirmed on a page that shows the reply first."""
    complaint = _managed(request, pk)

    def done(_result):
        messages.success(request, _("Reply approved: the filer can read it."))
        return redirect(complaint)

    def confirmation(_form, _summary):
        return Confirmation(
            title=_("Approve the reply"),
            question=_("Publish this reply to the filer of %(number)s?")
            % {"number": complaint.number},
            button=_("Approve the reply"),
            rows=[(pgettext("complaint", "Party"), complaint.target_name or "—"), (_("Outcome"),
                   complaint.get_outcome_display()), (_("Reply to the filer"), complaint.reply),
                  (_("Reply drafted by"), display.person(complaint.reply_drafted_by))],
            warning=_("The filer reads the reply on the tracking page; it cannot be withdrawn. "
                      "A substantiated or partly substantiated outcome goes to the credit "
                      "evaluation of the party."),
            breadcrumbs=web.crumbs((_("Complaints and reports"), "complaints:complaint_list"),
                                   (complaint.number, complaint.get_absolute_url()),
                                   (_("Approve the reply"), None)),
        )

    return confirmed_step(
        request, make_form=lambda data, files, initial: ApproveForm(data, initial=initial),
        check=lambda _form: services.reply_approve_check(actor=request.user, complaint=complaint),
        act=lambda _form: services.reply_approve(actor=request.user, complaint=complaint),
        confirmation=confirmation, form_page=lambda _form: redirect(complaint), done=done,
        purpose="complaint-approve",
    )


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def complaint_reject(request, pk):
    complaint = _managed(request, pk)
    return _step(request, complaint, form=RejectForm(request.POST or None),
                 title=_("Do not accept"), success=_("Complaint not accepted."),
                 act=lambda d: services.complaint_reject(actor=request.user, complaint=complaint,
                                                         reason=d["reason"]))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def complaint_merge(request, pk):
    complaint = _managed(request, pk)
    form = MergeForm(request.POST or None)

    def act(d):
        into = selectors.complaints_for(request.user, MANAGE).filter(
            number=d["into"].strip().upper()).first()
        if into is None:
            raise ValidationError({"into": _("No complaint has this tracking number.")})
        services.complaint_merge(actor=request.user, complaint=complaint, into=into)

    return _step(request, complaint, form=form, act=act, title=_("Merge as a duplicate"),
                 success=_("Complaint merged."))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def complaint_official(request, pk):
    """A complaint in the filer's words found to be about an official of a county or park."""
    complaint = _managed(request, pk)
    form = OfficialForm(request.POST or None, initial={"area": complaint.area_id})
    return _step(request, complaint, form=form, title=_("About an official"),
                 success=_("Marked as about an official: that area's officials will not handle "
                           "it."),
                 act=lambda d: services.complaint_about_official(
                     actor=request.user, complaint=complaint, area=d["area"]))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def complaint_assign(request, pk):
    complaint = _managed(request, pk)
    form = AssignForm(request.POST or None, handlers=services.handlers(complaint))
    return _step(request, complaint, form=form, title=_("Assign a handler"),
                 success=_("Complaint assigned."),
                 act=lambda d: services.complaint_assign(
                     actor=request.user, complaint=complaint, handler=d["handler"],
                     working_days=d["working_days"]))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def reply_return(request, pk):
    complaint = _managed(request, pk)
    return _step(request, complaint, form=ReturnForm(request.POST or None),
                 title=_("Return the reply"), success=_("Reply returned to the handler."),
                 act=lambda d: services.reply_return(actor=request.user, complaint=complaint,
                                                     note=d["note"]))


@web.require(HANDLE)
@require_http_methods(["GET", "POST"])
def complaint_findings(request, pk):
    complaint = _handled(request, pk)
    form = FindingsForm(request.POST or None, initial={"findings": complaint.findings})
    return _step(request, complaint, form=form, title=_("Investigation notes"),
                 success=_("Notes saved."),
                 act=lambda d: services.findings_save(actor=request.user, complaint=complaint,
                                                      findings=d["findings"]))


@web.require(HANDLE)
@require_http_methods(["GET", "POST"])
def reply_draft(request, pk):
    complaint = _handled(request, pk)
    form = ReplyForm(request.POST or None, initial={
        "findings": complaint.findings, "reply": complaint.reply, "outcome": complaint.outcome})
    return _step(request, complaint, form=form, title=_("Reply for approval"),
                 success=_("Reply submitted for the bureau's approval."),
                 act=lambda d: services.reply_submit(actor=request.user, complaint=complaint,
                                                     **d))


@web.require(IDENTITY)
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_identity(request, pk):
    """GET: a button (nothing decrypted, nothing logged); POST: the identity, logged."""
    complaint = _managed(request, pk)
    identity = None
    if request.method == "POST":
        identity = services.identity_reveal(actor=request.user, complaint=complaint)
    title = _("Filer's identity")
    return render(request, T + "identity.html", {
        "c": complaint, "identity": identity, "title": title,
        "breadcrumbs": _crumbs(complaint, (title, None)),
    })


def _year(request) -> int:
    year = web.whole_number(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year


@web.require(VIEW)
@require_GET
def complaint_statistics(request):
    year = _year(request)
    return render(request, T + "statistics.html", {
        "f": statistics.figures(request.user, year, timezone.localdate()), "year": year,
        "breadcrumbs": _crumbs(None, (_("Statistics"), None)),
    })


@web.require(VIEW)
@require_GET
def complaint_statistics_export(request):
    figures = statistics.figures(request.user, _year(request), timezone.localdate())
    sheets = [
        Sheet(title, [Column(header, lambda r: r[0], 30), Column(_("Complaints"), lambda r: r[1], 12)],
              rows)
        for title, header, rows in figures.tables()
    ]
    rate = figures.on_time_rate
    sheets.append(Sheet(_("Replies on time"), [
        Column(_("Figure"), lambda r: r[0], 36), Column(_("Value"), lambda r: r[1], 12)], [
        (_("Complaints filed"), figures.total),
        (_("Answered with a due date"), figures.answered_with_due),
        (_("Answered on time"), figures.on_time),
        (_("On-time reply rate (%)"), rate if rate is not None else ""),
        (_("Open and overdue"), figures.overdue_open),
    ]))
    return xlsx_sheets_response(filename=_("complaint-statistics") + f"-{figures.year}",
                                sheets=sheets)
