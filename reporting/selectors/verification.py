"""Reads for verification pages: the work queue, what each persona may see of a report's
verification, and the public disclosure of final emissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    Count,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from registry.models import Facility
from reporting.choices import ObjectionDecision, RecheckDecision, ReportStatus
from reporting.models import (
    AgencyDeclaration,
    AnnualReport,
    Finding,
    Objection,
    Recheck,
    ReportingYear,
    ReportLine,
    VerificationFigure,
    VerificationReport,
)
from reporting.selectors.reports import with_submissions
from verifiers.selectors import eligible_agencies
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm, Role

QUEUE_STATUSES = (
    ReportStatus.COUNTY_PASSED,
    ReportStatus.ASSIGNED,
    ReportStatus.RECHECK_RETURNED,
    ReportStatus.VERIFIED,
    ReportStatus.OBJECTED,
)
AGENCY_QUEUE_STATUSES = (ReportStatus.ASSIGNED, ReportStatus.RECHECK_RETURNED, ReportStatus.VERIFIED)
# An agency's open assignments (its workload): reports waiting for its verification report.
OPEN_ASSIGNMENT_STATUSES = (ReportStatus.ASSIGNED, ReportStatus.RECHECK_RETURNED)
# The queue's ``?show=``: the open assignments, or those of them past their verification due
# date (the agency dashboard's figures link here).
SHOW_OPEN, SHOW_OVERDUE = "open", "overdue"


@dataclass
class QueueRow:
    report: AnnualReport
    due: date | None
    overdue: bool


def _due(report: AnnualReport, city_due: dict[int, date]) -> date | None:
    if report.status in (ReportStatus.ASSIGNED, ReportStatus.RECHECK_RETURNED):
        return report.verification_due
    if report.status == ReportStatus.COUNTY_PASSED:
        return city_due.get(report.year)
    if report.status == ReportStatus.OBJECTED:
        pending = [o for o in report.objections.all() if o.decision == ObjectionDecision.PENDING]
        return pending[0].decision_due if pending else None
    return None


def queue_statuses(user) -> tuple:
    """The statuses of the user's queue: the bureau's steps, or an agency's."""
    return QUEUE_STATUSES if roles.is_bureau(user) else AGENCY_QUEUE_STATUSES


def queue_for(user, *, status: str = "", show: str = "", today: date | None = None) -> QuerySet:
    """Reports waiting for the bureau (assign, re-check, objection) or, for agency staff,
    those assigned to their agency, oldest due first (a queryset: paginate it, then turn
    the page into rows with ``queue_rows``). ``show``: only the open assignments
    (``SHOW_OPEN``) or those past their verification due date (``SHOW_OVERDUE``, Beijing
    ``today``, as ``queue_rows`` flags them); anything else: all."""
    qs = scoping.for_user(AnnualReport.objects.all(), user, Perm.VIEW_VERIFICATION_QUEUE)
    statuses = queue_statuses(user)
    qs = qs.filter(status__in=statuses)
    if status in statuses:
        qs = qs.filter(status=status)
    if show in (SHOW_OPEN, SHOW_OVERDUE):
        qs = qs.filter(status__in=OPEN_ASSIGNMENT_STATUSES)
    if show == SHOW_OVERDUE:
        qs = qs.filter(verification_due__lt=today or timezone.localdate())
    qs = with_submissions(qs)  # for the report's late flag (selectors.reports.attach_deadlines)
    return qs.select_related("enterprise__area", "agency", "current_version").prefetch_related(
        "objections"
    ).order_by("verification_due", "enterprise__name", "pk")


def queue_rows(reports) -> list[QueueRow]:
    """Each report with its due date and an overdue flag (Asia/Shanghai)."""
    today = timezone.localdate()
    city_due = dict(ReportingYear.objects.values_list("year", "report_city_due"))
    rows = []
    for report in reports:
        due = _due(report, city_due)
        rows.append(QueueRow(report, due, bool(due and due < today)))
    return rows


def declared_agency_ids(report) -> QuerySet:
    """Agencies that declared they prepared the report (they may not verify it, Art. 13)."""
    return AgencyDeclaration.objects.filter(
        enterprise_id=report.enterprise_id, year=report.year
    ).values("agency_id")


def assignable_agencies(report) -> QuerySet:
    """The agencies the bureau may assign to ``report`` today: active, a verification
    qualification valid today that covers the enterprise's sector (annotated
    ``qualification_until``), no preparation declaration; each with ``open_assignments``."""
    workload = (
        AnnualReport.objects.filter(agency=OuterRef("pk"), status__in=OPEN_ASSIGNMENT_STATUSES)
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        eligible_agencies(report.enterprise.sector_id)
        .exclude(pk__in=declared_agency_ids(report))
        .annotate(
            open_assignments=Coalesce(Subquery(workload, output_field=IntegerField()), 0)
        )
    )


