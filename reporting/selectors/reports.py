"""Reads for annual reports: the scoped list, one version's lines grouped for display, and
``compute_line``: the emissions of one report line from its inputs and the factor tables
(used by the service on save, by the live-totals preview and by the Excel upload)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import rules
from reporting.choices import FactorKind, SourceKind
from reporting.models import AnnualReport, ReportingYear, ReportLine, ReportVersion
from reporting.selectors.factors import MissingFactor, factor_for, fuel_defaults
from reporting.workflow import actions_from
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm

ZERO = Decimal("0")
LINE_FIELDS = (
    "facility",
    "source_kind",
    "fuel",
    "process_formula",
    "activity",
    "ncv",
    "carbon_content",
    "parameters",
    "note",
)


def reports_for(
    user, *, year: int | None = None, status: str = "", flagged: bool = False,
    enterprise: int | None = None, q: str = "",
) -> QuerySet:
    """Reports the user may see, newest year first; ``q``: the enterprise's name or unified
    social credit code contains it."""
    qs = scoping.for_user(
        AnnualReport.objects.select_related(
            "enterprise", "enterprise__area", "enterprise__sector", "current_version"
        ),
        user,
        Perm.VIEW_REPORT,
    )
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if flagged:
        qs = qs.filter(current_version__deviation_flagged=True)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if q := (q or "").strip():
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q.upper()))
    return with_submissions(qs).order_by("-year", "enterprise__name", "pk")


def compute_line(*, enterprise, year: int, data: dict) -> dict:
    """The stored values of a line: inputs cleaned, factors used and ``emissions``.

    Raises ``ValidationError`` naming the field for missing or inconsistent inputs."""
    kind = data.get("source_kind")
    facility = data.get("facility")
    activity = data.get("activity")
    errors: dict[str, str] = {}
    if facility is not None and facility.enterprise_id != enterprise.pk:
        errors["facility"] = _("This facility belongs to another enterprise.")
    if kind not in SourceKind.values:
        errors["source_kind"] = _("Choose the kind of emission source.")
    out = {
        "facility": facility,
        "source_kind": kind,
        "fuel": None,
        "process_formula": "",
        "activity": activity,
        "ncv": None,
        "carbon_content": None,
        "oxidation_rate": None,
        "factor": None,
        "parameters": {},
        "note": (data.get("note") or "").strip(),
    }
    if kind == SourceKind.PROCESS:
        _process(data, out, errors)
    elif activity is None:
        errors["activity"] = _("Enter the activity data.")
    elif activity < 0:
        errors["activity"] = _("Must not be negative.")
    if errors:
        raise ValidationError(errors)
    try:
        if kind == SourceKind.COMBUSTION:
            _combustion(data, out, year, errors)
        elif kind == SourceKind.ELECTRICITY:
            out["factor"] = factor_for(FactorKind.GRID, year)
            out["emissions"] = rules.electricity_emissions(mwh=activity, factor=out["factor"])
        elif kind == SourceKind.HEAT:
            out["factor"] = factor_for(FactorKind.HEAT, year)
            out["emissions"] = rules.heat_emissions(gj=activity, factor=out["factor"])
    except MissingFactor as exc:
        field = "fuel" if kind == SourceKind.COMBUSTION else "source_kind"
        errors[field] = str(exc)
    if errors:
        raise ValidationError(errors)
    return out


def _combustion(data, out, year, errors) -> None:
    fuel = data.get("fuel")
    if fuel is None:
        errors["fuel"] = _("Choose the fuel.")
        return
    for name in ("ncv", "carbon_content"):
        if data.get(name) is not None and data[name] <= 0:
            errors[name] = _("A measured value must be greater than zero.")
    if errors:
        return
    defaults = fuel_defaults(fuel, year)
    measured_ncv = data.get("ncv") is not None
    measured_cc = data.get("carbon_content") is not None
    out["fuel"] = fuel
    out["ncv"] = data["ncv"] if measured_ncv else defaults.ncv
    out["carbon_content"] = data["carbon_content"] if measured_cc else defaults.carbon_content
    out["oxidation_rate"] = defaults.oxidation_rate
    out["parameters"] = {
        "ncv_measured": measured_ncv,
        "carbon_content_measured": measured_cc,
        "default_source": defaults.source,
    }
    out["emissions"] = rules.combustion_emissions(
        consumption=out["activity"],
        ncv=out["ncv"],
        cc=out["carbon_content"],
        of=out["oxidation_rate"],
    )


def _process(data, out, errors) -> None:
    code = data.get("process_formula") or ""
    formula = rules.PROCESS_FORMULAS.get(code)
    if formula is None:
        errors["process_formula"] = _("Choose the process formula.")
        return
    given = data.get("parameters") or {}
    params = {}
    for name in formula.parameters:
        value = given.get(name)
        if value is None or value == "":
            errors["parameters"] = _("Enter every parameter of the formula: %(names)s.") % {
                "names": ", ".join(formula.parameters)
            }
            return
        value = Decimal(str(value))
        if value < 0:
            errors["parameters"] = _("Parameters must not be negative.")
            return
        params[name] = value
    out["process_formula"] = code
    out["activity"] = params[formula.parameters[0]]
    out["parameters"] = {k: str(v) for k, v in params.items()}
    out["emissions"] = rules.process_emissions(code, params)


def version_total(version: ReportVersion) -> Decimal:
    """The sum of the version's line emissions (each already rounded), summed in the database."""
    total = version.lines.aggregate(t=Sum("emissions"))["t"]
    return rules.round_tonnes(total or ZERO)


