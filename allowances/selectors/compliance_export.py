"""The compliance table of a cycle streamed for the Excel export (issue 11 §4).

The same rows as ``compliance.compliance(...).rows`` filtered and sorted like the page
(``?status=``, ``?enterprise=``, ``?ordering=``, ``COMPLIANCE_SORT``), but computed a chunk of
enterprises at a time: per chunk one query for the enterprises, one for their verified
figures and one for their surrenders, so the rows of the city are never in memory together.
The default order (area, name) streams in one pass. A sort by a column (the page's own key
functions) keeps, per row, only its sort key and its enterprise's id, sorts them as
``SortKeys.sort_rows`` does (stable, blank figures last), then computes the rows again in that
order, chunk by chunk.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from django.db.models import Q
from django.utils import timezone

from allowances import rules
from allowances.selectors import compliance as sel
from registry.choices import RecordSource
from registry.models import EmissionRecord, Enterprise
from zhongwei_carbon import scoping
from zhongwei_carbon.excel import EXPORT_CHUNK_SIZE, chunked
from zhongwei_carbon.roles import Perm


def _verified(cycle):
    return EmissionRecord.objects.filter(year=cycle.year, source=RecordSource.VERIFIED)


def enterprises(user, cycle, *, only=None):
    """The enterprises of the table (those ``compliance`` shows), in its default order."""
    q = scoping.scope_q(Enterprise, user, Perm.VIEW_COMPLIANCE)
    if q is None:
        return Enterprise.objects.none()
    qs = (
        Enterprise.objects.filter(q)
        .filter(
            Q(pk__in=_verified(cycle).values("enterprise_id"))
            | Q(allowance_account__isnull=False)
        )
        .select_related("area", "sector")  # what the export shows and sorts by
        .order_by("area__code", "name")
    )
    return qs if only is None else qs.filter(pk=only)


def _rows_of(cycle, chunk: list, deadline, today) -> list[sel.Row]:
    ids = [e.pk for e in chunk]
    verified = dict(
        _verified(cycle).filter(enterprise_id__in=ids).values_list("enterprise_id", "emissions_tco2e")
    )
    done, met_on = sel._tally(cycle, verified, ids)
    return [sel._row(e, verified, done, met_on, deadline, today) for e in chunk]


def _in_order(qs, cycle, deadline, today, status) -> Iterator[sel.Row]:
    for chunk in chunked(qs):
        for row in _rows_of(cycle, chunk, deadline, today):
            if status is None or row.status == status:
                yield row


def _in_chunks(qs, ids: array) -> Iterator[list]:
    """The enterprises ``ids`` in that order, a chunk at a time (emptied, as ``chunked``'s,
    before the next is read)."""
    chunk = []
    for start in range(0, len(ids), EXPORT_CHUNK_SIZE):
        part = ids[start:start + EXPORT_CHUNK_SIZE]
        found = qs.order_by().in_bulk(part)
        chunk.extend(found[pk] for pk in part if pk in found)
        del found
        yield chunk
        chunk.clear()


def _by_ids(qs, ids: array, cycle, deadline, today) -> Iterator[sel.Row]:
    """The rows of the enterprises ``ids``, in that order, a chunk at a time."""
    for chunk in _in_chunks(qs, ids):
        yield from _rows_of(cycle, chunk, deadline, today)


def rows(user, cycle, *, status: str | None = None, only=None, ordering=None,
         today=None) -> Iterator[sel.Row]:
    """The table's rows, streamed: ``status`` one of ``rules.COMPLIANCE_STATUSES`` (anything
    else: all), ``only`` an enterprise's id, ``ordering`` a ``COMPLIANCE_SORT`` value."""
    today = today or timezone.localdate()
    deadline = sel.deadline_of(cycle)
    status = status if status in rules.COMPLIANCE_STATUSES else None
    qs = enterprises(user, cycle, only=only)
    parsed = sel.COMPLIANCE_SORT.parse(ordering)
    if parsed is None:
        yield from _in_order(qs, cycle, deadline, today, status)
        return
    key, descending = parsed
    get = sel.COMPLIANCE_SORT.keys[key]  # the function the page sorts its rows by
    keys, ids, blank = [], array("q"), array("q")
    for row in _in_order(qs, cycle, deadline, today, status):
        value = get(row)
        if value is None:
            blank.append(row.enterprise.pk)  # blank figures last, in the default order
        else:
            keys.append(value)
            ids.append(row.enterprise.pk)
    # stable, also in reverse: equal keys keep the default order (SortKeys.sort_rows)
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
    ordered = array("q", (ids[i] for i in order))
    del order, keys, ids
    yield from _by_ids(qs, ordered, cycle, deadline, today)
    yield from _by_ids(qs, blank, cycle, deadline, today)
