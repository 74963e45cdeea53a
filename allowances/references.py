"""Ledger references in words (``final_allocation:2025`` → 2025年度核定配额): the formatters
this app registers with ``zhongwei_carbon.display`` for the references its services write
(``ledger.allocate``, ``ledger.surrender``, ``ledger.reverse``, penalties and allocation)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from allowances.choices import EntryKind
from zhongwei_carbon import display


def _year(rest: str) -> int:
    return int(rest.strip())


def pre_allocation(rest):
    return _("Pre-allocation for %(year)s") % {"year": _year(rest)}


def final_allocation(rest):
    return _("Final allocation for %(year)s") % {"year": _year(rest)}


def surrender(rest):
    return _("Surrender for %(year)s") % {"year": _year(rest)}


def _kind_for_year(kind):
    def word(rest):
        return _("%(kind)s for %(year)s") % {"kind": EntryKind(kind).label, "year": _year(rest)}

    return word


def penalty(rest):
    from allowances.models import PenaltyCase

    case = PenaltyCase.objects.select_related("cycle", "enterprise").filter(pk=int(rest)).first()
    if case is None:
        return None
    return _("Penalty case of %(enterprise)s for not surrendering in full for %(year)s") % {
        "enterprise": case.enterprise.name,
        "year": case.cycle.year,
    }


def allocation(rest):
    from allowances.models import Allocation

    alloc = Allocation.objects.select_related("cycle", "enterprise").filter(pk=int(rest)).first()
    if alloc is None:
        return None
    return _("Allocation for %(year)s issued to %(enterprise)s") % {
        "enterprise": alloc.enterprise.name,
        "year": alloc.cycle.year,
    }


def reverses(rest):
    """``reverses:<entry pk> <reason>``: the reversed entry by its date, kind and tonnes."""
    from allowances.models import LedgerEntry

    pk, _sep, reason = rest.partition(" ")
    entry = LedgerEntry.objects.filter(pk=int(pk)).first()
    if entry is None:
        return None
    text = _("Reversal of the %(kind)s of %(quantity)s t on %(date)s") % {
        "kind": entry.get_kind_display(),
        "quantity": f"{entry.quantity:+,d}",
        "date": display.when(entry.created_at),
    }
    return f"{text}：{reason.strip()}" if reason.strip() else text


def cea_lines(raw):
    """A surrender request's allowances ``[[vintage, t], …]`` in words."""
    return "；".join(
        _("%(t)s t of vintage %(vintage)s") % {"t": f"{int(t):,}", "vintage": v} for v, t in raw
    )


def ccer_lines(raw):
    """A surrender request's CCER ``[[project id, vintage, t], …]``: projects by name."""
    from allowances.models import CCERProject

    names = dict(CCERProject.objects.filter(pk__in=[p for p, _v, _t in raw]).values_list("pk", "name"))
    return "；".join(
        _("%(t)s t of %(project)s, vintage %(vintage)s")
        % {"t": f"{int(t):,}", "project": names.get(p, _("a deleted project")), "vintage": v}
        for p, v, t in raw
    )


def allocation_inputs(raw):
    units = (raw or {}).get("units") or []
    return _("Data of %(n)s generating units") % {"n": len(units)}


def register() -> None:
    display.register_field("allowances.SurrenderRequest", "cea", cea_lines)
    display.register_field("allowances.SurrenderRequest", "ccer", ccer_lines)
    display.register_field("allowances.Allocation", "inputs", allocation_inputs)
    for kind in EntryKind.values:
        display.register_reference(kind, _kind_for_year(kind))
    display.register_reference(EntryKind.PRE_ALLOCATION, pre_allocation)
    display.register_reference(EntryKind.FINAL_ALLOCATION, final_allocation)
    display.register_reference("surrender", surrender)
    display.register_reference("penalty", penalty)
    display.register_reference("allocation", allocation)
    display.register_reference("reverses", reverses)
