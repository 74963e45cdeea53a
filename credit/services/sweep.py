"""The deadline sweep: credit events that come from time passing, not from a step someone
takes. ``sweep(year=, today=)`` looks at one year and records, each once (the keys below):

- the annual report: submitted after ``ReportingYear.report_due`` → REPORT_LATE (the day of
  the first submission); still not submitted once the city's check is due
  (``report_city_due``) passed → REPORT_MISSING (the day after ``report_due``). One key per
  enterprise and year, so a report is late or missing, never both;
- the monthly ledgers (the enterprise's tier: the upload within ``ledger_upload_days``), per
  enterprise and month, over its operating facilities: every one submitted but one after the
  upload deadline → LEDGER_LATE; one still not submitted once the city's close deadline of
  the month passed → LEDGER_MISSING. One key per enterprise and month;
- the surrender of the cycle of the year, once its deadline passed: the obligation met in full
  by the deadline → SURRENDER_ON_TIME; short at the deadline → SURRENDER_SHORT (the tonnes
  short as the measure); met in full after the deadline → SURRENDER_LATE as well (the day it
  was met). Only key emitters on the year's published list with a known obligation owe;
- Art. 24: a penalty case of the cycle still short at its correction deadline, once passed
  → ART24_NOT_CORRECTED (the tonnes as the measure);
- agencies suspended in the year (the ``agency.suspended`` entries of the audit trail) →
  AGENCY_SUSPENDED.

Only the enterprises on the published key-emitter list of the year owe a report, ledgers and a
surrender. Nothing is recorded for a deadline that has not passed (``today``: an
Asia/Shanghai date). A second sweep records nothing again; a domain event and the sweep
finding the same fact record it once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from credit import subscribers
from credit.choices import EventKind
from credit.services.events import record


def system_actor():
    """The user background jobs act as (``User.is_system``), or ``None``: the system."""
    from accounts.models import User

    return User.objects.filter(is_system=True, is_active=True).order_by("pk").first()


def default_years(today: date) -> list[int]:
    """The years a daily sweep looks at: last year (its report, surrender and Art. 24
    deadlines fall in this one) and this year (its ledgers)."""
    return [today.year - 1, today.year]


def sweep(*, year: int, today: date | None = None, actor=None) -> Counter:
    """Record the year's deadline events that ``today`` makes known; the count of new events
    by kind."""
    today = today or timezone.localdate()
    counts: Counter = Counter()
    with translation.override(settings.LANGUAGE_CODE):
        for part in (_reports, _ledgers, _surrenders, _art24, _suspensions):
            for kind, created in part(year, today, actor):
                if created:
                    counts[kind] += 1
    return counts


def _listed(year: int) -> list[int]:
    from registry.selectors.lists import listed_on

    return list(listed_on(year).values_list("enterprise_id", flat=True).distinct())


def _enterprises(ids):
    from registry.models import Enterprise

    return Enterprise.objects.in_bulk(list(ids))


def _local(dt) -> date | None:
    return timezone.localdate(dt) if dt is not None else None


# --- annual reports ----------------------------------------------------------------------


def _reports(year, today, actor):
    from reporting.models import AnnualReport, ReportingYear
    from reporting.selectors.reports import with_submissions

    row = ReportingYear.objects.filter(year=year).first()
    if row is None or today <= row.report_due:
        return
    listed = _listed(year)
    reports = {r.enterprise_id: r for r in with_submissions(
        AnnualReport.objects.filter(year=year, enterprise_id__in=listed))}
    enterprises = _enterprises(listed)
    for pk in listed:
        report = reports.get(pk)
        submitted = _local(report.first_submitted_at) if report is not None else None
        key = f"report:{pk}:{year}"
        if submitted is not None and submitted > row.report_due:
            yield EventKind.REPORT_LATE, record(
                subject=enterprises[pk], year=year, kind=EventKind.REPORT_LATE,
                occurred_on=submitted, source=report, key=key, actor=actor,
                measure=Decimal((submitted - row.report_due).days),
                summary=_("%(year)s annual report submitted on %(date)s, due %(due)s")
                % {"year": year, "date": submitted.isoformat(), "due": row.report_due.isoformat()},
            )[1]
        elif submitted is None and today > row.report_city_due:
            yield EventKind.REPORT_MISSING, record(
                subject=enterprises[pk], year=year, kind=EventKind.REPORT_MISSING,
                occurred_on=row.report_due + timedelta(days=1), source=report, key=key,
                actor=actor,
                summary=_("%(year)s annual report not submitted (due %(due)s)")
                % {"year": year, "due": row.report_due.isoformat()},
            )[1]


# --- monthly ledgers -----------------------------------------------------------------------


def _ledgers(year, today, actor):
    from registry.choices import FacilityStatus
    from registry.models import Facility
    from reporting import ledger_rules as lr
    from reporting.choices import LedgerStatus as S
    from reporting.models import MonthlyLedger
    from reporting.selectors.ledgers import ledger_days

    days = ledger_days(year)
    if days is None:
        return
    months = {m: lr.deadlines(year, m, days) for m in range(1, 13)}
    months = {m: d for m, d in months.items() if today > d.upload_due}
    if not months:
        return
    listed = _listed(year)
    facilities = defaultdict(list)
    for facility_id, enterprise_id in Facility.objects.filter(
            enterprise_id__in=listed, status=FacilityStatus.OPERATING).values_list(
            "pk", "enterprise_id"):
        facilities[enterprise_id].append(facility_id)
    ledgers = {(led.facility_id, led.month): led for led in MonthlyLedger.objects.filter(
        year=year, month__in=list(months), facility__enterprise_id__in=listed)}
    submitted_states = (S.SUBMITTED, S.COUNTY_CHECKED, S.CLOSED)
    enterprises = _enterprises(facilities)
    for pk, facility_ids in facilities.items():
        for month, due in months.items():
            rows = [ledgers.get((f, month)) for f in facility_ids]
            done = [r for r in rows if r is not None and r.status in submitted_states]
            key = f"ledger:{pk}:{year}-{month:02d}"
            label = f"{year}-{month:02d}"
            if len(done) < len(rows):
                if today > due.close_due:
                    yield EventKind.LEDGER_MISSING, record(
                        subject=enterprises[pk], year=year, kind=EventKind.LEDGER_MISSING,
                        occurred_on=due.upload_due + timedelta(days=1), key=key, actor=actor,
                        measure=Decimal(len(rows) - len(done)),
                        summary=_("Monthly ledger of %(month)s missing for %(n)s facilities "
                                  "(upload due %(due)s)")
                        % {"month": label, "n": len(rows) - len(done),
                           "due": due.upload_due.isoformat()},
                    )[1]
                continue
            late = [r for r in done if _local(r.submitted_at) and _local(r.submitted_at) > due.upload_due]
            if late:
                last = max(_local(r.submitted_at) for r in late)
                yield EventKind.LEDGER_LATE, record(
                    subject=enterprises[pk], year=year, kind=EventKind.LEDGER_LATE,
                    occurred_on=last, source=late[0] if len(late) == 1 else None, key=key,
                    actor=actor, measure=Decimal((last - due.upload_due).days),
                    summary=_("Monthly ledger of %(month)s uploaded on %(date)s, due %(due)s")
                    % {"month": label, "date": last.isoformat(), "due": due.upload_due.isoformat()},
                )[1]


# --- surrender and Art. 24 -------------------------------------------------------------------


def _cycle(year):
    from allowances.models import ComplianceCycle
    from allowances.selectors.compliance import deadline_of

    cycle = ComplianceCycle.objects.filter(year=year).first()
    return (cycle, deadline_of(cycle)) if cycle is not None else (None, None)


def _surrenders(year, today, actor):
    from allowances.selectors import compliance_sql
    from registry.models import Enterprise

    cycle, deadline = _cycle(year)
    if cycle is None or deadline is None or today <= deadline:
        return
    rows = compliance_sql.rows(Enterprise.objects.all(), cycle).filter(obligation__gt=0)
    short = dict(compliance_sql.short_at_deadline(rows, cycle, deadline)
                 .values_list("pk", "short_at_deadline"))
    for e in rows.order_by("pk"):
        met_on = e.met_on if e.cea + e.ccer >= e.obligation else None
        key = f"surrender:{e.pk}:{year}"
        if met_on is not None and met_on <= deadline and e.pk not in short:
            yield EventKind.SURRENDER_ON_TIME, record(
                subject=e, year=year, kind=EventKind.SURRENDER_ON_TIME, occurred_on=met_on,
                source=cycle, key=key, actor=actor,
                summary=_("Obligation of %(t)s t for %(year)s surrendered in full on %(date)s")
                % {"t": f"{e.obligation:,}", "year": year, "date": met_on.isoformat()},
            )[1]
            continue
        tonnes = short.get(e.pk, e.obligation)
        yield EventKind.SURRENDER_SHORT, record(
            subject=e, year=year, kind=EventKind.SURRENDER_SHORT,
            occurred_on=deadline + timedelta(days=1), source=cycle, key=key, actor=actor,
            measure=Decimal(tonnes),
            summary=_("%(t)s t of %(o)s t short at the surrender deadline %(date)s")
            % {"t": f"{tonnes:,}", "o": f"{e.obligation:,}", "date": deadline.isoformat()},
        )[1]
        if met_on is not None:
            yield EventKind.SURRENDER_LATE, record(
                subject=e, year=year, kind=EventKind.SURRENDER_LATE, occurred_on=met_on,
                source=cycle, key=f"surrender_late:{e.pk}:{year}", actor=actor,
                measure=Decimal((met_on - deadline).days),
                summary=_("Obligation of %(t)s t for %(year)s met in full on %(date)s, after "
                          "the deadline %(due)s")
                % {"t": f"{e.obligation:,}", "year": year, "date": met_on.isoformat(),
                   "due": deadline.isoformat()},
            )[1]


def _art24(year, today, actor):
    from allowances import rules as arules
    from allowances.models import PenaltyCase
    from allowances.selectors.penalties import surrendered_by

    cases = PenaltyCase.objects.filter(
        cycle__year=year, correction_deadline__lt=today, obligation__isnull=False,
    ).select_related("cycle", "enterprise").order_by("pk")
    for case in cases:
        cut = case.next_year_cut
        if cut is None:
            cut = arules.next_year_cut(
                obligation=case.obligation,
                surrendered_by_correction_deadline=surrendered_by(
                    case.enterprise, case.cycle, case.correction_deadline),
                correction_deadline=case.correction_deadline, today=today,
            )
        if cut:
            yield EventKind.ART24_NOT_CORRECTED, subscribers.art24_recorded(case.pk, cut, actor)


# --- agencies suspended ----------------------------------------------------------------------


def _suspensions(year, today, actor):
    from django.contrib.contenttypes.models import ContentType

    from verifiers.models import Agency
    from zhongwei_carbon.models import Event

    start = timezone.make_aware(datetime(year, 1, 1))
    end = timezone.make_aware(datetime(year + 1, 1, 1))
    rows = Event.objects.filter(
        verb="agency.suspended", target_type=ContentType.objects.get_for_model(Agency),
        occurred_at__gte=start, occurred_at__lt=end,
    ).order_by("pk")
    for row in rows:
        until = (row.data or {}).get("until")
        if not until:
            continue
        until = date.fromisoformat(until)
        yield EventKind.AGENCY_SUSPENDED, subscribers.suspension_recorded(
            agency_id=int(row.target_id), until=until, on=_local(row.occurred_at), actor=actor)
