"""Checking the audit hash chains (``audit_chain`` builds them): walk each chain in order,
recompute every hash in Python (independently of the SQL that wrote it) and name the first
broken row. Used by ``manage.py verify_audit_chain`` and the bureau's audit-trail page.

Each app registers its chained model with two functions for people: the chain's name and a
description of one of its rows by id (which event, which account entry), so the core names
the rows of higher apps without importing them (DESIGN.md §4.11).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Model
from django.utils.translation import gettext as _

from zhongwei_carbon import audit_chain
from zhongwei_carbon.audit_chain import GENESIS, canonical, row_hash


@dataclass(frozen=True)
class Chain:
    name: str
    model: type[Model]
    label: str  # the chain's name for people (lazy)
    describe: Callable[[int], str]  # one row of the chain for people, by id
    url: Callable[[int], str]  # the page of that row ("" when it has none)


CHAINS: dict[str, Chain] = {}


def register(*, chain: str, model: type[Model], label, describe, url) -> None:
    """Called by the ``ready`` of the app that owns the chained model."""
    CHAINS[chain] = Chain(chain, model, label, describe, url)


class Problem:
    ALTERED = "altered"  # the row's content no longer matches its hash
    RELINKED = "relinked"  # the row no longer points to the row before it
    MISSING = "missing"  # rows before this one were deleted
    TAIL_MISSING = "tail_missing"  # the chain is shorter than its head says
    UNSEALED = "unsealed"  # a row written while the seal trigger was off


@dataclass(frozen=True)
class Break:
    problem: str
    row_id: int | None  # where the break shows (None: no row is left to show it)
    seq: int | None = None
    previous_id: int | None = None  # the last good row before the break
    first_missing: int | None = None  # positions of deleted rows
    last_missing: int | None = None
    detail: str = ""  # what mismatched, for the technician


@dataclass
class Report:
    chain: str
    rows: int = 0  # rows in the table
    head_length: int = 0  # rows the chain head says were sealed
    checked: int = 0  # rows verified before the first break (all of them when intact)
    broken: Break | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(chain: str, *, using: str = "default") -> Report:
    """Walk one chain in ``chain_seq`` order and stop at its first broken row."""
    from zhongwei_carbon.models import AuditChainHead

    audit_chain.seal_pending(using)
    spec = CHAINS[chain]
    rows = spec.model._base_manager.using(using)
    head = AuditChainHead.objects.using(using).filter(chain=chain).first()
    report = Report(chain=chain, rows=rows.count(), head_length=head.length if head else 0)
    fields = audit_chain.seal_trigger(spec.model).fields
    in_order = rows.order_by(F("chain_seq").asc(nulls_last=True), "pk")
    expected, prev_hash, prev_id = 1, GENESIS, None
    for pk, seq, stored_prev, stored, values in audit_chain.rendered_rows(in_order, fields):
        found = _check_row(pk, seq, stored_prev, stored, values, expected, prev_hash, prev_id)
        if found:
            report.broken = found
            return report
        report.checked += 1
        expected, prev_hash, prev_id = seq + 1, stored, pk
    head_hash = head.last_hash if head else GENESIS
    if report.head_length != expected - 1 or head_hash != prev_hash:
        report.broken = Break(
            Problem.TAIL_MISSING,
            prev_id,
            seq=expected - 1 if prev_id else None,
            first_missing=expected,
            last_missing=report.head_length,
            detail=f"head {report.head_length} {head_hash}; last row {expected - 1} {prev_hash}",
        )
    return report


def _check_row(pk, seq, stored_prev, stored, values, expected, prev_hash, prev_id) -> Break | None:
    if seq is None or not stored:
        return Break(Problem.UNSEALED, pk, previous_id=prev_id, detail="chain_seq/row_hash empty")
    if seq != expected:
        return Break(
            Problem.MISSING,
            pk,
            seq=seq,
            previous_id=prev_id,
            first_missing=expected,
            last_missing=seq - 1,
            detail=f"chain_seq {seq}, expected {expected}",
        )
    if stored_prev != prev_hash:
        return Break(
            Problem.RELINKED,
            pk,
            seq=seq,
            previous_id=prev_id,
            detail=f"prev_hash {stored_prev}, expected {prev_hash}",
        )
    values["seq"] = str(seq)
    computed = row_hash(prev_hash, canonical(values))
    if computed != stored:
        return Break(
            Problem.ALTERED,
            pk,
            seq=seq,
            previous_id=prev_id,
            detail=f"row_hash {stored}, content hashes to {computed}",
        )
    return None


def verify_all(using: str = "default") -> list[Report]:
    return [verify(name, using=using) for name in CHAINS]


def explain(report: Report) -> str:
    """The first break of ``report`` in words, naming the rows (empty when intact)."""
    b = report.broken
    if b is None:
        return ""
    describe = CHAINS[report.chain].describe
    row = describe(b.row_id) if b.row_id is not None else ""
    previous = describe(b.previous_id) if b.previous_id is not None else ""
    values = {
        "row": row,
        "previous": previous,
        "seq": b.seq,
        "positions": (
            f"{b.first_missing}–{b.last_missing}"
            if b.first_missing != b.last_missing
            else str(b.first_missing)
        ),
        "head": report.head_length,
    }
    if b.problem == Problem.ALTERED:
        text = _("%(row)s was changed after it was recorded (position %(seq)s of the chain): "
                 "its content no longer matches its hash.")
    elif b.problem == Problem.RELINKED:
        text = _("%(row)s (position %(seq)s of the chain) no longer links to the row before it, "
                 "%(previous)s.")
    elif b.problem == Problem.MISSING and previous:
        text = _("Position %(positions)s of the chain is missing (deleted rows) between "
                 "%(previous)s and %(row)s.")
    elif b.problem == Problem.MISSING:
        text = _("Position %(positions)s of the chain is missing (deleted rows) before "
                 "%(row)s, the first row left.")
    elif b.problem == Problem.TAIL_MISSING and row:
        text = _("The chain ends at %(row)s (position %(seq)s) but the chain head counts "
                 "%(head)s rows: the rows after it were deleted, or the head was changed.")
    elif b.problem == Problem.TAIL_MISSING:
        text = _("No row of the chain is left but the chain head counts %(head)s rows: the rows "
                 "were deleted, or the head was changed.")
    else:
        text = _("%(row)s has no seal: it was written while the chain's trigger was switched off.")
    return text % values
