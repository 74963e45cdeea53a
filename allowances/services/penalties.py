"""Market prices and penalty cases for short surrender (Interim Regulations Art. 24; issue 5
§5, issue 9 §2–3). The bureau enters the market's prices (published monthly averages and
trading days with their volumes). After a cycle's surrender deadline it opens one case per
enterprise short at that deadline, with a correction deadline (责令改正期限): the fine range is
5–10 × the average price of the month-long window ending on the surrender deadline × the tonnes
short at it (the bureau may set another window, with a reason, until the fine is decided);
next year's cut is what is still short at the correction deadline, known once that day has
passed, fixed then (``_settle``, the one place) and posted as NEXT_YEAR_CUT ledger entries
(``penalty_apply_cut`` or the next allocation issued), once. All figures by
``allowances.rules``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import EntryKind, PenaltyStatus, UnitType
from allowances.models import DailyPrice, MonthlyPrice, PenaltyCase
from allowances.selectors import compliance as sel
from allowances.selectors import penalties as psel
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
    obj = MonthlyPrice.objects.select_for_update(no_key=True).filter(month=first).first()
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


@transaction.atomic
def price_day_set(*, actor, day: date, average_price, volume: int, source: str) -> DailyPrice:
    """Create or update one trading day's average price (CNY/t) and volume traded (t)."""
    _check(actor)
    price = _dec(average_price, "average_price")
    if not isinstance(volume, int) or volume <= 0:
        raise ValidationError({"volume": _("Enter the tonnes traded that day (a whole number above 0).")})
    obj = DailyPrice.objects.select_for_update(no_key=True).filter(day=day).first()
    old = None if obj is None else (obj.average_price, obj.volume)
    obj = obj or DailyPrice(day=day)
    obj.average_price, obj.volume, obj.source = price, volume, source
    obj.full_clean()
    obj.save()
    events.record(
        actor=actor,
        verb="allowances.price_day_set",
        target=obj,
        message=_("Average price of trading day %(day)s set to %(price)s CNY/t (%(volume)s t traded).")
        % {"day": day.isoformat(), "price": obj.average_price, "volume": f"{volume:,}"},
        data={"day": day, "old": old, "new": [obj.average_price, volume], "source": source},
    )
    return obj


