"""Verification (核查), re-check (复查), findings and objections: every state change.

Report status changes go only through ``reporting.services.workflow`` (``lock`` +
``apply_transition``); the other records are checked here for the actor's role and scope.
Interim Regulations Art. 13 (conflict of interest); Measures 2020 Art. 27 (objections).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import EmissionRecord
from registry.services.enterprises import emission_record_upsert
from reporting.choices import (
    Conclusion,
    FindingStatus,
    ObjectionDecision,
    RecheckDecision,
    ReportStatus,
    SourceKind,
)
from reporting.models import (
    AgencyDeclaration,
    AnnualReport,
    Finding,
    Objection,
    Recheck,
    VerificationFigure,
    VerificationReport,
)
from reporting.rules import round_tonnes
from reporting.selectors.factors import MissingFactor, reporting_year
from reporting.selectors.verification import reported_by_source
from reporting.services.workflow import actor_may, apply_transition, lock
from reporting.workflow import Action, transition_for
from verifiers import rules as verifier_rules
from verifiers import selectors as verifier_selectors
from verifiers.choices import AgencyStatus
from zhongwei_carbon import advisories, events, roles, workdays
from zhongwei_carbon.roles import Role
from zhongwei_carbon.uploads import EVIDENCE_MAGIC, PDF_MAGIC
from zhongwei_carbon.uploads import checked_bytes as _read

# Statuses in which the agency works on the report (findings, filing).
AGENCY_WORKING = (ReportStatus.ASSIGNED, ReportStatus.RECHECK_RETURNED)
# Statuses in which a recorded finding may be sent to the enterprise.
FINDING_SEND_STATUSES = (ReportStatus.ASSIGNED, ReportStatus.VERIFIED, ReportStatus.RECHECK_RETURNED)


def _require(actor, report, allowed) -> None:
    if not actor_may(actor, report, allowed):
        raise PermissionDenied(_("You may not do this on this report."))


def _check(actor, report, action: str) -> None:
    """Fail early (before any other write) on a forbidden transition or actor."""
    _require(actor, report, transition_for(report.status, action).roles)


def _today() -> date:
    return timezone.localdate()  # TIME_ZONE is Asia/Shanghai


def _window(year: int, attr: str) -> int:
    try:
        return getattr(reporting_year(year), attr)
    except MissingFactor as exc:
        raise ValidationError(str(exc)) from None


# --- declarations and assignment ---------------------------------------------------------


@transaction.atomic
def declaration_add(*, actor, agency, enterprise, year: int, note: str = "") -> AgencyDeclaration:
    """Agency staff declare that their agency prepared (编制) ``enterprise``'s report."""
    own = any(
        m.role == Role.AGENCY_STAFF and m.agency_id == agency.pk for m in roles.memberships(actor)
    )
    if not own:
        raise PermissionDenied(_("Only staff of the agency may declare for it."))
    if AnnualReport.objects.filter(enterprise=enterprise, year=year, agency=agency).exists():
        raise ValidationError(
            {
                "enterprise": _(
                    "%(agency)s is already assigned to verify this enterprise's %(year)s report; "
                    "a preparation declaration can no longer be made."
                )
                % {"agency": agency, "year": year}
            }
        )
    declaration = AgencyDeclaration(
        agency=agency, enterprise=enterprise, year=year, declared_by=actor, note=(note or "").strip()
    )
    declaration.full_clean()
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        raise ValidationError(
            {"enterprise": _("This declaration has already been made.")}
        ) from None
    events.record(
        actor=actor,
        verb="declaration.added",
        target=declaration,
        message=_("%(agency)s declared it prepared the %(year)s report of %(enterprise)s")
        % {"agency": agency, "year": year, "enterprise": enterprise},
    )
    return declaration


