"""Who hears about an allocation, a surrender or a penalty case: subscribers of their domain
events (issue 15). Whoever must act next gets a to-do about the record (``todo=True``);
whoever waits for the result gets a notice; the step that does the work resolves the earlier
to-dos. Each notification is keyed by record, step and notice (or date), so a repeated event
notifies once. Texts are written in the portal's default language (Chinese)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from allowances.models import Allocation, AllowanceAccount, SurrenderRequest
from zhongwei_carbon import display
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.models import Topic
from zhongwei_carbon.notifications import members, notify, resolve
from zhongwei_carbon.roles import Perm, Role, roles_for


def _t(tonnes) -> str:
    return "—" if tonnes is None else f"{tonnes:,}"


# --- allocation ---------------------------------------------------------------------------


def _objection_prefix(allocation) -> str:
    return f"allocation:{allocation.pk}:objection"


def _send(allocation: Allocation, recipients, step: str, subject: str, link: str = "",
          body: str = "", todo: bool = False) -> None:
    """Notify ``recipients``; ``link`` is the page where they act (the allocation's page, where
    the bureau decides objections, when none is given)."""
    notify(
        recipients=recipients,
        key=f"allocation:{allocation.pk}:{step}:{allocation.notice_number}",
        subject=subject,
        body=body,
        link=link or reverse("allowances:allocation_detail", kwargs={"pk": allocation.pk}),
        topic=Topic.ALLOCATION,
        todo=todo,
        obj=allocation,
    )


def _get(allocation_id: int) -> Allocation:
    return Allocation.objects.select_related("enterprise", "cycle").get(pk=allocation_id)


def _enterprise_users(enterprise_id):
    return members(roles=[Role.ENTERPRISE_USER], enterprise_id=enterprise_id)


@subscribe("allocation.notified")
def allocation_notified(*, allocation_id, **_kwargs):
    """The enterprise waits for nothing but may object: a notice with the window's end."""
    allocation = _get(allocation_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            _enterprise_users(allocation.enterprise_id),
            "notified",
            _("Your %(year)s allocation has been notified; you may object until %(date)s.")
            % {"year": allocation.cycle.year, "date": allocation.objection_deadline},
            body=_("%(enterprise)s, %(cycle)s: pre-allocation %(pre)s t, final allocation "
                   "%(final)s t.") % {
                "enterprise": allocation.enterprise.name, "cycle": allocation.cycle.name,
                "pre": _t(allocation.pre_allocation), "final": _t(allocation.notified)},
            link=reverse("allowances:allocation_object", kwargs={"pk": allocation.pk}),
        )


@subscribe("allocation.objection_filed")
def allocation_objection_filed(*, allocation_id, **_kwargs):
    """The bureau's allocation managers must decide: a to-do, resolved by the decision."""
    allocation = _get(allocation_id)
    objection = allocation.objections.filter(notice_number=allocation.notice_number).first()
    # the enterprise has used its right: its window reminders are done
    resolve(allocation, key_prefix="reminder:allocation-objection-window:")
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            members(roles=roles_for(Perm.MANAGE_ALLOCATION)),  # who decides objections
            "objection",
            _("%(enterprise)s objects to its %(year)s allocation.")
            % {"enterprise": allocation.enterprise.name, "year": allocation.cycle.year},
            body=(_("Decision due %(date)s.") % {"date": objection.decision_due}
                  if objection is not None else ""),
            todo=True,
        )


@subscribe("allocation.objection_decided")
def allocation_objection_decided(*, allocation_id, **_kwargs):
    allocation = _get(allocation_id)
    resolve(allocation, key_prefix=_objection_prefix(allocation))
    objection = allocation.objections.filter(notice_number=allocation.notice_number).first()
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            _enterprise_users(allocation.enterprise_id),
            "decided",
            _("Your objection to the %(year)s allocation has been decided.")
            % {"year": allocation.cycle.year},
            body=(_("Decision: %(decision)s. %(note)s") % {
                "decision": objection.get_status_display(), "note": objection.decision_note}
                if objection is not None else ""),
        )


@subscribe("allocation.issued")
def allocation_issued(*, allocation_id, **_kwargs):
    allocation = _get(allocation_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            _enterprise_users(allocation.enterprise_id),
            f"issued:{allocation.notified}:{allocation.pre_allocation}",
            _("Your %(year)s allocation has been issued to your allowance account.")
            % {"year": allocation.cycle.year},
            link=_account_page(allocation),
        )


def _account_page(allocation) -> str:
    account = AllowanceAccount.objects.filter(enterprise_id=allocation.enterprise_id).first()
    if account is None:
        return ""
    return reverse("allowances:account_detail", kwargs={"pk": account.pk})


# --- surrender (four eyes) ----------------------------------------------------------------


def _request(request_id: int) -> SurrenderRequest:
    return SurrenderRequest.objects.select_related(
        "account__enterprise", "cycle", "approved_by", "confirmed_by").get(pk=request_id)


