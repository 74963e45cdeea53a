"""Reads for the transfer page, the ledger-entry page and the audit-trail check."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from allowances.choices import EntryKind
from allowances.models import AllowanceAccount, Holding, LedgerEntry
from zhongwei_carbon import lookup, scoping
from zhongwei_carbon.templatetags.portal import thousands


def accounts_for_posting(user, action: str):
    """Enterprise accounts ``user`` may post to, by enterprise name."""
    return scoping.for_user(
        AllowanceAccount.objects.select_related("enterprise__area"), user, action
    ).order_by("enterprise__name", "pk")


def account_label(account) -> str:
    """An account as the transfer form's search lists it."""
    e = account.enterprise
    return lookup.label(e.name, e.uscc, e.area)


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


def describe_entry(pk: int) -> str:
    """One ledger entry for people (the audit-trail check names it): whose account, what
    moved, when."""
    entry = entry_queryset().filter(pk=pk).first()
    if entry is None:
        return _("ledger entry #%(id)s") % {"id": pk}
    holding = entry.holding
    units = f"{holding.get_unit_type_display()} {holding.vintage}"
    if holding.project_id:
        units += f" {holding.project.code}"
    sign = "+" if entry.quantity > 0 else ""
    return _("ledger entry #%(id)s of %(account)s: %(kind)s %(quantity)s t %(units)s, %(time)s") % {
        "id": entry.pk,
        "account": holding.account.enterprise.name,
        "kind": entry.get_kind_display(),
        "quantity": sign + thousands(entry.quantity),
        "units": units,
        "time": formats.date_format(timezone.localtime(entry.created_at), "Y-m-d H:i:s"),
    }


def entry_url(pk: int) -> str:
    return reverse("allowances:entry_detail", kwargs={"pk": pk})
