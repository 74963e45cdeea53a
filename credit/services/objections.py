"""Objections (异议) to one event of a provisional credit grade: the subject's user files it
within the window, once per event; the bureau decides within 10 working days. Upheld: the
event is voided and the subject's grade recomputed (its history keeps the old one);
dismissed: the event stands."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit import deadlines
from credit.choices import EventStatus, GradingStatus, ObjectionStatus
from credit.models import CreditEvent, CreditObjection, SubjectGrade
from credit.selectors import scoring
from credit.services import grading
from zhongwei_carbon import events, notifications, roles, scoping, uploads, workdays
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Perm


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def events_on_card(grade: SubjectGrade) -> set[int]:
    return {line["event_id"] for line in (grade.card or {}).get("lines", [])}


def objection_blocker(grade: SubjectGrade, today: date) -> str | None:
    """Why no objection can be filed against ``grade`` now, or ``None``."""
    credit_year = grade.credit_year
    if credit_year.status != GradingStatus.PROVISIONAL:
        return _("Objections are taken only while the grades are provisional.")
    if not deadlines.objection_window_open(credit_year.status, credit_year.objections_until, today):
        return _("The objection window closed on %(date)s.") % {
            "date": credit_year.objections_until.isoformat()}
    return None


def file_objection_check(*, actor, grade: SubjectGrade, event: CreditEvent, reasons: str, file=None,
               today: date | None = None) -> date:
    """Everything ``file_objection`` checks, writing nothing; the day the decision will be due."""
    if not roles.has_perm(actor, Perm.OBJECT_TO_CREDIT):
        raise PermissionDenied
    if not scoping.can(actor, Perm.OBJECT_TO_CREDIT, grade):
        raise PermissionDenied
    today = _today(today)
    blocker = objection_blocker(grade, today)
    if blocker:
        raise ValidationError(blocker)
    if (event.pk not in events_on_card(grade) or scoring.key_of(event) != scoring.key_of(grade)):
        raise ValidationError({"event": _("This event is not on your provisional score card.")})
    if event.status != EventStatus.ACTIVE:
        raise ValidationError({"event": _("This event no longer counts.")})
    if CreditObjection.objects.filter(event=event).exists():
        raise ValidationError({"event": _("An objection to this event has already been filed.")})
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the objection.")})
    if file:
        uploads.check_evidence(file)
    return workdays.deadline(today, deadlines.OBJECTION_DECISION_WORKING_DAYS)


@transaction.atomic
def file_objection(*, actor, grade: SubjectGrade, event: CreditEvent, reasons: str, file=None,
         today: date | None = None) -> CreditObjection:
    grade = (SubjectGrade.objects.select_for_update(no_key=True, of=("self",))
             .select_related("credit_year").get(pk=grade.pk))
    event = CreditEvent.objects.select_for_update(no_key=True).get(pk=event.pk)
    due = file_objection_check(actor=actor, grade=grade, event=event, reasons=reasons,
                               file=file,
                     today=today)
    objection = CreditObjection(grade=grade, event=event, reasons=reasons.strip(),
                                file=file or "", filed_by=actor, decision_due=due)
    objection.full_clean()
    objection.save()
    events.record(actor=actor, verb="credit.objection_filed", target=objection,
                  message=_("Objection to “%(event)s” filed; decision due %(date)s.")
                  % {"event": event.summary, "date": due.isoformat()})
    notifications.notify(
        recipients=notifications.members(roles=roles.roles_for(Perm.DECIDE_CREDIT_OBJECTION)),
        key=f"credit-objection:{objection.pk}", topic=Topic.OBJECTION, todo=True, obj=objection,
        subject=_("Credit objection from %(subject)s") % {"subject": grade.subject},
        body=_("%(subject)s objects to “%(event)s” of its provisional grade %(year)s; "
               "decision due %(date)s.") % {"subject": grade.subject, "event": event.summary,
                                            "year": grade.credit_year.year,
                                            "date": due.isoformat()},
        link=reverse("credit:objection_detail", kwargs={"pk": objection.pk}),
    )
    return objection


def decide_check(*, actor, objection: CreditObjection, decision: str, note: str) -> None:
    if not roles.has_perm(actor, Perm.DECIDE_CREDIT_OBJECTION):
        raise PermissionDenied
    if objection.status != ObjectionStatus.PENDING:
        raise ValidationError(_("This objection has already been decided."))
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ValidationError({"decision": _("Choose uphold or dismiss.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the reasons for the decision.")})


@transaction.atomic
def decide(*, actor, objection: CreditObjection, decision: str, note: str) -> CreditObjection:
    objection = (CreditObjection.objects.select_for_update(no_key=True, of=("self",))
                 .get(pk=objection.pk))
    decide_check(actor=actor, objection=objection, decision=decision, note=note)
    grade = (SubjectGrade.objects.select_for_update(no_key=True, of=("self",))
             .select_related("credit_year__rule_set").get(pk=objection.grade_id))
    before = grade.get_grade_display(), grade.score
    objection.status = decision
    objection.decision_note = note.strip()
    objection.decided_at = timezone.now()
    objection.decided_by = actor
    objection.full_clean()
    objection.save()
    event = CreditEvent.objects.select_for_update(no_key=True).get(pk=objection.event_id)
    if decision == ObjectionStatus.UPHELD:
        event.status = EventStatus.VOIDED
        event.save(update_fields=["status"])
        events.record(actor=actor, verb="credit.event_voided", target=event,
                      message=_("Event voided on an upheld objection."),
                      data={"objection": objection.pk})
        grading.recompute(grade)
    after = grade.get_grade_display(), grade.score
    events.record(actor=actor, verb="credit.objection_decided", target=objection,
                  message=_("Objection %(decision)s; grade %(before)s (%(bscore)s) → "
                            "%(after)s (%(ascore)s).")
                  % {"decision": objection.get_status_display(), "before": before[0],
                     "bscore": before[1], "after": after[0], "ascore": after[1]})
    notifications.resolve(objection)  # the bureau's to-dos (and its reminders) are done
    users = grading.subject_users([scoring.key_of(grade)]).get(scoring.key_of(grade), [])
    notifications.notify(
        recipients=users, key=f"credit-objection-decided:{objection.pk}",
        topic=Topic.CREDIT, obj=objection,
        subject=_("Your credit objection: %(decision)s") % {
            "decision": objection.get_status_display()},
        body=_("Event “%(event)s”: %(decision)s. %(note)s Your provisional grade %(year)s is "
               "now %(grade)s (score %(score)s).") % {
            "event": event.summary, "decision": objection.get_status_display(),
            "note": objection.decision_note, "year": grade.credit_year.year,
            "grade": after[0], "score": after[1]},
        link=reverse("credit:objection_detail", kwargs={"pk": objection.pk}),
    )
    return objection
