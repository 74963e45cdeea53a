from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from zhongwei_carbon import roles


@login_required
def home(request):
    """The user's dashboard: each role lands on the page it works from."""
    user = request.user
    if roles.is_bureau(user) or roles.has_role(user, roles.Role.AREA_OFFICIAL):
        return redirect("registry:enterprise_list")
    memberships = roles.memberships(user)
    enterprise = next((m.enterprise for m in memberships if m.enterprise_id), None)
    if enterprise is not None:
        return redirect("registry:enterprise_detail", pk=enterprise.pk)
    agency = next((m.agency for m in memberships if m.agency_id), None)
    if agency is not None:
        return redirect("verifiers:agency_detail", pk=agency.pk)
    return render(request, "home_no_role.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