def ineligibility_reason(agency, sector, *, today: date | None = None) -> str | None:
    """Why ``agency`` may not verify a report of ``sector`` today (its verification
    qualification: ``verifiers.rules.verification_eligibility``), or ``None``."""
    verdict = verifier_selectors.eligibility(agency, sector, today=today or _today())
    values = {
        "agency": agency,
        "sector": sector,
        "until": verdict.valid_until.isoformat() if verdict.valid_until else "",
        "from": verdict.valid_from.isoformat() if verdict.valid_from else "",
    }
    messages = {
        verifier_rules.NO_QUALIFICATION: _(
            "%(agency)s holds no verification qualification and cannot be assigned."
        ),
        verifier_rules.QUALIFICATION_EXPIRED: _(
            "%(agency)s cannot be assigned: its verification qualification ran until "
            "%(until)s and has expired."
        ),
        verifier_rules.QUALIFICATION_NOT_YET_VALID: _(
            "%(agency)s cannot be assigned: its verification qualification is valid only from "
            "%(from)s."
        ),
        verifier_rules.SECTOR_NOT_COVERED: _(
            "%(agency)s cannot be assigned: its verification qualification does not cover "
            "the %(sector)s sector."
        ),
    }
    return None if verdict.ok else messages[verdict.state] % values


@transaction.atomic
def verification_assign(*, actor, report, agency, due: date, acknowledge_credit: bool = False):
    """The bureau assigns an agency and a due date (refused on a conflict of interest).

    What higher apps advise about the agency (``zhongwei_carbon.advisories``: its credit grade)
    is kept with the assignment's event; an advisory that needs an acknowledgement (a red
    grade) refuses the assignment unless ``acknowledge_credit`` is set."""
    report = lock(report)
    _check(actor, report, Action.ASSIGN)
    if agency.status != AgencyStatus.ACTIVE:
        raise ValidationError(
            {"agency": _("%(agency)s is not active and cannot be assigned.") % {"agency": agency}}
        )
    if verifier_rules.suspended(agency.suspended_until, _today()):
        raise ValidationError({"agency": _(
            "%(agency)s is suspended from verification until %(date)s and cannot be assigned."
        ) % {"agency": agency, "date": agency.suspended_until.isoformat()}})
    reason = ineligibility_reason(agency, report.enterprise.sector)
    if reason:
        raise ValidationError({"agency": reason})
    if AgencyDeclaration.objects.filter(
        agency=agency, enterprise_id=report.enterprise_id, year=report.year
    ).exists():
        raise ValidationError(
            {
                "agency": _(
                    "%(agency)s declared it prepared this enterprise's %(year)s report and may "
                    "not verify it (conflict of interest, Interim Regulations Art. 13)."
                )
                % {"agency": agency, "year": report.year}
            }
        )
    if due is None or due < _today():
        raise ValidationError({"due": _("The due date must not be in the past.")})
    advised = advisories.for_agency(actor, agency)
    if advisories.needing_ack(advised) and not acknowledge_credit:
        raise ValidationError({"acknowledge_credit": [
            _("%(message)s (Tick the acknowledgement to assign it anyway.)") % {"message": a.message}
            for a in advisories.needing_ack(advised)
        ]})
    report.agency = agency
    report.verification_due = due
    report.assigned_at = timezone.now()
    report.assigned_by = actor
    message = _("Verification assigned to %(agency)s, due %(due)s") % {
        "agency": agency, "due": due.isoformat()}
    data = {"agency": agency.pk, "due": due}
    warned = [a for a in advised if a.warns]
    if warned:  # the warning the bureau went past stays with the assignment
        message += " · " + _("despite: %(warnings)s") % {
            "warnings": "; ".join(a.short for a in warned)}
        data |= {"advisories": [a.code for a in warned], "acknowledged": bool(acknowledge_credit)}
    return apply_transition(
        actor=actor, report=report, action=Action.ASSIGN, message=message, data=data,
    )


# --- findings ----------------------------------------------------------------------------


@transaction.atomic
def finding_add(*, actor, report, text: str) -> Finding:
    report = lock(report)
    _require(actor, report, {Role.AGENCY_STAFF})
    if report.status not in AGENCY_WORKING:
        raise ValidationError(_("Findings can be recorded only while the report is under verification."))
    finding = Finding(
        report=report, round=report.verification_round + 1, text=(text or "").strip(), raised_by=actor
    )
    finding.full_clean()
    finding.save()
    # On the finding, not the report: the report's activity is shown to the enterprise,
    # which must not learn of a finding before it is sent (DESIGN.md §6).
    events.record(
        actor=actor, verb="finding.added", target=finding,
        message=_("Finding recorded (round %(round)s)") % {"round": finding.round},
        data={"finding": finding.pk},
    )
    return finding


