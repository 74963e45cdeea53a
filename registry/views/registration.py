"""Account applications: the public form and the bureau's decision (Perm.DECIDE_REGISTRATION)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import throttle
from registry.choices import RegistrationStatus
from registry.models import RegistrationRequest
from registry.registration_forms import (
    ApproveForm,
    RefuseForm,
    RegistrationFilterForm,
    RegistrationForm,
)
from registry.selectors.registrations import applications_for
from registry.services import registration as services
from zhongwei_carbon import events, web
from zhongwei_carbon.roles import Perm

ACTION = Perm.DECIDE_REGISTRATION
SESSION_KEY = "registration_reference"


# --- public --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "POST":
        # every submission counts against the address's limit, valid or not (the form tells
        # whether a user name is taken, so it must not be tried without end)
        refusal = throttle.public_form_refusal(request, throttle.REGISTRATION)
        if refusal:
            typed = {k: v for k, v in request.POST.items() if not k.startswith("password")}
            return render(
                request,
                "registry/registration/apply.html",
                {"form": RegistrationForm(initial=typed), "throttled": refusal},
                status=429,
            )
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.registration_submit(**form.service_kwargs())
        except ValidationError as exc:
            web.apply_errors(form, exc, aliases={"password": "password1"})
        else:
            request.session[SESSION_KEY] = services.reference_number(application)
            return redirect("public:register_done")
    return render(request, "registry/registration/apply.html", {"form": form})


def register_done(request):
    return render(
        request,
        "registry/registration/apply_done.html",
        {"reference": request.session.get(SESSION_KEY)},
    )


# --- bureau --------------------------------------------------------------------------------


@web.require(ACTION)
def registration_list(request):
    filter_form = RegistrationFilterForm(request.GET or None)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    page_obj = web.paginate(request, applications_for(request.user, status=status))
    for application in page_obj:
        application.reference = services.reference_number(application)
    pending = applications_for(request.user, status=RegistrationStatus.PENDING).count()
    return render(
        request,
        "registry/registration/list.html",
        {"page_obj": page_obj, "filter_form": filter_form, "pending_count": pending},
    )


@web.require(ACTION)
@require_http_methods(["GET", "POST"])
def registration_detail(request, pk):
    application = web.get_scoped_or_404(
        RegistrationRequest.objects.select_related(
            "enterprise", "enterprise__area", "decided_by", "created_user"
        ),
        request.user,
        ACTION,
        pk=pk,
    )
    approve_form = ApproveForm(prefix="approve")
    refuse_form = RefuseForm(prefix="refuse")
    error = None
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                approve_form = ApproveForm(request.POST, prefix="approve")
                if approve_form.is_valid():
                    user = services.registration_approve(
                        actor=request.user,
                        application=application,
                        grant_signatory=approve_form.cleaned_data["grant_signatory"],
                        note=approve_form.cleaned_data["note"],
                    )
                    messages.success(
                        request,
                        _("Application approved; account %(username)s created.")
                        % {"username": user.username},
                    )
                    return redirect("registry:registration_detail", pk=application.pk)
            elif decision == "refuse":
                refuse_form = RefuseForm(request.POST, prefix="refuse")
                if refuse_form.is_valid():
                    services.registration_refuse(
                        actor=request.user,
                        application=application,
                        reason=refuse_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Application refused."))
                    return redirect("registry:registration_detail", pk=application.pk)
            else:
                error = _("Choose to approve or to refuse the application.")
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                web.apply_errors(refuse_form if decision == "refuse" else approve_form, exc, aliases={"password": "password1"})
            else:
                error = " ".join(exc.messages)
        status = 400
    return render(
        request,
        "registry/registration/detail.html",
        {
            "application": application,
            "reference": services.reference_number(application),
            "approve_form": approve_form,
            "refuse_form": refuse_form,
            "error": error,
            "is_pending": application.status == RegistrationStatus.PENDING,
            "events": events.for_object(application),
            "history": web.history_rows(application),
        },
        status=status,
    )
