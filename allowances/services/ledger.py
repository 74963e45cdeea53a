"""Moving allowance units: every movement is an append-only ledger entry plus the update of
the holding it belongs to, in one transaction, with the holdings locked in primary-key order
(so concurrent movements queue instead of deadlocking) and a refusal when any holding would
go below zero (the database CHECK backs it). DESIGN.md §4.4.

Every lock here is ``FOR NO KEY UPDATE`` (``select_for_update(no_key=True)``): it queues the
writers of a row but lets other transactions reference that row. A movement that creates a
holding checks its foreign key to the account at commit (``FOR KEY SHARE`` on the account, the
constraint is deferred); a ``FOR UPDATE`` on the account, taken by a surrender that then waits
for that movement's holdings, would block that check: a deadlock (issue 11 §1). No movement
deletes an account or a holding or changes their keys, so the weaker lock is enough."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import EntryKind, PledgeStatus, UnitType
from allowances.models import (
    AllowanceAccount,
    CCERProject,
    ComplianceCycle,
    Holding,
    LedgerEntry,
    Pledge,
)
from zhongwei_carbon import events


@dataclass(frozen=True)
class Movement:
    account: AllowanceAccount
    unit_type: str
    vintage: int
    quantity: int  # signed: positive in, negative out
    kind: str
    project: CCERProject | None = None
    serial_start: int | None = None
    serial_end: int | None = None
    reverses: LedgerEntry | None = None

    @property
    def key(self):
        return (
            self.account.pk,
            self.unit_type,
            self.vintage,
            self.project.pk if self.project else None,
        )


def account_for(enterprise) -> AllowanceAccount:
    account, _created = AllowanceAccount.objects.get_or_create(enterprise=enterprise)
    return account


def _lock_holdings(movements: list[Movement]) -> dict[tuple, Holding]:
    # sorted, so two transactions creating the same new holdings insert them in one order
    # (an insert waits on another's uncommitted insert of the same key)
    keys = sorted({m.key for m in movements}, key=lambda k: (k[0], k[1], k[2], k[3] or 0))
    Holding.objects.bulk_create(
        [Holding(account_id=a, unit_type=u, vintage=v, project_id=p) for a, u, v, p in keys],
        ignore_conflicts=True,
    )
    wanted = defaultdict(list)
    for a, u, v, p in keys:
        wanted[a].append((u, v, p))
    rows = (
        Holding.objects.select_for_update(no_key=True)
        .filter(account_id__in=wanted)
        .order_by("pk")  # one global order: no deadlocks between concurrent movements
    )
    return {
        (h.account_id, h.unit_type, h.vintage, h.project_id): h
        for h in rows
        if (h.unit_type, h.vintage, h.project_id) in wanted[h.account_id]
    }


@transaction.atomic
def post(
    *, actor, movements: list[Movement], cycle: ComplianceCycle | None = None, reference: str = ""
) -> list[LedgerEntry]:
    """Apply all ``movements`` or none. Refuses zero quantities, CEA with a project, CCER
    without one, and any holding that would go below zero."""
    if not movements:
        raise ValidationError(_("Nothing to move."))
    for m in movements:
        if m.quantity == 0:
            raise ValidationError(_("A movement of zero tonnes is not allowed."))
        if (m.unit_type == UnitType.CCER) != (m.project is not None):
            raise ValidationError(_("CCER units need their project; allowances have none."))
    holdings = _lock_holdings(movements)
    delta: dict[tuple, int] = defaultdict(int)
    for m in movements:
        delta[m.key] += m.quantity
    for key, change in delta.items():
        holding = holdings[key]
        if holding.quantity + change < 0:
            raise ValidationError(
                _("Not enough units: %(held)s t held, %(needed)s t needed (%(what)s %(vintage)s).")
                % {
                    "held": holding.quantity,
                    "needed": -change,
                    "what": UnitType(holding.unit_type).label,
                    "vintage": holding.vintage,
                }
            )
    _refuse_pledged(movements, delta)
    entries = LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                holding=holdings[m.key],
                cycle=cycle,
                kind=m.kind,
                quantity=m.quantity,
                serial_start=m.serial_start,
                serial_end=m.serial_end,
                reverses=m.reverses,
                reference=reference,
                actor=actor,
            )
            for m in movements
        ]
    )
    for key, change in delta.items():
        holding = holdings[key]
        holding.quantity += change
        holding.save(update_fields=["quantity"])
    for account in {m.account for m in movements}:
        moved = [m for m in movements if m.account == account]
        events.record(
            actor=actor,
            verb="allowances.posted",
            target=account,
            message=_("%(n)d ledger entries posted (%(kinds)s).")
            % {
                "n": len(moved),
                "kinds": ", ".join(sorted({str(EntryKind(m.kind).label) for m in moved})),
            },
            data={"reference": reference, "net": sum(m.quantity for m in moved)},
        )
    return entries


def cea_balances(account_id: int) -> dict[int, int]:
    """The account's CEA tonnes by vintage (from its holdings)."""
    return dict(
        Holding.objects.filter(account_id=account_id, unit_type=UnitType.CEA)
        .values_list("vintage", "quantity")
    )