@transaction.atomic
def finding_send(*, actor, finding: Finding) -> Finding:
    finding = Finding.objects.select_for_update(no_key=True).select_related("report").get(pk=finding.pk)
    _require(actor, finding.report, {Role.AGENCY_STAFF})
    if finding.report.status not in FINDING_SEND_STATUSES:
        raise ValidationError(
            _("Findings can be sent only while the report is under verification; it is %(status)s.")
            % {"status": finding.report.get_status_display()}
        )
    if finding.sent_at is not None:
        raise ValidationError(_("This finding has already been sent."))
    finding.sent_at = timezone.now()
    finding.full_clean()
    finding.save()
    events.record(
        actor=actor, verb="finding.sent", target=finding.report,
        message=_("Finding sent to the enterprise"), data={"finding": finding.pk},
    )
    events.publish("finding.sent", finding_id=finding.pk)
    return finding


@transaction.atomic
def finding_answer(*, actor, finding: Finding, response: str) -> Finding:
    finding = Finding.objects.select_for_update(no_key=True).select_related("report").get(pk=finding.pk)
    _require(actor, finding.report, {Role.ENTERPRISE_USER})
    if finding.sent_at is None:
        raise PermissionDenied(_("This finding has not been sent."))
    if finding.report.status == ReportStatus.FINAL:
        raise ValidationError(
            _("The report is final: findings can no longer be answered.")
        )
    if finding.status != FindingStatus.OPEN:
        raise ValidationError(_("This finding has already been answered."))
    if not (response or "").strip():
        raise ValidationError({"response": _("Write your answer.")})
    finding.response = response.strip()
    finding.responded_at = timezone.now()
    finding.responded_by = actor
    finding.status = FindingStatus.ANSWERED
    finding.full_clean()
    finding.save()
    events.record(
        actor=actor, verb="finding.answered", target=finding.report,
        message=_("Finding answered by the enterprise"), data={"finding": finding.pk},
    )
    events.publish("finding.answered", finding_id=finding.pk)
    return finding


# --- verification report -----------------------------------------------------------------


def _figure(row: dict, index: int, report, reported: dict) -> VerificationFigure:
    """One verified figure; its "reported" value comes from the report's current version
    (``reported``: (facility id, source) -> tCO2e), never from the caller."""
    facility = row.get("facility")
    if facility is not None and facility.enterprise_id != report.enterprise_id:
        raise ValidationError(
            {"figures": _("This facility belongs to another enterprise.")}
        )
    raw = row.get("verified")
    if isinstance(raw, float):
        raise TypeError("pass Decimal, never float")
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, TypeError):
        raise ValidationError({"figures": _("Row %(n)s: enter a number.") % {"n": index}}) from None
    if not value.is_finite():
        raise ValidationError({"figures": _("Row %(n)s: enter a number.") % {"n": index}})
    if value < 0:
        raise ValidationError(
            {"figures": _("Row %(n)s: emissions cannot be negative.") % {"n": index}}
        )
    if row.get("source_kind") not in SourceKind.values:
        raise ValidationError({"figures": _("Row %(n)s: choose a source.") % {"n": index}})
    key = (facility.pk if facility is not None else None, row["source_kind"])
    return VerificationFigure(
        facility=facility,
        source_kind=row["source_kind"],
        reported=round_tonnes(reported.get(key, Decimal("0"))),
        verified=round_tonnes(value),
    )


def _reported(report) -> dict:
    """(facility id, source) -> reported tCO2e of the report's current version."""
    return {
        (row["facility"].pk if row["facility"] is not None else None, row["source_kind"]): row[
            "reported"
        ]
        for row in reported_by_source(report)
    }


@dataclass(frozen=True)
class Filing:
    """A checked verification round, not yet filed: what the confirmation step shows."""

    round: int
    conclusion: str
    figures: list  # VerificationFigure rows (unsaved)
    verified_total: Decimal
    reported_total: Decimal
    file_name: str
    file_size: int
    sha256: str

    @property
    def conclusion_label(self) -> str:
        return Conclusion(self.conclusion).label


