"""The reporting part of ``manage.py grow_demo`` (issue 11 §9; see ``registry/demo_grow.py``):
monthly ledgers 2025 for about a quarter of the grown enterprises on the list, and an annual
report 2025 for every one of them, spread over the workflow's statuses.

The ledgers take the seed's figures (``demo_ledgers._values``) and month plans
(``demo_ledgers.LEDGER_PLAN``: closed, late, county-checked, submitted, returned, draft,
missing) with the dates ``demo_ledgers`` would replay. A report has one version whose lines are
the combustion of raw coal in each facility (GB/T 32150 defaults, ``reporting.rules``), adding
up to the enterprise's 2025 figure; from "verified" on it has a verification round (reusing
the seed's signed PDF by reference), from "final" on the final figure, which becomes the
enterprise's verified 2025 record as the re-check does. Written with ``bulk_create``; one event
per report.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from registry.choices import RecordSource
from registry.demo_grow import Grown, bulk, share
from registry.models import EmissionRecord, Facility
from reporting import ledger_rules, rules
from reporting.choices import Conclusion, LedgerStatus, SourceKind
from reporting.choices import ReportStatus as S
from reporting.demo_ledgers import LEDGER_PLAN, RETURN_REASONS, SHANGHAI, YEAR, _values
from reporting.demo_reports import CERTIFICATION, COUNTY_RETURN_REASONS, OBJECTION_REASONS
from reporting.models import (
    AnnualReport,
    FuelType,
    MonthlyLedger,
    MonthlyLedgerLine,
    Objection,
    ReportLine,
    ReportVersion,
    VerificationReport,
)
from reporting.reference import FUELS
from reporting.services import reports as report_services
from zhongwei_carbon.models import Event

LEDGER_SHARE = 0.22  # of the listed grown enterprises keep their monthly ledgers here
# report status -> weight: how the listed grown enterprises' reports spread over the workflow
REPORT_MIX = [
    (S.DRAFT, 8), (S.SUBMITTED, 12), (S.COUNTY_RETURNED, 4), (S.COUNTY_PASSED, 14),
    (S.ASSIGNED, 14), (S.VERIFIED, 8), (S.RECHECK_RETURNED, 3), (S.FINAL, 33), (S.OBJECTED, 4),
]
_ORDER = [s for s, _w in REPORT_MIX]
COUNTY_DONE = set(_ORDER[_ORDER.index(S.COUNTY_PASSED):]) | {S.COUNTY_RETURNED}
ASSIGNED = set(_ORDER[_ORDER.index(S.ASSIGNED):])
FILED = set(_ORDER[_ORDER.index(S.VERIFIED):])
FINAL = {S.FINAL, S.OBJECTED}
NCV, CC, OF = next(f for f in FUELS if f[0] == "raw_coal")[4:]
PER_TONNE = rules.combustion_emissions(consumption=Decimal(1000), ncv=NCV, cc=CC, of=OF) / 1000


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def grow(*, actor, grown: Grown, stdout=None) -> None:
    listed = grown.listed
    if not listed:
        return
    facilities: dict[int, list[Facility]] = {}
    for f in Facility.objects.filter(enterprise__in=listed).order_by("pk"):
        facilities.setdefault(f.enterprise_id, []).append(f)
    keeping = [e for e in listed if share(e.uscc, "ledgers") < LEDGER_SHARE]
    ledgers = _ledgers(grown, keeping, facilities)
    reports = _reports(grown, listed, facilities, with_ledgers={e.pk for e in keeping})
    if stdout is not None:
        by_status = Counter(r.status for r in reports)
        stdout.write(
            f"Reporting: {ledgers} monthly ledgers {YEAR} of {len(keeping)} enterprises; "
            f"{len(reports)} reports {YEAR} ("
            + ", ".join(f"{s} {by_status[s]}" for s in _ORDER if by_status[s]) + ")."
        )


# --- monthly ledgers ----------------------------------------------------------------------


def _ledgers(grown: Grown, keeping, facilities) -> int:
    fuels = {f.code: f for f in FuelType.objects.all()}
    plans = list(LEDGER_PLAN.values())
    rows, lines = [], []
    for enterprise in keeping:
        plan = plans[int(share(enterprise.uscc, "plan") * len(plans))]
        users = {
            "enterprise": grown.users[enterprise.pk],
            "official": grown.officials.get(enterprise.area_id, grown.people["reviewer"]),
            "bureau": grown.people["reviewer"],
        }
        for index, facility in enumerate(facilities.get(enterprise.pk, [])):
            for month, code in enumerate(plan, start=1):
                if code == "-":
                    continue
                data, fuel_lines = _values(facility, index, month, fuels)
                rows.append(_ledger(enterprise, facility, index, month, code, data, users))
                lines.append(fuel_lines)
    created = bulk(MonthlyLedger, rows)
    bulk(MonthlyLedgerLine, [
        MonthlyLedgerLine(ledger=ledger, **line)
        for ledger, fuel_lines in zip(created, lines, strict=True)
        for line in fuel_lines
    ])
    return len(created)


def _ledger(enterprise, facility, index, month, code, data, users) -> MonthlyLedger:
    """One month in the state of its plan letter, with the dates ``demo_ledgers._month``
    replays (submitted 8–16 days after the month, 27 when late; checked 2 days later, 8 when
    late; closed 5 days after the check)."""
    ledger = MonthlyLedger(enterprise=enterprise, facility=facility, year=YEAR, month=month, **data)
    if code == "D":
        return ledger
    submit_on = ledger_rules.month_end(YEAR, month) + timedelta(
        days=27 if code == "L" else 8 + (index * 3 + month) % 9)
    ledger.submitted_at, ledger.submitted_by = _at(submit_on), users["enterprise"]
    ledger.status = LedgerStatus.SUBMITTED
    if code == "S":
        return ledger
    check_on = submit_on + timedelta(days=8 if code == "P" else 2)
    if code == "R":
        ledger.status = LedgerStatus.RETURNED
        ledger.return_reason = RETURN_REASONS[(index + month) % len(RETURN_REASONS)]
        return ledger
    ledger.county_checked_at, ledger.county_checked_by = _at(check_on, 15), users["official"]
    ledger.status = LedgerStatus.COUNTY_CHECKED
    if code == "K":
        return ledger
    ledger.closed_at, ledger.closed_by = _at(check_on + timedelta(days=5), 16), users["bureau"]
    ledger.status = LedgerStatus.CLOSED
    return ledger


# --- annual reports -------------------------------------------------------------------------


def _status(enterprise) -> str:
    point = share(enterprise.uscc, "report") * sum(w for _s, w in REPORT_MIX)
    for status, weight in REPORT_MIX:
        if point < weight:
            return status
        point -= weight
    return REPORT_MIX[-1][0]


def _lines(enterprise_total: Decimal, facilities, coal) -> list[ReportLine]:
    """Raw coal burnt in each facility, its tonnes chosen so the lines add up to about the
    enterprise's figure (each line computed by the accounting formula)."""
    lines = []
    for facility in facilities:
        tonnes = (enterprise_total / len(facilities) / PER_TONNE).quantize(Decimal("0.0001"))
        emissions = rules.combustion_emissions(consumption=tonnes, ncv=NCV, cc=CC, of=OF)
        lines.append(ReportLine(facility=facility, source_kind=SourceKind.COMBUSTION, fuel=coal,
                                activity=tonnes, ncv=NCV, carbon_content=CC, oxidation_rate=OF,
                                emissions=emissions))
    return lines


