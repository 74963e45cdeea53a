"""Objections to an event of a provisional credit grade: the subject files (within the
window, once per event), the bureau lists them with their due dates, decides and exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from credit.choices import ObjectionStatus
from credit.grading_forms import ObjectionDecisionForm, ObjectionForm
from credit.models import CreditEvent, CreditYear
from credit.selectors import grading as sel
from credit.services import objections as svc
from zhongwei_carbon import display, events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

T = "credit/objections/"
VIEW, WORK = Perm.VIEW_CREDIT_GRADE, Perm.VIEW_CREDIT_WORK
OBJECT, DECIDE = Perm.OBJECT_TO_CREDIT, Perm.DECIDE_CREDIT_OBJECTION


def _crumbs(objection=None, *more):
    items = [(_("Credit objections"), "credit:objection_list")]
    if objection is not None:
        items.append((str(objection), reverse("credit:objection_detail", args=[objection.pk])
                      if more else None))
    return web.crumbs(*items, *more)


def _filtered(request):
    qs = sel.objections_for(request.user, WORK)
    if (status := request.GET.get("status")) in ObjectionStatus.values:
        qs = qs.filter(status=status)
    if (year := web.whole_number(request.GET.get("year"))) is not None:
        qs = qs.filter(grade__credit_year__year=year)
    if request.GET.get("overdue"):
        qs = qs.filter(status=ObjectionStatus.PENDING, decision_due__lt=timezone.localdate())
    qs = sel.search(qs, request.GET.get("q", ""), prefix="grade__")
    return qs.order_by("status", "decision_due", "pk")


@web.require(WORK)
@require_GET
def objection_list(request):
    return render(request, T + "list.html", {
        "page_obj": web.paginate(request, _filtered(request)),
        "statuses": ObjectionStatus.choices,
        "years": CreditYear.objects.values_list("year", flat=True),
        "today": timezone.localdate(), "breadcrumbs": _crumbs(),
    })


def objection_columns() -> list[Column]:
    return [
        Column(_("Year"), lambda o: o.grade.credit_year.year, 8),
        Column(pgettext("credit subject", "Subject"), lambda o: o.grade.subject.name, 32),
        Column(_("Unified social credit code"), lambda o: o.grade.subject.uscc, 22),
        Column(_("Event"), lambda o: o.event.get_kind_display(), 28),
        Column(pgettext("credit event", "What happened"), lambda o: o.event.summary, 36),
        Column(_("Date"), lambda o: o.event.occurred_on, 12),
        Column(_("Filed at"), lambda o: timezone.localtime(o.filed_at).strftime("%Y-%m-%d"), 12),
        Column(_("Reasons"), lambda o: o.reasons, 40),
        Column(_("Decision due"), lambda o: o.decision_due, 12),
        Column(_("Status"), lambda o: o.get_status_display(), 18),
        Column(_("Decision note"), lambda o: o.decision_note, 40),
        Column(_("Decided at"), lambda o: timezone.localtime(o.decided_at).strftime("%Y-%m-%d")
               if o.decided_at else "", 12),
    ]


@web.require(WORK)
@require_GET
def objection_export(request):
    return xlsx_response(filename=_("credit objections"), sheet_title=_("Credit objections"),
                         columns=objection_columns(), rows=_filtered(request))


@web.require(VIEW)
@require_GET
def objection_detail(request, pk):
    objection = sel.objection(request.user, pk)
    return render(request, T + "detail.html", {
        "o": objection, "today": timezone.localdate(),
        "can_decide": roles.has_perm(request.user, DECIDE)
        and objection.status == ObjectionStatus.PENDING,
        "filed_by": display.person(objection.filed_by),
        "decided_by": display.person(objection.decided_by) if objection.decided_by else "",
        "events": events.for_object(objection), "history": web.history_rows(objection),
        "breadcrumbs": _crumbs(objection) if roles.has_perm(request.user, WORK)
        else web.crumbs((_("My credit"), "credit:my_credit"), (str(objection), None)),
    })


@web.require(VIEW)
@require_GET
def objection_file(request, pk):
    objection = sel.objection(request.user, pk)
    return web.send_file(objection.file, _("objection-%(pk)s") % {"pk": objection.pk})


@web.require(OBJECT)
@require_http_methods(["GET", "POST"])
def objection_new(request, grade_pk, event_pk):
    grade = sel.grade(request.user, grade_pk, OBJECT)
    if event_pk not in svc.events_on_card(grade):
        raise Http404
    event = CreditEvent.objects.get(pk=event_pk)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = svc.file_objection(actor=request.user, grade=grade, event=event,
                                           reasons=form.cleaned_data["reasons"],
                                           file=form.cleaned_data.get("file"))
        except ValidationError as exc:
            web.apply_errors(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("Objection filed: the bureau decides by %(date)s.")
                             % {"date": objection.decision_due.isoformat()})
            return redirect("credit:objection_detail", pk=objection.pk)
    title = _("Object to an event")
    return render(request, T + "form.html", {
        "form": form, "title": title, "g": grade, "event": event, "multipart": True,
        "cancel_url": reverse("credit:grade_detail", args=[grade.pk]),
        "blocker": svc.objection_blocker(grade, timezone.localdate()),
        "breadcrumbs": web.crumbs((_("My credit"), "credit:my_credit"), (title, None)),
    })


@web.require(DECIDE)
@require_http_methods(["GET", "POST"])
def objection_decide(request, pk):
    objection = sel.objection(request.user, pk, DECIDE)
    form = ObjectionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.decide(actor=request.user, objection=objection,
                       decision=form.cleaned_data["decision"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Objection decided; the subject is notified."))
            return redirect("credit:objection_detail", pk=objection.pk)
    title = _("Decide the objection")
    return render(request, T + "form.html", {
        "form": form, "title": title, "o": objection, "g": objection.grade,
        "event": objection.event,
        "cancel_url": reverse("credit:objection_detail", args=[objection.pk]),
        "breadcrumbs": _crumbs(objection, (title, None)),
    })
