"""Monthly prices and penalty cases for short surrender (Interim Regulations Art. 24, issue 5
§5): the bureau enters the average market price of each month; after a cycle's surrender
deadline it opens one case per short enterprise (tonnes short, the price of the month before
the deadline, the 5–10 × fine range and next year's cut, all by ``allowances.rules``), decides
the fine within the range and applies the cut as a NEXT_YEAR_CUT ledger entry, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import EntryKind, PenaltyStatus, UnitType
from allowances.models import AllowanceAccount, MonthlyPrice, PenaltyCase
from allowances.selectors import compliance as sel
from allowances.services import ledger
from zhongwei_carbon import events, roles, scoping, uploads
from zhongwei_carbon.roles import Perm


def _check(actor, obj=None) -> None:
    if not roles.has_perm(actor, Perm.MANAGE_PENALTY):
        raise PermissionDenied
    if obj is not None and obj.pk and not scoping.can(actor, Perm.MANAGE_PENALTY, obj):
        raise PermissionDenied


def _dec(value, field: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("amounts are Decimal, never float")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: _("Enter a number.")}) from None


@transaction.atomic
def price_set(*, actor, month: date, average_price, source: str) -> MonthlyPrice:
    """Create or update the average price of ``month`` (stored as its first day)."""
    _check(actor)
    first = date(month.year, month.month, 1)
    price = _dec(average_price, "average_price")
    obj = MonthlyPrice.objects.select_for_update().filter(month=first).first()
    created = obj is None
    old = None if created else obj.average_price
    if created:
        obj = MonthlyPrice(month=first)
    obj.average_price = price
    obj.source = source
    obj.full_clean()
    obj.save()
    events.record(
        actor=actor,
        verb="allowances.price_set",
        target=obj,
        message=_("Average price of %(month)s set to %(price)s CNY/t.")
        % {"month": f"{first:%Y-%m}", "price": obj.average_price},
        data={"month": first, "old": old, "new": obj.average_price, "source": source},
    )
    return obj


def shortfall(enterprise, cycle) -> int:
    """Tonnes ``enterprise`` has not surrendered for ``cycle`` (0 without a verified figure)."""
    obligation = sel.obligation_of(enterprise, cycle)
    if obligation is None:
        return 0
    account = AllowanceAccount.objects.filter(enterprise=enterprise).first()
    cea, ccer = ledger.surrendered(account, cycle) if account else (0, 0)
    return rules.tonnes_short(obligation, cea + ccer)


@transaction.atomic
def penalty_open(*, actor, cycle, enterprise, today: date | None = None) -> PenaltyCase:
    """One case per cycle and enterprise, after the surrender deadline (Asia/Shanghai date),
    for an enterprise that is short; the price is that of ``rules.price_month(deadline)``."""
    _check(actor)
    if not scoping.can(actor, Perm.MANAGE_PENALTY, enterprise):
        raise PermissionDenied
    today = today or timezone.localdate()
    deadline = sel.deadline_of(cycle)
    if deadline is None:
        raise ValidationError(_("The cycle has no surrender deadline yet."))
    if today <= deadline:
        raise ValidationError(
            _("A case can be opened only after the surrender deadline (%(deadline)s).")
            % {"deadline": deadline.isoformat()}
        )
    if PenaltyCase.objects.filter(cycle=cycle, enterprise=enterprise).exists():
        raise ValidationError(_("This enterprise already has a penalty case for this cycle."))
    short = shortfall(enterprise, cycle)
    if short <= 0:
        raise ValidationError(_("This enterprise is not short for this cycle."))
    year, month = rules.price_month(deadline)
    price = MonthlyPrice.objects.filter(month=date(year, month, 1)).first()
    if price is None:
        raise ValidationError(
            _("Enter the average price of %(month)s first.") % {"month": f"{year:04d}-{month:02d}"}
        )
    fine_min, fine_max = rules.short_surrender_fine_range(short, price.average_price)
    case = PenaltyCase(
        cycle=cycle,
        enterprise=enterprise,
        tonnes_short=short,
        price=price.average_price,
        fine_min=fine_min,
        fine_max=fine_max,
        next_year_cut=rules.next_year_cut(short),
        opened_by=actor,
    )
    case.full_clean()
    case.save()
    events.record(
        actor=actor,
        verb="allowances.penalty_opened",
        target=case,
        message=_("Penalty case opened: %(t)s t short, fine %(min)s–%(max)s CNY.")
        % {"t": short, "min": fine_min, "max": fine_max},
        data={"tonnes_short": short, "price": price.average_price, "month": price.month},
    )
    return case


def _locked(case) -> PenaltyCase:
    return PenaltyCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def penalty_decide(*, actor, case, fine, document=None) -> PenaltyCase:
    """Record the fine decided, within [fine_min, fine_max], and the decision document."""
    _check(actor, case)
    case = _locked(case)
    fine = _dec(fine, "fine_decided")
    if fine < case.fine_min or fine > case.fine_max:
        raise ValidationError(
            {
                "fine_decided": _("The fine must be between %(min)s and %(max)s CNY.")
                % {"min": case.fine_min, "max": case.fine_max}
            }
        )
    if case.status == PenaltyStatus.CLOSED:
        raise ValidationError(_("This case is closed."))
    if document:
        uploads.check_evidence(document, field="document")
    case.fine_decided = rules.round_cny(fine)
    if document:
        case.decision_document = document
    case.status = PenaltyStatus.CLOSED if case.cut_applied else PenaltyStatus.DECIDED
    case.full_clean()
    case.save()
    events.record(
        actor=actor,
        verb="allowances.penalty_decided",
        target=case,
        message=_("Fine decided: %(fine)s CNY.") % {"fine": case.fine_decided},
        data={"fine": case.fine_decided},
    )
    return case


@transaction.atomic
def penalty_apply_cut(*, actor, case, next_cycle) -> PenaltyCase:
    """Post what remains of the cut (the allocation may already have taken part of it, see
    ``services.allocation.issue``) as −t CEA of ``next_cycle``'s vintage (NEXT_YEAR_CUT);
    refused when already applied or when the account does not hold enough (the cut is then
    taken from the next allocation issued)."""
    _check(actor, case)
    case = _locked(case)
    if case.cut_applied:
        raise ValidationError(_("The cut has already been applied."))
    if case.status == PenaltyStatus.OPEN:
        raise ValidationError(_("Decide the case first: the cut follows the decision."))
    if next_cycle.year <= case.cycle.year:
        raise ValidationError({"next_cycle": _("Choose a later cycle than the case's own.")})
    remaining = case.next_year_cut - case.cut_posted
    if remaining > 0:
        account = ledger.account_for(case.enterprise)
        ledger.post(
            actor=actor,
            movements=[
                ledger.Movement(
                    account, UnitType.CEA, next_cycle.year, -remaining, EntryKind.NEXT_YEAR_CUT,
                )
            ],
            cycle=next_cycle,
            reference=f"penalty:{case.pk}",
        )
    return record_cut(actor=actor, case=case, cut=remaining, vintage=next_cycle.year)


def record_cut(*, actor, case: PenaltyCase, cut: int, vintage: int, **data) -> PenaltyCase:
    """Book ``cut`` tonnes (already posted as a NEXT_YEAR_CUT entry by the caller, inside
    its transaction) on the locked ``case``: applied once the whole cut is posted, and a
    decided case is then closed."""
    case.cut_posted += cut
    case.cut_applied = case.cut_posted >= case.next_year_cut
    if case.cut_applied and case.status == PenaltyStatus.DECIDED:
        case.status = PenaltyStatus.CLOSED
    case.full_clean()
    case.save()
    events.record(
        actor=actor,
        verb="allowances.penalty_cut",
        target=case,
        message=_("Next year's allocation cut by %(t)s t (vintage %(year)s).")
        % {"t": cut, "year": vintage},
        data={"cut": cut, "vintage": vintage, **data},
    )
    return case