def _reports(grown: Grown, listed, facilities, *, with_ledgers: set[int]) -> list[AnnualReport]:
    coal = FuelType.objects.get(code="raw_coal")
    admin = grown.people["admin"]
    agencies = _agencies(grown)
    lines = {e.pk: _lines(Decimal(grown.specs[e.pk].figures[YEAR][0]), facilities[e.pk], coal)
             for e in listed}
    totals = {pk: sum((line.emissions for line in own), Decimal(0)) for pk, own in lines.items()}
    reports = bulk(AnnualReport, [_report(e, grown, agencies, admin, totals[e.pk]) for e in listed])
    versions = bulk(ReportVersion, [
        _version(r, grown, facilities, totals[r.enterprise_id], r.enterprise_id in with_ledgers)
        for r in reports
    ])
    for report, version in zip(reports, versions, strict=True):
        for line in lines[report.enterprise_id]:
            line.version = version
    bulk(ReportLine, [line for own in lines.values() for line in own])
    # submitted once the lines are in (a submitted version is frozen), on one of 12 days
    submitted = [v.pk for r, v in zip(reports, versions, strict=True) if r.status != S.DRAFT]
    for day in range(12):
        ReportVersion.objects.filter(pk__in=submitted[day::12]).update(
            submitted_at=_at(date(2026, 1, 19) + timedelta(days=day)), submitted_by=F("created_by")
        )
    AnnualReport.objects.filter(pk__in=[r.pk for r in reports]).update(current_version=Subquery(
        ReportVersion.objects.filter(report=OuterRef("pk"), number=1).values("pk")[:1]
    ))
    # the re-check makes the final figure the enterprise's verified record of the year
    EmissionRecord.objects.filter(
        year=YEAR, enterprise__in=[r.enterprise_id for r in reports if r.status in FINAL]
    ).update(source=RecordSource.VERIFIED, emissions_tco2e=Subquery(
        AnnualReport.objects.filter(enterprise=OuterRef("enterprise"), year=YEAR).values("final_emissions")[:1]
    ))
    _verification(grown, reports, totals, agencies)
    _events(reports, admin)
    return reports


