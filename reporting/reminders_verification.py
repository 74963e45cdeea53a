"""Deadline sources of verification and objections (issue 15): the assigned agency's
verification due date (``AnnualReport.verification_due``), the enterprise's objection window
on a final result (``AnnualReport.objection_deadline``, working days) and the bureau's
decision on an objection (``Objection.decision_due``, working days). Constant queries.

Not sources, for want of a deadline in the data: the agency's answer to re-check opinions
(a re-check return sets no due date) and the enterprise's answer to findings (a finding has
no answer-by date)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import Due, enterprise_users
from zhongwei_carbon.reminders.people import agency_staff, holders
from zhongwei_carbon.templatetags.portal import thousands

# a closed window stays in the source this long, done, so that its reminders resolve
CLOSED_LATELY = timedelta(days=30)


def _report_title(report) -> str:
    return _("%(year)s annual emission report of %(enterprise)s") % {
        "year": report.year, "enterprise": report.enterprise.name}


def verification_dues(today):
    """One item per report assigned and not yet verified: the assigned agency's staff (only
    they) file the verification report by its due date."""
    from reporting.choices import ReportStatus
    from reporting.models import AnnualReport

    reports = list(AnnualReport.objects.filter(
        status=ReportStatus.ASSIGNED, agency__isnull=False, verification_due__isnull=False,
    ).select_related("enterprise", "agency"))
    if not reports:
        return
    staff = agency_staff(report.agency_id for report in reports)
    for report in reports:
        yield Due(
            kind="verification-due",
            object=report,
            recipients=staff.get(report.agency_id, ()),
            deadline=report.verification_due,
            title=_("Verification of the %(report)s") % {"report": _report_title(report)},
            todo=_("%(agency)s has not filed its verification report yet.")
            % {"agency": report.agency.name},
            url=reverse("reporting:verification_detail", kwargs={"pk": report.pk}),
            done=report.status != ReportStatus.ASSIGNED,
            area_id=None,  # overdue: to the bureau, which assigned it
        )


def objection_windows(today):
    """One item per final result whose objection window is open (or closed lately: done, so
    its reminders resolve): the enterprise may object until the deadline (an option, so no
    escalation); done once it objected or the window closed."""
    from reporting.choices import ReportStatus
    from reporting.models import AnnualReport, Objection

    objected = Objection.objects.filter(report=OuterRef("pk"), filed_at__gte=OuterRef("final_at"))
    reports = list(AnnualReport.objects.filter(
        status=ReportStatus.FINAL, objection_deadline__gte=today - CLOSED_LATELY,
        final_at__isnull=False,
    ).annotate(objected=Exists(objected)).select_related("enterprise"))
    if not reports:
        return
    users = enterprise_users({report.enterprise_id for report in reports})
    for report in reports:
        yield Due(
            kind="report-objection-window",
            object=report,
            recipients=users.get(report.enterprise_id, ()),
            deadline=report.objection_deadline,
            title=_("Objection window on the verified emissions of the %(report)s")
            % {"report": _report_title(report)},
            todo=_("You may object to the final figure of %(tonnes)s tCO2e until this day.")
            % {"tonnes": thousands(report.final_emissions)},
            url=reverse("reporting:objection_file", kwargs={"pk": report.pk}),
            # objected, or the window closed: nothing left to remind of
            done=report.objected or report.objection_deadline < today,
            escalate=False,
        )


def objection_decisions(today):
    """One item per objection not yet decided: the bureau decides it within the year's
    decision working days (the bureau owes it: no escalation)."""
    from reporting.models import Objection
    from zhongwei_carbon.roles import Perm, roles_for

    objections = list(Objection.objects.filter(decided_at__isnull=True)
                      .select_related("report", "report__enterprise"))
    if not objections:
        return
    bureau = holders(roles_for(Perm.DECIDE_OBJECTION))
    for objection in objections:
        yield Due(
            kind="objection-decision",
            object=objection,
            recipients=bureau,
            deadline=objection.decision_due,
            title=_("Decision on the objection of %(enterprise)s to its %(year)s verified "
                    "emissions") % {"enterprise": objection.report.enterprise.name,
                                    "year": objection.report.year},
            todo=_("Uphold or reject the objection."),
            url=reverse("reporting:objection_decide", kwargs={"pk": objection.pk}),
            done=objection.decided_at is not None,
            escalate=False,
        )
