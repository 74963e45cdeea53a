"""Deadline sources of the checks after an enterprise submits (issue 15): the county/park
technical check of a monthly ledger and of an annual report, and the bureau's close of a
checked ledger. The deadlines are the reporting year's data (``ReportingYear``:
``ledger_county_check_days`` after the upload, ``ledger_close_days`` after the month ends,
``report_county_check_days`` after the submission; ``ledger_rules``). Each source reads its
items in a constant number of queries; an item whose step is taken leaves the source (its
reminders are then resolved)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import Due
from zhongwei_carbon.reminders.people import area_officials, holders


def _years() -> dict:
    from reporting.models import ReportingYear

    return {row.year: row for row in ReportingYear.objects.all()}


def _ledger_days(row):
    from reporting import ledger_rules as lr

    return lr.LedgerDays(row.ledger_upload_days, row.ledger_county_check_days,
                         row.ledger_close_days)


def _ledger_title(ledger) -> str:
    return _("%(year)s-%(month)02d ledger of %(facility)s (%(enterprise)s)") % {
        "year": ledger.year, "month": ledger.month, "facility": ledger.facility.name,
        "enterprise": ledger.enterprise.name}


def ledger_county_checks(today):
    """One item per submitted ledger: the officials of its enterprise's area check it
    within the year's county-check days of its upload."""
    from reporting import ledger_rules as lr
    from reporting.choices import LedgerStatus as S
    from reporting.models import MonthlyLedger

    ledgers = list(MonthlyLedger.objects.filter(status=S.SUBMITTED, submitted_at__isnull=False)
                   .select_related("enterprise", "facility"))
    if not ledgers:
        return
    years = _years()
    officials = area_officials(ledger.enterprise.area_id for ledger in ledgers)
    for ledger in ledgers:
        row = years.get(ledger.year)
        if row is None:  # no reporting year: no deadline to remind of
            continue
        area_id = ledger.enterprise.area_id
        yield Due(
            kind="ledger-county-check",
            object=ledger,
            recipients=officials.get(area_id, ()),
            deadline=lr.county_check_due(timezone.localdate(ledger.submitted_at),
                                         _ledger_days(row)),
            title=_("Technical check of the %(ledger)s") % {"ledger": _ledger_title(ledger)},
            todo=_("Pass it or return it to the enterprise."),
            url=reverse("reporting:ledger_county_check", kwargs={"pk": ledger.pk}),
            done=ledger.status != S.SUBMITTED,
            area_id=area_id,
        )


def ledger_closes(today):
    """One item per county-checked ledger: the bureau closes it by the year's close day
    (days after the month ends). The bureau owes it: no escalation."""
    from reporting import ledger_rules as lr
    from reporting.choices import LedgerStatus as S
    from reporting.models import MonthlyLedger
    from zhongwei_carbon.roles import Perm, roles_for

    ledgers = list(MonthlyLedger.objects.filter(status=S.COUNTY_CHECKED)
                   .select_related("enterprise", "facility"))
    if not ledgers:
        return
    years = _years()
    bureau = holders(roles_for(Perm.CLOSE_LEDGER))
    for ledger in ledgers:
        row = years.get(ledger.year)
        if row is None:
            continue
        yield Due(
            kind="ledger-close",
            object=ledger,
            recipients=bureau,
            deadline=lr.deadlines(ledger.year, ledger.month, _ledger_days(row)).close_due,
            title=_("City close of the %(ledger)s") % {"ledger": _ledger_title(ledger)},
            todo=_("The county has checked it; close the month."),
            url=reverse("reporting:ledger_close", kwargs={"pk": ledger.pk}),
            done=ledger.status != S.COUNTY_CHECKED,
            escalate=False,
        )


def report_county_checks(today):
    """One item per submitted annual report: the officials of its enterprise's area check
    it within the year's report county-check days of its submission."""
    from reporting.choices import ReportStatus
    from reporting.models import AnnualReport

    reports = list(AnnualReport.objects.filter(
        status=ReportStatus.SUBMITTED, current_version__submitted_at__isnull=False,
    ).select_related("enterprise", "current_version"))
    if not reports:
        return
    years = _years()
    officials = area_officials(report.enterprise.area_id for report in reports)
    for report in reports:
        row = years.get(report.year)
        if row is None:
            continue
        area_id = report.enterprise.area_id
        submitted = timezone.localdate(report.current_version.submitted_at)
        yield Due(
            kind="report-county-check",
            object=report,
            recipients=officials.get(area_id, ()),
            deadline=submitted + timedelta(days=row.report_county_check_days),
            title=_("Technical check of the %(year)s annual emission report of %(enterprise)s")
            % {"year": report.year, "enterprise": report.enterprise.name},
            todo=_("Pass it or return it to the enterprise."),
            url=reverse("reporting:report_county_check", kwargs={"pk": report.pk}),
            done=report.status != ReportStatus.SUBMITTED,
            area_id=area_id,
        )
