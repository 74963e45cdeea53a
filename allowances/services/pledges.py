"""Registering and releasing allowance pledges (配额质押, 卫政办发〔2023〕61号 task 10): the
bureau records that an enterprise pledged allowances to a bank for a loan, and the release
when the loan is repaid. A pledge locks the account's holdings in the ledger's key order (as
``ledger.post`` does), so a pledge and a surrender or transfer of the same units queue: the
pledge never exceeds the units held, the debit never uses pledged units. The PostgreSQL
triggers of ``allowances.models.pledges`` back both."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import PledgeStatus
from allowances.models import Holding, Pledge
from allowances.services import ledger
from registry.choices import DepartmentKind
from zhongwei_carbon import events, roles
from zhongwei_carbon.roles import Perm

# the pledge's workflow: status → the statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    PledgeStatus.ACTIVE: (PledgeStatus.RELEASED,),
    PledgeStatus.RELEASED: (),
}


def _check(actor) -> None:
    if not roles.has_perm(actor, Perm.MANAGE_PLEDGE):
        raise ValidationError(_("Only the bureau's administrators register and release pledges."))


def lock_account(account_id: int) -> None:
    """Lock every holding of the account, in primary-key order (the ledger's key order)."""
    list(
        Holding.objects.select_for_update(no_key=True)
        .filter(account_id=account_id).order_by("pk").values_list("pk", flat=True)
    )


@transaction.atomic
def pledge_register(
    *, actor, account, pledgee, quantity: int, contract_number: str, loan_amount,
    start_date, end_date, vintage: int | None = None, note: str = "",
) -> Pledge:
    _check(actor)
    if pledgee.kind != DepartmentKind.BANK or not pledgee.is_active:
        raise ValidationError({"pledgee": _("The pledgee must be an active bank.")})
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError({"quantity": _("Pledge a positive whole number of tonnes.")})
    lock_account(account.pk)
    pledge = Pledge(
        account=account, pledgee=pledgee, quantity=quantity, vintage=vintage,
        contract_number=(contract_number or "").strip(), loan_amount=loan_amount,
        start_date=start_date, end_date=end_date, note=note, status=PledgeStatus.ACTIVE,
        registered_by=actor, registered_at=timezone.now(),
    )
    pledge.full_clean()
    balances = ledger.cea_balances(account.pk)
    pledges = ledger.active_pledges(account.pk)
    wanted = [(p.vintage, p.quantity) for p in pledges] + [(vintage, quantity)]
    if not rules.pledges_covered(balances, wanted):
        free = rules.unpledged(balances, [(p.vintage, p.quantity) for p in pledges])
        available = free.get(vintage, 0) if vintage is not None else ledger.sum_free(
            balances, pledges, free)
        raise ValidationError({"quantity": _(
            "Only %(free)s t of these allowances are free of pledges; %(quantity)s t asked."
        ) % {"free": available, "quantity": quantity}})
    pledge.save()
    events.record(
        actor=actor, verb="allowances.pledge_registered", target=pledge,
        message=_("%(quantity)s t pledged to %(bank)s (contract %(contract)s).")
        % {"quantity": quantity, "bank": pledgee, "contract": pledge.contract_number},
        data={"account": account.pk, "quantity": quantity, "vintage": vintage},
    )
    events.record(
        actor=actor, verb="allowances.pledge_registered", target=account,
        message=_("%(quantity)s t pledged to %(bank)s (contract %(contract)s).")
        % {"quantity": quantity, "bank": pledgee, "contract": pledge.contract_number},
        data={"pledge": pledge.pk},
    )
    return pledge


@transaction.atomic
def pledge_release(*, actor, pledge: Pledge, note: str = "") -> Pledge:
    _check(actor)
    pledge = Pledge.objects.select_for_update(no_key=True).select_related("pledgee").get(pk=pledge.pk)
    if PledgeStatus.RELEASED not in TRANSITIONS[pledge.status]:
        raise ValidationError(_("This pledge is already released."))
    pledge.status = PledgeStatus.RELEASED
    pledge.released_by = actor
    pledge.released_at = timezone.now()
    pledge.release_note = note
    pledge.full_clean()
    pledge.save(update_fields=["status", "released_by", "released_at", "release_note"])
    for target in (pledge, pledge.account):
        events.record(
            actor=actor, verb="allowances.pledge_released", target=target,
            message=_("Pledge of %(quantity)s t to %(bank)s (contract %(contract)s) released.")
            % {"quantity": pledge.quantity, "bank": pledge.pledgee,
               "contract": pledge.contract_number},
            data={"pledge": pledge.pk},
        )
    return pledge
