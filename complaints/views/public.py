"""Public pages, no login: file a complaint, see the tracking number and secret once, track
it; and the search of the published lists the form uses. Filing and tracking are throttled
per address (``accounts.throttle``, which stores a keyed hash of the address, never the
address, and ``complaints.retention`` purges past the window); every submission counts,
valid or not."""

from __future__ import annotations

from itertools import chain

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts import throttle
from complaints import selectors, services
from complaints.choices import Status
from complaints.forms import ComplaintForm, TrackForm
from complaints.retention import FILE_FORM, TRACK_FORM
from zhongwei_carbon import lookup, web

SESSION_KEY = "complaint_filed"
T = "complaints/public/"


def _crumbs(here):
    return web.crumbs((here, None))


@never_cache
@sensitive_post_parameters("name", "contact")  # never in an error report
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    title = _("File a complaint or report")
    refusal = throttle.public_form_refusal(request, FILE_FORM) if request.method == "POST" else None
    form = ComplaintForm(None if refusal else (request.POST or None),
                         None if refusal else (request.FILES or None))
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            complaint, secret = services.complaint_file(**form.service_kwargs())
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            request.session[SESSION_KEY] = {"number": complaint.number, "secret": secret}
            return redirect("complaints_public:complaint_done")
    return render(request, T + "new.html", {
        "form": form, "title": title, "throttled": refusal, "breadcrumbs": _crumbs(title),
    }, status=429 if refusal else 200)


@never_cache
@require_GET
def complaint_done(request):
    """The number and the secret, shown once: the session forgets them as the page is shown."""
    return render(request, T + "done.html", {
        "filed": request.session.pop(SESSION_KEY, None),
        "breadcrumbs": _crumbs(_("Complaint filed")),
    })


def _public_view(complaint):
    """What the filer sees: the status (the reply once approved), following a merge to the
    complaint it ended in (its public status, reply or reason only: nothing of its filer)."""
    shown = services.merge_root(complaint) or complaint
    status = shown.status
    if status == Status.REPLY_PENDING:  # the draft is internal until approved
        status = Status.ASSIGNED
    return {
        "number": complaint.number, "filed_at": complaint.filed_at,
        "merged_into": shown.number if shown.pk != complaint.pk else "",
        "status": Status(status).label, "answered": shown.status == Status.ANSWERED,
        "reply": shown.reply if shown.status == Status.ANSWERED else "",
        "outcome": shown.get_outcome_display() if shown.status == Status.ANSWERED else "",
        "answered_at": shown.answered_at,
        "rejection_reason": shown.rejection_reason if shown.status == Status.REJECTED else "",
    }


@never_cache
@sensitive_post_parameters("secret")
@require_http_methods(["GET", "POST"])
def complaint_track(request):
    title = _("Track a complaint")
    context = {"title": title, "breadcrumbs": _crumbs(title)}
    if request.method != "POST":
        return render(request, T + "track.html", {**context, "form": TrackForm()})
    refusal = throttle.public_form_refusal(request, TRACK_FORM)
    if refusal:
        return render(request, T + "track.html",
                      {**context, "form": TrackForm(), "throttled": refusal}, status=429)
    form = TrackForm(request.POST)
    found = None
    if form.is_valid():
        complaint = services.track(**form.cleaned_data)
        if complaint is None:
            context["not_found"] = True
        else:
            found = _public_view(complaint)
    return render(request, T + "track.html", {
        **context, "form": TrackForm() if found else form, "found": found,
    })


def target_label(row) -> str:
    return lookup.label(row.name, row.uscc)


@require_GET
def target_lookup(request):
    """Search of the published key emitters and the active agencies (what the public lists
    already show), for the form's search field."""
    text = (request.GET.get("q") or "").strip()[: lookup.MAX_QUERY]
    if not text:
        return JsonResponse({"results": [], "more": False})
    q = lookup.search_q(("name", "uscc"), text)
    enterprises = selectors.public_enterprises().filter(q).order_by("name")[: lookup.LIMIT + 1]
    agencies = selectors.public_agencies().filter(q).order_by("name")[: lookup.LIMIT + 1]
    rows = list(chain(enterprises, agencies))
    return JsonResponse({
        "results": [{"value": r.uscc, "label": target_label(r)} for r in rows[: lookup.LIMIT]],
        "more": len(rows) > lookup.LIMIT,
    })
