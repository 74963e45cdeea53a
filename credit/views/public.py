"""The public credit page, no login: the published final grades of each year (green, blue,
yellow and red lists), searchable by name, with the rule set's and the publication's
document numbers. A year whose grades are not final shows nothing."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from credit.choices import Grade, SubjectKind
from credit.selectors import grading as sel
from zhongwei_carbon import web

T = "credit/public/"


@require_GET
def public_index(request):
    latest = sel.public_years().first()
    if latest is not None:
        return redirect("credit_public:year", year=latest.year)
    return render(request, T + "year.html", {
        "y": None, "years": [], "title": _("Credit grades"),
        "breadcrumbs": web.crumbs((_("Credit grades"), None)),
    })


@require_GET
def public_year(request, year):
    credit_year = sel.public_years().filter(year=year).first()
    if credit_year is None:
        raise Http404
    qs = sel.public_grades(credit_year)
    grade = request.GET.get("grade")
    if grade in Grade.values:
        qs = qs.filter(grade=grade)
    if (kind := request.GET.get("kind")) in SubjectKind.values:
        qs = qs.filter(subject_kind=kind)
    qs = sel.search(qs, request.GET.get("q", ""))
    title = _("Credit grades %(year)s") % {"year": credit_year.year}
    return render(request, T + "year.html", {
        "y": credit_year, "page_obj": web.paginate(request, qs), "title": title,
        "years": sel.public_years().values_list("year", flat=True),
        "grades": Grade.choices, "kinds": SubjectKind.choices, "grade": grade,
        "counts": [(g, label, c) for g, label, _n, c in sel.grade_counts(credit_year)],
        "breadcrumbs": web.crumbs((title, None)),
    })
