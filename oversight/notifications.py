"""Who hears about inspections (issue 15): subscribers of the oversight domain events. Whoever
must act next gets a to-do about the record (the inspection or the rectification); whoever
waits for the result, a notice; the step that does the work resolves the earlier to-dos.
Each notification is keyed by record and step, so a repeated event notifies once. Texts are
written in the portal's default language (Chinese).

    drawn (plan published) / opened  inspectors: to-do (inspect); target: notice (drawn only)
    concluded                        inspectors' to-dos resolved; target: notice, or a to-do
                                     (answer) when rectification is ordered
    rectification answered           target's to-dos resolved; inspectors: to-do (review)
    reviewed                         inspectors' to-dos resolved; target: notice (accepted)
                                     or to-do (answer again)
    rectification overdue            inspectors: notice (the target has its reminders)
    violation decided                the party: notice
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from oversight.choices import Conclusion
from oversight.models import Inspection, InspectionPlan, Rectification, ViolationCase
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.models import Topic
from zhongwei_carbon.notifications import members, notify, resolve
from zhongwei_carbon.roles import Role


def _inspectors(inspection: Inspection) -> list:
    return [i.inspector.user for i in inspection.inspectors.select_related("inspector__user")
            if i.inspector.user is not None]


def _party(inspection: Inspection) -> list:
    """The users of the inspected enterprise or agency."""
    if inspection.enterprise_id:
        return members(roles=[Role.ENTERPRISE_USER], enterprise_id=inspection.enterprise_id)
    return members(roles=[Role.AGENCY_STAFF], agency_id=inspection.agency_id)


def _link(inspection: Inspection) -> str:
    return reverse("oversight:inspection_detail", kwargs={"pk": inspection.pk})


def _answer_link(inspection: Inspection) -> str:
    return reverse("oversight:rectification_answer", kwargs={"pk": inspection.pk})


def _review_link(inspection: Inspection) -> str:
    return reverse("oversight:rectification_review", kwargs={"pk": inspection.pk})


def _drawn(inspection: Inspection, plan=None) -> None:
    """The inspectors' to-do: inspect (and by when, for a plan)."""
    if plan is not None:
        subject = _("You are drawn to inspect %(name)s (%(plan)s).") % {
            "name": inspection.target_name, "plan": plan}
        body = _("Inspect and conclude by %(date)s.") % {"date": plan.end_date.isoformat()}
    else:
        subject = _("You are to inspect %(name)s (%(trigger)s).") % {
            "name": inspection.target_name, "trigger": inspection.get_trigger_display()}
        body = inspection.trigger_note
    notify(recipients=_inspectors(inspection), key=f"inspection:{inspection.pk}:drawn",
           subject=subject, body=body, link=_link(inspection), topic=Topic.OVERSIGHT,
           todo=True, obj=inspection)


@subscribe("inspection_plan.published")
def plan_published(*, plan_id, **_kwargs):
    plan = InspectionPlan.objects.get(pk=plan_id)
    with translation.override(settings.LANGUAGE_CODE):
        for inspection in Inspection.objects.filter(plan=plan):
            _drawn(inspection, plan)
            notify(
                recipients=_party(inspection), key=f"inspection:{inspection.pk}:announced",
                subject=_("%(name)s is drawn for inspection in %(plan)s (from %(start)s to "
                          "%(end)s).") % {"name": inspection.target_name, "plan": plan,
                                           "start": plan.start_date.isoformat(),
                                           "end": plan.end_date.isoformat()},
                link=_link(inspection), topic=Topic.OVERSIGHT, obj=inspection,
            )


@subscribe("inspection.opened")
def inspection_opened(*, inspection_id, **_kwargs):
    """An inspection outside a plan: its inspectors only (the target is not forewarned)."""
    inspection = Inspection.objects.get(pk=inspection_id)
    with translation.override(settings.LANGUAGE_CODE):
        _drawn(inspection)


