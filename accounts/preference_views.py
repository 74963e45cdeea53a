"""The user's own notification settings (issue 15): per topic, e-mail immediately, in the
daily digest or not at all. Every logged-in user, each only his own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import MailPreferenceForm
from zhongwei_carbon import web
from zhongwei_carbon.models import MailMode


@login_required
@require_http_methods(["GET", "POST"])
def mail_preferences(request):
    user = request.user
    form = MailPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial=services.mail_preferences(user),
    )
    return web.form_step(
        request, "accounts:mail_preferences", form=form,
        act=lambda data: services.mail_preferences_set(user=user, modes=data),
        page=lambda f: render(request, "accounts/mail_preferences.html", {
            "form": f, "has_email": bool(user.email), "modes": MailMode.choices,
            "breadcrumbs": web.crumbs((_("Notifications"), "notifications"),
                                      (_("Notification settings"), None)),
        }),
        success=_("Your notification settings are saved."),
    )
