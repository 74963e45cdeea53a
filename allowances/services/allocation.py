"""The region's allocation in the portal (issue 5 §2): import the notice, compare with the
portal's check value, notify the enterprises, take their objections (7 working days, decided
within 10; Measures Art. 16) and issue the figure to the account as ledger entries. Issuing
the first allocation of a later cycle also posts the next-year cut of an open short-surrender
case (Interim Regulations Art. 24)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import (
    AllocationStatus,
    EntryKind,
    ObjectionStatus,
    PenaltyStatus,
    UnitType,
)
from allowances.models import (
    Allocation,
    AllocationObjection,
    ComplianceCycle,
    LedgerEntry,
    PenaltyCase,
)
from allowances.selectors.allocation_check import check
from allowances.services import allocation_import as reader
from allowances.services import ledger, penalties
from registry.selectors.lists import published_list
from registry.services.lists import listed_enterprise_ids
from zhongwei_carbon import events, roles, scoping, uploads, workdays
from zhongwei_carbon.roles import Perm

ALLOCATION_KINDS = (EntryKind.PRE_ALLOCATION, EntryKind.FINAL_ALLOCATION, EntryKind.TOP_UP)


def _check_perm(actor, action, obj=None) -> None:
    if not roles.has_perm(actor, action):
        raise PermissionDenied
    if obj is not None and not scoping.can(actor, action, obj):
        raise PermissionDenied


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _lock_cycle(cycle) -> None:
    """One import, recheck or notice of a cycle at a time (new rows cannot race)."""
    ComplianceCycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)


def refresh_check(allocation: Allocation) -> Allocation:
    """Recompute and store the check values (no event: they are derived data)."""
    result = check(allocation)
    allocation.pre_allocation_check = result.pre_allocation
    allocation.computed = result.final
    allocation.check_problem = result.problem
    return allocation


# --- import ------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    errors: list = field(default_factory=list)
    error_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    differing: int = 0
    not_listed: list = field(default_factory=list)  # names not on the cycle's published list

    @property
    def ok(self) -> bool:
        return self.error_total == 0


@transaction.atomic
def allocation_import(*, actor, cycle, data: bytes, filename: str) -> ImportOutcome:
    """Apply the notice workbook to ``cycle``, all or nothing. A changed figure sends the row
    back to "imported" (it must be notified again); a row with a pending objection is refused.
    Raises ``UploadRejected`` for an unsafe file."""
    _check_perm(actor, Perm.MANAGE_ALLOCATION)
    _lock_cycle(cycle)
    parsed = reader.read(data)
    outcome = ImportOutcome(errors=parsed.errors, error_total=parsed.error_total)
    existing = {
        a.enterprise.uscc: a
        for a in Allocation.objects.select_for_update(no_key=True, of=("self",))
        .filter(cycle=cycle, enterprise__uscc__in=list(parsed.allocations))
        .select_related("enterprise")
    }
    for code, row in parsed.allocations.items():
        current = existing.get(code)
        if current is not None and current.status == AllocationStatus.OBJECTED:
            parsed.add(reader.SHEET_ALLOCATIONS, row["row"], None,
                       _("An objection to this enterprise's allocation is pending: decide it "
                         "before importing a new figure."))
    outcome.errors, outcome.error_total = parsed.errors, parsed.error_total
    if not outcome.ok:
        return outcome
    listed = listed_enterprise_ids(published_list(cycle.year))
    outcome.not_listed = sorted(
        e.name for code, e in parsed.enterprises.items()
        if code in parsed.allocations and e.pk not in listed
    )
    for code, row in parsed.allocations.items():
        enterprise = parsed.enterprises[code]
        allocation = existing.get(code) or Allocation(cycle=cycle, enterprise=enterprise)
        created = allocation.pk is None
        # A blank figure keeps the stored one: a notice never withdraws a figure by omission.
        figures = {
            key: row[key] if row[key] is not None else getattr(allocation, key)
            for key in ("pre_allocation", "notified")
        }
        changed = created or any(getattr(allocation, k) != v for k, v in figures.items())
        for key, value in figures.items():
            setattr(allocation, key, value)
        # Method, reference, date and unit data update in place (no new notice needed);
        # unit data absent from the file, and a unit's blank cells, keep the stored ones.
        allocation.method = row["method"]
        allocation.notice_reference = row["notice_reference"] or allocation.notice_reference
        allocation.notice_date = row["notice_date"] or allocation.notice_date
        if parsed.units.get(code):
            stored = (allocation.inputs or {}).get("units") or []
            allocation.inputs = {"units": reader.merge_units(stored, parsed.units[code])}
        refresh_check(allocation)
        if allocation.differs or allocation.pre_differs:
            outcome.differing += 1
        if not changed:
            outcome.unchanged += 1
            allocation.full_clean()
            allocation.save()
            continue
        if created:
            outcome.created += 1
        else:
            outcome.updated += 1
        allocation.status = AllocationStatus.IMPORTED
        allocation.objection_deadline = None
        allocation.notified_on = None
        allocation.full_clean()
        allocation.save()
        events.record(
            actor=actor,
            verb="allowances.allocation_imported",
            target=allocation,
            message=_("Allocation notice imported: pre-allocation %(pre)s t, final %(final)s t.")
            % {"pre": _t(allocation.pre_allocation), "final": _t(allocation.notified)},
            data={"file": filename, "pre_allocation": allocation.pre_allocation,
                  "notified": allocation.notified, "computed": allocation.computed},
        )
    events.record(
        actor=actor,
        verb="allowances.allocation_import",
        target=cycle,
        message=_("Allocation notice %(file)s imported: %(c)d new, %(u)d changed, "
                  "%(n)d unchanged, %(d)d differ from the check value.")
        % {"file": filename, "c": outcome.created, "u": outcome.updated,
           "n": outcome.unchanged, "d": outcome.differing},
        data={"sha256": hashlib.sha256(data).hexdigest(), "file": filename},
    )
    return outcome


def _t(value) -> str:
    return "—" if value is None else f"{value:,}"


@transaction.atomic
def recheck_all(*, actor, cycle) -> int:
    """Recompute the check values of every allocation of ``cycle`` (after a parameter or a
    verified figure changed); returns how many now differ."""
    _check_perm(actor, Perm.MANAGE_ALLOCATION)
    _lock_cycle(cycle)
    differing = 0
    rows = Allocation.objects.select_for_update(no_key=True, of=("self",)).filter(cycle=cycle)
    for allocation in rows.select_related("enterprise", "cycle"):
        refresh_check(allocation).save(
            update_fields=["pre_allocation_check", "computed", "check_problem"]
        )
        differing += allocation.differs or allocation.pre_differs
    return differing


# --- notice and objections -----------------------------------------------------------------


def _lock(allocation) -> Allocation:
    return (
        Allocation.objects.select_for_update(no_key=True, of=("self",))
        .select_related("enterprise", "cycle")
        .get(pk=allocation.pk)
    )


@transaction.atomic
def notify_all(*, actor, cycle, today: date | None = None) -> int:
    """Notify every imported allocation of ``cycle``: the portal's notice to the enterprise is
    today, and the objection period (7 working days, bureau calendar) runs from it. Returns
    how many were notified."""
    _check_perm(actor, Perm.MANAGE_ALLOCATION)
    _lock_cycle(cycle)
    today = _today(today)
    deadline = workdays.deadline(today, rules.ALLOCATION_OBJECTION_WORKING_DAYS)
    count = 0
    rows = Allocation.objects.select_for_update(no_key=True, of=("self",)).filter(
        cycle=cycle, status=AllocationStatus.IMPORTED
    )
    for allocation in rows.select_related("enterprise", "cycle"):
        allocation.status = AllocationStatus.NOTIFIED
        allocation.notified_on = today
        allocation.notice_number += 1
        allocation.objection_deadline = deadline
        allocation.full_clean()
        allocation.save()
        events.record(
            actor=actor,
            verb="allowances.allocation_notified",
            target=allocation,
            message=_("Allocation notified; objections until %(date)s.")
            % {"date": deadline.isoformat()},
            data={"deadline": deadline},
        )
        events.publish("allocation.notified", allocation_id=allocation.pk)
        count += 1
    return count


def objection_blocker(allocation, today: date | None = None) -> str | None:
    """Why the enterprise cannot object today, or ``None``: only a notified allocation, until
    the objection deadline inclusive, once per notice (Measures Art. 16)."""
    today = _today(today)
    if allocation.status != AllocationStatus.NOTIFIED:
        return _("This allocation is not open to objection.")
    if allocation.objection_deadline and today > allocation.objection_deadline:
        return _("The objection period ended on %(date)s.") % {
            "date": allocation.objection_deadline.isoformat()
        }
    if allocation.objections.filter(notice_number=allocation.notice_number).exists():
        return _("An objection to this notice has already been filed.")
    return None


def objection_file_check(*, actor, allocation, reasons: str, file=None,
                         today: date | None = None) -> date:
    """Everything ``objection_file`` checks, writing nothing: the permission, the period,
    once per notice, the reasons and the supporting file's signature. Returns the day the
    bureau's decision will be due."""
    _check_perm(actor, Perm.OBJECT_TO_ALLOCATION, allocation)
    today = _today(today)
    blocker = objection_blocker(allocation, today)
    if blocker:
        raise ValidationError(blocker)
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the objection.")})
    if file:
        uploads.check_evidence(file)
    return workdays.deadline(today, rules.ALLOCATION_DECISION_WORKING_DAYS)