def active_pledges(account_id: int) -> list[Pledge]:
    return list(
        Pledge.objects.filter(account_id=account_id, status=PledgeStatus.ACTIVE)
        .select_related("pledgee").order_by("pk")
    )


def pledged_text(pledges) -> str:
    """「300 t pledged to 宁夏银行 (contract NX-2026-001)」 for each pledge, for the errors."""
    return "; ".join(
        _("%(quantity)s t pledged to %(bank)s (contract %(contract)s)")
        % {"quantity": p.quantity, "bank": p.pledgee, "contract": p.contract_number}
        for p in pledges
    )


def _refuse_pledged(movements: list[Movement], delta: dict[tuple, int]) -> None:
    """A CEA debit may use only the units free of active pledges (配额质押): refused, naming
    the pledges, when the account's balance after the movements would not cover them. The
    holdings are locked (all of the account's, by ``_lock_holdings``), and so is any new
    pledge's check (``pledges.pledge_register`` locks them too): the two queue."""
    debited = {key[0] for key, change in delta.items() if change < 0 and key[1] == UnitType.CEA}
    for account_id in sorted(debited):
        pledges = active_pledges(account_id)
        if not pledges:
            continue
        after = cea_balances(account_id)
        for (acct, unit_type, vintage, _project), change in delta.items():
            if acct == account_id and unit_type == UnitType.CEA:
                after[vintage] = after.get(vintage, 0) + change
        if not rules.pledges_covered(after, [(p.vintage, p.quantity) for p in pledges]):
            before = cea_balances(account_id)
            free = rules.unpledged(before, [(p.vintage, p.quantity) for p in pledges])
            raise ValidationError(
                _(
                    "These allowances are pledged and cannot leave the account while the "
                    "pledge stands: %(pledges)s. Free of pledges: %(free)s t."
                )
                % {"pledges": pledged_text(pledges), "free": sum_free(before, pledges, free)}
            )


def sum_free(balances: dict[int, int], pledges, free: dict[int, int]) -> int:
    """The account's CEA tonnes free of pledges in all (never more than its balance less
    all its pledges)."""
    total = sum(balances.values()) - sum(p.quantity for p in pledges)
    return max(0, min(total, sum(free.values())))


def allocate(
    *, actor, account, cycle, vintage: int, quantity: int, kind=EntryKind.FINAL_ALLOCATION
):
    if quantity <= 0:
        raise ValidationError(_("An allocation must be a positive number of tonnes."))
    return post(
        actor=actor,
        movements=[Movement(account, UnitType.CEA, vintage, quantity, kind)],
        cycle=cycle,
        reference=f"{kind}:{cycle.year}",
    )


def check_serials(*, unit_type, quantity: int, serial_start=None, serial_end=None) -> None:
    """A serial block is optional, for CCER only, both ends given, ordered, and exactly as
    long as the quantity."""
    if serial_start is None and serial_end is None:
        return
    if unit_type != UnitType.CCER:
        raise ValidationError({"serial_start": _("Serial numbers are kept for CCER units only.")})
    if serial_start is None or serial_end is None:
        missing = "serial_end" if serial_end is None else "serial_start"
        raise ValidationError({missing: _("Give both the first and the last serial, or neither.")})
    if serial_start < 0:
        raise ValidationError({"serial_start": _("A serial number cannot be negative.")})
    if serial_end < serial_start:
        raise ValidationError({"serial_end": _("The last serial cannot be before the first.")})
    if serial_end - serial_start + 1 != quantity:
        raise ValidationError(
            {
                "serial_end": _(
                    "The serial block %(first)s–%(last)s holds %(n)s units, not %(quantity)s t."
                )
                % {
                    "first": serial_start,
                    "last": serial_end,
                    "n": serial_end - serial_start + 1,
                    "quantity": quantity,
                }
            }
        )


