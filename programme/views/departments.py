"""Pages of the programme's departments topic: the city departments and banks, their
liaisons and the data the bureau grants them. The bureau reads every department, a liaison
only his own (``Perm.VIEW_DEPARTMENT``); the bureau admin adds and edits departments and
gives and revokes grants (``Perm.MANAGE_DEPARTMENT``); liaisons are users with a membership
(``accounts``: the department page opens the new-user form with the role and department
chosen)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programme.filtersets.departments import DepartmentFilterSet
from programme.forms.departments import DepartmentForm, GrantForm
from programme.selectors import departments as sel
from registry.choices import DepartmentKind
from registry.models import Department, DepartmentGrant
from registry.services import departments as services
from zhongwei_carbon import display, events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm, Role

FIELDS = DepartmentForm.Meta.fields


def _department(request, pk, action=Perm.VIEW_DEPARTMENT) -> Department:
    return get_object_or_404(sel.departments_for(request.user, action), pk=pk)


def _url(department) -> str:
    return reverse("programme:department_detail", kwargs={"pk": department.pk})


def _grants_text(department) -> str:
    return "、".join(str(g.get_dataset_display()) for g in department.active_grants)


@web.require(Perm.VIEW_DEPARTMENT)
def department_list(request):
    filterset = DepartmentFilterSet(request.GET, queryset=sel.departments_for(request.user))
    return render(request, "programme/departments/list.html", {
        "filterset": filterset,
        "page_obj": web.paginate(request, filterset.qs),
        "can_manage": roles.has_perm(request.user, Perm.MANAGE_DEPARTMENT),
        "breadcrumbs": web.crumbs((_("Departments"), None)),
    })


@web.require(Perm.VIEW_DEPARTMENT)
def department_export(request):
    filterset = DepartmentFilterSet(request.GET, queryset=sel.departments_for(request.user))
    columns = [
        Column(_("Code"), lambda d: d.code, 20),
        Column(_("Name"), lambda d: d.name, 30),
        Column(_("English name"), lambda d: d.name_en, 36),
        Column(_("Kind"), lambda d: d.get_kind_display(), 16),
        Column(_("Active"), lambda d: display.yes_no(d.is_active), 8),
        Column(_("Liaisons"), lambda d: d.member_count, 10),
        Column(_("Data granted"), _grants_text, 60),
    ]
    return xlsx_response(
        filename=_("departments"), sheet_title=_("Departments"), columns=columns,
        rows=filterset.qs,
    )


@web.require(Perm.VIEW_DEPARTMENT)
def department_detail(request, pk):
    department = _department(request, pk)
    can_manage = roles.has_perm(request.user, Perm.MANAGE_DEPARTMENT)
    add_liaison = None
    if roles.has_perm(request.user, Perm.MANAGE_USERS):
        query = urlencode({"role": Role.DEPARTMENT_LIAISON, "department": department.pk})
        add_liaison = f"{reverse('accounts:user_create')}?{query}"
    return render(request, "programme/departments/detail.html", {
        "department": department,
        "members": sel.members(department),
        "grants": sel.grants(department),
        "can_manage": can_manage,
        "can_manage_users": roles.has_perm(request.user, Perm.MANAGE_USERS),
        "add_liaison_url": add_liaison,
        "events": events.for_object(department),
        "history": web.history_rows(department) if can_manage else [],
        "breadcrumbs": web.crumbs((_("Departments"), "programme:department_list"),
                                  (department.name, None)),
    })


def _form_page(request, form, *, title, department=None, cancel_url):
    items = [(_("Departments"), "programme:department_list")]
    if department is not None:
        items.append((department.name, _url(department)))
    return render(request, "programme/includes/form.html", {
        "form": form, "title": title, "cancel_url": cancel_url, "department": department,
        "breadcrumbs": web.crumbs(*items, (title, None)),
    })


@web.require(Perm.MANAGE_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def department_create(request):
    form = DepartmentForm(request.POST or None, initial={"kind": DepartmentKind.DEPARTMENT})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in FIELDS}
        try:
            department = services.department_create(actor=request.user, data=data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Department %(name)s added.") % {"name": department.name})
            return redirect(_url(department))
    return _form_page(request, form, title=_("New department"),
                      cancel_url=reverse("programme:department_list"))


@web.require(Perm.MANAGE_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def department_edit(request, pk):
    department = _department(request, pk, Perm.MANAGE_DEPARTMENT)
    form = DepartmentForm(request.POST or None, instance=Department.objects.get(pk=department.pk))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in FIELDS}
        try:
            services.department_update(actor=request.user, department=department, data=data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Department data saved."))
            return redirect(_url(department))
    return _form_page(request, form, title=_("Edit %(name)s") % {"name": department.name},
                      department=department, cancel_url=_url(department))


@web.require(Perm.MANAGE_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def grant_give(request, pk):
    department = _department(request, pk, Perm.MANAGE_DEPARTMENT)
    form = GrantForm(request.POST or None)
    return web.form_step(
        request, _url(department), form=form,
        act=lambda d: services.grant_give(actor=request.user, department=department,
                                          dataset=d["dataset"], note=d["note"]),
        page=lambda f: _form_page(request, f, title=_("Grant data"), department=department,
                                  cancel_url=_url(department)),
        success=_("Data granted."),
    )


@web.require(Perm.MANAGE_DEPARTMENT)
@require_http_methods(["GET", "POST"])
def grant_revoke(request, pk):
    """A confirmation page (GET) before the grant is revoked (POST)."""
    grant = get_object_or_404(
        DepartmentGrant.objects.select_related("department", "granted_by", "revoked_by").filter(
            department__in=sel.departments_for(request.user, Perm.MANAGE_DEPARTMENT)
        ),
        pk=pk,
    )
    if request.method == "POST":
        return web.post_step(
            request, _url(grant.department),
            lambda: services.grant_revoke(actor=request.user, grant=grant),
            _("Data grant revoked."),
        )
    department = grant.department
    return render(request, "programme/departments/grant_revoke.html", {
        "grant": grant, "department": department,
        "breadcrumbs": web.crumbs((_("Departments"), "programme:department_list"),
                                  (department.name, _url(department)),
                                  (_("Revoke a data grant"), None)),
    })


urlpatterns = [
    path("departments/", department_list, name="department_list"),
    path("departments/export/", department_export, name="department_export"),
    path("departments/new/", department_create, name="department_create"),
    path("departments/<int:pk>/", department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", department_edit, name="department_edit"),
    path("departments/<int:pk>/grants/new/", grant_give, name="grant_give"),
    path("department-grants/<int:pk>/revoke/", grant_revoke, name="grant_revoke"),
]
