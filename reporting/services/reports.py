"""Annual emission reports (年度排放报告): every state change (DESIGN.md §4.2).

Status changes go through ``reporting.services.workflow.lock`` + ``apply_transition``; the
emissions of every line are computed here on the server (``selectors.reports.compute_line``),
whatever a form or a workbook said. A submitted version is frozen by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from reporting import rules
from reporting.choices import ReportStatus
from reporting.models import AnnualReport, ReportingYear, ReportLine, ReportVersion
from reporting.selectors.factors import MissingFactor
from reporting.selectors.ledger_totals import ledger_comparable_total, ledger_total
from reporting.selectors.reports import LINE_FIELDS, compute_line, version_total
from reporting.services.workflow import actor_may, apply_transition, lock
from reporting.workflow import Action, transition_for
from zhongwei_carbon import events
from zhongwei_carbon.roles import Role
from zhongwei_carbon.templatetags.portal import thousands

__all__ = [
    "line_delete",
    "line_save",
    "report_county_pass",
    "report_county_return",
    "report_revise",
    "report_start",
    "report_submit",
    "version_total",
]

ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_USER})


def require_enterprise_user(actor, report) -> None:
    if not actor_may(actor, report, ENTERPRISE_ROLES):
        raise PermissionDenied(_("Only users of this enterprise may change its report."))


def require_editable(version: ReportVersion) -> None:
    report = version.report
    if (
        version.is_frozen
        or report.status != ReportStatus.DRAFT
        or report.current_version_id != version.pk
    ):
        raise ValidationError(
            _("Only the current draft version can be changed; this version is %(status)s.")
            % {"status": report.get_status_display()},
            code="not_draft",
        )


@transaction.atomic
def report_start(*, actor, enterprise, year: int) -> AnnualReport:
    """A draft report with version 1; one report per enterprise and year."""
    report = AnnualReport(enterprise=enterprise, year=year)
    require_enterprise_user(actor, report)
    years = rules.reportable_years(timezone.localdate())
    if year not in years:
        raise ValidationError(
            {"year": _("A report can be started for %(first)s to %(last)s.")
             % {"first": years[0], "last": years[-1]}}
        )
    if AnnualReport.objects.filter(enterprise=enterprise, year=year).exists():
        raise ValidationError({"year": _("A report for %(year)s already exists.") % {"year": year}})
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError(
            {"year": _("A report for %(year)s already exists.") % {"year": year}}
        ) from None
    version = ReportVersion(report=report, number=1, created_by=actor)
    version.full_clean()
    version.save()
    report.current_version = version
    report.save(update_fields=["current_version"])
    events.record(
        actor=actor,
        verb="report.start",
        target=report,
        message=_("Report for %(year)s started.") % {"year": year},
    )
    return report


def _lock_version(version: ReportVersion) -> ReportVersion:
    lock(version.report)
    return ReportVersion.objects.select_related("report", "report__enterprise").get(pk=version.pk)


@transaction.atomic
def line_save(
    *, actor, version: ReportVersion, data: dict, line: ReportLine | None = None
) -> ReportLine:
    """Add a line (``line`` None) or change one, on the current draft version."""
    unknown = set(data) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    version = _lock_version(version)
    report = version.report
    require_enterprise_user(actor, report)
    require_editable(version)
    if line is not None and line.version_id != version.pk:
        raise ValidationError(_("This line belongs to another version."))
    values = compute_line(enterprise=report.enterprise, year=report.year, data=data)
    created = line is None
    line = line or ReportLine(version=version)
    for name, value in values.items():
        setattr(line, name, value)
    line.full_clean()
    line.save()
    _refresh_total(version)
    events.record(
        actor=actor,
        verb="report.line_added" if created else "report.line_changed",
        target=report,
        message=_("%(source)s: %(emissions)s tCO2e (version %(n)s).")
        % {
            "source": line.get_source_kind_display(),
            "emissions": thousands(line.emissions),
            "n": version.number,
        },
        data={"line": line.pk, "emissions": line.emissions},
    )
    return line


@transaction.atomic
def line_delete(*, actor, line: ReportLine) -> None:
    version = _lock_version(line.version)
    report = version.report
    require_enterprise_user(actor, report)
    require_editable(version)
    label, emissions, pk = line.get_source_kind_display(), line.emissions, line.pk
    line.delete()
    _refresh_total(version)
    events.record(
        actor=actor,
        verb="report.line_deleted",
        target=report,
        message=_("%(source)s line removed (%(emissions)s tCO2e).")
        % {"source": label, "emissions": thousands(emissions)},
        data={"line": pk},
    )


def _refresh_total(version: ReportVersion) -> None:
    version.total_emissions = version_total(version)
    version.save(update_fields=["total_emissions"])


def enterprise_snapshot(enterprise, facilities=None) -> dict:
    """The enterprise as submitted with a report version: name, codes and its facilities by
    name (``facilities`` when the caller has them already, e.g. the demo growth)."""
    facilities = (
        enterprise.facilities.order_by("name")
        if facilities is None
        else sorted(facilities, key=lambda f: f.name)
    )
    return {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "area": {"code": enterprise.area.code, "name": enterprise.area.name},
        "sector": {"code": enterprise.sector.code, "name": enterprise.sector.name},
        "facilities": [
            {
                "id": f.pk,
                "name": f.name,
                "type": f.facility_type,
                "capacity_mw": str(f.capacity_mw) if f.capacity_mw is not None else None,
                "main_fuel": f.main_fuel,
                "status": f.status,
            }
            for f in facilities
        ],
    }


def _tolerance(year: int) -> Decimal:
    row = ReportingYear.objects.filter(year=year).first()
    if row is not None:
        return row.ledger_tolerance
    return ReportingYear._meta.get_field("ledger_tolerance").default


def is_signatory(user, enterprise) -> bool:
    return Membership.objects.filter(
        user=user,
        role=Role.ENTERPRISE_USER,
        enterprise=enterprise,
        is_signatory=True,
        is_active=True,
    ).exists()


@dataclass(frozen=True)
class Submission:
    """A checked submission, not yet made: what the confirmation step shows."""

    version: ReportVersion
    total: Decimal
    ledger_total: Decimal
    deviation_flagged: bool


def _submission(actor, report: AnnualReport, certification: str) -> Submission:
    """Every check of a submission (state, signatory, statement, lines, factors)."""
    transition_for(report.status, Action.SUBMIT)  # a forbidden transition: clear error first
    if not is_signatory(actor, report.enterprise):
        raise PermissionDenied(
            _("Only the enterprise's signatory may certify and submit the report.")
        )
    if not (certification or "").strip():
        raise ValidationError({"certification": _("The certification statement is required.")})
    version = ReportVersion.objects.get(pk=report.current_version_id)
    if not version.lines.exists():
        raise ValidationError(_("The report has no emission sources yet."))
    total = version_total(version)
    try:
        monthly = ledger_total(report.enterprise, report.year)
    except MissingFactor as exc:
        raise ValidationError(str(exc)) from None
    # process and heat lines have no ledger counterpart: compare like with like
    flagged = rules.exceeds_tolerance(
        ledger_comparable_total(version), monthly, _tolerance(report.year)
    )
    return Submission(version, total, monthly, flagged)


def report_submit_check(*, actor, report: AnnualReport, certification: str) -> Submission:
    """What ``report_submit`` would submit, after all its checks; nothing is written."""
    return _submission(actor, report, certification)


@transaction.atomic
def report_submit(*, actor, report: AnnualReport, certification: str) -> AnnualReport:
    """The signatory certifies and submits the current version, which is then frozen."""
    report = lock(report)
    checked = _submission(actor, report, certification)
    certification = certification.strip()
    version, total, monthly = checked.version, checked.total, checked.ledger_total
    version.total_emissions = total
    version.ledger_total = monthly
    version.deviation_flagged = checked.deviation_flagged
    version.enterprise_snapshot = enterprise_snapshot(report.enterprise)
    version.certification = certification
    version.submitted_by = actor
    version.submitted_at = timezone.now()
    version.full_clean()
    version.save()
    apply_transition(
        actor=actor,
        report=report,
        action=Action.SUBMIT,
        message=_("Version %(n)s certified and submitted: %(total)s tCO2e.")
        % {"n": version.number, "total": thousands(total)},
        data={
            "version": version.number,
            "total": total,
            "ledger_total": monthly,
            "deviation_flagged": version.deviation_flagged,
        },
    )
    return report


def _county_check(*, actor, report, action, note) -> AnnualReport:
    report = lock(report)
    report.county_checked_at = timezone.now()
    report.county_checked_by = actor
    report.county_note = note
    return apply_transition(
        actor=actor, report=report, action=action, message=note or "", data={"note": note}
    )


@transaction.atomic
def report_county_pass(*, actor, report: AnnualReport, note: str = "") -> AnnualReport:
    return _county_check(
        actor=actor, report=report, action=Action.COUNTY_PASS, note=(note or "").strip()
    )


@transaction.atomic
def report_county_return(*, actor, report: AnnualReport, reason: str) -> AnnualReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for returning the report.")})
    return _county_check(actor=actor, report=report, action=Action.COUNTY_RETURN, note=reason)


@transaction.atomic
def report_revise(*, actor, report: AnnualReport) -> ReportVersion:
    """After a return: a new draft version with the lines of the last one. The uploaded
    workbook is reused by reference (same stored file), not copied."""
    report = lock(report)
    transition_for(report.status, Action.REVISE)
    old = ReportVersion.objects.get(pk=report.current_version_id)
    version = ReportVersion(
        report=report,
        number=old.number + 1,
        created_by=actor,
        total_emissions=old.total_emissions,
        source_file=old.source_file.name or "",
        source_sha256=old.source_sha256,
    )
    version.full_clean()
    version.save()
    ReportLine.objects.bulk_create(
        ReportLine(
            version=version,
            **{
                f.name: getattr(line, f.name)
                for f in ReportLine._meta.concrete_fields
                if f.name not in ("id", "version")
            },
        )
        for line in old.lines.all()
    )
    report.current_version = version
    apply_transition(
        actor=actor,
        report=report,
        action=Action.REVISE,
        message=_("Version %(n)s opened from version %(old)s.")
        % {"n": version.number, "old": old.number},
        data={"version": version.number},
    )
    return version
