"""Bureau and county / park official: the agency league (oversight's performance league, for
those who may see it: county officials may not) and the credit grade distribution of the
latest graded credit year (the grade list's, scoped: a county its area's enterprises)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from credit.choices import Grade, GradingStatus, SubjectKind
from credit.selectors import grading as credit_sel
from dashboards.panels import Figure, Panel
from dashboards.selectors.base import BUREAU, TOP, Context, url
from oversight.selectors import performance
from zhongwei_carbon import roles
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Perm

LEAGUE_ORDER = "-on_time_rate"  # the panel's ranking: the league page sorted by on-time rate
LEAGUE_FIGURES = ("assignments", "on_time_rate", "rounds_per_report", "returned_share",
                  "deviation", "inspections", "violation", "violations_decided")


def agencies_panel(ctx: Context) -> Panel | None:
    """The latest reporting year's agency league (``performance.rows``: the league page's),
    ranked by on-time rate, with each agency's credit grade of the latest graded year (the
    grade list's). Only for those who may open the league (not county officials)."""
    user = ctx.user
    if not roles.has_perm(user, Perm.VIEW_AGENCY_PERFORMANCE):
        return None
    year, _years = performance.year_or_latest(user, None)
    rows = performance.rows(user, year=year, ordering=LEAGUE_ORDER) if year else []
    credit_year = credit_sel.latest_graded_year() if rows else None
    grades = {g.agency_id: g for g in credit_sel.grade_list(
        user, credit_year, kind=SubjectKind.AGENCY)} if credit_year else {}
    ranked = [(rank, r, grades.get(r.agency_id)) for rank, r in enumerate(rows, start=1)]
    league = url("oversight:performance", year=year, ordering=LEAGUE_ORDER)
    figures = {f.key: f for f in performance.FIGURES}
    columns = [
        Column(_("Agency"), lambda x: x[1].agency_name, 32),
        Column(_("Rank"), lambda x: x[0], 6),
        Column(_("Credit grade"), lambda x: x[2].get_grade_display() if x[2] else None, 16),
        *[Column(str(figures[k].label), lambda x, v=figures[k].value: v(x[1]), 14)
          for k in LEAGUE_FIGURES],
    ]
    return Panel(
        key="agencies",
        title=(_("Agency league %(year)s") % {"year": year}) if year else _("Agency league"),
        scope=ctx.scope,
        figures=[
            Figure(_("Agencies"), len(rows), league, key="agencies"),
            Figure(str(figures["assignments"].label), sum(r.assignments for r in rows), league,
                   key="assignments"),
            Figure(str(figures["inspections"].label), sum(r.inspections for r in rows), league,
                   key="inspections"),
            Figure(str(figures["violation"].label), sum(r.violation for r in rows), league,
                   key="violation"),
        ],
        columns=columns, rows=ranked[:TOP], export_rows=ranked,
        row_url=lambda x: reverse("verifiers:agency_detail", kwargs={"pk": x[1].agency_id}),
        more_url=league, more_label=_("Agency performance"),
        empty=_("No agency has verification assignments or concluded inspections yet."),
        wide=True,
    )


def credit_grades_panel(ctx: Context) -> Panel | None:
    """The grades of the latest graded credit year by grade (``grading.grade_list``: the
    grade list's), enterprises and, for the bureau, agencies (agencies work city-wide: a
    county sees its enterprises only); each grade links to the list filtered by it."""
    user = ctx.user
    if not roles.has_perm(user, Perm.VIEW_CREDIT_GRADE):
        return None
    credit_year = credit_sel.latest_graded_year()
    if credit_year is None:
        return Panel(key="credit_grades", title=_("Credit grades"), scope=ctx.scope,
                     empty=_("No credit grades have been frozen yet."),
                     figures=[Figure(_("Enterprises graded"), 0,
                                     reverse("credit:grade_index"), key="enterprise")])
    kinds = [SubjectKind.ENTERPRISE] + ([SubjectKind.AGENCY] if ctx.kind == BUREAU else [])
    counts = credit_sel.grade_list(user, credit_year).order_by().aggregate(**{
        f"{k}_{g}": Count("pk", filter=Q(subject_kind=k, grade=g))
        for k in kinds for g in Grade.values})
    year = credit_year.year
    rows = [(g, label, *[counts[f"{k}_{g}"] for k in kinds]) for g, label in Grade.choices]
    labels = {SubjectKind.ENTERPRISE: _("Enterprises graded"),
              SubjectKind.AGENCY: _("Agencies graded")}
    series = {SubjectKind.ENTERPRISE: _("Enterprises"), SubjectKind.AGENCY: _("Agencies")}
    columns = [Column(_("Grade"), lambda r: str(r[1]), 20),
               *[Column(str(series[k]), lambda r, i=i: r[2 + i]) for i, k in enumerate(kinds)]]
    if len(kinds) > 1:
        columns.append(Column(_("Total"), lambda r: sum(r[2:])))
    # one kind shown: the row's link is the list of that kind (the list holds nothing else
    # the user may see anyway); both: the grade's whole list, the total column's figure
    only = kinds[0] if len(kinds) == 1 else None
    title = _("Credit grades %(year)s") % {"year": year}
    if credit_year.status == GradingStatus.PROVISIONAL:
        title = _("Credit grades %(year)s (provisional)") % {"year": year}
    return Panel(
        key="credit_grades", title=title, scope=ctx.scope,
        figures=[Figure(str(labels[k]), sum(r[2 + i] for r in rows),
                        url("credit:year_grades", kwargs={"year": year}, kind=k), key=k)
                 for i, k in enumerate(kinds)],
        columns=columns, rows=rows,
        row_url=lambda r: url("credit:year_grades", kwargs={"year": year}, grade=r[0], kind=only),
        more_url=url("credit:year_grades", kwargs={"year": year}), more_label=_("Credit grades"),
        chart={"kind": "bar", "unit": "", "categories": [str(r[1]) for r in rows],
               "series": [{"name": str(series[k]), "data": [r[2 + i] for r in rows]}
                          for i, k in enumerate(kinds)]},
    )
