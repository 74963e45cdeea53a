"""Inspections: opened from a published draw or outside a plan (a complaint, a data anomaly),
inspected by the inspectors drawn for them (checklist, findings with evidence files), then
concluded: no problem, rectification ordered (deadline in working days of the bureau's
calendar) or violation. ``inspection.concluded`` is published for credit to score."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import rules
from oversight.choices import (
    CheckResult,
    Conclusion,
    InspectionStatus,
    InspectionTrigger,
    TargetKind,
)
from oversight.models import (
    ChecklistItem,
    ConflictDeclaration,
    Evidence,
    Finding,
    Inspection,
    InspectionCheck,
    InspectionInspector,
    Rectification,
)
from oversight.services.inspectors import require
from zhongwei_carbon import events, scoping, uploads, workdays
from zhongwei_carbon.roles import Perm


def create_inspection(*, actor, kind, name, inspectors, enterprise=None, agency=None, area=None,
                      plan=None, drawn_target=None, trigger=InspectionTrigger.PLAN,
                      trigger_note="") -> Inspection:
    """One inspection with its inspectors and the active checklist of its kind (callers check
    who may open it)."""
    inspection = Inspection(
        plan=plan, drawn_target=drawn_target, trigger=trigger, trigger_note=trigger_note,
        target_kind=kind, enterprise=enterprise, agency=agency, target_name=name, area=area,
        created_by=actor,
    )
    inspection.full_clean(exclude=["plan", "drawn_target", "enterprise", "agency", "area",
                                   "created_by"])
    inspection.save()
    InspectionInspector.objects.bulk_create(
        [InspectionInspector(inspection=inspection, inspector=i) for i in inspectors]
    )
    InspectionCheck.objects.bulk_create([
        InspectionCheck(inspection=inspection, item=item, point=item.text)
        for item in ChecklistItem.objects.filter(target_kind=kind, is_active=True)
    ])
    events.record(
        actor=actor, verb="inspection.opened", target=inspection,
        message=_("Inspection opened (%(trigger)s), inspectors: %(names)s")
        % {"trigger": inspection.get_trigger_display(),
           "names": "、".join(i.name for i in inspectors)},
        data={"trigger": trigger, "plan": plan.pk if plan else None},
    )
    return inspection


@transaction.atomic
def inspection_open(*, actor, trigger: str, trigger_note: str, inspectors, enterprise=None,
                    agency=None) -> Inspection:
    """An inspection outside a plan, with what triggered it and the inspectors chosen."""
    require(actor, Perm.OPEN_INSPECTION)
    errors = {}
    if trigger == InspectionTrigger.PLAN or trigger not in InspectionTrigger.values:
        errors["trigger"] = _("Choose what triggered the inspection.")
    if not (trigger_note or "").strip():
        errors["trigger_note"] = _("Describe what triggered the inspection.")
    if (enterprise is None) == (agency is None):
        errors["enterprise"] = _("Choose either an enterprise or an agency.")
    inspectors = list(inspectors)
    if len(inspectors) < rules.INSPECTORS_PER_TARGET_MIN:
        errors["inspectors"] = _("Choose at least %(n)s inspectors.") % {
            "n": rules.INSPECTORS_PER_TARGET_MIN}
    elif any(not i.is_active for i in inspectors):
        errors["inspectors"] = _("An inspector chosen is no longer in the directory.")
    if errors:
        raise ValidationError(errors)
    conflicted = ConflictDeclaration.objects.filter(
        inspector__in=inspectors, enterprise=enterprise, agency=agency, is_active=True
    ).select_related("inspector")
    if conflicted:
        raise ValidationError({"inspectors": _(
            "%(names)s declared a conflict of interest with this target."
        ) % {"names": "、".join(c.inspector.name for c in conflicted)}})
    target = enterprise or agency
    inspection = create_inspection(
        actor=actor, kind=TargetKind.ENTERPRISE if enterprise else TargetKind.AGENCY,
        name=target.name, inspectors=inspectors, enterprise=enterprise, agency=agency,
        area=enterprise.area if enterprise else None, trigger=trigger,
        trigger_note=trigger_note.strip(),
    )
    events.publish("inspection.opened", inspection_id=inspection.pk)
    return inspection


def _as_inspector(actor, inspection: Inspection) -> Inspection:
    """The inspection locked for a change by one of its inspectors (others: refused)."""
    if not scoping.can(actor, Perm.CONDUCT_INSPECTION, inspection):
        raise PermissionDenied(_("Only the inspectors drawn for this inspection may do this."))
    return Inspection.objects.select_for_update(no_key=True, of=("self",)).select_related("plan").get(
        pk=inspection.pk
    )


def _open(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.OPEN:
        raise ValidationError(
            _("The inspection is concluded and can no longer be changed."), code="concluded"
        )


def _check_date(inspection: Inspection, day) -> None:
    if day is None:
        return
    if day > timezone.localdate():
        raise ValidationError({"inspected_on": _("The inspection date cannot be in the future.")})
    plan = inspection.plan
    if plan is not None and not plan.start_date <= day <= plan.end_date:
        raise ValidationError({"inspected_on": _(
            "The plan's inspections run from %(start)s to %(end)s."
        ) % {"start": plan.start_date.isoformat(), "end": plan.end_date.isoformat()}})


@transaction.atomic
def inspection_record(*, actor, inspection: Inspection, inspected_on=None,
                      results: dict | None = None) -> Inspection:
    """Record the date of the visit and the checklist: ``results`` maps a check's id to
    ``(result, note)``."""
    inspection = _as_inspector(actor, inspection)
    _open(inspection)
    _check_date(inspection, inspected_on)
    changed = []
    if inspected_on is not None and inspected_on != inspection.inspected_on:
        inspection.inspected_on = inspected_on
        inspection.save(update_fields=["inspected_on"])
        changed.append(_("inspected on %(date)s") % {"date": inspected_on.isoformat()})
    checks = {c.pk: c for c in inspection.checks.all()}
    for pk, (result, note) in (results or {}).items():
        check = checks.get(pk)
        if check is None:
            raise ValidationError(_("A checklist point does not belong to this inspection."))
        if result and result not in CheckResult.values:
            raise ValidationError(_("Choose a result for each checklist point."))
        if result == CheckResult.PROBLEM and not (note or "").strip():
            raise ValidationError(
                _("Say what the problem is for “%(point)s”.") % {"point": check.point}
            )
        if (check.result, check.note) != (result, note or ""):
            check.result, check.note = result, note or ""
            check.full_clean()
            check.save(update_fields=["result", "note"])
            changed.append(check.point)
    if changed:
        events.record(
            actor=actor, verb="inspection.recorded", target=inspection,
            message=_("Inspection record updated: %(what)s") % {"what": "；".join(changed)},
        )
    return inspection


def checked_files(files, field: str = "files") -> list[tuple[str, bytes]]:
    """Each upload checked (size, PDF/PNG/JPEG by its signature) before anything is stored:
    ``(name, bytes)``, the name being the uploader's stem with the detected type's extension."""
    checked = []
    for upload in files or []:
        data = uploads.checked_bytes(
            upload, field=field, magic=uploads.EVIDENCE_MAGIC,
            message=_("Attach a PDF, PNG or JPEG file."),
        )
        checked.append((upload.name, data))
    return checked


def store_evidence(*, actor, inspection, files, finding=None, answer=None) -> list[Evidence]:
    """Store checked files under generated names (their hash and the detected type)."""
    return uploads.store_documents(files, lambda **names: Evidence(
        inspection=inspection, finding=finding, answer=answer, uploaded_by=actor, **names))


@transaction.atomic
def finding_add(*, actor, inspection: Inspection, text: str, check=None, files=()) -> Finding:
    inspection = _as_inspector(actor, inspection)
    _open(inspection)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the finding.")})
    if check is not None and check.inspection_id != inspection.pk:
        raise ValidationError({"check_result": _("A checklist point of this inspection.")})
    checked = checked_files(files)
    finding = Finding.objects.create(
        inspection=inspection, check_result=check, text=text, recorded_by=actor
    )
    store_evidence(actor=actor, inspection=inspection, files=checked, finding=finding)
    events.record(
        actor=actor, verb="inspection.finding_added", target=inspection,
        message=_("Finding recorded (%(n)s evidence files): %(text)s")
        % {"n": len(checked), "text": text[:200]},
        data={"finding": finding.pk},
    )
    return finding


def _conclusion_errors(inspection, conclusion, note, requirements, working_days) -> dict:
    errors = {}
    if conclusion not in Conclusion.values:
        errors["conclusion"] = _("Choose a conclusion.")
    if inspection.inspected_on is None:
        errors["conclusion"] = _("Record the date of the inspection first.")
    results = list(inspection.checks.values_list("result", flat=True))
    if not rules.checklist_complete(results):
        errors["conclusion"] = _("Give a result for every checklist point first.")
    elif conclusion == Conclusion.NO_PROBLEM and CheckResult.PROBLEM in results:
        errors["conclusion"] = _(
            "A checklist point shows a problem: the conclusion cannot be “no problem”."
        )
    if conclusion in (Conclusion.RECTIFY, Conclusion.VIOLATION) and not inspection.findings.exists():
        errors["conclusion"] = _("Record the findings this conclusion rests on first.")
    if not (note or "").strip():
        errors["note"] = _("State the conclusion in words.")
    if conclusion == Conclusion.RECTIFY:
        if not (requirements or "").strip():
            errors["requirements"] = _("State what must be rectified.")
        low, high = rules.RECTIFICATION_WORKING_DAYS_MIN, rules.RECTIFICATION_WORKING_DAYS_MAX
        if working_days is None or not low <= working_days <= high:
            errors["working_days"] = _("Between %(low)s and %(high)s working days.") % {
                "low": low, "high": high}
    return errors


def conclude_check(*, actor, inspection: Inspection, conclusion: str, note: str,
                   requirements: str = "", working_days: int | None = None) -> dict:
    """What concluding would do (nothing written): raises what ``inspection_conclude`` would."""
    if not scoping.can(actor, Perm.CONDUCT_INSPECTION, inspection):
        raise PermissionDenied(_("Only the inspectors drawn for this inspection may do this."))
    _open(inspection)
    errors = _conclusion_errors(inspection, conclusion, note, requirements, working_days)
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    deadline = (
        workdays.deadline(today, working_days) if conclusion == Conclusion.RECTIFY else None
    )
    return {"deadline": deadline, "ordered_on": today}


@transaction.atomic
def inspection_conclude(*, actor, inspection: Inspection, conclusion: str, note: str,
                        requirements: str = "", working_days: int | None = None) -> Inspection:
    inspection = _as_inspector(actor, inspection)
    summary = conclude_check(actor=actor, inspection=inspection, conclusion=conclusion,
                             note=note, requirements=requirements, working_days=working_days)
    inspection.conclusion = conclusion
    inspection.conclusion_note = note.strip()
    inspection.status = rules.status_after_conclusion(conclusion)
    inspection.concluded_at = timezone.now()
    inspection.concluded_by = actor
    inspection.save()
    message = _("Concluded: %(conclusion)s") % {"conclusion": inspection.get_conclusion_display()}
    if conclusion == Conclusion.RECTIFY:
        rectification = Rectification(
            inspection=inspection, requirements=requirements.strip(),
            ordered_on=summary["ordered_on"], working_days=working_days,
            deadline=summary["deadline"],
        )
        rectification.full_clean()
        rectification.save()
        message += " · " + _("rectify within %(days)s working days, by %(date)s") % {
            "days": working_days, "date": rectification.deadline.isoformat()}
    events.record(
        actor=actor, verb="inspection.concluded", target=inspection, message=message,
        data={"conclusion": conclusion},
    )
    events.publish(
        "inspection.concluded", inspection_id=inspection.pk, conclusion=conclusion,
        target_kind=inspection.target_kind, enterprise_id=inspection.enterprise_id,
        agency_id=inspection.agency_id,
    )
    return inspection
