"""Agency performance (seed task 7): the figures of each verification agency per reporting
year, for the league table, its Excel export and API, and the agency's own page.

Where the facts live (reporting and verifiers models; oversight only reads them):

- assignment: ``AnnualReport.agency`` with ``assigned_at`` and ``verification_due`` (one
  agency per report and year: a report is assigned once, from "passed county check");
- delivery: the round-1 ``VerificationReport.filed_at`` (later rounds answer re-check opinions
  and have no due date of their own); rounds: ``AnnualReport.verification_round``;
- re-check: ``Recheck`` rows (one per round, ``decision`` accepted or returned);
- verified vs finally accepted: the agency's first verified total (round 1) against
  ``AnnualReport.final_emissions`` (the figure the bureau accepted, ``status`` final). The
  accepted figure is always the last round's own total, so only the first round can differ;
- inspections: oversight's ``Inspection`` of the agency, concluded, by ``rules.work_year``.

Everything is added up in PostgreSQL: one grouped query over the reports, one over the
inspections and one over the violation cases decided, whatever the number of agencies and reports (``tests/oversight/
test_performance.py`` pins it); ``rules`` turns the sums into the figures. Who sees which
agencies is ``scoping.for_user(Agency, Perm.VIEW_AGENCY_PERFORMANCE)``: the bureau all, agency
staff their own agency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Abs, Coalesce, ExtractYear, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight import rules
from oversight.choices import Conclusion, InspectionStatus, TargetKind
from oversight.models import Inspection, ViolationCase
from reporting.choices import RecheckDecision, ReportStatus
from reporting.models import AnnualReport, Recheck
from verifiers.models import Agency
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.sorting import SortKeys

VIEW = Perm.VIEW_AGENCY_PERFORMANCE


@dataclass
class AgencyYear:
    """What the database added up for one agency and reporting year, and the figures."""

    agency_id: int
    agency_name: str
    agency_uscc: str
    year: int
    assignments: int = 0
    on_time: int = 0  # first report delivered by the due date
    late: int = 0  # delivered after it, or not delivered and the due date has passed
    rounds: int = 0  # rounds filed, over the reports with at least one
    reports_with_rounds: int = 0
    rechecked: int = 0  # reports re-checked at least once
    returned: int = 0  # of which returned to the agency at least once
    compared: int = 0  # final reports with a first verified figure (and accepted > 0)
    deviation_total: Decimal | None = None  # sum of their absolute deviations (per cent)
    inspections: int = 0  # inspections of the agency concluded
    no_problem: int = 0
    rectify: int = 0
    violation: int = 0
    violations_decided: int = 0  # Art. 23 cases decided against the agency

    @property
    def on_time_rate(self) -> Decimal | None:
        return rules.share_percent(self.on_time, self.on_time + self.late)

    @property
    def rounds_per_report(self) -> Decimal | None:
        return rules.rounds_per_report(self.rounds, self.reports_with_rounds)

    @property
    def returned_share(self) -> Decimal | None:
        return rules.share_percent(self.returned, self.rechecked)

    @property
    def deviation(self) -> Decimal | None:
        return rules.mean_deviation(self.deviation_total, self.compared)

    @property
    def figure_values(self) -> list:
        """The figures in the order of ``FIGURES`` (a table's cells)."""
        return [figure.value(self) for figure in FIGURES]


@dataclass(frozen=True)
class Figure:
    """One column of the league: its key (sorting, API), label, unit and explanation."""

    key: str
    label: str
    explanation: str
    value: Callable[[AgencyYear], object]
    numeric: bool = True


FIGURES: tuple[Figure, ...] = (
    Figure("assignments", _("Assignments"),
           _("Reports of the year assigned to the agency for verification."),
           lambda r: r.assignments),
    Figure("on_time_rate", _("On-time rate (%)"),
           _("First verification reports delivered on or before the verification due date, "
             "as a share of those delivered plus those still missing after their due date. "
             "Reports not yet due and not yet delivered are left out."),
           lambda r: r.on_time_rate),
    Figure("rounds_per_report", _("Rounds per report"),
           _("Verification rounds filed per report, over the reports with at least one round "
             "(1.00: every report accepted or pending on its first round)."),
           lambda r: r.rounds_per_report),
    Figure("returned_share", _("Returned at re-check (%)"),
           _("Reports the bureau returned to the agency at least once at re-check, as a "
             "share of the agency's reports re-checked at least once."),
           lambda r: r.returned_share),
    Figure("deviation", _("Deviation verified vs accepted (%)"),
           _("Mean absolute difference between the agency's first verified total and the "
             "figure the bureau finally accepted, in per cent of the accepted figure, over the "
             "final reports."),
           lambda r: r.deviation),
    Figure("inspections", _("Inspections concluded"),
           _("Inspections of the agency concluded, carried out in (or planned for) the "
             "following year, when the agency's verification of this reporting year is "
             "inspected."),
           lambda r: r.inspections),
    Figure("no_problem", _("No problem found"),
           _("Concluded inspections that found no problem."), lambda r: r.no_problem),
    Figure("rectify", _("Rectification ordered"),
           _("Concluded inspections that ordered rectification."), lambda r: r.rectify),
    Figure("violation", _("Violation found"),
           _("Concluded inspections that found a violation."), lambda r: r.violation),
    Figure("violations_decided", _("Violation cases decided"),
           _("Violation cases (Interim Regulations Art. 23) decided against the agency, opened "
             "in the following year like the inspections."),
           lambda r: r.violations_decided),
)

SORT = SortKeys({
    "agency": lambda r: r.agency_name,
    **{figure.key: figure.value for figure in FIGURES},
})


def agencies_for(user) -> QuerySet:
    """The agencies whose figures ``user`` may see (the one scoping entry point)."""
    return scoping.for_user(Agency.objects.all(), user, VIEW)


def _first_filed_on():
    """The day (Asia/Shanghai) the round-1 verification report was filed."""
    return TruncDate("first__filed_at", tzinfo=timezone.get_default_timezone())


def _reports(agencies: QuerySet, year: int | None, today: date) -> list[dict]:
    """One grouped query: the report counts and sums per agency and year."""
    filed_on = _first_filed_on()
    final = Q(status=ReportStatus.FINAL, final_emissions__gt=0,
              first__verified_total__isnull=False)
    deviation = Abs(F("first__verified_total") - F("final_emissions")) * 100 / F(
        "final_emissions")
    qs = AnnualReport.objects.filter(agency__in=agencies.values("pk"), assigned_at__isnull=False)
    if year is not None:
        qs = qs.filter(year=year)
    return list(
        qs.annotate(first=FilteredRelation("verifications", condition=Q(verifications__round=1)))
        .values("agency", "agency__name", "agency__uscc", "year")
        .annotate(
            assignments=Count("pk"),
            on_time=Count("pk", filter=Q(verification_due__gte=filed_on)),
            late=Count("pk", filter=Q(verification_due__lt=filed_on)
                       | Q(first__filed_at__isnull=True, verification_due__lt=today)),
            rounds=Coalesce(Sum("verification_round", filter=Q(verification_round__gte=1)), 0),
            reports_with_rounds=Count("pk", filter=Q(verification_round__gte=1)),
            rechecked=Count("pk", filter=Exists(Recheck.objects.filter(report=OuterRef("pk")))),
            returned=Count("pk", filter=Exists(Recheck.objects.filter(
                report=OuterRef("pk"), decision=RecheckDecision.RETURNED))),
            compared=Count("pk", filter=final),
            deviation_total=Sum(deviation, filter=final, output_field=DecimalField()),
        )
        .order_by()
    )


def _inspections(agencies: QuerySet, year: int | None) -> list[dict]:
    """One grouped query: the agency's concluded inspections by the year they look at."""
    qs = (
        Inspection.objects.filter(target_kind=TargetKind.AGENCY, agency__in=agencies.values("pk"))
        .exclude(status=InspectionStatus.OPEN)
        .annotate(held=Coalesce("plan__year", ExtractYear("inspected_on"),
                                ExtractYear("concluded_at")))
    )
    if year is not None:
        qs = qs.filter(held=year + rules.INSPECTION_YEAR_LAG)
    return list(
        qs.values("agency", "agency__name", "agency__uscc", "held")
        .annotate(
            inspections=Count("pk"),
            no_problem=Count("pk", filter=Q(conclusion=Conclusion.NO_PROBLEM)),
            rectify=Count("pk", filter=Q(conclusion=Conclusion.RECTIFY)),
            violation=Count("pk", filter=Q(conclusion=Conclusion.VIOLATION)),
        )
        .order_by()
    )


def _violations(agencies: QuerySet, year: int | None) -> list[dict]:
    """One grouped query: the violation cases decided against the agency (decided, referred
    or closed after a decision), by the year they were opened in."""
    qs = ViolationCase.objects.filter(
        target_kind=TargetKind.AGENCY, agency__in=agencies.values("pk"), decided_at__isnull=False
    )
    if year is not None:
        qs = qs.filter(year=year + rules.INSPECTION_YEAR_LAG)
    return list(
        qs.values("agency", "agency__name", "agency__uscc", "year")
        .annotate(violations_decided=Count("pk"))
        .order_by()
    )


def rows(user, *, year: int | None = None, agency: Agency | None = None,
         ordering: str | None = None, today: date | None = None) -> list[AgencyYear]:
    """The league: one row per agency (in ``user``'s scope) and reporting year with anything
    to show, for ``year`` (else every year) and ``agency`` (else all), sorted by
    ``ordering`` (``SORT``; default agency name, then year newest first). Three queries."""
    today = today or timezone.localdate()
    agencies = agencies_for(user)
    if agency is not None:
        agencies = agencies.filter(pk=agency.pk)
    found: dict[tuple[int, int], AgencyYear] = {}

    def row(values: dict, year_: int) -> AgencyYear:
        key = (values["agency"], year_)
        if key not in found:
            found[key] = AgencyYear(agency_id=values["agency"], agency_name=values["agency__name"],
                                    agency_uscc=values["agency__uscc"], year=year_)
        return found[key]

    for values in _reports(agencies, year, today):
        target = row(values, values["year"])
        for name in ("assignments", "on_time", "late", "rounds", "reports_with_rounds",
                     "rechecked", "returned", "compared", "deviation_total"):
            setattr(target, name, values[name])
    for values in _inspections(agencies, year):
        target = row(values, rules.work_year(values["held"]))
        for name in ("inspections", "no_problem", "rectify", "violation"):
            setattr(target, name, values[name])
    for values in _violations(agencies, year):
        row(values, rules.work_year(values["year"])).violations_decided = values[
            "violations_decided"]
    default = sorted(found.values(), key=lambda r: (r.agency_name, -r.year, r.agency_id))
    return SORT.sort_rows(default, ordering)


def years(user) -> list[int]:
    """The reporting years with figures in ``user``'s scope, newest first (one query)."""
    agencies = agencies_for(user).values("pk")
    reported = AnnualReport.objects.filter(
        agency__in=agencies, assigned_at__isnull=False).values_list("year", flat=True)
    inspected = (
        Inspection.objects.filter(target_kind=TargetKind.AGENCY, agency__in=agencies)
        .exclude(status=InspectionStatus.OPEN)
        .annotate(work=Coalesce("plan__year", ExtractYear("inspected_on"),
                                ExtractYear("concluded_at")) - rules.INSPECTION_YEAR_LAG)
        .values_list("work", flat=True)
    )
    decided = (
        ViolationCase.objects.filter(target_kind=TargetKind.AGENCY, agency__in=agencies,
                                     decided_at__isnull=False)
        .annotate(work=F("year") - rules.INSPECTION_YEAR_LAG).values_list("work", flat=True)
    )
    years_ = reported.union(inspected, decided)
    return sorted({y for y in years_ if y is not None}, reverse=True)


def year_or_latest(user, value) -> tuple[int | None, list[int]]:
    """The year asked for (``?year=``), else the latest one with figures; and the years."""
    from zhongwei_carbon.web import whole_number

    available = years(user)
    asked = whole_number(value)
    if asked is not None:
        return asked, available
    return (available[0] if available else None), available
