"""Violation cases (Interim Regulations, Decree 775, Art. 21–23): opened by the bureau admin
from an inspection that concluded "violation" (or on a recorded trigger), with facts, evidence,
responsible persons and cooperating departments; decided once (the fine within the range the
data rows allow, the decision document, the allocation cut or the agency's ban), then referred
to the region and closed. ``violation.decided`` is published for credit to score."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import penalty_rules as rules
from oversight.choices import CaseStatus, Conclusion, Department, TargetKind, ViolationArticle
from oversight.models import (
    CaseEvidence,
    CooperatingDepartment,
    PenaltyRange,
    ResponsiblePerson,
    ViolationCase,
)
from oversight.selectors import violations as selectors
from oversight.services.inspections import checked_files
from oversight.services.inspectors import require
from verifiers import services as agency_services
from zhongwei_carbon import events, uploads
from zhongwei_carbon.roles import Perm

MANAGE = Perm.MANAGE_VIOLATION
AGENCY_ARTICLES = (ViolationArticle.ART_23,)


def _yuan(amount: int) -> str:
    return f"{amount:,}"


def _span_text(span: rules.Span) -> str:
    return _("CNY %(low)s to %(high)s") % {"low": _yuan(span.low), "high": _yuan(span.high)}


def _lock(case: ViolationCase) -> ViolationCase:
    return ViolationCase.objects.select_for_update(no_key=True, of=("self",)).get(pk=case.pk)


def _open_only(case: ViolationCase) -> None:
    if case.status != CaseStatus.OPEN:
        raise ValidationError(_("The case is decided and can no longer be changed."),
                              code="decided")


def _store(*, actor, case, files) -> list[CaseEvidence]:
    return uploads.store_documents(
        files, lambda **names: CaseEvidence(case=case, uploaded_by=actor, **names))


@transaction.atomic
def case_open(*, actor, article: str, facts: str, inspection=None, enterprise=None,
              agency=None, trigger_note: str = "", illegal_gains: int | None = None,
              refused_correction: bool = False, serious: bool = False,
              files=()) -> ViolationCase:
    """A case from ``inspection`` (its conclusion must be "violation"; the party is the
    inspected one) or, without one, against ``enterprise`` or ``agency`` on ``trigger_note``."""
    require(actor, MANAGE)
    errors = {}
    trigger_note = (trigger_note or "").strip()
    if inspection is not None:
        if inspection.conclusion != Conclusion.VIOLATION:
            errors["inspection"] = _(
                "Only an inspection that concluded “violation found” can open a case.")
        enterprise, agency = inspection.enterprise, inspection.agency
    elif not trigger_note:
        errors["trigger_note"] = _("Without an inspection, describe what triggered the case.")
    if (enterprise is None) == (agency is None):
        errors["enterprise"] = _("Choose either an enterprise or an agency.")
    if article not in ViolationArticle.values:
        errors["article"] = _("Choose the article violated.")
    elif agency is not None and article not in AGENCY_ARTICLES:
        errors["article"] = _("A case against an agency falls under Art. 23.")
    elif enterprise is not None and article in AGENCY_ARTICLES:
        errors["article"] = _("Art. 23 applies to agencies; choose Art. 21 or Art. 22.")
    if not (facts or "").strip():
        errors["facts"] = _("State the facts of the violation.")
    if illegal_gains is not None and (isinstance(illegal_gains, float) or illegal_gains < 0):
        errors["illegal_gains"] = _("Illegal gains are whole yuan, zero or more.")
    if errors:
        raise ValidationError(errors)
    checked = checked_files(files)
    target = enterprise or agency
    case = ViolationCase(
        inspection=inspection, trigger_note=trigger_note,
        target_kind=TargetKind.ENTERPRISE if enterprise else TargetKind.AGENCY,
        enterprise=enterprise, agency=agency, target_name=target.name,
        area=enterprise.area if enterprise else None, year=timezone.localdate().year,
        article=article, facts=facts.strip(), illegal_gains=illegal_gains or None,
        refused_correction=bool(refused_correction) and article == ViolationArticle.ART_22,
        serious=bool(serious) and article == ViolationArticle.ART_23, opened_by=actor,
    )
    case.full_clean(exclude=["inspection", "enterprise", "agency", "area", "opened_by"])
    case.save()
    _store(actor=actor, case=case, files=checked)
    events.record(
        actor=actor, verb="violation.opened", target=case,
        message=_("Violation case opened: %(article)s, %(n)s evidence files")
        % {"article": case.get_article_display(), "n": len(checked)},
        data={"inspection": inspection.pk if inspection else None, "article": article},
    )
    if inspection is not None:
        events.record(actor=actor, verb="inspection.case_opened", target=inspection,
                      message=_("Violation case opened (%(article)s)")
                      % {"article": case.get_article_display()}, data={"case": case.pk})
    return case


@transaction.atomic
def evidence_add(*, actor, case: ViolationCase, files) -> list[CaseEvidence]:
    require(actor, MANAGE)
    case = _lock(case)
    _open_only(case)
    checked = checked_files(files)
    if not checked:
        raise ValidationError({"files": _("Attach at least one file.")})
    stored = _store(actor=actor, case=case, files=checked)
    events.record(actor=actor, verb="violation.evidence_added", target=case,
                  message=_("Evidence added: %(names)s")
                  % {"names": "、".join(e.original_name for e in stored)})
    return stored


def _person_errors(penalties: rules.Penalties, fine) -> dict:
    span = penalties.person_fine
    if span is None:
        return {"name": _("This article provides no fine for responsible persons.")}
    if fine is None or not span.contains(fine):
        return {"fine": _("A responsible person's fine must lie between %(range)s.")
                % {"range": _span_text(span)}}
    return {}


@transaction.atomic
def person_add(*, actor, case: ViolationCase, name: str, fine: int,
               position: str = "") -> ResponsiblePerson:
    """A person directly responsible and his fine (within the article's range)."""
    require(actor, MANAGE)
    case = _lock(case)
    _open_only(case)
    errors = _person_errors(selectors.case_penalties(case), fine)
    if not (name or "").strip():
        errors.setdefault("name", _("Enter the person's name."))
    if errors:
        raise ValidationError(errors)
    person = ResponsiblePerson(case=case, name=name.strip(), position=(position or "").strip(),
                               fine=fine)
    person.full_clean()
    person.save()
    events.record(actor=actor, verb="violation.person_added", target=case,
                  message=_("Responsible person %(name)s, proposed fine CNY %(fine)s")
                  % {"name": person.name, "fine": _yuan(fine)}, data={"person": person.pk})
    return person


@transaction.atomic
def department_add(*, actor, case: ViolationCase, department: str, name: str = "",
                   contact: str = "", note: str = "") -> CooperatingDepartment:
    """A department of joint enforcement on the case (a record; allowed after the decision)."""
    require(actor, MANAGE)
    case = _lock(case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed."))
    if department not in Department.values:
        raise ValidationError({"department": _("Choose the department.")})
    row = CooperatingDepartment(case=case, department=department, name=(name or "").strip(),
                                contact=(contact or "").strip(), note=(note or "").strip())
    row.full_clean()
    row.save()
    events.record(actor=actor, verb="violation.department_added", target=case,
                  message=_("Joint enforcement with %(department)s") % {"department": row},
                  data={"department": department})
    return row


def _decision_errors(case, penalties, *, fine, decision_number, decided_on, file,
                     allocation_cut_percent, ban_until) -> dict:
    errors = {}
    if penalties.fine is None:
        errors["fine"] = _("No penalty range is recorded for this article and year.")
    elif fine is None or not penalties.fine.contains(fine):
        errors["fine"] = _(
            "The fine must lie between %(range)s (%(source)s); nothing was saved."
        ) % {"range": _span_text(penalties.fine), "source": penalties.fine.source}
    if not (decision_number or "").strip():
        errors["decision_number"] = _("Enter the number of the decision document.")
    today = timezone.localdate()
    if decided_on is None:
        errors["decided_on"] = _("Enter the date of the decision.")
    elif decided_on > today:
        errors["decided_on"] = _("The decision date cannot be in the future.")
    elif decided_on < timezone.localtime(case.opened_at).date():
        errors["decided_on"] = _("The decision cannot be dated before the case was opened.")
    if file is None:
        errors["file"] = _("Attach the decision document (PDF).")
    cut = penalties.allocation_cut
    if cut is not None and case.refused_correction:
        if allocation_cut_percent is None or not cut.contains(allocation_cut_percent):
            errors["allocation_cut_percent"] = _(
                "The enterprise refuses to correct: the cut of next year's allocation must lie "
                "between %(low)s %% and %(high)s %%."
            ) % {"low": int(cut.low), "high": int(cut.high)}
    elif allocation_cut_percent is not None:
        errors["allocation_cut_percent"] = _(
            "An allocation cut applies only under Art. 22 when the enterprise refuses to correct.")
    ban = penalties.ban_years
    if ban is not None and case.serious:
        if ban_until is None:
            errors["ban_until"] = _("A serious case: give the last day of the ban.")
        elif decided_on is not None:
            latest = rules.ban_latest_end(decided_on, ban.high)
            if not decided_on < ban_until <= latest:
                errors["ban_until"] = _(
                    "The ban ends after the decision and at the latest on %(date)s "
                    "(%(years)s years).") % {"date": latest.isoformat(), "years": int(ban.high)}
    elif ban_until is not None:
        errors["ban_until"] = _("A ban applies only to a serious Art. 23 case.")
    if penalties.person_fine is not None:
        for person in case.persons.all():
            if not penalties.person_fine.contains(person.fine):
                errors["fine"] = _("The fine of %(name)s must lie between %(range)s.") % {
                    "name": person.name, "range": _span_text(penalties.person_fine)}
    return errors


def _decision_pdf(file) -> bytes:
    return uploads.checked_bytes(file, field="file", magic=(uploads.PDF_MAGIC,),
                                 message=_("Attach the decision document as a PDF file."))


def decide_check(*, actor, case: ViolationCase, fine, decision_number, decided_on, file,
                 allocation_cut_percent=None, ban_until=None) -> dict:
    """What deciding would do (nothing written); raises what ``case_decide`` would."""
    require(actor, MANAGE)
    _open_only(case)
    penalties = selectors.case_penalties(case)
    errors = _decision_errors(
        case, penalties, fine=fine, decision_number=decision_number, decided_on=decided_on,
        file=file, allocation_cut_percent=allocation_cut_percent, ban_until=ban_until,
    )
    if errors:
        raise ValidationError(errors)
    data = _decision_pdf(file)
    return {"penalties": penalties, "range": _span_text(penalties.fine), "data": data,
            "persons": list(case.persons.all())}


@transaction.atomic
def case_decide(*, actor, case: ViolationCase, fine: int, decision_number: str, decided_on,
                file, allocation_cut_percent=None, ban_until=None) -> ViolationCase:
    """Record the decision (irreversible): the fine, the document, the allocation cut, the
    agency's ban (through ``verifiers.services.agency_suspend``)."""
    case = _lock(case)
    summary = decide_check(actor=actor, case=case, fine=fine, decision_number=decision_number,
                           decided_on=decided_on, file=file,
                           allocation_cut_percent=allocation_cut_percent, ban_until=ban_until)
    data = summary["data"]
    span = summary["penalties"].fine
    case.fine, case.fine_low, case.fine_high = fine, span.low, span.high
    case.decision_number = decision_number.strip()
    case.decided_on = decided_on
    case.allocation_cut_percent = allocation_cut_percent
    case.ban_until = ban_until
    case.status = CaseStatus.DECIDED
    case.decided_by, case.decided_at = actor, timezone.now()
    digest = hashlib.sha256(data).hexdigest()
    case.decision_file.save(f"{digest[:16]}.pdf", ContentFile(data), save=False)
    case.full_clean(exclude=["inspection", "enterprise", "agency", "area", "opened_by",
                             "decided_by"])
    case.save()
    message = _("Decided: fine CNY %(fine)s (allowed %(range)s), decision %(number)s of %(date)s") % {
        "fine": _yuan(fine), "range": summary["range"], "number": case.decision_number,
        "date": decided_on.isoformat()}
    if allocation_cut_percent is not None:
        message += " · " + _("next year's allocation cut by %(p)s %%") % {
            "p": allocation_cut_percent}
    if ban_until is not None:
        message += " · " + _("banned until %(date)s") % {"date": ban_until.isoformat()}
        agency_services.agency_suspend(
            actor=actor, agency=case.agency, until=ban_until, source=case,
            reason=_("Violation case decision %(number)s (Art. 23)")
            % {"number": case.decision_number},
        )
    events.record(actor=actor, verb="violation.decided", target=case, message=message,
                  data={"fine": fine, "article": case.article, "decided_on": decided_on,
                        "allocation_cut_percent": allocation_cut_percent,
                        "ban_until": ban_until})
    events.publish(
        "violation.decided", case_id=case.pk, article=case.article, amount=fine,
        decided_on=decided_on, subject_kind=case.target_kind,
        enterprise_id=case.enterprise_id, agency_id=case.agency_id,
        person_fines=sum(p.fine for p in summary["persons"]),
        allocation_cut_percent=allocation_cut_percent, ban_until=ban_until,
    )
    return case


def _move(actor, case, target, verb, message, note) -> ViolationCase:
    require(actor, MANAGE)
    case = _lock(case)
    if not rules.case_next_status(case.status, target):
        raise ValidationError(_("A case that is %(status)s cannot be %(action)s.") % {
            "status": case.get_status_display(), "action": dict(
                [("referred", _("referred")), ("closed", _("closed"))])[target]})
    case.status = target
    case.status_note = (note or "").strip()[:500]
    if target == CaseStatus.REFERRED:
        case.referred_at = timezone.now()
    case.save(update_fields=["status", "status_note", "referred_at"])
    events.record(actor=actor, verb=verb, target=case,
                  message=message + (f" · {case.status_note}" if case.status_note else ""))
    return case


@transaction.atomic
def case_refer(*, actor, case: ViolationCase, note: str = "") -> ViolationCase:
    """The decided case is reported to the region (自治区生态环境厅)."""
    return _move(actor, case, CaseStatus.REFERRED, "violation.referred",
                 _("Referred to the regional department"), note)


@transaction.atomic
def case_close(*, actor, case: ViolationCase, note: str = "") -> ViolationCase:
    return _move(actor, case, CaseStatus.CLOSED, "violation.closed", _("Case closed"), note)


@transaction.atomic
def penalty_range_add(*, actor, article: str, kind: str, low, high, year: int,
                      source: str) -> PenaltyRange:
    """A new range row, in force for cases from ``year`` on (the rows of earlier years stay as
    they were: a decided case keeps the range it was decided in)."""
    require(actor, MANAGE)
    errors = {}
    if low is None or high is None or high < low:
        errors["high"] = _("The upper bound cannot be below the lower bound.")
    if PenaltyRange.objects.filter(article=article, kind=kind, year=year).exists():
        errors["year"] = _("A range of this article and kind already applies from this year.")
    if errors:
        raise ValidationError(errors)
    row = PenaltyRange(article=article, kind=kind, low=low, high=high, year=year,
                       source=(source or "").strip())
    row.full_clean()
    row.save()
    events.record(actor=actor, verb="penalty_range.added", target=row,
                  message=_("Penalty range added: %(row)s, from %(year)s (%(source)s)")
                  % {"row": row, "year": year, "source": row.source})
    return row