@transaction.atomic
def objection_file(*, actor, allocation, reasons: str, file=None, today: date | None = None):
    """The enterprise objects within the period (its last day included), once per notice."""
    allocation = _lock(allocation)
    due = objection_file_check(actor=actor, allocation=allocation, reasons=reasons, file=file,
                               today=today)
    objection = AllocationObjection(
        allocation=allocation,
        notice_number=allocation.notice_number,
        reasons=reasons.strip(),
        file=file or "",
        filed_by=actor,
        decision_due=due,
    )
    objection.full_clean()
    objection.save()
    allocation.status = AllocationStatus.OBJECTED
    allocation.save(update_fields=["status"])
    events.record(
        actor=actor,
        verb="allowances.allocation_objection",
        target=allocation,
        message=_("Objection filed; decision due %(date)s.")
        % {"date": objection.decision_due.isoformat()},
        data={"objection": objection.pk},
    )
    events.publish("allocation.objection_filed", allocation_id=allocation.pk)
    return objection


def objection_decide_check(*, actor, objection, decision: str, note: str) -> None:
    """Everything ``objection_decide`` checks, writing nothing."""
    _check_perm(actor, Perm.MANAGE_ALLOCATION, objection.allocation)
    if objection.status != ObjectionStatus.PENDING:
        raise ValidationError(_("This objection has already been decided."))
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED):
        raise ValidationError({"decision": _("Choose uphold or dismiss.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the reasons for the decision.")})


