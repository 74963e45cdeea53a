"""Deadline sources of reporting for the reminder job (issue 15): the monthly ledger upload
and the annual report, owed by the enterprises on the year's published key-emitter list;
``register`` also registers the checks (``reminders_checks``) and the verification and
objection deadlines (``reminders_verification``).
Registered from ``ReportingConfig.ready``; each reads its items in a constant number of
queries. The day counts and dates are the reporting year's data (``ReportingYear``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import LOOK_BEHIND, Due, enterprise_users

# how far ahead a source looks: beyond the earliest offset of its kind (rules.RULES)
AHEAD = timedelta(days=45)


def _listed(years) -> dict[int, set[int]]:
    from registry.selectors.lists import listed_on

    out: dict[int, set[int]] = defaultdict(set)
    for year in years:
        out[year] = set(listed_on(year).values_list("enterprise_id", flat=True))
    return out


def ledger_uploads(today: date):
    """One item per listed enterprise and month whose upload deadline is near; done when
    every operating facility's ledger of the month is submitted."""
    from registry.choices import FacilityStatus
    from registry.models import Enterprise, Facility
    from reporting import ledger_rules as lr
    from reporting.choices import LedgerStatus as S
    from reporting.models import MonthlyLedger, ReportingYear

    years = {row.year: row for row in ReportingYear.objects.filter(
        year__in=[today.year - 1, today.year])}
    months = []  # (year, month, upload_due)
    for year, row in years.items():
        days = lr.LedgerDays(row.ledger_upload_days, row.ledger_county_check_days,
                             row.ledger_close_days)
        for month in range(1, 13):
            due = lr.deadlines(year, month, days).upload_due
            if today - LOOK_BEHIND <= due <= today + AHEAD and lr.month_end(year, month) < today:
                months.append((year, month, due))
    if not months:
        return
    listed = _listed({y for y, _m, _d in months})
    all_ids = set().union(*listed.values())
    facilities = defaultdict(list)
    for f in Facility.objects.filter(enterprise_id__in=all_ids, status=FacilityStatus.OPERATING):
        facilities[f.enterprise_id].append(f)
    submitted = set(MonthlyLedger.objects.filter(
        enterprise_id__in=all_ids, year__in=list(years),
        status__in=(S.SUBMITTED, S.COUNTY_CHECKED, S.CLOSED),
    ).values_list("facility_id", "year", "month"))
    enterprises = Enterprise.objects.in_bulk(list(all_ids))
    users = enterprise_users(all_ids)
    url = reverse("reporting:ledger_index")
    for year, month, due in months:
        for pk in sorted(listed[year]):
            owed = [f.name for f in facilities.get(pk, []) if (f.pk, year, month) not in submitted]
            yield Due(
                kind="ledger-upload",
                object=enterprises[pk],
                recipients=users.get(pk, ()),
                deadline=due,
                title=_("Monthly ledger %(year)s-%(month)02d of %(enterprise)s") % {
                    "year": year, "month": month, "enterprise": enterprises[pk].name},
                todo=_("Not yet submitted: %(facilities)s") % {"facilities": "、".join(owed)},
                url=url,
                done=not owed,
                part=f"{year}-{month:02d}",
            )


def annual_reports(today: date):
    """One item per listed enterprise of a year whose report deadline is near; done once
    the report is submitted."""
    from registry.models import Enterprise
    from reporting.models import AnnualReport, ReportingYear
    from reporting.selectors.reports import with_submissions

    rows = list(ReportingYear.objects.filter(
        report_due__gte=today - LOOK_BEHIND, report_due__lte=today + AHEAD))
    if not rows:
        return
    listed = _listed([row.year for row in rows])
    all_ids = set().union(*listed.values())
    reports = {(r.enterprise_id, r.year): r for r in with_submissions(
        AnnualReport.objects.filter(year__in=[row.year for row in rows], enterprise_id__in=all_ids))}
    enterprises = Enterprise.objects.in_bulk(list(all_ids))
    users = enterprise_users(all_ids)
    for row in rows:
        for pk in sorted(listed[row.year]):
            report = reports.get((pk, row.year))
            name = enterprises[pk].name
            url = (reverse("reporting:report_detail", args=[report.pk]) if report is not None
                   else reverse("reporting:report_start"))
            yield Due(
                kind="annual-report",
                object=enterprises[pk],
                recipients=users.get(pk, ()),
                deadline=row.report_due,
                title=_("%(year)s annual emission report of %(enterprise)s") % {
                    "year": row.year, "enterprise": name},
                todo=(_("The report is started but not yet submitted.") if report is not None
                      else _("The report is not yet started.")),
                url=url,
                done=report is not None and report.first_submitted_at is not None,
                part=str(row.year),
            )


def register() -> None:
    from reporting import reminders_checks as checks
    from reporting import reminders_verification as verification
    from zhongwei_carbon import reminders
    from zhongwei_carbon.models import Topic

    reminders.register("ledger-upload", ledger_uploads, Topic.LEDGER)
    reminders.register("annual-report", annual_reports, Topic.REPORT)
    reminders.register("ledger-county-check", checks.ledger_county_checks, Topic.LEDGER)
    reminders.register("ledger-close", checks.ledger_closes, Topic.LEDGER)
    reminders.register("report-county-check", checks.report_county_checks, Topic.REPORT)
    reminders.register("verification-due", verification.verification_dues, Topic.VERIFICATION)
    reminders.register("report-objection-window", verification.objection_windows, Topic.OBJECTION)
    reminders.register("objection-decision", verification.objection_decisions, Topic.OBJECTION)