@subscribe("inspection.concluded")
def inspection_concluded(*, inspection_id, conclusion, **_kwargs):
    inspection = Inspection.objects.get(pk=inspection_id)
    resolve(inspection)  # the inspectors' "inspect" to-dos and reminders
    with translation.override(settings.LANGUAGE_CODE):
        if conclusion == Conclusion.RECTIFY:
            rectification = Rectification.objects.get(inspection=inspection)
            notify(recipients=_party(inspection),
                   key=f"inspection:{inspection.pk}:concluded",
                   subject=_("Rectification ordered after the inspection; answer by %(date)s.")
                   % {"date": rectification.deadline.isoformat()},
                   body=rectification.requirements, link=_answer_link(inspection),
                   topic=Topic.OVERSIGHT, todo=True, obj=rectification)
            return
        notify(recipients=_party(inspection), key=f"inspection:{inspection.pk}:concluded",
               subject=_("The inspection is concluded: %(conclusion)s.")
               % {"conclusion": inspection.get_conclusion_display()},
               link=_link(inspection), topic=Topic.OVERSIGHT, obj=inspection)


@subscribe("rectification.answered")
def rectification_answered(*, rectification_id, **_kwargs):
    rectification = Rectification.objects.select_related("inspection").get(pk=rectification_id)
    inspection = rectification.inspection
    # answered: the target's turn ends (its to-dos, and the reminders of the deadline
    # escalated to the area and the bureau)
    resolve(rectification, recipients=_party(inspection))
    resolve(rectification, key_prefix="reminder:")
    count = rectification.answers.count()
    with translation.override(settings.LANGUAGE_CODE):
        notify(recipients=_inspectors(inspection),
               key=f"rectification:{rectification.pk}:answered:{count}",
               subject=_("%(name)s answered the rectification: review it.")
               % {"name": inspection.target_name},
               link=_review_link(inspection), topic=Topic.OVERSIGHT, todo=True,
               obj=rectification)


@subscribe("rectification.reviewed")
def rectification_reviewed(*, rectification_id, accepted, **_kwargs):
    rectification = Rectification.objects.select_related("inspection").get(pk=rectification_id)
    inspection = rectification.inspection
    # the review is done: every inspector's "review" to-do; an acceptance ends everything
    resolve(rectification,
            key_prefix="" if accepted else f"rectification:{rectification.pk}:answered")
    count = rectification.answers.count()
    last = rectification.answers.order_by("-answered_at", "-pk").first()
    key = f"rectification:{rectification.pk}:reviewed:{count}"
    with translation.override(settings.LANGUAGE_CODE):
        if accepted:
            notify(recipients=_party(inspection), key=key,
                   subject=_("The rectification of %(name)s was accepted.") % {
                       "name": inspection.target_name},
                   link=_link(inspection), topic=Topic.OVERSIGHT, obj=rectification)
            return
        notify(recipients=_party(inspection), key=key,
               subject=_("The rectification answer of %(name)s was returned (%(reason)s): answer "
                         "again by %(date)s.") % {
                   "name": inspection.target_name, "date": rectification.deadline.isoformat(),
                   "reason": (last.decision_note if last and last.decision_note else "—")},
               link=_answer_link(inspection), topic=Topic.OVERSIGHT, todo=True,
               obj=rectification)


@subscribe("rectification.overdue")
def rectification_overdue(*, rectification_id, **_kwargs):
    """The inspectors learn that the deadline passed (the target has its reminders)."""
    rectification = Rectification.objects.select_related("inspection").get(pk=rectification_id)
    inspection = rectification.inspection
    with translation.override(settings.LANGUAGE_CODE):
        notify(recipients=_inspectors(inspection),
               key=f"rectification:{rectification.pk}:overdue",
               subject=_("The rectification of %(name)s is overdue (deadline %(date)s).")
               % {"name": inspection.target_name, "date": rectification.deadline.isoformat()},
               link=_link(inspection), topic=Topic.OVERSIGHT, obj=rectification)


@subscribe("violation.decided")
def violation_decided(*, case_id, **_kwargs):
    """The party hears of the decision (the case becomes visible to it now)."""
    case = ViolationCase.objects.get(pk=case_id)
    if case.enterprise_id:
        recipients = members(roles=[Role.ENTERPRISE_USER], enterprise_id=case.enterprise_id)
    else:
        recipients = members(roles=[Role.AGENCY_STAFF], agency_id=case.agency_id)
    with translation.override(settings.LANGUAGE_CODE):
        notify(recipients=recipients, key=f"violation:{case.pk}:decided",
               subject=_("A penalty decision (%(number)s) was made on %(name)s: see the case.")
               % {"number": case.decision_number, "name": case.target_name},
               link=reverse("oversight:violation_detail", kwargs={"pk": case.pk}),
               topic=Topic.OVERSIGHT, obj=case)