@transaction.atomic
def objection_decide(*, actor, objection, decision: str, note: str) -> AllocationObjection:
    """Uphold (the allocation waits for the region's corrected notice: it cannot be notified
    or issued again until an import changes its figures) or dismiss (the notified figure
    stands and may be issued)."""
    objection = AllocationObjection.objects.select_for_update(no_key=True).get(pk=objection.pk)
    allocation = _lock(objection.allocation)
    objection_decide_check(actor=actor, objection=objection, decision=decision, note=note)
    note = note.strip()
    objection.status = decision
    objection.decision_note = note
    objection.decided_at = timezone.now()
    objection.decided_by = actor
    objection.full_clean()
    objection.save()
    allocation.status = (
        AllocationStatus.CORRECTING if decision == ObjectionStatus.UPHELD
        else AllocationStatus.NOTIFIED
    )
    allocation.save(update_fields=["status"])
    events.record(
        actor=actor,
        verb="allowances.allocation_objection_decided",
        target=allocation,
        message=_("Objection decided: %(decision)s.") % {"decision": objection.get_status_display()},
        data={"objection": objection.pk, "decision": decision},
    )
    events.publish("allocation.objection_decided", allocation_id=allocation.pk)
    return objection


# --- issuing to the account ----------------------------------------------------------------


def issued_so_far(allocation) -> int:
    """Tonnes of ``allocation``'s cycle already allocated to the enterprise (pre-allocation,
    final allocation and top-ups, net of their reversals), read from the one ledger."""
    total = LedgerEntry.objects.filter(
        holding__account__enterprise_id=allocation.enterprise_id, cycle_id=allocation.cycle_id
    ).filter(ledger.kinds_net_of_reversals(*ALLOCATION_KINDS)).aggregate(t=Sum("quantity"))["t"]
    return total or 0


def issue_blocker(allocation, today: date | None = None) -> str | None:
    """Why ``allocation`` cannot be issued today, or ``None``."""
    today = _today(today)
    if allocation.status == AllocationStatus.ISSUED:
        return _("Already issued.")
    if allocation.status == AllocationStatus.IMPORTED:
        return _("Notify the enterprise first.")
    if allocation.status == AllocationStatus.OBJECTED:
        return _("An objection is pending.")
    if allocation.status == AllocationStatus.CORRECTING:
        return _("The objection was upheld: import the region's corrected notice first.")
    dismissed = allocation.objections.filter(
        status=ObjectionStatus.DISMISSED, notice_number=allocation.notice_number
    ).exists()
    if not dismissed and allocation.objection_deadline and today <= allocation.objection_deadline:
        return _("The objection period runs until %(date)s.") % {
            "date": allocation.objection_deadline.isoformat()
        }
    return None


