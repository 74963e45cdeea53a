"""Credit events pages. Reading: Perm.VIEW_CREDIT_EVENT through ``credit.selectors.events``
(the bureau every event, a county its area's enterprises', an enterprise or an agency its own;
out of scope is 404). A manual event: Perm.MANAGE_CREDIT_EVENT (bureau admins) enters it; a
different admin confirms it on a confirmation page, or refuses it with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from credit.choices import EventOrigin, EventStatus
from credit.forms.events import ConfirmForm, EventFilterSet, ManualEventForm, RefuseForm
from credit.selectors import events as sel
from credit.services import events as services
from zhongwei_carbon import display, events, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW, MANAGE = Perm.VIEW_CREDIT_EVENT, Perm.MANAGE_CREDIT_EVENT
T = "credit/events/"


def _crumbs(event=None, *more):
    items = [(_("Credit events"), "credit:event_list")]
    if event is not None:
        items.append((str(event), _detail_url(event) if more else None))
    return web.crumbs(*items, *more)


def _detail_url(event) -> str:
    return reverse("credit:event_detail", args=[event.pk])


def _filtered(request):
    return EventFilterSet(request.GET, queryset=sel.events_for(request.user), request=request)


@web.require(VIEW)
@require_GET
def event_list(request):
    filterset = _filtered(request)
    user = request.user
    return render(request, T + "list.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "can_manage": roles.has_perm(user, MANAGE), "awaiting": sel.awaiting(user).count(),
        "is_bureau": roles.is_bureau(user), "breadcrumbs": _crumbs(),
    })


def event_columns() -> list[Column]:
    return [
        Column(_("Date"), lambda e: e.occurred_on, 12),
        Column(pgettext("credit filter", "Year"), lambda e: e.year, 8),
        Column(pgettext("credit event", "Subject"), lambda e: e.get_subject_kind_display(), 12),
        Column(_("Name"), lambda e: str(e.subject), 30),
        Column(_("Unified social credit code"), lambda e: e.subject.uscc or "", 22),
        Column(_("Area"), lambda e: str(e.enterprise.area) if e.enterprise_id else "", 12),
        Column(_("Event kind"), lambda e: e.get_kind_display(), 28),
        Column(_("Measure"), lambda e: e.measure, 10),
        Column(pgettext("credit event", "What happened"), lambda e: e.summary, 50),
        Column(_("Origin"), lambda e: e.get_origin_display(), 14),
        Column(_("Status"), lambda e: e.get_status_display(), 16),
        Column(_("Recorded at"), lambda e: timezone.localtime(e.recorded_at).strftime(
            "%Y-%m-%d %H:%M"), 17),
    ]


@web.require(VIEW)
@require_GET
def event_export(request):
    return xlsx_response(filename=_("credit-events"), sheet_title=_("Credit events"),
                         columns=event_columns(), rows=_filtered(request).qs)


@web.require(VIEW)
@require_GET
def event_detail(request, pk):
    event = sel.get(request.user, pk)
    user = request.user
    source_name, source_url = sel.source_of(event, user)
    pending = event.status == EventStatus.PENDING
    return render(request, T + "detail.html", {
        "e": event, "breadcrumbs": _crumbs(event),
        "subject_url": sel.subject_url(event), "source_name": source_name,
        "source_url": source_url,
        "can_decide": pending and roles.has_perm(user, MANAGE) and event.recorded_by_id != user.pk,
        "own_pending": pending and event.recorded_by_id == user.pk,
        "is_manual": event.origin == EventOrigin.MANUAL,
        "events": events.for_object(event), "history": web.history_rows(event),
    })


@web.require(VIEW)
@require_GET
def event_evidence(request, pk):
    event = sel.get(request.user, pk)
    return web.send_file(event.evidence_file, f"credit-event-{event.pk}")


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def event_new(request):
    form = ManualEventForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.manual_enter(actor=request.user, **form.service_data())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("The event is recorded and waits for a second "
                                        "administrator's confirmation."))
            return redirect("credit:event_detail", pk=event.pk)
    return render(request, T + "form.html", {
        "form": form, "title": _("Enter a credit event"),
        "breadcrumbs": _crumbs(None, (_("Enter a credit event"), None)),
    })


def _rows(event) -> list[tuple[str, object]]:
    return [
        (pgettext("credit event", "Subject"), f"{event.subject} · {event.get_subject_kind_display()}"),
        (pgettext("credit filter", "Year"), event.year),
        (_("Event kind"), event.get_kind_display()),
        (_("Date"), event.occurred_on.isoformat()),
        (pgettext("credit event", "What happened"), event.summary),
        (_("Evidence"), event.evidence or (_("file attached") if event.evidence_file else "")),
        (_("Entered by"), f"{display.person(event.recorded_by)} · "
         f"{timezone.localtime(event.recorded_at):%Y-%m-%d %H:%M}"),
    ]


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def event_confirm(request, pk):
    event = sel.get(request.user, pk)
    detail = _detail_url(event)
    crumbs = _crumbs(event, (_("Confirm"), None))

    def form_page(form):
        return render(request, T + "decide.html", {
            "form": form, "e": event, "rows": _rows(event), "breadcrumbs": crumbs,
            "title": _("Confirm the credit event"), "button": _("Check and confirm"),
        })

    def done(result):
        messages.success(request, _("The event is confirmed and counts from now on."))
        return redirect(detail)

    return confirmed_step(
        request,
        make_form=lambda data, files, initial: ConfirmForm(data, initial=initial or None),
        check=lambda form: services.decide_check(actor=request.user, event=event),
        act=lambda form: services.manual_confirm(actor=request.user, event=event),
        confirmation=lambda form, summary: Confirmation(
            title=_("Confirm the credit event"),
            question=_("Confirm this event? It counts in the subject's credit score from now "
                       "on."),
            button=_("Confirm the event"), rows=_rows(event), breadcrumbs=crumbs,
            warning=_("Confirm only what the evidence shows: a confirmed event can be undone "
                      "only on the subject's objection."),
        ),
        form_page=form_page, done=done, purpose="credit-event-confirm",
    )


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def event_refuse(request, pk):
    event = sel.get(request.user, pk)
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.manual_refuse(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("The event is refused: it will not count."))
            return redirect("credit:event_detail", pk=event.pk)
    return render(request, T + "decide.html", {
        "form": form, "e": event, "rows": _rows(event),
        "breadcrumbs": _crumbs(event, (_("Refuse"), None)),
        "title": _("Refuse the credit event"), "button": _("Refuse the event"), "danger": True,
    })