def declarations_for(user) -> QuerySet:
    return scoping.for_user(
        AgencyDeclaration.objects.select_related("agency", "enterprise", "declared_by"),
        user,
        Perm.DECLARE_PREPARATION,
    ).order_by("-year", "enterprise__name", "pk")


# --- what a persona may see of one report ---------------------------------------------------


def _is_agency_or_bureau(user, report) -> bool:
    return roles.is_bureau(user) or any(
        m.role == Role.AGENCY_STAFF and m.agency_id and m.agency_id == report.agency_id
        for m in roles.memberships(user)
    )


def findings_visible(user, report) -> QuerySet:
    """Unsent findings only for the bureau and the report's agency."""
    qs = Finding.objects.filter(report=report).select_related("raised_by", "responded_by")
    if not _is_agency_or_bureau(user, report):
        qs = qs.filter(sent_at__isnull=False)
    return qs.order_by("round", "raised_at", "pk")


def _sees_all_rounds(user, report) -> bool:
    return _is_agency_or_bureau(user, report) or roles.has_role(user, Role.AREA_OFFICIAL)


def accepted_round(report) -> int:
    """The last round the bureau accepted on re-check (0 when none). A round after it (an
    upheld objection sends the report back to the agency) stays internal until accepted."""
    return (
        report.rechecks.filter(decision=RecheckDecision.ACCEPTED).aggregate(n=Max("round"))["n"]
        or 0
    )


def verifications_visible(user, report) -> list[VerificationReport]:
    """Rounds with their figures. The enterprise sees only rounds up to the last accepted one
    (a verifier's documents count only after the bureau accepts them)."""
    qs = report.verifications.select_related("agency", "filed_by")
    if not _sees_all_rounds(user, report):
        qs = qs.filter(round__lte=accepted_round(report))
    return list(
        qs.prefetch_related(
            Prefetch(
                "figures",
                queryset=VerificationFigure.objects.select_related("facility"),
                to_attr="figure_rows",
            )
        ).order_by("round")
    )


def rechecks_visible(user, report) -> list[Recheck]:
    """Re-check opinions are internal to the bureau and the agency until their round's result
    is accepted."""
    qs = report.rechecks.select_related("decided_by").order_by("round")
    if not _sees_all_rounds(user, report):
        qs = qs.filter(round__lte=accepted_round(report))
    return list(qs)


def objections_of(report) -> list[Objection]:
    return list(report.objections.select_related("filed_by", "decided_by").order_by("filed_at"))


def reported_by_source(report) -> list[dict]:
    """The current version's emissions grouped by facility and source (for the filing form)."""
    if report.current_version_id is None:
        return []
    groups: dict[tuple, dict] = {}
    lines = ReportLine.objects.filter(version_id=report.current_version_id).select_related("facility")
    for line in lines.order_by("facility_id", "source_kind", "pk"):
        key = (line.facility_id, line.source_kind)
        row = groups.setdefault(
            key,
            {"facility": line.facility, "source_kind": line.source_kind,
             "label": line.get_source_kind_display(), "reported": Decimal("0")},
        )
        row["reported"] += line.emissions
    return list(groups.values())


# --- public disclosure ----------------------------------------------------------------------


def disclosed(*, q: str = "", year: int | None = None) -> QuerySet:
    """Final reports only: enterprise, year, final emissions and the enterprise's facilities."""
    return _disclosed(q=q, year=year).prefetch_related(
        Prefetch("enterprise__facilities", queryset=Facility.objects.order_by("name"))
    )


def disclosed_for_export(*, q: str = "", year: int | None = None) -> QuerySet:
    """``disclosed`` for the export: the names of each enterprise's facilities joined by
    PostgreSQL (``facility_names``, in name order, "、" between them) instead of a prefetch,
    whose per-row querysets held a chunk's facilities and a query per report in memory
    (issue 11: flat peak memory)."""
    names = (
        Facility.objects.filter(enterprise=OuterRef("enterprise")).order_by()
        .values("enterprise")
        .annotate(names=StringAgg("name", delimiter="、", order_by="name"))
        .values("names")
    )
    return _disclosed(q=q, year=year).annotate(
        facility_names=Coalesce(Subquery(names), Value(""), output_field=TextField())
    )


def _disclosed(*, q: str, year: int | None) -> QuerySet:
    qs = AnnualReport.objects.filter(status=ReportStatus.FINAL, final_emissions__isnull=False)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q))
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("enterprise__area", "enterprise__sector").order_by(
        "-year", "enterprise__name", "pk"
    )


def disclosed_years() -> list[int]:
    return list(
        AnnualReport.objects.filter(status=ReportStatus.FINAL)
        .values_list("year", flat=True).distinct().order_by("-year")
    )
