"""Rectification (责令改正): the enterprise or agency answers with evidence, an inspector of the
inspection accepts the answer (the inspection closes) or returns it with a reason; a
rectification not answered by its deadline is reported overdue once (``rectification.overdue``,
for credit and for the reminders that will schedule ``rectifications_report_overdue``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.choices import AnswerDecision, InspectionStatus, RectificationStatus
from oversight.models import Inspection, Rectification, RectificationAnswer
from oversight.services.inspections import checked_files, store_evidence
from zhongwei_carbon import events, scoping
from zhongwei_carbon.roles import Perm


def _lock(rectification: Rectification) -> Rectification:
    return Rectification.objects.select_for_update(no_key=True, of=("self",)).select_related("inspection").get(
        pk=rectification.pk
    )


def _status(rectification: Rectification, expected: str, message: str) -> None:
    if rectification.status != expected:
        raise ValidationError(message, code="status")


@transaction.atomic
def rectification_answer(*, actor, rectification: Rectification, text: str,
                         files=()) -> RectificationAnswer:
    """The inspected enterprise or agency says what it did, with evidence files."""
    if not scoping.can(actor, Perm.ANSWER_RECTIFICATION, rectification):
        raise PermissionDenied(_("Only the inspected enterprise or agency may answer."))
    rectification = _lock(rectification)
    _status(rectification, RectificationStatus.PENDING,
            _("This rectification is not waiting for an answer."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe what was rectified.")})
    checked = checked_files(files)
    if not checked:
        raise ValidationError({"files": _("Attach the evidence of the rectification.")})
    answer = RectificationAnswer.objects.create(
        rectification=rectification, text=text, answered_by=actor
    )
    store_evidence(actor=actor, inspection=rectification.inspection, files=checked,
                   answer=answer)
    rectification.status = RectificationStatus.ANSWERED
    rectification.save(update_fields=["status"])
    events.record(
        actor=actor, verb="rectification.answered", target=rectification.inspection,
        message=_("Rectification answered (%(n)s evidence files)") % {"n": len(checked)},
        data={"answer": answer.pk},
    )
    events.publish("rectification.answered", rectification_id=rectification.pk)
    return answer


@transaction.atomic
def rectification_review(*, actor, rectification: Rectification, accept: bool,
                         note: str = "") -> Rectification:
    """An inspector of the inspection accepts the latest answer or returns it (a reason is
    then required; the enterprise or agency answers again)."""
    if not scoping.can(actor, Perm.CONDUCT_INSPECTION, rectification.inspection):
        raise PermissionDenied(_("Only the inspectors drawn for this inspection may do this."))
    rectification = _lock(rectification)
    _status(rectification, RectificationStatus.ANSWERED, _("There is no answer to review."))
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Say why the answer is returned.")})
    answer = rectification.answers.select_for_update(no_key=True).order_by("-answered_at", "-pk").first()
    answer.decision = AnswerDecision.ACCEPTED if accept else AnswerDecision.RETURNED
    answer.decision_note, answer.decided_by, answer.decided_at = note, actor, timezone.now()
    answer.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    inspection = rectification.inspection
    if accept:
        rectification.status = RectificationStatus.ACCEPTED
        rectification.accepted_at = timezone.now()
        rectification.save(update_fields=["status", "accepted_at"])
        inspection = Inspection.objects.select_for_update(no_key=True).get(pk=inspection.pk)
        inspection.status = InspectionStatus.CLOSED
        inspection.save(update_fields=["status"])
        message = _("Rectification accepted; the inspection is closed")
    else:
        rectification.status = RectificationStatus.PENDING
        rectification.save(update_fields=["status"])
        message = _("Rectification answer returned: %(note)s") % {"note": note}
    events.record(
        actor=actor, verb="rectification.accepted" if accept else "rectification.returned",
        target=inspection, message=message, data={"answer": answer.pk},
    )
    events.publish("rectification.reviewed", rectification_id=rectification.pk, accepted=accept)
    return rectification


def overdue(today=None):
    """Rectifications waiting for an answer after their deadline (Asia/Shanghai dates)."""
    today = today or timezone.localdate()
    return Rectification.objects.filter(status=RectificationStatus.PENDING, deadline__lt=today)


def rectifications_report_overdue(*, today=None, actor=None) -> list[int]:
    """Report each overdue rectification once: mark it, record ``rectification.overdue`` on
    the inspection and publish it (a second run, or a concurrent one, reports nothing again).
    ``actor``: the system actor running the job (``None``: the system)."""
    reported = []
    with transaction.atomic():
        rows = (
            overdue(today).filter(overdue_published_at__isnull=True)
            .select_for_update(no_key=True, skip_locked=True).select_related("inspection")
        )
        for rectification in rows:
            rectification.overdue_published_at = timezone.now()
            rectification.save(update_fields=["overdue_published_at"])
            events.record(
                actor=actor, verb="rectification.overdue", target=rectification.inspection,
                message=_("Rectification overdue: the deadline %(date)s passed without an answer")
                % {"date": rectification.deadline.isoformat()},
                data={"rectification": rectification.pk},
            )
            events.publish("rectification.overdue", rectification_id=rectification.pk,
                           inspection_id=rectification.inspection_id)
            reported.append(rectification.pk)
    return reported
