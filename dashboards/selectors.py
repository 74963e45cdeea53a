"""The panels of each role's dashboard, built from the same selectors as the lists they link
to (so a dashboard figure and its list can never disagree), each in a constant number of
queries whatever the number of enterprises.

Bureau and county / park official: to-do, compliance of the current cycle (by county / park)
and its top shortfalls, the year's report pipeline; a county official's figures are those of
the compliance and report pages as the official sees them (``scoping``), never the city's.
Enterprise: to-do, obligation against holdings, credit grade, emissions by year.
Agency: to-do, open assignments, credit grade.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from allowances.selectors import compliance as csel
from credit.selectors import standing as credit_standing
from dashboards.panels import Figure, Panel, percent
from registry.choices import RecordSource
from registry.models import EmissionRecord
from reporting.choices import ReportStatus
from reporting.selectors import reports as rsel
from reporting.selectors import verification as vsel
from zhongwei_carbon import notifications, roles
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Role

BUREAU, AREA, ENTERPRISE, AGENCY = "bureau", "area", "enterprise", "agency"
TOP = 10  # rows of a panel's table (the list behind it has the rest)


def url(name: str, *, kwargs=None, **query) -> str:
    base = reverse(name, kwargs=kwargs)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def kind_of(user) -> tuple[str, object] | None:
    """(dashboard kind, its subject: the enterprise or agency, else None), or None for a user
    without a role in the portal."""
    if roles.is_bureau(user):
        return BUREAU, None
    if roles.has_role(user, Role.AREA_OFFICIAL):
        return AREA, None
    for m in roles.memberships(user):
        if m.role == Role.ENTERPRISE_USER and m.enterprise_id:
            return ENTERPRISE, m.enterprise
        if m.role == Role.AGENCY_STAFF and m.agency_id:
            return AGENCY, m.agency
    return None


def scope_of(user, kind: str, subject) -> str:
    """What the figures cover: 全市, the area's, the enterprise's or the agency's name."""
    if subject is not None:
        return subject.name
    return csel.scope_label(user)


# --- every role ---------------------------------------------------------------------------


def todo_panel(user, scope: str) -> Panel:
    """The user's open to-dos, newest first (the inbox's to-do tab has them all)."""
    todos = notifications.open_todos(user).order_by("-created_at", "-pk")
    rows = list(todos[:TOP])
    count = len(rows) if len(rows) < TOP else todos.count()
    inbox = url("notifications", show="todo")
    return Panel(
        key="todo", title=_("To do"), scope=scope,
        figures=[Figure(_("Open to-dos"), count, inbox, key="open")],
        columns=[Column(pgettext("notification", "Subject"), lambda n: n.subject, 60),
                 Column(_("Time"), lambda n: n.created_at, 18)],
        rows=rows, row_url=lambda n: reverse("notification_open", kwargs={"pk": n.pk}),
        more_url=inbox, more_label=_("All to-dos"), empty=_("Nothing to do."),
        export_rows=todos,
    )


# --- bureau and county / park official -----------------------------------------------------


def compliance_panels(user, scope: str, cycle, today) -> list[Panel]:
    """The cycle's compliance rates (``selectors.compliance.summary``: the compliance page's)
    by county / park, and the largest amounts still to surrender
    (``compliance_rows`` sorted by what remains)."""
    deadline = csel.deadline_of(cycle)
    rates = csel.summary(user, cycle)
    city = rates.city
    page = url("allowances:compliance", cycle=cycle.year)
    by_remaining = url("allowances:compliance", cycle=cycle.year, ordering="-remaining")
    days = csel.days_left(deadline, today)
    rate_columns = [
        Column(_("County / park"), lambda g: g[0], 20),
        Column(_("Enterprises with an obligation"), lambda g: g[1].due_count),
        Column(_("Surrendered in full"), lambda g: g[1].complied_count),
        Column(_("Rate by number of enterprises (%)"), lambda g: percent(g[1].by_count)),
        Column(_("Obligation (t)"), lambda g: g[1].due_tonnes),
        Column(_("Surrendered (t)"), lambda g: g[1].surrendered_tonnes),
        Column(_("Rate by tonnes (%)"), lambda g: percent(g[1].by_tonnes)),
        Column(_("Shortfall (t)"), lambda g: g[1].due_tonnes - g[1].surrendered_tonnes),
    ]
    compliance = Panel(
        key="compliance",
        title=_("Compliance %(year)s") % {"year": cycle.year}, scope=scope,
        figures=[
            Figure(_("Compliance rate by number of enterprises"), percent(city.by_count), page,
                   "%", "rate_count"),
            Figure(_("Compliance rate by tonnes"), percent(city.by_tonnes), page, "%",
                   "rate_tonnes"),
            Figure(_("Enterprises surrendered in full"), city.complied_count, page,
                   _("of %(n)s enterprises") % {"n": city.due_count}, "complied"),
            Figure(_("Shortfall total"), city.due_tonnes - city.surrendered_tonnes,
                   by_remaining, "t", "shortfall"),
            Figure(_("Days to the surrender deadline"), days, page, _("days"), "days"),
        ],
        columns=rate_columns, rows=rates.by_area,
        row_url=lambda g: url("allowances:compliance", cycle=cycle.year, ordering="area"),
        more_url=page, more_label=_("Compliance page"),
        chart={"kind": "bar", "unit": "%", "max": 100,
               "categories": [name for name, _r in rates.by_area],
               "series": [{"name": _("By number of enterprises"),
                           "data": [percent(r.by_count) for _n, r in rates.by_area]},
                          {"name": _("By tonnes"),
                           "data": [percent(r.by_tonnes) for _n, r in rates.by_area]}]},
        empty=_("No enterprises with an obligation in this cycle."), wide=True,
    )
    top = [r for r in csel.compliance_rows(user, cycle, ordering="-remaining",
                                           deadline=deadline, today=today)[:TOP]
           if r.remaining]
    shortfalls = Panel(
        key="shortfalls",
        title=_("Largest shortfalls %(year)s") % {"year": cycle.year}, scope=scope,
        columns=[Column(_("Enterprise"), lambda r: r.enterprise.name, 36),
                 Column(_("Area"), lambda r: str(r.enterprise.area)),
                 Column(_("Obligation (t)"), lambda r: r.obligation),
                 Column(_("Surrendered (t)"), lambda r: r.surrendered),
                 Column(_("Remaining (t)"), lambda r: r.remaining),
                 Column(_("Status"), lambda r: str(r.status_label))],
        rows=top,
        row_url=lambda r: url("allowances:compliance", cycle=cycle.year,
                              enterprise=r.enterprise.pk),
        more_url=by_remaining, more_label=_("Compliance page"),
        empty=_("Nothing remains to be surrendered."),
    )
    return [compliance, shortfalls]


