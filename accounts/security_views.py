"""Passwords (change when logged in, reset by e-mail: Django's views with the portal's forms
and Chinese templates) and the bureau's list of login lockouts (Perm.MANAGE_USERS)."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import lockouts, services, throttle
from accounts.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from zhongwei_carbon import scoping, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Perm

ACTION = Perm.MANAGE_USERS

# --- passwords ------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """The address gets the link if it belongs to an active account with a usable password;
    the next page reads the same either way. Submissions are limited per network address."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}

    def post(self, request, *args, **kwargs):
        refusal = throttle.public_form_refusal(request, throttle.PASSWORD_RESET)
        if refusal:
            context = self.get_context_data(form=self.form_class(), throttled=refusal)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- login lockouts (bureau) ----------------------------------------------------------------


def _lockouts(request) -> list[lockouts.Lockout]:
    return lockouts.active(scoping.for_user(AccessAttempt.objects.all(), request.user, ACTION))


def _unlock_events():
    return Event.objects.filter(verb="login.unlocked").select_related("actor")[:20]


@web.require(ACTION)
def lockout_list(request):
    return render(
        request,
        "accounts/lockout_list.html",
        {
            "lockouts": _lockouts(request),
            "unlocks": _unlock_events(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@web.require(ACTION)
def lockout_export(request):
    columns = [
        Column(_("Locked"), lambda lk: lk.kind_label, 12),
        Column(_("User name or address"), lambda lk: lk.key, 24),
        Column(_("Account"), lambda lk: str(lk.user) if lk.user else "", 20),
        Column(_("Failed log-ins"), lambda lk: lk.failures, 10),
        Column(_("Last failure"), lambda lk: lk.last_failure, 18),
        Column(_("Locked until"), lambda lk: lk.ends, 18),
    ]
    return xlsx_response(
        filename=_("login-lockouts"),
        sheet_title=_("Login lockouts"),
        columns=columns,
        rows=_lockouts(request),
    )


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def lockout_unlock(request, kind, key):
    """Confirm (GET), then lift (POST) one lockout of the list; 404 when it is not locked."""
    lockout = next((lk for lk in _lockouts(request) if (lk.kind, lk.key) == (kind, key)), None)
    if lockout is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.lockout_release(actor=request.user, kind=kind, key=key)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Lockout of %(key)s lifted.") % {"key": key})
            return redirect("accounts:lockout_list")
    return render(
        request,
        "accounts/lockout_confirm_unlock.html",
        {"lockout": lockout, "error": error},
        status=400 if error else 200,
    )
