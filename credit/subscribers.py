"""Credit events from the lower apps' domain events (DESIGN.md §4.11: they publish, credit
subscribes; they never import credit). Each handler records through
``credit.services.events.record`` with a key naming the record it comes from, so a repeated
domain event, or the deadline sweep (``credit.sweep``) finding the same fact, records once.

The year of an event: the year the record concerns (a report, a cycle) where it has one,
else the year of the day it happened (a decision, an overdue rectification). Days are
Asia/Shanghai calendar days. Summaries are written in the portal's default language.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from credit.choices import EventKind
from credit.services.events import record
from zhongwei_carbon.events import subscribe

log = logging.getLogger(__name__)

ARTICLE_KINDS = {
    "21": EventKind.VIOLATION_ART21,
    "22": EventKind.VIOLATION_ART22,
    "23": EventKind.VIOLATION_ART23,
}
RETURN_VERBS = ("report.county_return", "report.recheck_return")
SUBSTANTIATED = ("substantiated", "partly")  # complaints.choices.Outcome


def handler(name: str):
    """Subscribe ``func`` to ``name``, in the default language; a failure is logged, never
    raised into the lower app's request (its transaction has committed already)."""

    def decorator(func):
        @functools.wraps(func)
        def wrapped(**payload):
            try:
                with translation.override(settings.LANGUAGE_CODE):
                    return func(**payload)
            except Exception:  # noqa: BLE001  (logged; the sweep records what it can find)
                log.exception("credit subscriber %s failed for %s", func.__name__, payload)
                return None

        subscribe(name)(wrapped)
        return wrapped

    return decorator


def _model(label: str):
    return apps.get_model(label)


def _subject(enterprise_id=None, agency_id=None):
    if enterprise_id:
        return _model("registry.Enterprise").objects.get(pk=enterprise_id)
    if agency_id:
        return _model("verifiers.Agency").objects.get(pk=agency_id)
    return None


# --- oversight: violation cases ------------------------------------------------------------


def violation_recorded(case_id: int):
    """The Art. 21/22/23 event of a decided case, and the agency's suspension it ordered."""
    case = _model("oversight.ViolationCase").objects.get(pk=case_id)
    if case.decided_on is None:
        return
    subject = _subject(case.enterprise_id, case.agency_id)
    kind = ARTICLE_KINDS.get(case.article)
    if subject is not None and kind is not None:
        record(subject=subject, year=case.decided_on.year, kind=kind,
               occurred_on=case.decided_on, source=case, key=f"violation:{case.pk}",
               summary=_("Violation case decided (%(article)s), decision %(number)s")
               % {"article": case.get_article_display(), "number": case.decision_number})
    if case.agency_id and case.ban_until:
        suspension_recorded(agency_id=case.agency_id, until=case.ban_until,
                            on=case.decided_on, source=case)


@handler("violation.decided")
def on_violation_decided(*, case_id, **_kwargs):
    violation_recorded(case_id)


# --- verifiers: suspension of an agency ------------------------------------------------------


def suspension_recorded(*, agency_id: int, until, on, source=None, actor=None):
    """Record the suspension once per agency and last day; ``True`` when new."""
    agency = _model("verifiers.Agency").objects.get(pk=agency_id)
    return record(
        subject=agency, year=on.year, kind=EventKind.AGENCY_SUSPENDED, occurred_on=on,
        source=source or agency, key=f"agency_suspended:{agency.pk}:{until.isoformat()}",
        actor=actor,
        summary=_("Suspended from verification until %(date)s") % {"date": until.isoformat()},
    )[1]


@handler("agency.suspended")
def on_agency_suspended(*, agency_id, until, on, source=None, **_kwargs):
    obj = None
    if source:
        label, pk = source
        obj = _model(label).objects.filter(pk=pk).first()
    suspension_recorded(agency_id=agency_id, until=until, on=on, source=obj)


# --- complaints ------------------------------------------------------------------------------


@handler("complaint.substantiated")
def on_complaint_substantiated(*, complaint_id, outcome, enterprise_id=None, agency_id=None,
                               **_kwargs):
    if outcome not in SUBSTANTIATED:
        return
    subject = _subject(enterprise_id, agency_id)
    if subject is None:
        return
    complaint = _model("complaints.Complaint").objects.get(pk=complaint_id)
    on = timezone.localdate(complaint.answered_at) if complaint.answered_at else timezone.localdate()
    record(subject=subject, year=on.year, kind=EventKind.COMPLAINT_SUBSTANTIATED, occurred_on=on,
           source=complaint, key=f"complaint:{complaint.pk}",
           summary=_("Complaint %(number)s found %(outcome)s")
           % {"number": complaint.number, "outcome": complaint.get_outcome_display()})