def pipeline_panel(user, scope: str, year: int) -> Panel:
    """The year's annual reports by status (``selectors.reports.reports_for``: the report
    list's), each linking to the list filtered by it."""
    counts = rsel.reports_for(user, year=year).aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in ReportStatus.values})
    rows = [(s, ReportStatus(s).label, counts[s]) for s in ReportStatus.values]
    return Panel(
        key="pipeline",
        title=_("Annual reports %(year)s") % {"year": year}, scope=scope,
        figures=[Figure(_("Reports"), sum(counts.values()),
                        url("reporting:report_list", year=year), key="reports")],
        columns=[Column(_("Status"), lambda r: str(r[1]), 30),
                 Column(_("Reports"), lambda r: r[2])],
        rows=rows, row_url=lambda r: url("reporting:report_list", year=year, status=r[0]),
        more_url=url("reporting:report_list", year=year), more_label=_("Report list"),
        chart={"kind": "bar", "unit": "", "categories": [str(r[1]) for r in rows],
               "series": [{"name": _("Reports"), "data": [r[2] for r in rows]}]},
    )


def official_panels(user, scope: str, today) -> list[Panel]:
    cycle = csel.cycle_from(None)
    if cycle is None:
        return []
    return [pipeline_panel(user, scope, cycle.year), *compliance_panels(user, scope, cycle, today)]


# --- enterprise -----------------------------------------------------------------------------


def obligation_panel(user, enterprise, today) -> Panel | None:
    """The current cycle's obligation against the account's holdings, what was surrendered,
    the shortfall and the CCER headroom (5 %: ``allowances.rules.ccer_cap``), as the
    surrender page reads them (``selectors.compliance.totals``)."""
    cycle = csel.cycle_from(None)
    account = csel.account_of_user(user)
    if cycle is None or account is None:
        return None
    t = csel.totals(account, cycle)
    page = (url("allowances:account_detail", kwargs={"pk": account.pk}, cycle=cycle.year)
            if account.pk else url("allowances:compliance", cycle=cycle.year))
    known = t.known
    figures = [
        Figure(_("Obligation"), t.obligation, page, "t", "obligation"),
        Figure(_("Allowances held"), t.held, page, "t", "held"),
        Figure(_("Surrendered"), t.done, page, "t", "surrendered"),
        Figure(_("Remaining to surrender"), t.remaining if known else None, page, "t",
               "remaining"),
        Figure(_("Shortfall (remaining less what is held)"), t.shortfall if known else None,
               page, "t", "shortfall"),
        Figure(_("CCER cap"), t.cap if known else None, page, "t",
               "ccer_cap"),
        Figure(_("CCER headroom"), t.headroom if known else None, page, "t", "headroom"),
        Figure(_("Days to the surrender deadline"),
               csel.days_left(csel.deadline_of(cycle), today), page, _("days"), "days"),
    ]
    bars = [f for f in figures if f.key in ("obligation", "held", "surrendered", "shortfall")]
    return Panel(
        key="obligation", title=_("Obligation %(year)s") % {"year": cycle.year},
        scope=enterprise.name, figures=figures,
        chart={"kind": "bar", "unit": "t", "categories": [f.label for f in bars],
               "series": [{"name": _("Tonnes"), "data": [f.value for f in bars]}]},
    )


