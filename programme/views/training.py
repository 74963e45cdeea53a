"""Pages of the programme's training topic (task 9): the sessions list (filters, Excel
export), a session's page (attendees with a count per organisation, materials, activity,
history), and the bureau admin's entry of sessions, attendees (a form, or an Excel file:
``training_import``) and materials. Who reads what: ``programme.selectors.training``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from programme.filtersets.training import TrainingSessionFilterSet
from programme.forms.training import AttendeeForm, MaterialForm, SessionForm
from programme.models import TrainingMaterial, TrainingSession
from programme.selectors import training as sel
from programme.services import training as services
from programme.views import training_import
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW, MANAGE = Perm.VIEW_TRAINING, Perm.MANAGE_TRAINING
LIST = (_("Training"), "programme:training_list")


def _url(session) -> str:
    return reverse("programme:training_detail", kwargs={"pk": session.pk})


def session_or_404(request, pk) -> TrainingSession:
    return get_object_or_404(sel.sessions_for(request.user), pk=pk)


def _filtered(request):
    return TrainingSessionFilterSet(request.GET, queryset=sel.sessions_for(request.user),
                                    request=request)


@web.require(VIEW)
def training_list(request):
    filterset = _filtered(request)
    return render(request, "programme/training/list.html", {
        "filterset": filterset,
        "page_obj": web.paginate(request, filterset.qs),
        "can_manage": roles.has_perm(request.user, MANAGE),
        "filtered_enterprise": web.filtered_enterprise(request, Perm.VIEW_ENTERPRISE),
        "breadcrumbs": web.crumbs((LIST[0], None)),
    })


@web.require(VIEW)
def training_export(request):
    columns = [
        Column(_("Date"), lambda s: s.held_on, 12),
        Column(_("Title"), lambda s: s.title, 36),
        Column(_("Organiser"), lambda s: s.organiser_name, 26),
        Column(_("Place"), lambda s: s.place, 24),
        Column(pgettext("training", "Topic"), lambda s: s.topic, 36),
        Column(_("Hours"), lambda s: s.hours, 8),
        Column(_("Attendees"), lambda s: s.attendee_count, 10),
        Column(_("Organisations"), lambda s: s.organisation_count, 12),
    ]
    return xlsx_response(filename=_("training sessions"), sheet_title=_("Training sessions"),
                         columns=columns, rows=_filtered(request).qs)


def attendee_columns() -> list[Column]:
    return [
        Column(_("Organisation"), lambda a: str(a.organisation), 30),
        Column(pgettext("person", "Name"), lambda a: a.person_name, 14),
        Column(_("Position"), lambda a: a.position, 20),
    ]


@web.require(VIEW)
def training_attendee_export(request, pk):
    session = session_or_404(request, pk)
    return xlsx_response(
        filename=_("attendees %(date)s %(title)s") % {"date": session.held_on,
                                                      "title": session.title},
        sheet_title=_("Attendees"), columns=attendee_columns(),
        rows=sel.session_attendees(request.user, session),
    )


@web.require(VIEW)
def training_detail(request, pk):
    session = session_or_404(request, pk)
    attendees = sel.session_attendees(request.user, session)
    can_manage = roles.has_perm(request.user, MANAGE)
    return render(request, "programme/training/detail.html", {
        "session": session,
        "attendees": attendees,
        "per_organisation": sel.per_organisation(attendees),
        "materials": session.materials.select_related("uploaded_by"),
        "can_manage": can_manage,
        # the activity names every attendee: only for those who read them all
        "sees_all": sel.sees_all(request.user),
        "events": events.for_object(session) if sel.sees_all(request.user) else [],
        "history": web.history_rows(session) if can_manage else [],
        "breadcrumbs": web.crumbs(LIST, (session.title, None)),
    })


def _form_page(request, form, *, title, session=None):
    items = [LIST] + ([(session.title, _url(session))] if session else [])
    return render(request, "programme/includes/form.html", {
        "form": form, "title": title,
        "cancel_url": _url(session) if session else reverse("programme:training_list"),
        "breadcrumbs": web.crumbs(*items, (title, None)),
    })


def _session_data(form) -> dict:
    return {f: form.cleaned_data[f] for f in SessionForm.Meta.fields}


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def training_create(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, data=_session_data(form))
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Training session recorded."))
            return redirect(_url(session))
    return _form_page(request, form, title=_("New training session"))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def training_edit(request, pk):
    session = session_or_404(request, pk)
    form = SessionForm(request.POST or None,
                       instance=TrainingSession.objects.get(pk=session.pk))
    return web.form_step(
        request, _url(session), form=form,
        act=lambda d: services.session_update(actor=request.user, session=session,
                                              data=_session_data(form)),
        page=lambda f: _form_page(request, f, title=_("Edit training session"), session=session),
        success=_("Training session saved."),
    )


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def training_attendee_add(request, pk):
    session = session_or_404(request, pk)
    form = AttendeeForm(request.POST or None)
    return web.form_step(
        request, _url(session), form=form,
        act=lambda d: services.attendees_add(actor=request.user, session=session, rows=[d]),
        page=lambda f: _form_page(request, f, title=_("Add an attendee"), session=session),
        success=_("Attendee added."),
    )


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def training_attendee_remove(request, pk):
    """A confirmation page (GET) before the attendee is removed (POST)."""
    attendance = get_object_or_404(
        sel.attendances_for(request.user).select_related("session"), pk=pk
    )
    session = attendance.session
    if request.method == "POST":
        return web.post_step(
            request, _url(session),
            lambda: services.attendee_remove(actor=request.user, attendance=attendance),
            _("Attendee removed."),
        )
    return render(request, "programme/training/attendee_remove.html", {
        "attendance": attendance, "session": session,
        "breadcrumbs": web.crumbs(LIST, (session.title, _url(session)),
                                  (_("Remove an attendee"), None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def training_material_add(request, pk):
    session = session_or_404(request, pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    return web.form_step(
        request, _url(session), form=form,
        act=lambda d: services.materials_add(actor=request.user, session=session,
                                             files=d["files"]),
        page=lambda f: _form_page(request, f, title=_("Add materials"), session=session),
        success=_("Materials added."),
    )


@web.require(VIEW)
def training_material_file(request, pk):
    material = get_object_or_404(TrainingMaterial.objects.select_related("session"), pk=pk)
    session_or_404(request, material.session_id)  # a material is read with its session
    return web.send_file(material.file, material.original_name)


urlpatterns = [
    path("training/", training_list, name="training_list"),
    path("training/export/", training_export, name="training_export"),
    path("training/new/", training_create, name="training_create"),
    path("training/<int:pk>/", training_detail, name="training_detail"),
    path("training/<int:pk>/edit/", training_edit, name="training_edit"),
    path("training/<int:pk>/attendees/new/", training_attendee_add, name="training_attendee_add"),
    path("training/<int:pk>/attendees/export/", training_attendee_export,
         name="training_attendee_export"),
    path("training/attendees/<int:pk>/remove/", training_attendee_remove,
         name="training_attendee_remove"),
    path("training/<int:pk>/materials/new/", training_material_add, name="training_material_add"),
    path("training/materials/<int:pk>/", training_material_file, name="training_material_file"),
    *training_import.urlpatterns,
]
