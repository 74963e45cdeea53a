"""User and membership management pages for bureau administrators (Perm.MANAGE_USERS)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services
from accounts.filtersets import UserFilterSet
from accounts.forms import (
    MembershipForm,
    UserCreateForm,
    UserForm,
    enterprise_label,
    enterprises_for,
    membership_initial,
)
from accounts.models import Membership, User
from zhongwei_carbon import events, lookup, scoping, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm, Role

ACTION = Perm.MANAGE_USERS


def _users(request):
    memberships = Membership.objects.select_related("area", "enterprise", "agency", "department").order_by("role")
    qs = User.objects.prefetch_related(Prefetch("memberships", queryset=memberships))
    return scoping.for_user(qs, request.user, ACTION)


def _get_user(request, pk):
    return web.get_scoped_or_404(User.objects.all(), request.user, ACTION, pk=pk)


def _role_memberships(user):
    return [m for m in user.memberships.all() if m.is_active]


@web.require(ACTION)
def user_list(request):
    filterset = UserFilterSet(request.GET, queryset=_users(request))
    page_obj = web.paginate(request, filterset.qs)
    return render(
        request,
        "accounts/user_list.html",
        {"filterset": filterset, "page_obj": page_obj, "roles": Role.choices},
    )


@web.require(ACTION)
def user_export(request):
    filterset = UserFilterSet(request.GET, queryset=_users(request))
    columns = [
        Column(_("User name"), lambda u: u.username),
        Column(_("Full name"), lambda u: u.full_name, 20),
        Column(_("Phone"), lambda u: u.phone),
        Column(_("E-mail"), lambda u: u.email, 24),
        Column(_("Active"), lambda u: _("Yes") if u.is_active else _("No"), 8),
        Column(
            _("Roles"),
            lambda u: "; ".join(str(m) for m in _role_memberships(u)),
            50,
        ),
        Column(_("Last login"), lambda u: u.last_login, 18),
        Column(_("Joined"), lambda u: u.date_joined, 18),
    ]
    return xlsx_response(
        filename=_("users"), sheet_title=_("Users"), columns=columns, rows=filterset.qs
    )


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = UserCreateForm(request.POST or None, prefix="user")
    mform = MembershipForm(
        request.POST or None, prefix="m", user=request.user, initial=membership_initial(request.GET)
    )
    if request.method == "POST" and form.is_valid() & mform.is_valid():
        try:
            user = services.user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                membership=mform.service_kwargs(),
            )
        except ValidationError as exc:
            target = mform if hasattr(exc, "error_dict") and set(exc.error_dict) & set(
                mform.fields
            ) else form
            web.apply_errors(target, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "mform": mform})


@web.require(ACTION)
def user_detail(request, pk):
    user = web.get_scoped_or_404(_users(request), request.user, ACTION, pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "can_deactivate": services.deactivation_blocker(request.user, user) is None,
            "memberships": user.memberships.all(),
            "events": events.for_object(user),
            "history": web.history_rows(user),
        },
    )


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    user = _get_user(request, pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("User data saved."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "subject": user})


def _set_active(request, pk, is_active: bool):
    user = _get_user(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.user_set_active(actor=request.user, user=user, is_active=is_active)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Account %(name)s activated.") % {"name": user.username}
                if is_active
                else _("Account %(name)s deactivated.") % {"name": user.username},
            )
            return redirect("accounts:user_detail", pk=user.pk)
    elif not is_active:
        error = services.deactivation_blocker(request.user, user)
    return render(
        request,
        "accounts/user_confirm_active.html",
        {"subject": user, "is_active": is_active, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def user_deactivate(request, pk):
    return _set_active(request, pk, False)


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def user_activate(request, pk):
    return _set_active(request, pk, True)


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def membership_add(request, pk):
    user = _get_user(request, pk)
    form = MembershipForm(
        request.POST or None, user=request.user, initial=membership_initial(request.GET)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=request.user, user=user, **form.service_kwargs())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Role added."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/membership_form.html", {"form": form, "subject": user})


@web.require(ACTION)
@require_GET
def enterprise_lookup(request):
    """The enterprise search of the membership form (JSON): ``?q=`` part of the name or the
    credit code, at most ``lookup.LIMIT`` enterprises within the user's scope."""
    return lookup.respond(
        request, enterprises_for(request.user), key="uscc", search=("name", "uscc"),
        describe=enterprise_label, order=("name", "pk"),
    )


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def membership_deactivate(request, pk):
    membership = web.get_scoped_or_404(
        Membership.objects.select_related("user", "area", "enterprise", "agency", "department"),
        request.user,
        ACTION,
        pk=pk,
    )
    error = None
    if request.method == "POST":
        try:
            services.membership_set_active(
                actor=request.user, membership=membership, is_active=False
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Role removed."))
            return redirect("accounts:user_detail", pk=membership.user_id)
    return render(
        request,
        "accounts/membership_confirm_deactivate.html",
        {"membership": membership, "subject": membership.user, "error": error},
        status=400 if error else 200,
    )