def transfer(
    *,
    actor,
    source,
    target,
    unit_type,
    vintage,
    quantity: int,
    project=None,
    reference="",
    serial_start: int | None = None,
    serial_end: int | None = None,
):
    """Units from one account to another (a trade recorded from the registry statement).
    A CCER serial block, when given, is kept on both entries."""
    if quantity <= 0:
        raise ValidationError(_("A transfer must be a positive number of tonnes."))
    if source.pk == target.pk:
        raise ValidationError(_("Source and target accounts are the same."))
    check_serials(
        unit_type=unit_type, quantity=quantity, serial_start=serial_start, serial_end=serial_end
    )
    serials = {"serial_start": serial_start, "serial_end": serial_end}
    return post(
        actor=actor,
        movements=[
            Movement(
                source, unit_type, vintage, -quantity, EntryKind.TRANSFER_OUT, project, **serials
            ),
            Movement(
                target, unit_type, vintage, quantity, EntryKind.TRANSFER_IN, project, **serials
            ),
        ],
        reference=reference,
    )


def kinds_net_of_reversals(*kinds) -> Q:
    """Entries of ``kinds`` and the corrections that reverse them: their sum is what those
    kinds moved, net (the one filter for "surrendered" or "allocated")."""
    return Q(kind__in=kinds) | Q(kind=EntryKind.CORRECTION, reverses__kind__in=kinds)


SURRENDERED = kinds_net_of_reversals(EntryKind.SURRENDER)


def surrendered(account, cycle) -> tuple[int, int]:
    """(CEA, CCER) tonnes surrendered for ``cycle`` so far (positive numbers)."""
    rows = (
        LedgerEntry.objects.filter(holding__account=account, cycle=cycle)
        .filter(SURRENDERED)
        .values("holding__unit_type")
        .annotate(total=Sum("quantity"))
    )
    totals = {r["holding__unit_type"]: -r["total"] for r in rows}
    return totals.get(UnitType.CEA, 0), totals.get(UnitType.CCER, 0)


@transaction.atomic
def surrender(*, actor, account, cycle, obligation: int, cea=(), ccer=()):
    """Surrender CEA ``[(vintage, t)]`` and CCER ``[(project, vintage, t)]`` for ``cycle``.

    The account row is locked first, so two surrenders of one enterprise are serialised and
    the CCER cap (≤ 5 % of the obligation, Measures Art. 29) holds across them."""
    AllowanceAccount.objects.select_for_update(no_key=True).get(pk=account.pk)
    ccer_total = sum(q for _p, _v, q in ccer)
    if any(q <= 0 for _v, q in cea) or any(q <= 0 for _p, _v, q in ccer):
        raise ValidationError(_("Surrendered quantities must be positive."))
    for project, _v, _q in ccer:
        if not rules.ccer_eligible(project_in_national_ets=project.inside_national_ets):
            raise ValidationError(
                _(
                    "CCER units of %(project)s come from a project inside the national ETS and cannot offset."
                )
                % {"project": project}
            )
    _cea_done, ccer_done = surrendered(account, cycle)
    cap = rules.ccer_cap(obligation)
    if ccer_done + ccer_total > cap:
        raise ValidationError(
            _("CCER offsets are limited to %(cap)s t for this cycle; %(done)s t already used.")
            % {"cap": cap, "done": ccer_done}
        )
    movements = [Movement(account, UnitType.CEA, v, -q, EntryKind.SURRENDER) for v, q in cea]
    movements += [
        Movement(account, UnitType.CCER, v, -q, EntryKind.SURRENDER, p) for p, v, q in ccer
    ]
    return post(actor=actor, movements=movements, cycle=cycle, reference=f"surrender:{cycle.year}")


@transaction.atomic
def reverse(*, actor, entry: LedgerEntry, reason: str):
    """A correction: a new entry with the opposite quantity; the original stays."""
    if not reason.strip():
        raise ValidationError(_("A correction needs a reason."))
    if entry.kind == EntryKind.CORRECTION:
        # a reversal of a reversal would escape ``surrendered`` (and the CCER cap)
        raise ValidationError(_("A correction cannot itself be reversed; post a new entry."))
    # lock the holding first: two concurrent reversals of one entry queue here and the
    # second is refused below instead of failing on the unique ``reverses``
    Holding.objects.select_for_update(no_key=True).get(pk=entry.holding_id)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))
    holding = entry.holding
    movement = Movement(
        holding.account,
        holding.unit_type,
        holding.vintage,
        -entry.quantity,
        EntryKind.CORRECTION,
        holding.project,
        reverses=entry,
    )
    (new,) = post(
        actor=actor,
        movements=[movement],
        cycle=entry.cycle,
        reference=f"reverses:{entry.pk} {reason}"[:120],
    )
    return new
