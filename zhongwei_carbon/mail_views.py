"""The bureau's list of failed e-mails (dead letters, ``zhongwei_carbon.mail``): filters, an
Excel export and a retry per row or for every row listed, each confirmed first."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods

from zhongwei_carbon import display, mail, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.filtersets import MailFailureFilterSet
from zhongwei_carbon.models import MailFailure, Topic
from zhongwei_carbon.roles import Perm


def _failures(request) -> MailFailureFilterSet:
    qs = MailFailure.objects.select_related("recipient", "notification")
    return MailFailureFilterSet(request.GET, queryset=qs)


def _list_url(request) -> str:
    query = request.GET.urlencode()
    return reverse("mail_failures") + (f"?{query}" if query else "")


@web.require(Perm.VIEW_MAIL_FAILURES)
def mail_failures(request):
    filterset = _failures(request)
    return render(request, "zhongwei_carbon/mail_failures.html", {
        "filterset": filterset, "page_obj": web.paginate(request, filterset.qs),
        "kinds": MailFailure.Kind.choices, "topics": Topic.choices,
        "breadcrumbs": web.crumbs((_("Failed e-mails"), None)),
    })


@web.require(Perm.VIEW_MAIL_FAILURES)
def mail_failures_export(request):
    columns = [
        Column(_("Failed at"), lambda f: f.failed_at, 18),
        Column(pgettext("mail", "Kind"), lambda f: f.get_kind_display(), 10),
        Column(_("Recipient"), lambda f: display.person(f.recipient), 16),
        Column(_("E-mail address"), lambda f: f.address, 26),
        Column(pgettext("mail", "Subject"), lambda f: f.subject, 40),
        Column(_("Topic"), lambda f: f.notification.get_topic_display() if f.notification else "",
               14),
        Column(_("Digest day"), lambda f: f.day, 12),
        Column(_("Attempts"), lambda f: f.attempts, 8),
        Column(_("Error"), lambda f: f.error, 50),
        Column(_("Queued again at"), lambda f: f.requeued_at, 18),
    ]
    return xlsx_response(filename=_("failed-emails"), sheet_title=_("Failed e-mails"),
                         columns=columns, rows=_failures(request).qs)


@web.require(Perm.RETRY_MAIL)
@require_http_methods(["GET", "POST"])
def mail_failure_retry(request, pk):
    """Confirm (GET), then queue again (POST) one failed e-mail."""
    failure = get_object_or_404(MailFailure.objects.select_related("recipient"), pk=pk)
    if request.method == "POST":
        mail.retry([failure])
        messages.success(request, _("The e-mail to %(address)s is queued again.")
                         % {"address": failure.address})
        return redirect("mail_failures")
    return render(request, "zhongwei_carbon/mail_failure_retry.html", {
        "failures": [failure], "count": 1, "back": reverse("mail_failures"),
        "breadcrumbs": web.crumbs((_("Failed e-mails"), "mail_failures"), (_("Retry"), None)),
    })


@web.require(Perm.RETRY_MAIL)
@require_http_methods(["GET", "POST"])
def mail_failures_retry_all(request):
    """Confirm (GET), then queue again (POST) every failed e-mail the list's filters show."""
    failures = list(_failures(request).qs)
    if request.method == "POST":
        count = mail.retry(failures)
        messages.success(request, ngettext(
            "%(count)d e-mail is queued again.", "%(count)d e-mails are queued again.", count,
        ) % {"count": count})
        return redirect(_list_url(request))
    return render(request, "zhongwei_carbon/mail_failure_retry.html", {
        "failures": failures[:20], "count": len(failures), "back": _list_url(request),
        "breadcrumbs": web.crumbs((_("Failed e-mails"), "mail_failures"),
                                  (_("Retry all"), None)),
    })
