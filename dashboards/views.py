"""``/``: each role's dashboard (a user without a role: the no-role page), and the Excel
export of each of its panels (a panel not on the user's dashboard: 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dashboards import selectors as sel


@login_required
@require_GET
def home(request):
    found = sel.dashboard(request.user)
    if found is None:
        return render(request, "home_no_role.html")
    kind, scope, panels = found
    charts = {p.key: p.chart for p in panels if p.chart}
    return render(request, "dashboards/dashboard.html", {
        "kind": kind, "scope": scope, "panels": panels, "charts": charts,
        "title": _("%(scope)s · Dashboard") % {"scope": scope},
    })


@login_required
@require_GET
def panel_export(request, panel):
    found = sel.dashboard(request.user)
    panels = {p.key: p for p in (found[2] if found else [])}
    if panel not in panels:
        raise Http404
    return panels[panel].export()
