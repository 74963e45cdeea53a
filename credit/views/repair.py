"""Credit repair (信用修复): the subject applies for an event of a published final year after
the waiting period, with evidence; the bureau approves or refuses; lists and Excel export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from credit.choices import RepairStatus
from credit.grading_forms import RepairDecisionForm, RepairForm
from credit.models import CreditEvent
from credit.selectors import grading as sel
from credit.services import repair as svc
from zhongwei_carbon import display, events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

T = "credit/repair/"
VIEW, WORK = Perm.VIEW_CREDIT_GRADE, Perm.VIEW_CREDIT_WORK
APPLY, DECIDE = Perm.APPLY_CREDIT_REPAIR, Perm.DECIDE_CREDIT_REPAIR


def _crumbs(application=None, *more):
    items = [(_("Credit repairs"), "credit:repair_list")]
    if application is not None:
        items.append((str(application), reverse("credit:repair_detail", args=[application.pk])
                      if more else None))
    return web.crumbs(*items, *more)


def _filtered(request):
    qs = sel.repairs_for(request.user, WORK)
    if (status := request.GET.get("status")) in RepairStatus.values:
        qs = qs.filter(status=status)
    if (year := web.whole_number(request.GET.get("year"))) is not None:
        qs = qs.filter(event__year=year)
    return sel.search(qs, request.GET.get("q", ""), prefix="event__").order_by("status",
                                                                               "-filed_at")


@web.require(WORK)
@require_GET
def repair_list(request):
    return render(request, T + "list.html", {
        "page_obj": web.paginate(request, _filtered(request)),
        "statuses": RepairStatus.choices, "breadcrumbs": _crumbs(),
    })


def repair_columns() -> list[Column]:
    return [
        Column(pgettext("credit subject", "Subject"), lambda r: r.event.subject.name, 32),
        Column(_("Unified social credit code"), lambda r: r.event.subject.uscc, 22),
        Column(_("Event year"), lambda r: r.event.year, 10),
        Column(_("Event"), lambda r: r.event.get_kind_display(), 28),
        Column(pgettext("credit event", "What happened"), lambda r: r.event.summary, 36),
        Column(_("Filed at"), lambda r: timezone.localtime(r.filed_at).strftime("%Y-%m-%d"), 12),
        Column(_("Correction made"), lambda r: r.reasons, 40),
        Column(_("Status"), lambda r: r.get_status_display(), 12),
        Column(_("Decision note"), lambda r: r.decision_note, 40),
        Column(_("Decided at"), lambda r: timezone.localtime(r.decided_at).strftime("%Y-%m-%d")
               if r.decided_at else "", 12),
        Column(_("No longer counts from year"), lambda r: r.effective_year or "", 12),
    ]


@web.require(WORK)
@require_GET
def repair_export(request):
    return xlsx_response(filename=_("credit repairs"), sheet_title=_("Credit repairs"),
                         columns=repair_columns(), rows=_filtered(request))


@web.require(VIEW)
@require_GET
def repair_detail(request, pk):
    application = sel.repair(request.user, pk)
    return render(request, T + "detail.html", {
        "r": application,
        "can_decide": roles.has_perm(request.user, DECIDE)
        and application.status == RepairStatus.PENDING,
        "filed_by": display.person(application.filed_by),
        "decided_by": display.person(application.decided_by) if application.decided_by else "",
        "events": events.for_object(application), "history": web.history_rows(application),
        "breadcrumbs": _crumbs(application) if roles.has_perm(request.user, WORK)
        else web.crumbs((_("My credit"), "credit:my_credit"), (str(application), None)),
    })


@web.require(VIEW)
@require_GET
def repair_file(request, pk):
    application = sel.repair(request.user, pk)
    return web.send_file(application.file, _("repair-%(pk)s") % {"pk": application.pk})


@web.require(APPLY)
@require_http_methods(["GET", "POST"])
def repair_new(request, event_pk):
    event = web.get_scoped_or_404(CreditEvent.objects.all(), request.user, APPLY, pk=event_pk)
    form = RepairForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = svc.apply(actor=request.user, event=event,
                                    reasons=form.cleaned_data["reasons"],
                                    file=form.cleaned_data["file"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Repair application filed."))
            return redirect("credit:repair_detail", pk=application.pk)
    title = _("Apply for credit repair")
    return render(request, T + "form.html", {
        "form": form, "title": title, "event": event, "multipart": True,
        "blocker": svc.repair_blocker(event, timezone.localdate()),
        "cancel_url": reverse("credit:my_credit"),
        "breadcrumbs": web.crumbs((_("My credit"), "credit:my_credit"), (title, None)),
    })


@web.require(DECIDE)
@require_http_methods(["GET", "POST"])
def repair_decide(request, pk):
    application = sel.repair(request.user, pk, DECIDE)
    form = RepairDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.decide(actor=request.user, application=application,
                       approve=form.cleaned_data["decision"] == "approve",
                       note=form.cleaned_data["note"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Repair decided; the subject is notified."))
            return redirect("credit:repair_detail", pk=application.pk)
    title = _("Decide the repair application")
    return render(request, T + "form.html", {
        "form": form, "title": title, "r": application, "event": application.event,
        "cancel_url": reverse("credit:repair_detail", args=[application.pk]),
        "breadcrumbs": _crumbs(application, (title, None)),
    })