def _version(report, grown: Grown, facilities, total, has_ledgers) -> ReportVersion:
    enterprise = report.enterprise
    version = ReportVersion(report=report, number=1, created_by=grown.users[enterprise.pk],
                            total_emissions=total)
    if report.status != S.DRAFT:
        version.certification = CERTIFICATION
        version.enterprise_snapshot = report_services.enterprise_snapshot(enterprise, facilities[enterprise.pk])
        version.ledger_total = total if has_ledgers else Decimal("0.00")
        version.deviation_flagged = not has_ledgers
    return version


def _agencies(grown: Grown) -> list:
    from verifiers.models import Agency

    return list(Agency.objects.filter(staff__user__in=[grown.people["agency1"], grown.people["agency2"]])
                .order_by("pk").distinct())


def _report(enterprise, grown: Grown, agencies, admin, total) -> AnnualReport:
    status = _status(enterprise)
    report = AnnualReport(enterprise=enterprise, year=YEAR, status=status)
    official = grown.officials.get(enterprise.area_id, grown.people["reviewer"])
    if status in COUNTY_DONE:
        report.county_checked_at, report.county_checked_by = _at(date(2026, 2, 6), 15), official
        report.county_note = (COUNTY_RETURN_REASONS["dongyuan_bm"] if status == S.COUNTY_RETURNED
                              else "及时性、完整性、规范性审核通过。")
    if status in ASSIGNED and agencies:
        report.agency = agencies[int(share(enterprise.uscc, "agency") * len(agencies))]
        report.assigned_at, report.assigned_by = _at(date(2026, 9, 15)), admin
        report.verification_due = date(2026, 10, 31)
    if status in FILED:
        report.verification_round = 1
    if status in FINAL:
        report.final_emissions, report.final_at = total, _at(date(2026, 11, 12), 11)
        report.notice_date, report.objection_deadline = date(2026, 11, 12), date(2026, 11, 21)
    return report


def _verification(grown: Grown, reports, totals, agencies) -> None:
    """A filed round for the reports from "verified" on (the seed's signed PDF, by
    reference), and the objection of the "objected" ones."""
    template = VerificationReport.objects.order_by("pk").first()
    if template is None:
        return
    staff = {a.pk: a.staff.filter(user__isnull=False).first() for a in agencies}
    filed, objections = [], []
    for report in reports:
        if report.status not in FILED or report.agency_id is None:
            continue
        filed.append(VerificationReport(
            report=report, round=1, agency_id=report.agency_id,
            filed_by=staff[report.agency_id].user, conclusion=Conclusion.CONFIRMED,
            verified_total=totals[report.enterprise_id], file=template.file.name,
            sha256=template.sha256, note="核查报告已由核查组长及技术负责人签字并加盖机构公章。",
        ))
        if report.status == S.OBJECTED:
            objections.append(Objection(report=report, reasons=OBJECTION_REASONS,
                                        filed_by=grown.users[report.enterprise_id],
                                        decision_due=date(2026, 12, 10)))
    bulk(VerificationReport, filed)
    bulk(Objection, objections)


def _events(reports, actor) -> None:
    target_type = ContentType.objects.get_for_model(AnnualReport)
    bulk(Event, [
        Event(actor=actor, verb="report.start", target_type=target_type, target_id=str(r.pk),
              message=_("Report for %(year)s started.") % {"year": r.year},
              data={"enterprise": r.enterprise_id, "source": "grow_demo"})
        for r in reports
    ])