def _filing(actor, report, conclusion: str, figures: list[dict], file) -> Filing:
    """Every check of a filing (state, actor, conclusion, figures, the PDF's signature)."""
    _check(actor, report, Action.FILE_VERIFICATION)
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": _("Choose a conclusion.")})
    if not figures:
        raise ValidationError({"figures": _("Enter at least one verified figure.")})
    reported = _reported(report)
    rows = [_figure(row, i, report, reported) for i, row in enumerate(figures, start=1)]
    covered = {(r.facility_id, r.source_kind) for r in rows}
    if conclusion == Conclusion.CONFIRMED and (
        any(r.verified != r.reported for r in rows)
        or any(v and key not in covered for key, v in reported.items())
    ):
        raise ValidationError(
            {"conclusion": _("Verified figures differ from the reported ones: the conclusion must be "
                             "“corrected”.")}
        )
    if file is None:
        raise ValidationError({"file": _("Upload the signed verification report (PDF).")})
    data = _read(file, field="file", magic=(PDF_MAGIC,),
                 message=_("The signed verification report must be a PDF file."))
    return Filing(
        round=report.verification_round + 1,
        conclusion=conclusion,
        figures=rows,
        verified_total=round_tonnes(sum((r.verified for r in rows), Decimal("0"))),
        reported_total=round_tonnes(sum(reported.values(), Decimal("0"))),
        file_name=getattr(file, "name", ""),
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def verification_file_check(*, actor, report, conclusion: str, figures: list[dict], file) -> Filing:
    """What ``verification_file`` would file, after all its checks; nothing is written (the
    page shows it for confirmation, DESIGN: confirm only what has been validated)."""
    return _filing(actor, report, conclusion, figures, file)


@transaction.atomic
def verification_file(*, actor, report, conclusion: str, figures: list[dict], file, note: str = ""):
    """The agency files a round: verified figures per source, the conclusion and the signed PDF.
    The verified total is the sum of the figures."""
    report = lock(report)
    filing = _filing(actor, report, conclusion, figures, file)
    rows = filing.figures
    round_no = filing.round
    verification = VerificationReport(
        report=report,
        round=round_no,
        agency=report.agency,
        filed_by=actor,
        conclusion=conclusion,
        verified_total=filing.verified_total,
        file=file,
        sha256=filing.sha256,
        note=(note or "").strip(),
    )
    verification.full_clean()
    report.verification_round = round_no
    apply_transition(
        actor=actor,
        report=report,
        action=Action.FILE_VERIFICATION,
        # No figure in the message: the activity log is shown to the enterprise, which must
        # not see a verifier's figures before the bureau accepts them (DESIGN.md §6).
        message=f"{_('Verification report filed')} · {_('Round %(n)s') % {'n': round_no}}",
        data={"round": round_no, "verified_total": verification.verified_total},
    )
    verification.save()
    for row in rows:
        row.verification = verification
        row.full_clean()
        row.save()
    return verification


# --- re-check ----------------------------------------------------------------------------


def _finalise(actor, report, verification) -> None:
    report.final_emissions = verification.verified_total
    report.final_at = timezone.now()
    report.notice_date = _today()
    report.objection_deadline = workdays.deadline(
        report.notice_date, _window(report.year, "objection_working_days")
    )
    existing = EmissionRecord.objects.filter(enterprise_id=report.enterprise_id, year=report.year).first()
    emission_record_upsert(
        actor=actor,
        enterprise=report.enterprise,
        year=report.year,
        emissions_tco2e=verification.verified_total,
        energy_tce=existing.energy_tce if existing else None,
        source="verified",
        note=_("Verified, re-check accepted (round %(round)s)") % {"round": verification.round},
    )


def recheck_check(*, actor, report, decision: str, opinion: str = "") -> str:
    """Every check of ``recheck`` (nothing written); returns the workflow action."""
    opinion = (opinion or "").strip()
    if decision not in RecheckDecision.values:
        raise ValidationError({"decision": _("Choose accept or return.")})
    if decision == RecheckDecision.RETURNED and not opinion:
        raise ValidationError({"opinion": _("Write the opinions the agency must address.")})
    action = Action.RECHECK_ACCEPT if decision == RecheckDecision.ACCEPTED else Action.RECHECK_RETURN
    _check(actor, report, action)
    return action


@transaction.atomic
def recheck(*, actor, report, decision: str, opinion: str = "") -> Recheck:
    """The bureau's re-check of the latest round: accept (figures final) or return."""
    report = lock(report)
    action = recheck_check(actor=actor, report=report, decision=decision, opinion=opinion)
    opinion = (opinion or "").strip()
    verification = report.verifications.order_by("-round").first()
    row = Recheck(report=report, round=report.verification_round, decision=decision,
                  opinion=opinion, decided_by=actor)
    if decision == RecheckDecision.ACCEPTED:
        _finalise(actor, report, verification)
    apply_transition(
        actor=actor,
        report=report,
        action=action,
        message=_("Re-check round %(round)s: %(decision)s")
        % {"round": row.round, "decision": RecheckDecision(decision).label},
        data={"round": row.round, "final_emissions": report.final_emissions},
    )
    row.full_clean()
    row.save()
    if decision == RecheckDecision.ACCEPTED:
        events.publish(
            "report.final",
            report_id=report.pk,
            enterprise_id=report.enterprise_id,
            year=report.year,
            final_emissions=report.final_emissions,
        )
    return row


# --- objections --------------------------------------------------------------------------


def objection_blocker(report, today: date | None = None) -> str | None:
    """Why the final result cannot be objected to (today), or ``None``: the period ends on
    ``objection_deadline`` inclusive, and one objection per result (Measures Art. 27)."""
    today = today or _today()
    if report.objection_deadline and today > report.objection_deadline:
        return _("The objection period ended on %(date)s.") % {
            "date": report.objection_deadline.isoformat()
        }
    if report.final_at and report.objections.filter(filed_at__gte=report.final_at).exists():
        # a rejected objection must not reopen the result
        return _("An objection to this result has already been filed.")
    return None


def objection_check(*, actor, report, reasons: str, file=None) -> None:
    """Every check of ``objection_file`` (nothing written)."""
    _check(actor, report, Action.OBJECT)
    blocker = objection_blocker(report)
    if blocker:
        raise ValidationError(blocker)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the objection.")})
    if file:
        _read(file, field="file", magic=EVIDENCE_MAGIC,
              message=_("Attach a PDF, PNG or JPEG file."))


@transaction.atomic
def objection_file(*, actor, report, reasons: str, file=None) -> Objection:
    """The enterprise objects to the final result, until ``objection_deadline`` inclusive."""
    report = lock(report)
    objection_check(actor=actor, report=report, reasons=reasons, file=file)
    reasons = (reasons or "").strip()
    today = _today()
    objection = Objection(
        report=report, reasons=reasons, file=file or "", filed_by=actor,
        decision_due=workdays.deadline(today, _window(report.year, "objection_decision_working_days")),
    )
    apply_transition(
        actor=actor, report=report, action=Action.OBJECT,
        message=_("Objection filed; decision due %(due)s") % {"due": objection.decision_due.isoformat()},
        data={"decision_due": objection.decision_due},
    )
    objection.full_clean()
    objection.save()
    return objection


def objection_decide_check(*, actor, objection: Objection, decision: str, note: str) -> str:
    """Every check of ``objection_decide`` (nothing written); returns the workflow action."""
    if objection.decision != ObjectionDecision.PENDING:
        raise ValidationError(_("This objection has already been decided."))
    if decision not in (ObjectionDecision.UPHELD, ObjectionDecision.REJECTED):
        raise ValidationError({"decision": _("Choose uphold or reject.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the reasons for the decision.")})
    action = Action.OBJECTION_UPHOLD if decision == ObjectionDecision.UPHELD else Action.OBJECTION_REJECT
    _check(actor, objection.report, action)
    return action


@transaction.atomic
def objection_decide(*, actor, objection: Objection, decision: str, note: str) -> Objection:
    """Uphold (back to the agency for revision) or reject (the result stands)."""
    objection = Objection.objects.select_for_update(no_key=True).get(pk=objection.pk)
    report = lock(objection.report)
    objection.report = report
    action = objection_decide_check(actor=actor, objection=objection, decision=decision, note=note)
    note = (note or "").strip()
    apply_transition(
        actor=actor, report=report, action=action,
        message=_("Objection decided: %(decision)s") % {"decision": ObjectionDecision(decision).label},
        data={"objection": objection.pk},
    )
    objection.decision = decision
    objection.decision_note = note
    objection.decided_at = timezone.now()
    objection.decided_by = actor
    objection.full_clean()
    objection.save()
    return objection
