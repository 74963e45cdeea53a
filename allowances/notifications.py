"""Who hears about an allocation or a penalty case: subscribers of their domain events. Each
notification is keyed by record, step and date (notice, correction deadline), so a repeated
event notifies once.
Texts are written in the portal's default language (Chinese)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from allowances.models import Allocation
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.notifications import members, notify
from zhongwei_carbon.roles import Perm, Role, roles_for


def _send(allocation: Allocation, recipients, step: str, subject: str) -> None:
    notify(
        recipients=recipients,
        key=f"allocation:{allocation.pk}:{step}:{allocation.notice_number}",
        subject=subject,
        link=reverse("allowances:allocation_detail", kwargs={"pk": allocation.pk}),
    )


def _get(allocation_id: int) -> Allocation:
    return Allocation.objects.select_related("enterprise", "cycle").get(pk=allocation_id)


def _enterprise_users(allocation):
    return members(roles=[Role.ENTERPRISE_USER], enterprise_id=allocation.enterprise_id)


@subscribe("allocation.notified")
def allocation_notified(*, allocation_id, **_kwargs):
    allocation = _get(allocation_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            _enterprise_users(allocation),
            "notified",
            _("Your %(year)s allocation has been notified; you may object until %(date)s.")
            % {"year": allocation.cycle.year, "date": allocation.objection_deadline},
        )


@subscribe("allocation.objection_filed")
def allocation_objection_filed(*, allocation_id, **_kwargs):
    allocation = _get(allocation_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            members(roles=roles_for(Perm.MANAGE_ALLOCATION)),  # who decides objections
            "objection",
            _("%(enterprise)s objects to its %(year)s allocation.")
            % {"enterprise": allocation.enterprise.name, "year": allocation.cycle.year},
        )


@subscribe("allocation.objection_decided")
def allocation_objection_decided(*, allocation_id, **_kwargs):
    allocation = _get(allocation_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            _enterprise_users(allocation),
            "decided",
            _("Your objection to the %(year)s allocation has been decided.")
            % {"year": allocation.cycle.year},
        )


@subscribe("allocation.issued")
def allocation_issued(*, allocation_id, **_kwargs):
    allocation = _get(allocation_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            allocation,
            _enterprise_users(allocation),
            f"issued:{allocation.notified}:{allocation.pre_allocation}",
            _("Your %(year)s allocation has been issued to your allowance account.")
            % {"year": allocation.cycle.year},
        )


def _case(case_id: int):
    from allowances.models import PenaltyCase

    return PenaltyCase.objects.select_related("enterprise", "cycle").get(pk=case_id)


def _penalty_notice(case, step: str, subject: str) -> None:
    notify(
        recipients=members(roles=[Role.ENTERPRISE_USER], enterprise_id=case.enterprise_id),
        key=f"penalty:{case.pk}:{step}:{case.correction_deadline}",
        subject=subject,
        link=reverse("allowances:penalty_detail", kwargs={"pk": case.pk}),
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