def issue_preview(allocation) -> tuple[int | None, str, int]:
    """What issuing would post: (target for the cycle, entry kind, tonnes to post now). The
    target is the final allocation once notified, else the pre-allocation."""
    final = allocation.notified is not None
    target = allocation.notified if final else allocation.pre_allocation
    kind = EntryKind.FINAL_ALLOCATION if final else EntryKind.PRE_ALLOCATION
    delta = 0 if target is None else target - issued_so_far(allocation)
    return target, kind, delta


@transaction.atomic
def issue(*, actor, allocation, today: date | None = None) -> list[LedgerEntry]:
    """Post the notified figure (the final allocation, else the pre-allocation) less what was
    already allocated for the cycle, as CEA of the cycle's vintage; then, on a positive
    allocation, the open next-year cuts of earlier cycles' penalty cases (decided, past their
    correction deadline: ``penalties.cut_due``), up to the tonnes allocated now. Refused while the objection period runs or an objection is pending."""
    allocation = _lock(allocation)
    _check_perm(actor, Perm.MANAGE_ALLOCATION, allocation)
    blocker = issue_blocker(allocation, today)
    if blocker:
        raise ValidationError(blocker)
    target, kind, delta = issue_preview(allocation)
    account = ledger.account_for(allocation.enterprise)
    year = allocation.cycle.year
    movements = []
    if delta:
        movements.append(ledger.Movement(account, UnitType.CEA, year, delta, kind))
    cuts = []
    if delta > 0:
        room = delta
        # only decided cases (the cut follows the decision) whose correction deadline has
        # passed (the cut is what is still short then; before, it is not known)
        cases = PenaltyCase.objects.select_for_update(no_key=True, of=("self",)).filter(
            enterprise=allocation.enterprise, cycle__year__lt=year, cut_applied=False,
            status=PenaltyStatus.DECIDED, correction_deadline__lt=_today(today),
        ).order_by("cycle__year", "pk")
        for case in cases:
            cut = min(penalties.cut_due(actor=actor, case=case, today=_today(today)) or 0, room)
            if cut > 0:
                movements.append(
                    ledger.Movement(account, UnitType.CEA, year, -cut, EntryKind.NEXT_YEAR_CUT)
                )
                cuts.append((case, cut))
                room -= cut
    entries = []
    if movements:
        entries = ledger.post(
            actor=actor, movements=movements, cycle=allocation.cycle,
            reference=f"allocation:{allocation.pk}",
        )
    for case, cut in cuts:
        penalties.record_cut(actor=actor, case=case, cut=cut, vintage=year, with_allocation=True)
    allocation.status = AllocationStatus.ISSUED
    allocation.save(update_fields=["status"])
    events.record(
        actor=actor,
        verb="allowances.allocation_issued",
        target=allocation,
        message=_("Allocation issued: %(delta)s t posted (%(target)s t in total for %(year)s).")
        % {"delta": f"{delta:+,}", "target": f"{target:,}", "year": year},
        data={"delta": delta, "target": target, "cuts": [c.pk for c, _n in cuts]},
    )
    events.publish("allocation.issued", allocation_id=allocation.pk)
    return entries


def issue_all(*, actor, cycle, today: date | None = None) -> tuple[int, int]:
    """Issue every allocation of ``cycle`` that can be issued today, each in its own
    transaction (one refusal does not undo the others). Returns (issued, refused, waiting):
    waiting are those still in their objection period or with an objection pending."""
    _check_perm(actor, Perm.MANAGE_ALLOCATION)
    issued = refused = waiting = 0
    rows = Allocation.objects.filter(
        cycle=cycle, status__in=[AllocationStatus.NOTIFIED, AllocationStatus.OBJECTED]
    )
    for allocation in rows.select_related("enterprise", "cycle"):
        if issue_blocker(allocation, today):
            waiting += 1
            continue
        try:
            issue(actor=actor, allocation=allocation, today=today)
        except ValidationError:
            refused += 1
        else:
            issued += 1
    return issued, refused, waiting
