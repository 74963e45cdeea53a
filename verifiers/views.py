"""Agency pages: bureau manages agencies (Perm.MANAGE_AGENCY); agency staff see their own
agency (Perm.VIEW_AGENCY, through scoping) and edit its contact data
(Perm.EDIT_OWN_AGENCY_CONTACT)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from verifiers import selectors, services
from verifiers.choices import AgencyStatus
from verifiers.filtersets import AgencyFilterSet
from verifiers.forms import AgencyContactForm, AgencyForm, QualificationForm, StaffForm
from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon import events, links, roles, sections, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm


def _form_page(request, form, *, title, cancel_url, agency=None):
    return render(
        request,
        "verifiers/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "agency": agency},
    )


def _agency(request, pk, action):
    return web.get_scoped_or_404(Agency.objects.all(), request.user, action, pk=pk)


@web.require(Perm.VIEW_AGENCY)
def agency_list(request):
    filterset = AgencyFilterSet(request.GET, queryset=selectors.agencies_for(request.user))
    return render(
        request,
        "verifiers/agency_list.html",
        {
            "filterset": filterset,
            "page_obj": web.paginate(request, filterset.qs),
            "statuses": AgencyStatus.choices,
            "can_manage": roles.has_perm(request.user, Perm.MANAGE_AGENCY),
        },
    )


@web.require(Perm.VIEW_AGENCY)
def agency_export(request):
    filterset = AgencyFilterSet(request.GET, queryset=selectors.agencies_for(request.user))
    columns = [
        Column(_("Name"), lambda a: a.name, 30),
        Column(_("Unified social credit code"), lambda a: a.uscc, 22),
        Column(_("Status"), lambda a: a.get_status_display(), 10),
        Column(_("Suspended until"), lambda a: a.suspended_until, 12),
        Column(_("Address"), lambda a: a.address, 30),
        Column(_("Contact person"), lambda a: a.contact_person),
        Column(_("Contact phone"), lambda a: a.contact_phone),
        Column(_("Contact e-mail"), lambda a: a.contact_email, 24),
        Column(_("Valid qualifications"), lambda a: a.valid_qualifications, 10),
        Column(_("Active verifiers"), lambda a: a.active_staff, 10),
    ]
    return xlsx_response(
        filename=_("agencies"), sheet_title=_("Agencies"), columns=columns, rows=filterset.qs
    )


@web.require(Perm.MANAGE_AGENCY)
@require_http_methods(["GET", "POST"])
def agency_create(request):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Agency %(name)s registered.") % {"name": agency.name})
            return redirect("verifiers:agency_detail", pk=agency.pk)
    return _form_page(
        request, form, title=_("New agency"), cancel_url=reverse("verifiers:agency_list")
    )


@web.require(Perm.VIEW_AGENCY)
def agency_detail(request, pk):
    agency = _agency(request, pk, Perm.VIEW_AGENCY)
    user = request.user
    shown = sections.for_agency(user, agency)
    return render(
        request,
        "verifiers/agency_detail.html",
        {
            "agency": agency,
            "qualifications": selectors.qualification_rows(agency),
            "staff": selectors.staff_rows(agency),
            "can_manage": roles.has_perm(user, Perm.MANAGE_AGENCY),
            "can_edit_contact": roles.has_perm(user, Perm.EDIT_OWN_AGENCY_CONTACT),
            "links": links.for_agency(user, agency),
            "events": events.for_object(agency),
            "history": web.history_rows(agency),
            # what higher apps show about the agency (oversight: its performance by year;
            # credit: its current grade under the title)
            "sections": sections.placed(shown, sections.MAIN),
            "top_sections": sections.placed(shown, sections.TOP),
        },
    )


@web.require(Perm.MANAGE_AGENCY)
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk):
    agency = _agency(request, pk, Perm.MANAGE_AGENCY)
    return _edit(
        request,
        agency,
        AgencyForm(request.POST or None, instance=Agency.objects.get(pk=agency.pk)),
        services.agency_update,
    )


@web.require(Perm.EDIT_OWN_AGENCY_CONTACT)
@require_http_methods(["GET", "POST"])
def agency_contact_edit(request, pk):
    agency = _agency(request, pk, Perm.EDIT_OWN_AGENCY_CONTACT)
    return _edit(
        request,
        agency,
        AgencyContactForm(request.POST or None, instance=Agency.objects.get(pk=agency.pk)),
        services.agency_update_contact,
    )


def _edit(request, agency, form, service):
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Agency data saved."))
            return redirect("verifiers:agency_detail", pk=agency.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": agency.name},
        cancel_url=reverse("verifiers:agency_detail", kwargs={"pk": agency.pk}),
        agency=agency,
    )


@web.require(Perm.MANAGE_AGENCY)
@require_http_methods(["GET", "POST"])
def qualification_create(request, pk):
    agency = _agency(request, pk, Perm.MANAGE_AGENCY)
    form = QualificationForm(request.POST or None)
    return _child_form(
        request,
        agency,
        form,
        lambda d: services.qualification_create(actor=request.user, agency=agency, **d),
        _("New qualification"),
    )


@web.require(Perm.MANAGE_AGENCY)
@require_http_methods(["GET", "POST"])
def qualification_edit(request, pk):
    qualification = web.get_scoped_or_404(
        AgencyQualification.objects.select_related("agency"),
        request.user,
        Perm.MANAGE_AGENCY,
        pk=pk,
    )
    form = QualificationForm(
        request.POST or None, instance=AgencyQualification.objects.get(pk=qualification.pk)
    )
    return _child_form(
        request,
        qualification.agency,
        form,
        lambda d: services.qualification_update(
            actor=request.user, qualification=qualification, **d
        ),
        _("Edit qualification %(q)s") % {"q": qualification},
    )


@web.require(Perm.MANAGE_AGENCY)
@require_http_methods(["GET", "POST"])
def staff_create(request, pk):
    agency = _agency(request, pk, Perm.MANAGE_AGENCY)
    form = StaffForm(request.POST or None, agency=agency)
    return _child_form(
        request,
        agency,
        form,
        lambda d: services.staff_create(actor=request.user, agency=agency, **d),
        _("New verifier"),
    )


@web.require(Perm.MANAGE_AGENCY)
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    staff = web.get_scoped_or_404(
        VerifierStaff.objects.select_related("agency"), request.user, Perm.MANAGE_AGENCY, pk=pk
    )
    form = StaffForm(
        request.POST or None, instance=VerifierStaff.objects.get(pk=staff.pk), agency=staff.agency
    )
    return _child_form(
        request,
        staff.agency,
        form,
        lambda d: services.staff_update(actor=request.user, staff=staff, **d),
        _("Edit verifier %(name)s") % {"name": staff.name},
    )


def _child_form(request, agency, form, save, title):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("verifiers:agency_detail", pk=agency.pk)
    return _form_page(
        request,
        form,
        title=title,
        cancel_url=reverse("verifiers:agency_detail", kwargs={"pk": agency.pk}),
        agency=agency,
    )