def emissions_panel(enterprise) -> Panel:
    """The enterprise's annual figures (registry ``EmissionRecord``), by year; the chart
    takes each year's best-ranked figure (verified over self-reported over statistics)."""
    records = list(EmissionRecord.objects.filter(enterprise=enterprise).order_by("-year",
                                                                                 "source"))
    rank = {s: i for i, s in enumerate(RecordSource.values)}
    best: dict[int, EmissionRecord] = {}
    for r in records:
        if r.year not in best or rank[r.source] > rank[best[r.year].source]:
            best[r.year] = r
    years = sorted(best)
    page = reverse("registry:enterprise_detail", kwargs={"pk": enterprise.pk})
    return Panel(
        key="emissions", title=_("Emissions by year"), scope=enterprise.name,
        columns=[Column(_("Year"), lambda r: str(r.year), 8),
                 Column(_("Emissions (tCO2e)"), lambda r: r.emissions_tco2e, 18),
                 Column(_("Energy (tce)"), lambda r: r.energy_tce, 14),
                 Column(pgettext("figure source", "Source"), lambda r: r.get_source_display(), 14)],
        rows=records, row_url=lambda r: page, more_url=page, more_label=_("Enterprise page"),
        chart={"kind": "bar", "unit": "tCO2e", "categories": [str(y) for y in years],
               "series": [{"name": _("Emissions (tCO2e)"),
                           "data": [str(best[y].emissions_tco2e) for y in years]}]}
        if years else None,
        empty=_("No annual figures yet."),
    )


# --- enterprise and agency ------------------------------------------------------------------


def credit_panel(subject) -> Panel:
    """The subject's latest final credit grade (and a provisional one under objection), each
    linking to its score card (``credit.selectors.standing``)."""
    standing = credit_standing.standing(subject)
    figures = []
    for label, grade in ((_("Credit grade"), standing.final),
                         (_("Provisional credit grade"), standing.provisional)):
        if grade is not None:
            figures.append(Figure(label, grade.label, grade.url,
                                  _("%(year)s, %(score)s points") % {"year": grade.year,
                                                                    "score": grade.score},
                                  "final" if grade is standing.final else "provisional"))
    if not figures:
        figures.append(Figure(_("Credit grade"), _("Not graded yet"),
                              reverse("credit:my_credit"), key="none"))
    return Panel(key="credit", title=_("Credit"), scope=subject.name, figures=figures)


# --- agency ---------------------------------------------------------------------------------


def assignments_panel(user, agency) -> Panel:
    """Reports assigned to the agency and still waiting for its verification report (the
    verification queue's), due first; those returned to it after re-check."""
    qs = vsel.queue_for(user).filter(status__in=vsel.OPEN_ASSIGNMENT_STATUSES)
    today = timezone.localdate()
    counts = qs.aggregate(
        open=Count("pk"),
        returned=Count("pk", filter=Q(status=ReportStatus.RECHECK_RETURNED)),
        overdue=Count("pk", filter=Q(verification_due__lt=today)),
    )
    queue = reverse("reporting:verification_queue")
    return Panel(
        key="assignments", title=pgettext("dashboard panel", "Assignments"), scope=agency.name,
        figures=[
            Figure(_("Open assignments"), counts["open"], queue, key="open"),
            Figure(_("Returned after re-check"), counts["returned"],
                   url("reporting:verification_queue", status=ReportStatus.RECHECK_RETURNED),
                   key="returned"),
            Figure(_("Overdue"), counts["overdue"], queue, key="overdue"),
        ],
        columns=[Column(_("Enterprise"), lambda r: r.enterprise.name, 36),
                 Column(_("Year"), lambda r: str(r.year), 8),
                 Column(_("Status"), lambda r: r.get_status_display(), 24),
                 Column(_("Round"), lambda r: r.verification_round or None, 8),
                 Column(_("Verification due"), lambda r: r.verification_due, 12)],
        rows=list(qs[:TOP]), export_rows=qs,
        row_url=lambda r: reverse("reporting:report_detail", kwargs={"pk": r.pk}),
        more_url=queue, more_label=_("Verification queue"), empty=_("No open assignments."),
    )


# --- the dashboard ----------------------------------------------------------------------------


def dashboard(user, *, today=None) -> tuple[str, str, list[Panel]] | None:
    """(kind, scope, panels) of the user's dashboard; None for a user without a role."""
    found = kind_of(user)
    if found is None:
        return None
    today = today or timezone.localdate()
    kind, subject = found
    scope = scope_of(user, kind, subject)
    panels = [todo_panel(user, scope)]
    if kind in (BUREAU, AREA):
        panels += official_panels(user, scope, today)
    elif kind == ENTERPRISE:
        panels += [p for p in (obligation_panel(user, subject, today), credit_panel(subject),
                               emissions_panel(subject)) if p is not None]
    else:
        panels += [assignments_panel(user, subject), credit_panel(subject)]
    return kind, scope, panels

