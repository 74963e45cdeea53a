"""Irreversible steps are confirmed only *after* the server has validated them.

submit the form → the form and the service's own checks run (nothing written; an uploaded
file is checked, then held in ``zhongwei_carbon.staging``) → a confirmation step shows what
will be done → confirm → the service acts (and checks everything again). Errors at any point
show the form again with the reasons; nothing is asked before the input is known to be valid.

The confirmation step posts the form's fields back as hidden inputs with ``step=confirm``
(the held file by its token); ``step=edit`` returns to the form with the values entered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from zhongwei_carbon import staging, web

STEP, CONFIRM, EDIT, TOKEN = "step", "confirm", "edit", "staged"
TEMPLATE = "reporting/confirm_step.html"


@dataclass
class Confirmation:
    """What the confirmation step shows."""

    title: str
    question: str
    button: str
    rows: list[tuple[str, object]] = field(default_factory=list)  # (label, value)
    warning: str = ""
    figures: list | None = None  # verification filing: its figures table
    total: object = None
    crumbs: str = "reporting/verification/_breadcrumbs.html"


def confirmed_step(
    request,
    *,
    report,
    make_form: Callable,  # (data, files, initial) -> form
    check: Callable,  # form -> summary (raises ValidationError; writes nothing)
    act: Callable,  # form -> result (raises ValidationError)
    confirmation: Callable,  # (form, summary) -> Confirmation
    form_page: Callable,  # form -> HttpResponse
    done: Callable,  # result -> HttpResponse
    purpose: str,
    file_field: str | None = None,
    aliases: dict | None = None,
):
    step = request.POST.get(STEP, "") if request.method == "POST" else ""
    if step == EDIT:
        return form_page(make_form(None, None, request.POST.dict()))
    files = request.FILES or None
    token = request.POST.get(TOKEN, "") if step == CONFIRM else ""
    if token and file_field:
        held = staging.get(request, token, purpose=purpose)
        if held is None:
            messages.error(request, _("The uploaded file is no longer held: attach it again."))
            return form_page(make_form(None, None, request.POST.dict()))
        files = MultiValueDict({file_field: [held]})
    form = make_form(request.POST or None, files, None)
    if request.method != "POST" or not form.is_valid():
        return form_page(form)
    try:
        if step == CONFIRM:
            result = act(form)
        else:
            summary = check(form)
    except ValidationError as exc:
        web.apply_errors(form, exc, aliases)
        return form_page(form)
    if step == CONFIRM:
        staging.discard(request, token)
        return done(result)
    upload = form.cleaned_data.get(file_field) if file_field else None
    token = staging.stage(request, upload, purpose=purpose) if upload else ""
    shown = confirmation(form, summary)
    return render(
        request,
        TEMPLATE,
        {
            "report": report,
            "c": shown,
            "here": shown.title,
            "hidden": [f for f in form if f.name != file_field],
            "token": token,
            "action_url": request.path,
        },
    )
