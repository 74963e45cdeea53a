"""The public page of the CCER library, no login: registered projects and those with issued
reductions (name, owner, area, type, methodology, registration date, issued total), with a
search and pages. Projects not yet registered are never shown."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from programme.models import CCERType
from programme.selectors import ccer as sel
from zhongwei_carbon import web


@require_GET
def ccer_public_list(request):
    qs = sel.search(sel.public_projects(), request.GET.get("q", ""))
    if (kind := request.GET.get("project_type")) in CCERType.values:
        qs = qs.filter(project_type=kind)
    title = _("Registered CCER projects of Zhongwei")
    return render(request, "programme/ccer/public_list.html", {
        "page_obj": web.paginate(request, qs), "title": title, "types": CCERType.choices,
        "breadcrumbs": web.crumbs((title, None)),
    })
