"""Credit repair (信用修复): after correcting a breach and waiting (``credit.deadlines``), a
subject applies, with evidence, for an event of a published final year to stop counting; the
bureau approves (the event no longer counts from the year after the approval: its weight
leaves the following year's score, see ``credit.rules``) or refuses with a reason."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit import deadlines
from credit.choices import EventStatus, GradingStatus, RepairStatus
from credit.models import CreditEvent, CreditYear, RepairApplication
from credit.selectors import scoring
from credit.services import grading
from zhongwei_carbon import events, notifications, roles, scoping, uploads
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Perm


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def repair_blocker(event: CreditEvent, today: date) -> str | None:
    """Why ``event`` cannot be repaired now, or ``None``."""
    if event.status != EventStatus.ACTIVE:
        return _("This event does not count: there is nothing to repair.")
    if event.repaired_from_year is not None:
        return _("This event has already been repaired.")
    if not CreditYear.objects.filter(year=event.year, status=GradingStatus.FINAL).exists():
        return _("Repair is open only for events of a year whose final grades are published.")
    open_from = deadlines.repair_open_from(event.kind, event.occurred_on)
    if open_from is None:
        return _("This kind of event is a merit: it is not repaired.")
    if today < open_from:
        return _("A repair may be applied for from %(date)s (%(months)s months after the "
                 "event).") % {"date": open_from.isoformat(),
                               "months": deadlines.repair_wait_months(event.kind)}
    if event.repairs.filter(status=RepairStatus.PENDING).exists():
        return _("A repair application for this event is already pending.")
    return None


def apply_check(*, actor, event: CreditEvent, reasons: str, file=None,
                today: date | None = None) -> None:
    if not roles.has_perm(actor, Perm.APPLY_CREDIT_REPAIR):
        raise PermissionDenied
    if not scoping.can(actor, Perm.APPLY_CREDIT_REPAIR, event):
        raise PermissionDenied
    blocker = repair_blocker(event, _today(today))
    if blocker:
        raise ValidationError(blocker)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Describe the correction made.")})
    if not file:
        raise ValidationError({"file": _("Attach the evidence of the correction.")})
    uploads.check_evidence(file)


@transaction.atomic
def apply(*, actor, event: CreditEvent, reasons: str, file=None,
          today: date | None = None) -> RepairApplication:
    event = CreditEvent.objects.select_for_update(no_key=True).get(pk=event.pk)
    apply_check(actor=actor, event=event, reasons=reasons, file=file, today=today)
    application = RepairApplication(event=event, reasons=reasons.strip(), file=file,
                                    filed_by=actor)
    application.full_clean()
    application.save()
    events.record(actor=actor, verb="credit.repair_filed", target=application,
                  message=_("Repair of “%(event)s” applied for.") % {"event": event.summary})
    notifications.notify(
        recipients=notifications.members(roles=roles.roles_for(Perm.DECIDE_CREDIT_REPAIR)),
        key=f"credit-repair:{application.pk}", topic=Topic.CREDIT, todo=True, obj=application,
        subject=_("Credit repair application from %(subject)s") % {"subject": event.subject},
        body=_("%(subject)s applies for the repair of “%(event)s” (%(year)s).") % {
            "subject": event.subject, "event": event.summary, "year": event.year},
        link=reverse("credit:repair_detail", kwargs={"pk": application.pk}),
    )
    return application


def decide_check(*, actor, application: RepairApplication, approve: bool, note: str) -> None:
    if not roles.has_perm(actor, Perm.DECIDE_CREDIT_REPAIR):
        raise PermissionDenied
    if application.status != RepairStatus.PENDING:
        raise ValidationError(_("This application has already been decided."))
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for the refusal.")})


@transaction.atomic
def decide(*, actor, application: RepairApplication, approve: bool, note: str = "",
           today: date | None = None) -> RepairApplication:
    application = (RepairApplication.objects.select_for_update(no_key=True, of=("self",))
                   .get(pk=application.pk))
    decide_check(actor=actor, application=application, approve=approve, note=note)
    event = CreditEvent.objects.select_for_update(no_key=True).get(pk=application.event_id)
    today = _today(today)
    application.status = RepairStatus.APPROVED if approve else RepairStatus.REFUSED
    application.decision_note = (note or "").strip()
    application.decided_at = timezone.now()
    application.decided_by = actor
    if approve:
        application.effective_year = deadlines.repair_effective_year(event_year=event.year,
                                                                     decided_on=today)
        event.repaired_from_year = application.effective_year
        event.full_clean()
        event.save(update_fields=["repaired_from_year"])
        events.record(actor=actor, verb="credit.event_repaired", target=event,
                      message=_("Repaired: no longer counts from %(year)s.")
                      % {"year": application.effective_year},
                      data={"repair": application.pk})
    application.full_clean()
    application.save()
    events.record(actor=actor, verb="credit.repair_decided", target=application,
                  message=_("Repair %(status)s.") % {"status": application.get_status_display()})
    notifications.resolve(application)  # the bureau's to-dos are done
    key = scoring.key_of(event)
    notifications.notify(
        recipients=grading.subject_users([key]).get(key, []),
        key=f"credit-repair-decided:{application.pk}", topic=Topic.CREDIT, obj=application,
        subject=_("Your credit repair application: %(status)s") % {
            "status": application.get_status_display()},
        body=(_("“%(event)s” no longer counts from %(year)s.") % {
            "event": event.summary, "year": application.effective_year} if approve else
            _("“%(event)s”: refused. %(note)s") % {"event": event.summary,
                                                   "note": application.decision_note}),
        link=reverse("credit:repair_detail", kwargs={"pk": application.pk}),
    )
    return application
