from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import NotFound

from zhongwei_carbon import audit_check, notifications, web
from zhongwei_carbon.models import Notification, Topic
from zhongwei_carbon.roles import Perm


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """/favicon.ico, which browsers ask for on pages without an icon link (admin, API)."""
    return redirect(static("favicon.svg"), permanent=True)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    """The 404 page; under /api/ the API's JSON answer (a URL no route matches, e.g. a
    non-numeric id), as documented for every operation."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return render(request, "404.html", status=404)


@login_required
def notification_list(request):
    """The user's own inbox (a notification belongs to its recipient only)."""
    mine = Notification.objects.filter(recipient=request.user)
    todo = mine.filter(todo=True, resolved_at__isnull=True)
    show = request.GET.get("show", "")
    if show not in ("todo", "unread", "all"):
        show = "todo" if todo.exists() else "all"
    notes = {"todo": todo, "unread": notifications.unread(request.user), "all": mine}[show]
    topic = request.GET.get("topic", "")
    if topic in Topic.values:
        notes = notes.filter(topic=topic)
    tabs = [
        ("todo", _("To do"), todo.count()),
        ("unread", _("Unread"), notifications.unread(request.user).count()),
        ("all", _("All"), None),
    ]
    return render(request, "notifications.html", {
        "page_obj": web.paginate(request, notes), "show": show, "tabs": tabs,
        "topic": topic, "topics": Topic.choices,
    })


@login_required
def notification_open(request, pk):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    safe = url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()})
    return redirect(note.link if note.link and safe else "notifications")


@login_required
@require_POST
def notifications_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications")


@web.require(Perm.VERIFY_AUDIT_TRAIL)
def audit_trail(request):
    """Check the hash chains of the audit tables now and show the first broken row, named."""
    chains = []
    for report in audit_check.verify_all():
        chain = audit_check.CHAINS[report.chain]
        broken = report.broken
        chains.append(
            {
                "label": chain.label,
                "report": report,
                "explanation": audit_check.explain(report),
                "url": chain.url(broken.row_id) if broken and broken.row_id else "",
            }
        )
    return render(
        request,
        "audit_trail.html",
        {
            "chains": chains,
            "intact": all(c["report"].ok for c in chains),
            "checked_at": timezone.now(),
            "breadcrumbs": web.crumbs((_("Audit trail check"), None)),
        },
    )
