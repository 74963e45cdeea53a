"""Reads for the compliance-cycle pages: how far the cycle's work has got (``progress``) and
the milestone timeline with each milestone done, overdue, next or upcoming (the rule is
``allowances.rules.milestone_done`` / ``milestone_mark``; issue 9 §13)."""

from __future__ import annotations

from django.db.models import Sum

from allowances import rules
from allowances.choices import AllocationStatus, EntryKind
from allowances.models import Allocation, LedgerEntry
from allowances.selectors import compliance
from allowances.services import ledger
from registry.choices import RecordSource
from registry.models import EmissionRecord
from registry.selectors.lists import published_list
from registry.services.lists import listed_enterprise_ids

ALLOCATION_KINDS = (EntryKind.PRE_ALLOCATION, EntryKind.FINAL_ALLOCATION, EntryKind.TOP_UP)


def progress(cycle) -> rules.CycleProgress:
    """The cycle's work from the data, city-wide, in a fixed number of queries."""
    allocations = list(
        Allocation.objects.filter(cycle=cycle).values_list("enterprise_id", "notified", "status")
    )
    allocated = {e for e, _n, _s in allocations}
    issued = {
        row["holding__account__enterprise_id"]
        for row in LedgerEntry.objects.filter(cycle=cycle, holding__account__enterprise_id__in=allocated)
        .filter(ledger.kinds_net_of_reversals(*ALLOCATION_KINDS))
        .values("holding__account__enterprise_id").annotate(total=Sum("quantity"))
        if (row["total"] or 0) > 0
    }
    notified = {e for e, figure, status in allocations
                if figure is not None and status != AllocationStatus.IMPORTED}
    final_issued = {e for e, figure, status in allocations
                    if figure is not None and status == AllocationStatus.ISSUED}
    due = listed_enterprise_ids(published_list(cycle.year)) | allocated
    verified = dict(
        EmissionRecord.objects.filter(
            year=cycle.year, source=RecordSource.VERIFIED, enterprise_id__in=due
        ).values_list("enterprise_id", "emissions_tco2e")
    )
    return rules.CycleProgress(
        allocations=len(allocated),
        pre_allocated=len(issued),
        final_notified=len(notified),
        final_issued=len(final_issued),
        due=len(due),
        verified=len(verified),
        complied=len(compliance.complied_in_full(cycle, verified)),
        lists_published=published_list(cycle.year + 1) is not None,
    )


def timeline(milestones, today, *, progress: rules.CycleProgress | None = None,
             cycle_open: bool = True) -> list[dict]:
    """Milestones in date order, each with its ``mark`` (``rules.milestone_mark``), whether
    its work is ``done`` and the ``days`` to its date. Without ``progress`` nothing counts as
    done."""
    rows, ahead_seen = [], False
    for m in sorted(milestones, key=lambda m: (m.due_date, m.pk)):
        done = progress is not None and rules.milestone_done(m.kind, progress)
        first_ahead = not done and not ahead_seen and m.due_date >= today
        ahead_seen = ahead_seen or first_ahead
        mark = rules.milestone_mark(due=m.due_date, done=done, today=today,
                                    cycle_open=cycle_open, first_ahead=first_ahead)
        count = rules.milestone_count(m.kind, progress) if progress is not None else None
        rows.append({"milestone": m, "mark": mark, "done": done, "count": count,
                     "days": (m.due_date - today).days})
    return rows
