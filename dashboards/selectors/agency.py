"""Agency: the reports assigned to it and still open."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.panels import Figure, Panel
from dashboards.selectors.base import TOP, Context, url
from reporting.choices import ReportStatus
from reporting.selectors import verification as vsel
from zhongwei_carbon.excel import Column


def assignments_panel(ctx: Context) -> Panel:
    """Reports assigned to the agency and still waiting for its verification report (the
    verification queue's), due first; those returned to it after re-check."""
    user, agency = ctx.user, ctx.subject
    qs = vsel.queue_for(user).filter(status__in=vsel.OPEN_ASSIGNMENT_STATUSES)
    today = ctx.today
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
