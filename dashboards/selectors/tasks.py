"""Enterprise: what it has to do, by kind, with the deadline and the days left, each row
linking to the page where it is done.

The deadlines are those the reminder job reminds of (``*/reminders.py``), read through the
same rules and data: a month's ledger upload (``ledger_rules.deadlines`` with the reporting
year's day counts), the annual report's ``ReportingYear.report_due`` (``deadlines_for``), the
cycle's surrender deadline (``compliance.deadline_of``), a rectification's ``deadline`` and a
credit objection's ``decision_due``. Like the reminders, the ledger and the report are owed by
an enterprise on that year's published key-emitter list; a finding has no answer-by date.
Each kind reads the page's own selector, scoped through the user, in a constant number of
queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from credit.choices import ObjectionStatus
from credit.selectors import grading as credit_sel
from dashboards.panels import Figure, Panel
from dashboards.selectors.base import Context, url
from oversight.choices import RectificationStatus
from oversight.models import Rectification
from registry.choices import FacilityStatus
from registry.selectors.lists import is_listed
from reporting import ledger_rules as lr
from reporting.choices import LedgerStatus
from reporting.models import Finding
from reporting.selectors import ledgers as lsel
from reporting.selectors import reports as rsel
from zhongwei_carbon import scoping
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Perm

# a facility's month still owed: not submitted (a draft, returned, or no ledger at all)
OWED = (lr.MISSING, LedgerStatus.DRAFT, LedgerStatus.RETURNED)


@dataclass
class Task:
    kind: str  # what kind of work ("月度台账")
    item: str  # which one, with names
    state: str  # where it stands, or what is left
    deadline: date | None
    days_left: int | None  # None: done, or no deadline
    url: str  # where it is done
    done: bool = False

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def _task(kind, item, state, deadline, today, link, done=False) -> Task:
    days = None if done or deadline is None else (deadline - today).days
    return Task(str(kind), item, str(state), deadline, days, link, done)


def ledger_task(ctx: Context) -> Task | None:
    """Last month's ledger (the month whose upload is due now): the facilities in operation
    that have not submitted it, as the ledger grid shows them."""
    user, enterprise, today = ctx.user, ctx.subject, ctx.today
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    if not is_listed(enterprise, year):
        return None
    facilities = lsel.grid_facilities(user, year=year, enterprise=enterprise.pk)
    rows = [r for r in lsel.grid_rows(user, facilities, year=year, today=today)
            if r.facility.status == FacilityStatus.OPERATING]
    if not rows:
        return None
    owed = [r.facility.name for r in rows if r.cells[month - 1].status in OWED]
    days = lsel.ledger_days(year)
    deadline = lr.deadlines(year, month, days).upload_due if days is not None else None
    state = (_("Not yet submitted: %(facilities)s") % {"facilities": "、".join(owed)} if owed
             else _("Submitted for every facility"))
    return _task(pgettext("task", "Monthly ledger"), f"{year}-{month:02d}", state, deadline,
                 today, url("reporting:ledger_index", year=year), done=not owed)


def report_task(ctx: Context) -> Task | None:
    """The annual report of last year: its status and the enterprise's deadline; done once
    submitted (the report list's and the reminder's rule)."""
    user, enterprise, today = ctx.user, ctx.subject, ctx.today
    year = today.year - 1
    kind = pgettext("task", "Annual report")
    item = _("%(year)s annual emission report") % {"year": year}
    report = rsel.reports_for(user, year=year, enterprise=enterprise.pk).first()
    years = rsel.reporting_years([year])
    if report is None:
        if not is_listed(enterprise, year):
            return None
        row = years.get(year)
        return _task(kind, item, _("Not yet started"), row.report_due if row else None, today,
                     reverse("reporting:report_start"))
    deadlines = rsel.deadlines_for(report, years, today=today)
    return _task(kind, item, report.get_status_display(), deadlines.report_due, today,
                 reverse("reporting:report_detail", kwargs={"pk": report.pk}),
                 done=report.first_submitted_at is not None)


def findings_to_answer(user):
    """Verification findings sent to the enterprise and not answered yet (the answer page's
    queryset)."""
    return scoping.for_user(
        Finding.objects.filter(sent_at__isnull=False, responded_at__isnull=True)
        .select_related("report"), user, Perm.ANSWER_FINDING,
    ).order_by("sent_at", "pk")


def finding_tasks(ctx: Context) -> list[Task]:
    return [_task(pgettext("task", "Verification finding"),
                  _("%(year)s report, round %(round)s: %(text)s") % {
                      "year": f.report.year, "round": f.round, "text": f.text[:60]},
                  _("To answer"), None, ctx.today,
                  reverse("reporting:finding_answer", kwargs={"pk": f.pk}))
            for f in findings_to_answer(ctx.user)]


def open_credit_objections(user):
    """The subject's credit objections waiting for the bureau's decision."""
    return credit_sel.objections_for(user).filter(
        status=ObjectionStatus.PENDING).order_by("decision_due", "pk")


def credit_objection_tasks(ctx: Context) -> list[Task]:
    return [_task(pgettext("task", "Credit objection"),
                  _("%(year)s: %(event)s") % {"year": o.grade.credit_year.year,
                                              "event": o.event.summary[:60]},
                  _("Waiting for the bureau's decision"), o.decision_due, ctx.today,
                  reverse("credit:objection_detail", kwargs={"pk": o.pk}))
            for o in open_credit_objections(ctx.user)]


def surrender_task(ctx: Context) -> Task | None:
    """What remains to surrender for the current cycle (the surrender page's totals) and the
    days to its deadline; none while the obligation is not known."""
    cycle, today, t = ctx.cycle, ctx.today, ctx.totals
    if t is None or not t.known:
        return None
    return _task(pgettext("task", "Surrender"), _("Cycle %(year)s") % {"year": cycle.year},
                 _("Remaining: %(tonnes)s t") % {"tonnes": f"{t.remaining:,}"},
                 ctx.deadline, today,
                 url("allowances:surrender_new", cycle=cycle.year), done=not t.remaining)


def open_rectifications(user):
    """Rectifications ordered of the user's enterprise or agency, waiting for its answer."""
    return scoping.for_user(
        Rectification.objects.filter(status=RectificationStatus.PENDING)
        .select_related("inspection"), user, Perm.ANSWER_RECTIFICATION,
    ).order_by("deadline", "pk")


def rectification_tasks(ctx: Context) -> list[Task]:
    return [_task(pgettext("task", "Rectification"), r.requirements[:60],
                  r.get_status_display(), r.deadline, ctx.today,
                  reverse("oversight:rectification_answer", kwargs={"pk": r.inspection_id}))
            for r in open_rectifications(ctx.user)]


def tasks_of(ctx: Context) -> list[Task]:
    """Every kind's tasks: open ones first, by deadline (none last), then those done."""
    found: list[Task] = []
    for one in (ledger_task, report_task, surrender_task):
        if (task := one(ctx)) is not None:
            found.append(task)
    for many in (finding_tasks, credit_objection_tasks, rectification_tasks):
        found.extend(many(ctx))
    return sorted(found, key=lambda t: (t.done, t.deadline is None, t.deadline or date.max))


def tasks_panel(ctx: Context) -> Panel:
    tasks = tasks_of(ctx)
    open_ = [t for t in tasks if not t.done]
    inbox = url("notifications", show="todo")
    return Panel(
        key="tasks", title=_("Tasks and deadlines"), scope=ctx.subject.name,
        figures=[Figure(_("Tasks open"), len(open_), key="open"),
                 Figure(_("Overdue"), sum(t.overdue for t in open_), key="overdue")],
        columns=[Column(pgettext("task", "Kind"), lambda t: t.kind, 16),
                 Column(pgettext("task", "Item"), lambda t: t.item, 36),
                 Column(pgettext("task", "State"), lambda t: t.state, 30),
                 Column(_("Deadline"), lambda t: t.deadline, 12),
                 Column(_("Days left"), lambda t: t.days_left, 10)],
        rows=tasks, row_url=lambda t: t.url, more_url=inbox, more_label=_("All to-dos"),
        empty=_("Nothing to do."), wide=True,
    )
