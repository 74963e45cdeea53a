"""Bureau and county / park official: what is waiting on their desk, one row per kind of work
with its count, the earliest due date where the work has one, and the filtered list behind it.

Each count is the list's own selector with the list's filter (the row's link), so the two can
never disagree: the verification queue (the bureau) or the report list (a county), the ledger
grid, the surrender list, the credit objections, the complaint list and the inspection list,
the account applications. A row shows only to a user who may open its list, scoped as that list
scopes him: a county official sees his area's reports, surrenders and inspections (the
dashboard's title says so), never a city figure. One query per source, whatever the number of
enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from allowances.choices import SurrenderStatus
from allowances.selectors import surrenders as ssel
from complaints import selectors as complaint_sel
from complaints.choices import Status as ComplaintStatus
from credit.choices import ObjectionStatus
from credit.selectors import grading as credit_sel
from dashboards.panels import Panel
from dashboards.selectors.base import BUREAU, Context, url
from oversight.choices import InspectionStatus
from oversight.selectors import inspections as inspection_sel
from registry.choices import RegistrationStatus
from registry.selectors.registrations import applications_for
from reporting import ledger_rules, rules
from reporting.choices import LedgerStatus, ReportStatus
from reporting.selectors import ledgers as lsel
from reporting.selectors import reports as rsel
from reporting.selectors import verification as vsel
from zhongwei_carbon import roles
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Perm


@dataclass
class Work:
    key: str  # for tests and the export: which kind of work
    label: str
    count: int
    due: date | None  # the earliest due date of the waiting items (None: the work has none)
    url: str  # the filtered list behind the count


def _earliest(dates) -> date | None:
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def _reports(ctx: Context, year_of: dict) -> tuple[list[Work], list[Work]]:
    """(the county's technical checks, the bureau's steps) of annual reports: the bureau
    counts its verification queue, a county official the report list (his area)."""
    user = ctx.user
    if ctx.kind == BUREAU:
        qs, page = vsel.queue_for(user), "reporting:verification_queue"
    else:
        qs, page = rsel.reports_for(user), "reporting:report_list"
    submitted = Q(status=ReportStatus.SUBMITTED)
    by_year = list(qs.order_by().values("year").annotate(
        submitted=Count("pk", filter=submitted),
        last_submitted=Min("last_submitted_at", filter=submitted),
        to_assign=Count("pk", filter=Q(status=ReportStatus.COUNTY_PASSED)),
        to_recheck=Count("pk", filter=Q(status=ReportStatus.VERIFIED)),
    ))

    def county_due(row):
        y = year_of.get(row["year"])
        if y is None or row["last_submitted"] is None:
            return None
        return rules.county_check_due(timezone.localdate(row["last_submitted"]),
                                      y.report_county_check_days)

    def city_due(row):
        y = year_of.get(row["year"])
        return y.report_city_due if y is not None else None

    own = []
    if roles.has_perm(user, Perm.COUNTY_CHECK_REPORT):
        own.append(Work(
            "report_check", _("Annual reports waiting for technical check"),
            sum(r["submitted"] for r in by_year),
            _earliest(county_due(r) for r in by_year if r["submitted"]),
            url(page, status=ReportStatus.SUBMITTED)))
    bureau = [
        Work("report_assign", _("Annual reports waiting for assignment to an agency"),
             sum(r["to_assign"] for r in by_year),
             _earliest(city_due(r) for r in by_year if r["to_assign"]),
             url(page, status=ReportStatus.COUNTY_PASSED)),
        Work("report_recheck", _("Verification reports waiting for re-check"),
             sum(r["to_recheck"] for r in by_year), None,
             url(page, status=ReportStatus.VERIFIED)),
    ]
    return own, bureau


def _ledgers(ctx: Context, year_of: dict) -> list[Work]:
    """Submitted monthly ledgers waiting for the county's technical check, a row per year
    (the ledger grid is a year's); due: the upload plus the year's county days."""
    if not roles.has_perm(ctx.user, Perm.COUNTY_CHECK_LEDGER):
        return []
    by_year = list(
        lsel.ledgers_for(ctx.user).filter(status=LedgerStatus.SUBMITTED).order_by()
        .values("year").annotate(n=Count("pk"), first=Min("submitted_at")).order_by("year")
    ) or [{"year": ctx.today.year, "n": 0, "first": None}]
    out = []
    for row in by_year:
        y = year_of.get(row["year"])
        due = None
        if y is not None and row["first"] is not None:
            days = ledger_rules.LedgerDays(y.ledger_upload_days, y.ledger_county_check_days,
                                           y.ledger_close_days)
            due = ledger_rules.county_check_due(timezone.localdate(row["first"]), days)
        out.append(Work(
            f"ledger_check_{row['year']}",
            _("Monthly ledgers %(year)s waiting for technical check") % {"year": row["year"]},
            row["n"], due,
            url("reporting:ledger_index", year=row["year"], status=LedgerStatus.SUBMITTED)))
    return out


def _surrenders(ctx: Context) -> list[Work]:
    if not roles.has_perm(ctx.user, Perm.VIEW_ACCOUNT):
        return []
    n = ssel.surrenders_for(ctx.user).aggregate(
        requested=Count("pk", filter=Q(status=SurrenderStatus.REQUESTED)),
        approved=Count("pk", filter=Q(status=SurrenderStatus.APPROVED)),
    )
    page = "allowances:surrender_list"
    return [
        Work("surrender_approve", _("Surrender requests waiting for approval"), n["requested"],
             None, url(page, status=SurrenderStatus.REQUESTED)),
        Work("surrender_confirm", _("Approved surrenders waiting for confirmation"),
             n["approved"], None, url(page, status=SurrenderStatus.APPROVED)),
    ]


def _credit_objections(ctx: Context) -> list[Work]:
    if not roles.has_perm(ctx.user, Perm.VIEW_CREDIT_WORK):
        return []
    n = credit_sel.objections_for(ctx.user, Perm.VIEW_CREDIT_WORK).filter(
        status=ObjectionStatus.PENDING).aggregate(n=Count("pk"), due=Min("decision_due"))
    return [Work("credit_objections", _("Credit objections waiting for a decision"), n["n"],
                 n["due"], url("credit:objection_list", status=ObjectionStatus.PENDING))]


def _complaints(ctx: Context) -> tuple[list[Work], list[Work]]:
    """(complaints the user handles, the bureau's triage and approval of replies). Triage
    comes before a complaint has a handling area: a county has none, so the bureau's rows
    are the bureau's only."""
    user = ctx.user
    handles = roles.has_perm(user, Perm.HANDLE_COMPLAINT)
    bureau = ctx.kind == BUREAU
    if not roles.has_perm(user, Perm.VIEW_COMPLAINT) or not (handles or bureau):
        return [], []
    received = Q(status=ComplaintStatus.RECEIVED)
    pending = Q(status=ComplaintStatus.REPLY_PENDING)
    mine = Q(status=ComplaintStatus.ASSIGNED) & complaint_sel.assigned_to(user)
    n = complaint_sel.complaints_for(user).aggregate(
        received=Count("pk", filter=received), received_due=Min("reply_due", filter=received),
        pending=Count("pk", filter=pending), pending_due=Min("reply_due", filter=pending),
        mine=Count("pk", filter=mine), mine_due=Min("reply_due", filter=mine),
    )
    page = "complaints:complaint_list"
    own = [Work("complaints_mine", _("Complaints assigned to me for investigation"), n["mine"],
                n["mine_due"], url(page, status=ComplaintStatus.ASSIGNED, mine="true"))
           ] if handles else []
    desk = [
        Work("complaints_triage", _("Complaints waiting for triage"), n["received"],
             n["received_due"], url(page, status=ComplaintStatus.RECEIVED)),
        Work("complaints_reply", _("Complaint replies waiting for approval"), n["pending"],
             n["pending_due"], url(page, status=ComplaintStatus.REPLY_PENDING)),
    ] if bureau else []
    return own, desk


def _inspections(ctx: Context) -> tuple[list[Work], list[Work]]:
    """(inspections the user is drawn for and still open, inspections overdue): due, the
    last day of their plan's inspection period."""
    user = ctx.user
    if not roles.has_perm(user, Perm.VIEW_INSPECTION):
        return [], []
    overdue = inspection_sel.overdue(ctx.today)
    mine = inspection_sel.drawn_for(user) & Q(status=InspectionStatus.OPEN)
    n = inspection_sel.inspections_for(user).aggregate(
        overdue=Count("pk", filter=overdue), overdue_due=Min("plan__end_date", filter=overdue),
        mine=Count("pk", filter=mine), mine_due=Min("plan__end_date", filter=mine),
    )
    page = "oversight:inspection_list"
    own = [Work("inspections_mine", _("Open inspections I am drawn for"), n["mine"],
                n["mine_due"], url(page, status=InspectionStatus.OPEN, mine="true"))
           ] if roles.has_perm(user, Perm.CONDUCT_INSPECTION) else []
    return own, [Work("inspections_overdue", _("Inspections overdue"), n["overdue"],
                      n["overdue_due"], url(page, overdue="true"))]


def _applications(ctx: Context) -> list[Work]:
    if not roles.has_perm(ctx.user, Perm.DECIDE_REGISTRATION):
        return []
    n = applications_for(ctx.user, status=RegistrationStatus.PENDING).count()
    return [Work("applications", _("Account applications waiting for a decision"), n, None,
                 url("registry:registration_list", status=RegistrationStatus.PENDING))]


def work_rows(ctx: Context) -> list[Work]:
    """The rows of the panel: the user's own work first (the checks, inspections and
    complaints assigned to him), then the bureau's queues as far as he may see them."""
    years = rsel.reporting_years()  # their deadlines and day counts (a row a year)
    own_reports, bureau_reports = _reports(ctx, years)
    own_complaints, bureau_complaints = _complaints(ctx)
    own_inspections, overdue = _inspections(ctx)
    return [
        *_ledgers(ctx, years), *own_reports, *own_inspections, *own_complaints,
        *bureau_reports, *_surrenders(ctx), *_credit_objections(ctx), *bureau_complaints,
        *overdue, *_applications(ctx),
    ]


def work_panel(ctx: Context) -> Panel:
    rows = work_rows(ctx)
    return Panel(
        key="work", title=pgettext("dashboard panel", "Work waiting"), scope=ctx.scope,
        columns=[Column(pgettext("dashboard", "Work"), lambda w: w.label, 44),
                 Column(pgettext("dashboard", "Waiting"), lambda w: w.count, 10),
                 Column(_("Earliest due date"), lambda w: w.due, 14)],
        rows=rows, row_url=lambda w: w.url, empty=_("Nothing is waiting."),
    )