def grouped_lines(version: ReportVersion) -> list[dict]:
    """Lines grouped by facility, then by source kind, with subtotals."""
    groups: dict = {}
    lines = ReportLine.objects.filter(version=version).select_related("facility", "fuel")
    for line in lines.order_by("facility__name", "source_kind", "id"):
        g = groups.setdefault(
            line.facility_id, {"facility": line.facility, "sources": {}, "total": ZERO}
        )
        s = g["sources"].setdefault(
            line.source_kind,
            {"label": line.get_source_kind_display(), "lines": [], "total": ZERO},
        )
        s["lines"].append(line)
        s["total"] += line.emissions
        g["total"] += line.emissions
    out = []
    for g in groups.values():
        g["sources"] = list(g["sources"].values())
        out.append(g)
    return out


def available_actions(report: AnnualReport) -> list[str]:
    return actions_from(report.status)


@dataclass(frozen=True)
class Deadlines:
    report_due: date | None
    submitted_on: date | None  # first submission (Asia/Shanghai date)
    late: bool
    county_due: date | None  # last submission + the county's days
    county_overdue: bool


def _local_date(dt) -> date | None:
    return timezone.localdate(dt) if dt is not None else None


def deadlines(report, *, today: date | None = None) -> Deadlines:
    """The report's due date and the county check due date, with their overdue flags."""
    year = ReportingYear.objects.filter(year=report.year).first()
    submissions = list(
        report.versions.filter(submitted_at__isnull=False)
        .order_by("number")
        .values_list("submitted_at", flat=True)
    )
    return _deadlines_of(
        report,
        year,
        submissions[0] if submissions else None,
        submissions[-1] if submissions else None,
        today or timezone.localdate(),
    )


def _deadlines_of(report, year, first_at, last_at, today: date) -> Deadlines:
    """Pure: the flags from the year's rules and the first and last submission times."""
    first = _local_date(first_at)
    due = year.report_due if year else None
    county_due = (
        rules.county_check_due(_local_date(last_at), year.report_county_check_days)
        if year
        else None
    )
    checked_at = report.county_checked_at
    if checked_at is not None and last_at is not None and checked_at < last_at:
        checked_at = None  # the check of an earlier version
    return Deadlines(
        report_due=due,
        submitted_on=first,
        late=rules.report_late(due=due, submitted_on=first, today=today),
        county_due=county_due,
        county_overdue=rules.county_check_overdue(
            due=county_due, checked_on=_local_date(checked_at), today=today
        ),
    )


def with_submissions(qs: QuerySet) -> QuerySet:
    """Annotate ``first_submitted_at`` / ``last_submitted_at`` (by version number) so that
    ``deadlines_for`` needs no query per report."""
    submitted = ReportVersion.objects.filter(report=OuterRef("pk"), submitted_at__isnull=False)
    return qs.annotate(
        first_submitted_at=Subquery(submitted.order_by("number").values("submitted_at")[:1]),
        last_submitted_at=Subquery(submitted.order_by("-number").values("submitted_at")[:1]),
    )


def reporting_years(years=None) -> dict[int, ReportingYear]:
    """The ReportingYear rows by year (all of them when ``years`` is None): one query."""
    qs = ReportingYear.objects.all()
    if years is not None:
        qs = qs.filter(year__in=set(years))
    return {row.year: row for row in qs}


def deadlines_for(report, years: dict[int, ReportingYear], *, today: date | None = None) -> Deadlines:
    """``deadlines`` for a report from ``with_submissions`` and a ``reporting_years`` dict
    (no query)."""
    return _deadlines_of(
        report,
        years.get(report.year),
        report.first_submitted_at,
        report.last_submitted_at,
        today or timezone.localdate(),
    )


def attach_deadlines(reports, *, today: date | None = None) -> list:
    """Set ``deadline`` on each report (annotated by ``with_submissions``); one query for the
    years of the whole batch."""
    reports = list(reports)
    years = reporting_years(r.year for r in reports)
    today = today or timezone.localdate()
    for report in reports:
        report.deadline = deadlines_for(report, years, today=today)
    return reports


def figures_of(report_id: int) -> tuple[AnnualReport | None, Decimal | None, Decimal | None]:
    """(report, reported, verified) of one report, for readers outside reporting (credit):
    the current version's total and the final verified figure (tCO2e), ``None`` where not
    known; ``(None, None, None)`` for no such report."""
    report = (AnnualReport.objects.select_related("enterprise", "current_version")
              .filter(pk=report_id).first())
    if report is None:
        return None, None, None
    return report, report.reported_total, report.verified_total
