"""Who hears about inspections: subscribers of the oversight domain events. Each notification
is keyed by record and step, so a repeated event notifies once. Texts are written in the
portal's default language (Chinese)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from oversight.choices import Conclusion
from oversight.models import Inspection, InspectionPlan, Rectification, ViolationCase
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.notifications import members, notify
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


@subscribe("inspection_plan.published")
def plan_published(*, plan_id, **_kwargs):
    plan = InspectionPlan.objects.get(pk=plan_id)
    with translation.override(settings.LANGUAGE_CODE):
        for inspection in Inspection.objects.filter(plan=plan):
            notify(
                recipients=_inspectors(inspection), key=f"inspection:{inspection.pk}:drawn",
                subject=_("You are drawn to inspect %(name)s (%(plan)s).")
                % {"name": inspection.target_name, "plan": plan},
                link=_link(inspection),
            )


@subscribe("inspection.concluded")
def inspection_concluded(*, inspection_id, conclusion, **_kwargs):
    inspection = Inspection.objects.get(pk=inspection_id)
    with translation.override(settings.LANGUAGE_CODE):
        if conclusion == Conclusion.RECTIFY:
            deadline = Rectification.objects.get(inspection=inspection).deadline
            subject = _("Rectification ordered after the inspection; answer by %(date)s.") % {
                "date": deadline.isoformat()}
        else:
            subject = _("The inspection is concluded: %(conclusion)s.") % {
                "conclusion": inspection.get_conclusion_display()}
        notify(recipients=_party(inspection), key=f"inspection:{inspection.pk}:concluded",
               subject=subject, link=_link(inspection))


@subscribe("rectification.answered")
def rectification_answered(*, rectification_id, **_kwargs):
    rectification = Rectification.objects.select_related("inspection").get(pk=rectification_id)
    inspection = rectification.inspection
    count = rectification.answers.count()
    with translation.override(settings.LANGUAGE_CODE):
        notify(recipients=_inspectors(inspection),
               key=f"rectification:{rectification.pk}:answered:{count}",
               subject=_("%(name)s answered the rectification: review it.")
               % {"name": inspection.target_name},
               link=reverse("oversight:rectification_review", kwargs={"pk": inspection.pk}))


@subscribe("rectification.reviewed")
def rectification_reviewed(*, rectification_id, accepted, **_kwargs):
    rectification = Rectification.objects.select_related("inspection").get(pk=rectification_id)
    inspection = rectification.inspection
    count = rectification.answers.count()
    last = rectification.answers.order_by("-answered_at", "-pk").first()
    with translation.override(settings.LANGUAGE_CODE):
        if accepted:
            subject = _("The rectification of %(name)s was accepted.") % {
                "name": inspection.target_name}
        else:
            subject = _("The rectification answer of %(name)s was returned (%(reason)s): answer "
                        "again by %(date)s.") % {
                "name": inspection.target_name, "date": rectification.deadline.isoformat(),
                "reason": (last.decision_note if last and last.decision_note else "—")}
        notify(recipients=_party(inspection),
               key=f"rectification:{rectification.pk}:reviewed:{count}",
               subject=subject, link=_link(inspection))


@subscribe("rectification.overdue")
def rectification_overdue(*, rectification_id, **_kwargs):
    rectification = Rectification.objects.select_related("inspection").get(pk=rectification_id)
    inspection = rectification.inspection
    with translation.override(settings.LANGUAGE_CODE):
        notify(recipients=_party(inspection) + _inspectors(inspection),
               key=f"rectification:{rectification.pk}:overdue",
               subject=_("The rectification of %(name)s is overdue (deadline %(date)s).")
               % {"name": inspection.target_name, "date": rectification.deadline.isoformat()},
               link=_link(inspection))


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
               link=reverse("oversight:violation_detail", kwargs={"pk": case.pk}))
