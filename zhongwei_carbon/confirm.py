"""Irreversible steps are confirmed only *after* the server has validated them (issue 9 §8).

submit the form → the form and the service's own check-only function run (nothing written;
an uploaded file is checked, then held in ``zhongwei_carbon.staging``) → a confirmation step
shows what will be done → confirm → the service acts (and checks everything again). Errors at
any point show the form again with the reasons; nothing is asked before the input is known to
be valid.

The confirmation step posts the form's fields back as hidden inputs with ``step=confirm``
(the held file by its token); ``step=edit`` returns to the form with the values entered.
Any app's view may use it; ``Confirmation.include`` adds an app's own block (e.g. a figures
table) to the generic page ``templates/includes/confirm_step.html``.
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
TEMPLATE = "includes/confirm_step.html"


@dataclass
class Confirmation:
    """What the confirmation step shows: ``rows`` of (label, value), a warning, and either
    a breadcrumbs template (``crumbs``) or ``breadcrumbs`` pairs from ``web.crumbs``."""

    title: str
    question: str
    button: str
    rows: list[tuple[str, object]] = field(default_factory=list)  # (label, value)
    warning: str = ""
    crumbs: str = ""  # a template to include as the breadcrumbs
    breadcrumbs: list | None = None  # or web.crumbs(...) pairs
    include: str = ""  # an app's extra block shown under the rows


def confirmed_step(
    request,
    *,
    make_form: Callable,  # (data, files, initial) -> form
    check: Callable,  # form -> summary (raises ValidationError; writes nothing)
    act: Callable,  # form -> result (raises ValidationError)
    confirmation: Callable,  # (form, summary) -> Confirmation
    form_page: Callable,  # form -> HttpResponse
    done: Callable,  # result -> HttpResponse
    purpose: str,
    file_field: str | None = None,
    aliases: dict | None = None,
    context: dict | None = None,  # more for the confirmation page (e.g. its crumbs' object)
    action_url: str | None = None,  # where the confirmation posts (default: this page)
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
            **(context or {}),
            "c": shown,
            "here": shown.title,
            "breadcrumbs": shown.breadcrumbs,
            "hidden": [f for f in form if f.name != file_field],
            "token": token,
            "action_url": action_url or request.get_full_path(),
        },
    )
