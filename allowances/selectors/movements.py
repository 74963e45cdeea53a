"""Reads for the transfer page and the ledger-entry page."""

from __future__ import annotations

from allowances.choices import EntryKind
from allowances.models import AllowanceAccount, Holding, LedgerEntry
from zhongwei_carbon import scoping


def accounts_for_posting(user, action: str):
    """Enterprise accounts ``user`` may post to, by enterprise name."""
    return scoping.for_user(
        AllowanceAccount.objects.select_related("enterprise"), user, action
    ).order_by("enterprise__name", "pk")


def held(account, unit_type: str, vintage: int, project=None) -> int:
    """Tonnes ``account`` holds of one kind of unit (0 when it never held any)."""
    holding = Holding.objects.filter(
        account=account, unit_type=unit_type, vintage=vintage, project=project
    ).first()
    return holding.quantity if holding else 0


def entry_queryset():
    """Ledger entries with what their page shows (scope them with ``scoping.for_user``)."""
    return LedgerEntry.objects.select_related(
        "holding__account__enterprise__area",
        "holding__project",
        "cycle",
        "actor",
        "reverses__holding",
    )


def reversal_of(entry: LedgerEntry) -> LedgerEntry | None:
    """The correction that reversed ``entry`` (same holding, so the same scope), if any."""
    return LedgerEntry.objects.select_related("actor").filter(reverses=entry).first()


def counterpart_of(entry: LedgerEntry, user, action: str) -> LedgerEntry | None:
    """The other half of a transfer, when ``user`` may see it: ``ledger.transfer`` writes the
    out and the in entry together (adjacent ids), same reference and units, opposite sign."""
    pair = {
        EntryKind.TRANSFER_IN: EntryKind.TRANSFER_OUT,
        EntryKind.TRANSFER_OUT: EntryKind.TRANSFER_IN,
    }
    if entry.kind not in pair:
        return None
    return (
        scoping.for_user(entry_queryset(), user, action)
        .filter(
            pk__in=(entry.pk - 1, entry.pk + 1),
            kind=pair[entry.kind],
            reference=entry.reference,
            quantity=-entry.quantity,
            holding__unit_type=entry.holding.unit_type,
            holding__vintage=entry.holding.vintage,
            holding__project_id=entry.holding.project_id,
        )
        .exclude(pk=entry.pk)
        .first()
    )
