"""Reads for the compliance-cycle pages: how far the cycle's work has got (``progress``) and
the milestone timeline with each milestone done, overdue, next or upcoming (the rule is
``allowances.rules.milestone_done`` / ``milestone_mark``; issue 9 §13)."""

from __future__ import annotations

from django.db.models import Count, F, FilteredRelation, Q, Sum

from allowances import rules
from allowances.choices import AllocationStatus, EntryKind
from allowances.models import Allocation, LedgerEntry
from allowances.selectors import compliance_sql
from allowances.services import ledger
from registry.choices import RecordSource
from registry.models import Enterprise
from registry.selectors.lists import listed_on, published_list

ALLOCATION_KINDS = (EntryKind.PRE_ALLOCATION, EntryKind.FINAL_ALLOCATION, EntryKind.TOP_UP)


def progress(cycle) -> rules.CycleProgress:
    """The cycle's work from the data, city-wide, as counts PostgreSQL computes (issue 11: the
    city's rows never come to Python), in five queries whatever the size of the city.

    - allocations: enterprises with an allocation for the cycle; final_notified: of them, those
      notified a final figure (not merely imported); final_issued: those whose final figure
      was issued;
    - pre_allocated: allocated enterprises that hold allowances of the cycle from allocation
      entries (net of their reversals, more than zero);
    - due: enterprises on the published list of the cycle's year, or allocated; verified: of
      them, those with a verified figure for the year; complied: the key emitters whose
      surrenders reach their obligation (``compliance_sql.figures``).
    """
    allocations = Allocation.objects.filter(cycle=cycle).order_by()
    final = Q(notified__isnull=False)
    counts = allocations.aggregate(
        allocations=Count("enterprise", distinct=True),
        final_notified=Count("enterprise", distinct=True,
                             filter=final & ~Q(status=AllocationStatus.IMPORTED)),
        final_issued=Count("enterprise", distinct=True,
                           filter=final & Q(status=AllocationStatus.ISSUED)),
    )
    pre_allocated = (
        LedgerEntry.objects.filter(cycle=cycle,
                                   holding__account__enterprise__in=allocations.values("enterprise"))
        .filter(ledger.kinds_net_of_reversals(*ALLOCATION_KINDS))
        .order_by().values("holding__account__enterprise_id")
        .annotate(total=Sum("quantity")).filter(total__gt=0)
        .count()
    )
    enterprises = (
        Enterprise.objects.alias(
            # a join, not a subquery per row (one record per enterprise and year)
            verified=FilteredRelation("emission_records", condition=Q(
                emission_records__year=cycle.year,
                emission_records__source=RecordSource.VERIFIED)),
        )
        # IN, not EXISTS: PostgreSQL misjudges an OR of two EXISTS a hundredfold, and its
        # JIT compiler then costs 40 ms
        .filter(Q(pk__in=listed_on(cycle.year).values("enterprise_id"))
                | Q(pk__in=allocations.values("enterprise_id")))
        .aggregate(due=Count("pk"), verified=Count("verified"))
    )
    complied = (
        compliance_sql.figures(Enterprise.objects.all(), cycle)
        .filter(obligation__isnull=False, surrendered__gte=F("obligation"))
        .count()
    )
    return rules.CycleProgress(
        allocations=counts["allocations"],
        pre_allocated=pre_allocated,
        final_notified=counts["final_notified"],
        final_issued=counts["final_issued"],
        due=enterprises["due"],
        verified=enterprises["verified"],
        complied=complied,
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
