"""Agency: the reports assigned to it and still open, its performance figures (oversight's
league) and the inspections of it."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.panels import Figure, Panel
from dashboards.selectors.base import TOP, Context, url
from oversight.choices import InspectionStatus
from oversight.selectors import inspections as isel
from oversight.selectors import performance as psel
from reporting.choices import ReportStatus
from reporting.selectors import verification as vsel
from zhongwei_carbon.excel import Column


def assignments_panel(ctx: Context) -> Panel:
    """Reports assigned to the agency and still waiting for its verification report (the
    verification queue's), due first; those returned to it after re-check."""
    user, agency = ctx.user, ctx.subject
    today = ctx.today
    qs = vsel.queue_for(user, show=vsel.SHOW_OPEN)
    counts = qs.aggregate(
        open=Count("pk"),
        returned=Count("pk", filter=Q(status=ReportStatus.RECHECK_RETURNED)),
        overdue=Count("pk", filter=Q(verification_due__lt=today)),
    )
    queue = reverse("reporting:verification_queue")
    return Panel(
        key="assignments", title=pgettext("dashboard panel", "Assignments"), scope=agency.name,
        figures=[
            Figure(_("Open assignments"), counts["open"],
                   url("reporting:verification_queue", show=vsel.SHOW_OPEN), key="open"),
            Figure(_("Returned after re-check"), counts["returned"],
                   url("reporting:verification_queue", status=ReportStatus.RECHECK_RETURNED),
                   key="returned"),
            Figure(_("Overdue"), counts["overdue"],
                   url("reporting:verification_queue", show=vsel.SHOW_OVERDUE), key="overdue"),
        ],
        columns=[Column(_("Enterprise"), lambda r: r.enterprise.name, 36),
                 Column(_("Year"), lambda r: str(r.year), 8),
                 Column(_("Status"), lambda r: r.get_status_display(), 24),
                 # the round the agency works on, as its to-do names it (not the rounds filed)
                 Column(_("Round"), lambda r: r.round_due, 8),
                 Column(_("Verification due"), lambda r: r.verification_due, 12)],
        rows=list(qs[:TOP]), export_rows=qs,
        row_url=lambda r: reverse("reporting:report_detail", kwargs={"pk": r.pk}),
        more_url=queue, more_label=_("Verification queue"), empty=_("No open assignments."),
    )


def performance_panel(ctx: Context) -> Panel:
    """The agency's figures of the latest reporting year with any (the league table's:
    ``oversight.selectors.performance``, which the agency sees for itself only), linking to
    that year's league page."""
    user, agency, today = ctx.user, ctx.subject, ctx.today
    year, _years = psel.year_or_latest(user, None)
    found = psel.rows(user, year=year, agency=agency, today=today) if year else []
    # no figures yet: the counts are nought, the rates unknown
    row = found[0] if found else psel.AgencyYear(agency.pk, agency.name, agency.uscc,
                                                 year or today.year)
    page = url("oversight:performance", year=year)
    return Panel(
        key="performance",
        title=(_("Performance %(year)s") % {"year": year}) if year else _("Performance"),
        scope=agency.name,
        figures=[Figure(str(f.label), f.value(row), page, key=f.key) for f in psel.FIGURES],
        more_url=page, more_label=_("Agency performance"),
    )


def inspections_panel(ctx: Context) -> Panel:
    """Inspections of the agency (the inspection list's, scoped to it), newest first, with
    their dates, status and conclusion; the open ones and those under rectification."""
    user, agency = ctx.user, ctx.subject
    qs = isel.inspections_for(user)
    counts = qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=InspectionStatus.OPEN)),
        rectifying=Count("pk", filter=Q(status=InspectionStatus.RECTIFYING)),
    )
    page = reverse("oversight:inspection_list")
    return Panel(
        key="inspections", title=_("Inspections"), scope=agency.name,
        figures=[
            Figure(_("Inspections"), counts["total"], page, key="total"),
            Figure(pgettext("inspection status", "Open"), counts["open"],
                   url("oversight:inspection_list", status=InspectionStatus.OPEN), key="open"),
            Figure(_("Rectification under way"), counts["rectifying"],
                   url("oversight:inspection_list", status=InspectionStatus.RECTIFYING),
                   key="rectifying"),
        ],
        columns=[Column(_("Inspected"), lambda i: i.target_name, 30),
                 Column(_("Plan or trigger"),
                        lambda i: str(i.plan) if i.plan_id else i.get_trigger_display(), 24),
                 Column(_("Opened at"), lambda i: i.created_at, 16),
                 Column(_("Inspected on"), lambda i: i.inspected_on, 12),
                 Column(_("Status"), lambda i: i.get_status_display(), 16),
                 Column(_("Conclusion"), lambda i: i.get_conclusion_display() or None, 16),
                 Column(_("Rectification deadline"),
                        lambda i: _rectification(i).deadline if _rectification(i) else None, 12)],
        rows=list(qs[:TOP]), export_rows=qs,
        row_url=lambda i: reverse("oversight:inspection_detail", kwargs={"pk": i.pk}),
        more_url=page, more_label=_("Inspection list"), empty=_("No inspections."), wide=True,
    )


def _rectification(inspection):
    try:
        return inspection.rectification
    except ObjectDoesNotExist:
        return None