def _surrender_notice(request, recipients, step: str, subject: str, *, body: str = "",
                      todo: bool = False) -> None:
    notify(
        recipients=recipients,
        key=f"surrender:{request.pk}:{step}",
        subject=subject,
        body=body,
        link=reverse("allowances:surrender_detail", kwargs={"pk": request.pk}),
        topic=Topic.SURRENDER,
        todo=todo,
        obj=request,
    )


def _tonnes(request) -> str:
    from allowances.services.surrender import request_tonnes, tonnes_text

    return tonnes_text(sum(request_tonnes(request)))


def _names(request) -> dict:
    return {"enterprise": request.account.enterprise.name, "cycle": request.cycle.name,
            "t": _tonnes(request)}


@subscribe("surrender.requested")
def surrender_requested(*, request_id, **_kwargs):
    """The bureau users who may approve: a to-do each (the first approval resolves them)."""
    request = _request(request_id)
    with translation.override(settings.LANGUAGE_CODE):
        _surrender_notice(
            request, members(roles=roles_for(Perm.APPROVE_SURRENDER)), "approve",
            _("%(enterprise)s asks to surrender %(t)s t for %(cycle)s: approve or reject it.")
            % _names(request),
            todo=True,
        )


@subscribe("surrender.approved")
def surrender_approved(*, request_id, **_kwargs):
    """Approved: the approvers' to-dos are done; every OTHER bureau user who may confirm gets
    a to-do (four eyes: never the approver)."""
    request = _request(request_id)
    resolve(request, key_prefix=f"surrender:{request.pk}:approve")
    confirmers = [u for u in members(roles=roles_for(Perm.CONFIRM_SURRENDER))
                  if u.pk != request.approved_by_id]
    with translation.override(settings.LANGUAGE_CODE):
        _surrender_notice(
            request, confirmers, "confirm",
            _("Surrender of %(enterprise)s (%(t)s t, %(cycle)s) approved by %(person)s: "
              "confirm it.") % {**_names(request), "person": display.person(request.approved_by)},
            todo=True,
        )


@subscribe("surrender.confirmed")
def surrender_confirmed(*, request_id, **_kwargs):
    request = _request(request_id)
    resolve(request)
    with translation.override(settings.LANGUAGE_CODE):
        _surrender_notice(
            request, _enterprise_users(request.account.enterprise_id), "confirmed",
            _("Your surrender of %(t)s t for %(cycle)s is confirmed: the units are "
              "surrendered.") % _names(request),
        )


@subscribe("surrender.rejected")
def surrender_rejected(*, request_id, **_kwargs):
    request = _request(request_id)
    resolve(request)
    with translation.override(settings.LANGUAGE_CODE):
        _surrender_notice(
            request, _enterprise_users(request.account.enterprise_id), "rejected",
            _("Your surrender of %(t)s t for %(cycle)s was rejected.") % _names(request),
            body=_("Reason: %(reason)s") % {"reason": request.note},
        )


@subscribe("surrender.withdrawn")
def surrender_withdrawn(*, request_id, **_kwargs):
    """Withdrawn by the enterprise: nothing left for the bureau to do."""
    resolve(_request(request_id))


# --- penalty cases (Art. 24) --------------------------------------------------------------


def _case(case_id: int):
    from allowances.models import PenaltyCase

    return PenaltyCase.objects.select_related("enterprise", "cycle").get(pk=case_id)


def _penalty_notice(case, step: str, subject: str, link: str = "") -> None:
    notify(
        recipients=_enterprise_users(case.enterprise_id),
        key=f"penalty:{case.pk}:{step}:{case.correction_deadline}",
        subject=subject,
        link=link or reverse("allowances:penalty_detail", kwargs={"pk": case.pk}),
        topic=Topic.SURRENDER,
        obj=case,
    )


@subscribe("penalty.opened")
def penalty_opened(*, case_id, **_kwargs):
    case = _case(case_id)
    with translation.override(settings.LANGUAGE_CODE):
        _penalty_notice(
            case,
            "opened",
            _(
                "Short surrender of %(year)s: a penalty case is open (%(t)s t short). Surrender the "
                "missing allowances by %(date)s; what is still short then is cut from next year's "
                "allocation."
            )
            % {"year": case.cycle.year, "t": f"{case.tonnes_short:,}",
               "date": case.correction_deadline},
            # the enterprise acts by surrendering what is missing for that cycle
            link=f"{reverse('allowances:surrender_new')}?cycle={case.cycle.year}",
        )


@subscribe("penalty.correction_deadline")
def penalty_correction_deadline(*, case_id, **_kwargs):
    case = _case(case_id)
    with translation.override(settings.LANGUAGE_CODE):
        _penalty_notice(
            case,
            "deadline",
            _("The correction deadline of your %(year)s penalty case is now %(date)s.")
            % {"year": case.cycle.year, "date": case.correction_deadline},
        )