def _window_price(start: date, end: date) -> psel.WindowPrice:
    """The window's average price, or a clear error naming the window and what to enter."""
    try:
        rules.check_window(start, end)
    except ValueError:
        raise ValidationError(
            {"price_window_end": _("The window must not end before it starts.")}
        ) from None
    found = psel.window_price(start, end)
    if found is None:
        raise ValidationError(
            _(
                "No market price for the window %(start)s – %(end)s: enter the trading days' "
                "prices in it (or the monthly average, for a window of one calendar month) first."
            )
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    return found


def _set_price(case: PenaltyCase, found: psel.WindowPrice) -> None:
    case.price = found.average
    case.price_window_start, case.price_window_end = found.start, found.end
    case.price_basis, case.price_days = found.basis, found.days
    case.fine_min, case.fine_max = rules.short_surrender_fine_range(case.tonnes_short, found.average)


def _check_correction_deadline(value, *, surrender_deadline, today) -> None:
    if value is None:
        raise ValidationError({"correction_deadline": _("Set the correction deadline.")})
    if value < today or (surrender_deadline and value <= surrender_deadline):
        raise ValidationError(
            {"correction_deadline": _("The correction deadline must be after the surrender "
                                      "deadline and not before today.")}
        )


def shortfall(enterprise, cycle, day: date | None = None) -> int:
    """Tonnes ``enterprise`` had not surrendered for ``cycle`` by ``day`` (so far when
    ``None``; 0 without a verified figure)."""
    obligation = sel.obligation_of(enterprise, cycle)
    if obligation is None:
        return 0
    return rules.tonnes_short(obligation, psel.surrendered_by(enterprise, cycle, day))


@dataclass(frozen=True)
class Opening:
    """What opening a case will record (``penalty_open_check``)."""

    surrender_deadline: date
    obligation: int
    tonnes_short: int  # at the surrender deadline
    window: psel.WindowPrice
    fine_min: Decimal
    fine_max: Decimal
    correction_deadline: date


def penalty_open_check(
    *, actor, cycle, enterprise, correction_deadline: date | None, today: date | None = None
) -> Opening:
    """Everything ``penalty_open`` checks, writing nothing; returns the figures the case will
    have (tonnes short at the surrender deadline, the price window and the fine range)."""
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
    obligation = sel.obligation_of(enterprise, cycle)
    short = shortfall(enterprise, cycle, deadline)
    if short <= 0:
        raise ValidationError(_("This enterprise was not short at the surrender deadline."))
    _check_correction_deadline(correction_deadline, surrender_deadline=deadline, today=today)
    found = _window_price(*rules.price_window(deadline))
    fine_min, fine_max = rules.short_surrender_fine_range(short, found.average)
    return Opening(deadline, obligation, short, found, fine_min, fine_max, correction_deadline)


@transaction.atomic
def penalty_open(
    *, actor, cycle, enterprise, correction_deadline: date | None, today: date | None = None
) -> PenaltyCase:
    """One case per cycle and enterprise, after the surrender deadline (Asia/Shanghai date),
    for an enterprise short at that deadline (also one that surrendered in full only after
    it): the fine range on the tonnes short then, at the average price of
    ``rules.price_window(deadline)``; the enterprise is ordered to correct by
    ``correction_deadline`` (and told so in its inbox)."""
    opening = penalty_open_check(actor=actor, cycle=cycle, enterprise=enterprise,
                                 correction_deadline=correction_deadline, today=today)
    obligation, short, found = opening.obligation, opening.tonnes_short, opening.window
    case = PenaltyCase(
        cycle=cycle, enterprise=enterprise, obligation=obligation, tonnes_short=short,
        correction_deadline=correction_deadline, opened_by=actor,
    )
    _set_price(case, found)
    case.full_clean()
    case.save()
    events.record(
        actor=actor,
        verb="allowances.penalty_opened",
        target=case,
        message=_(
            "Penalty case opened: %(t)s t short at the surrender deadline, average price "
            "%(price)s CNY/t (%(start)s – %(end)s), fine %(min)s–%(max)s CNY; correct by "
            "%(correction)s."
        )
        % {"t": f"{short:,}", "price": case.price, "start": found.start.isoformat(),
           "end": found.end.isoformat(), "min": f"{case.fine_min:,}", "max": f"{case.fine_max:,}",
           "correction": correction_deadline.isoformat()},
        data={"tonnes_short": short, "obligation": obligation, "price": case.price,
              "window": [found.start, found.end], "basis": found.basis, "days": found.days,
              "correction_deadline": correction_deadline},
    )
    events.publish("penalty.opened", case_id=case.pk)
    return case


@transaction.atomic
def penalty_set_correction_deadline(
    *, actor, case, correction_deadline: date | None, reason: str = "", today: date | None = None
) -> PenaltyCase:
    """Set or move the correction deadline, until next year's cut is fixed; the enterprise
    is told the new date."""
    _check(actor, case)
    case = _locked(case)
    today = today or timezone.localdate()
    if case.next_year_cut is not None or case.cut_posted:
        raise ValidationError(
            _("Next year's cut is already fixed: the correction deadline can no longer change.")
        )
    old = case.correction_deadline
    _check_correction_deadline(
        correction_deadline, surrender_deadline=sel.deadline_of(case.cycle), today=today
    )
    if case.obligation is None:  # a case opened before obligations were kept on the case
        case.obligation = sel.obligation_of(case.enterprise, case.cycle)
    case.correction_deadline = correction_deadline
    case.full_clean()
    case.save()
    events.record(
        actor=actor,
        verb="allowances.penalty_correction_deadline",
        target=case,
        message=_("Correction deadline set to %(date)s.") % {"date": correction_deadline.isoformat()}
        + (" " + _("Reason: %(reason)s") % {"reason": reason} if reason else ""),
        data={"old": old, "new": correction_deadline, "reason": reason},
    )
    events.publish("penalty.correction_deadline", case_id=case.pk)
    return case


@transaction.atomic
def penalty_set_price_window(*, actor, case, start: date, end: date, reason: str) -> PenaltyCase:
    """The bureau sets another price window than the month-long window ending on the
    surrender deadline, with a reason (kept in the case's history and events); the fine range
    is recomputed. Refused once the fine is decided."""
    _check(actor, case)
    case = _locked(case)
    if case.status != PenaltyStatus.OPEN:
        raise ValidationError(
            _("The fine has been decided: its price window can no longer change.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for another price window.")})
    found = _window_price(start, end)
    old = {"window": [case.price_window_start, case.price_window_end], "price": case.price,
           "fine": [case.fine_min, case.fine_max]}
    _set_price(case, found)
    case.price_window_reason = reason
    case.full_clean()
    case.save()
    events.record(
        actor=actor,
        verb="allowances.penalty_price_window",
        target=case,
        message=_(
            "Price window set to %(start)s – %(end)s (average %(price)s CNY/t), fine now "
            "%(min)s–%(max)s CNY. Reason: %(reason)s"
        )
        % {"start": start.isoformat(), "end": end.isoformat(), "price": case.price,
           "min": f"{case.fine_min:,}", "max": f"{case.fine_max:,}", "reason": reason},
        data={"old": old, "window": [start, end], "price": case.price, "basis": found.basis,
              "days": found.days, "reason": reason},
    )
    return case


def _locked(case) -> PenaltyCase:
    return PenaltyCase.objects.select_for_update(no_key=True).get(pk=case.pk)