# --- oversight: rectification ----------------------------------------------------------------


def rectification_recorded(rectification_id: int):
    rectification = (_model("oversight.Rectification").objects.select_related("inspection")
                     .get(pk=rectification_id))
    inspection = rectification.inspection
    subject = _subject(inspection.enterprise_id, inspection.agency_id)
    if subject is None:
        return
    on = rectification.deadline + timedelta(days=1)  # the first day overdue
    record(subject=subject, year=on.year, kind=EventKind.RECTIFICATION_OVERDUE, occurred_on=on,
           source=inspection, key=f"rectification_overdue:{rectification.pk}",
           summary=_("Rectification not answered by its deadline %(date)s")
           % {"date": rectification.deadline.isoformat()})


@handler("rectification.overdue")
def on_rectification_overdue(*, rectification_id, **_kwargs):
    rectification_recorded(rectification_id)


# --- reporting: returns and final figures ----------------------------------------------------


def return_recorded(audit_event_id: int):
    """One event per return of a report: by the county (the enterprise's report) or on the
    bureau's re-check (the agency's verification), keyed by the return's audit entry."""
    from zhongwei_carbon.models import Event

    audit = Event.objects.filter(pk=audit_event_id).first()
    if audit is None or audit.verb not in RETURN_VERBS:
        return
    report = _model("reporting.AnnualReport").objects.filter(pk=audit.target_id).first()
    if report is None:
        return
    on = timezone.localdate(audit.occurred_at)
    if audit.verb == "report.county_return":
        subject = report.enterprise
        summary = _("%(report)s returned by the county") % {"report": report}
    else:
        if report.agency_id is None:
            return
        subject = report.agency
        summary = _("Verification of %(report)s returned on re-check") % {"report": report}
    record(subject=subject, year=report.year, kind=EventKind.REPORT_RETURNED, occurred_on=on,
           source=report, key=f"report_returned:{audit.pk}", summary=summary)


@handler("report.county_return")
def on_county_return(*, event_id=None, **_kwargs):
    if event_id:
        return_recorded(event_id)


@handler("report.recheck_return")
def on_recheck_return(*, event_id=None, **_kwargs):
    if event_id:
        return_recorded(event_id)


def deviation_percent(reported, verified) -> Decimal | None:
    """|verified − reported| / reported × 100, to two decimals; ``None`` without a positive
    reported figure or a verified one."""
    if reported is None or verified is None or reported <= 0:
        return None
    ratio = abs(Decimal(verified) - Decimal(reported)) / Decimal(reported) * 100
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def deviation_recorded(report_id: int):
    """The deviation of the verified figure from the reported one, once per report (the first
    final result), when there is one."""
    from reporting.selectors.reports import figures_of

    report, reported, verified = figures_of(report_id)
    measure = deviation_percent(reported, verified)
    if report is None or not measure:
        return
    on = timezone.localdate(report.final_at) if report.final_at else timezone.localdate()
    record(subject=report.enterprise, year=report.year, kind=EventKind.VERIFIED_DEVIATION,
           occurred_on=on, source=report, measure=measure,
           key=f"verified_deviation:{report.pk}",
           summary=_("Verified %(verified)s t against %(reported)s t reported: %(p)s %% apart")
           % {"verified": verified, "reported": reported, "p": measure})


@handler("report.final")
def on_report_final(*, report_id, **_kwargs):
    deviation_recorded(report_id)


# --- allowances: Art. 24 shortfall not corrected ---------------------------------------------


def art24_recorded(case_id: int, cut: int, actor=None) -> bool:
    """Record a case still short at its correction deadline once; ``True`` when new."""
    if not cut:
        return False
    case = _model("allowances.PenaltyCase").objects.select_related("cycle", "enterprise").get(
        pk=case_id)
    on = case.correction_deadline + timedelta(days=1)
    return record(
        subject=case.enterprise, year=case.cycle.year, kind=EventKind.ART24_NOT_CORRECTED,
        occurred_on=on, source=case, measure=Decimal(cut), key=f"art24:{case.pk}", actor=actor,
        summary=_("%(t)s t still short at the correction deadline %(date)s")
        % {"t": f"{cut:,}", "date": case.correction_deadline.isoformat()},
    )[1]


@handler("penalty.cut_fixed")
def on_penalty_cut_fixed(*, case_id, cut, **_kwargs):
    art24_recorded(case_id, cut)