@transaction.atomic
def penalty_decide(*, actor, case, fine, document=None, today: date | None = None) -> PenaltyCase:
    """Record the fine decided, within [fine_min, fine_max], and the decision document; past
    the correction deadline the cut is fixed too (a case corrected in full then closes)."""
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
        message=_("Fine decided: %(fine)s CNY.") % {"fine": f"{case.fine_decided:,}"},
        data={"fine": case.fine_decided},
    )
    cut_due(actor=actor, case=case, today=today)  # past the correction deadline: fixed now
    return case


@transaction.atomic
def penalty_apply_cut(*, actor, case, next_cycle, today: date | None = None) -> PenaltyCase:
    """Post what remains of next year's cut (the allocation may already have taken part of
    it, see ``services.allocation.issue``) as −t CEA of ``next_cycle``'s vintage
    (NEXT_YEAR_CUT). Refused before the correction deadline has passed, for a case corrected
    in full, when already applied, or when the account does not hold enough (the cut is then
    taken from the next allocation issued)."""
    _check(actor, case)
    case = _locked(case)
    if case.status == PenaltyStatus.OPEN:
        raise ValidationError(_("Decide the case first: the cut follows the decision."))
    if next_cycle.year <= case.cycle.year:
        raise ValidationError({"next_cycle": _("Choose a later cycle than the case's own.")})
    left = cut_due(actor=actor, case=case, today=today)
    if left is None:
        raise ValidationError(_not_known(case))
    if case.next_year_cut == 0:
        raise ValidationError(_("Corrected in full by the correction deadline: no cut."))
    if case.cut_applied:
        raise ValidationError(_("The cut has already been applied."))
    account = ledger.account_for(case.enterprise)
    ledger.post(
        actor=actor,
        movements=[
            ledger.Movement(account, UnitType.CEA, next_cycle.year, -left, EntryKind.NEXT_YEAR_CUT)
        ],
        cycle=next_cycle,
        reference=f"penalty:{case.pk}",
    )
    return record_cut(actor=actor, case=case, cut=left, vintage=next_cycle.year)


def _not_known(case) -> str:
    if case.correction_deadline is None:
        return _("Set the correction deadline first: the cut is what is still short then.")
    return _("The cut is known only after the correction deadline (%(date)s).") % {
        "date": case.correction_deadline.isoformat()
    }


def cut_due(*, actor, case: PenaltyCase, today: date | None = None) -> int | None:
    """Tonnes of next year's cut still to post on the locked ``case`` (0 when none), or
    ``None`` while the cut is not known (the correction deadline not passed or not set). The
    first call after the correction deadline fixes the cut on the case (``_settle``)."""
    if case.next_year_cut is None:
        _settle(actor=actor, case=case, today=today or timezone.localdate())
    if case.next_year_cut is None:
        return None
    return max(0, case.next_year_cut - case.cut_posted)


def _settle(*, actor, case: PenaltyCase, today: date) -> None:
    """Fix next year's cut once the correction deadline has passed: the tonnes still short
    then (``rules.next_year_cut``); a case corrected in full is cut by nothing (and closed
    when its fine is decided)."""
    if case.obligation is None or case.correction_deadline is None:
        return
    by_deadline = psel.surrendered_by(case.enterprise, case.cycle, case.correction_deadline)
    cut = rules.next_year_cut(
        obligation=case.obligation,
        surrendered_by_correction_deadline=by_deadline,
        correction_deadline=case.correction_deadline,
        today=today,
    )
    if cut is None:
        return
    case.next_year_cut = cut
    case.cut_applied = case.cut_posted >= cut
    if case.cut_applied and case.status == PenaltyStatus.DECIDED:
        case.status = PenaltyStatus.CLOSED
    case.full_clean()
    case.save()
    if cut:
        message = _("Correction deadline %(date)s passed with %(t)s t still short: next year's "
                    "allocation is cut by %(t)s t.")
    else:
        message = _("Corrected in full by the correction deadline %(date)s: no cut.")
    events.record(
        actor=actor,
        verb="allowances.penalty_cut_fixed",
        target=case,
        message=message % {"date": case.correction_deadline.isoformat(), "t": f"{cut:,}"},
        data={"cut": cut, "surrendered_by_correction_deadline": by_deadline,
              "correction_deadline": case.correction_deadline},
    )
    # the Art. 24 shortfall is known: corrected in full (cut 0) or not (credit subscribes)
    events.publish("penalty.cut_fixed", case_id=case.pk, cut=cut)


def record_cut(*, actor, case: PenaltyCase, cut: int, vintage: int, **data) -> PenaltyCase:
    """Book ``cut`` tonnes (already posted as a NEXT_YEAR_CUT entry by the caller, inside
    its transaction) on the locked ``case``: applied once the whole cut is posted, and a
    decided case is then closed."""
    case.cut_posted += cut
    case.cut_applied = case.cut_posted >= (case.next_year_cut or 0)
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
