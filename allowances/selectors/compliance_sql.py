"""The compliance table in SQL (issue 11 §2): each enterprise's obligation, what it surrendered
(CEA, CCER), the day it met its obligation in full and its status, as annotations of an
``Enterprise`` queryset, and the compliance rates as aggregates over its area × sector groups.

PostgreSQL computes the per-row annotations for the rows it returns, so a page reads its 25
rows after ``LIMIT``; only a filter or a sort on a figure makes it compute every row in scope,
still in one statement. The rules are Python's (``allowances.rules``: ``obligation``,
``compliance_status``, ``compliance_rate``); this module states them in SQL, and
``tests/allowances/test_compliance_sql.py`` pins the two to the same figures on a mixed set.

- obligation: the verified emissions of the cycle year rounded UP to whole tonnes
  (``rules.obligation``) of a key emitter on the published list of that year; NULL while no
  verified figure exists, and for an enterprise off the list (it owes nothing);
- cea / ccer: tonnes surrendered for the cycle (surrenders net of their reversals), by unit;
- met_on: the Asia/Shanghai day the obligation was met in full: the last surrender that took
  the running total from below the obligation to it (or the first surrender, for nothing due);
  a reversal below it re-opens it, so a later surrender is the day;
- status_rank: the index of the status in ``rules.COMPLIANCE_STATUSES`` (the sort order),
  and remaining: added only to filter or sort by them (``with_status``, ``with_remaining``).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Ceil, Coalesce, Greatest, RowNumber, TruncDate

from allowances import rules
from allowances.choices import UnitType
from allowances.models import LedgerEntry
from allowances.services import ledger
from registry.choices import RecordSource
from registry.selectors import lists

BIG = BigIntegerField()
RANK = {status: i for i, status in enumerate(rules.COMPLIANCE_STATUSES)}


def _surrenders(cycle):
    """The cycle's surrender entries (and their reversals) of the outer row's enterprise."""
    return LedgerEntry.objects.filter(
        cycle=cycle, holding__account__enterprise=OuterRef("pk")
    ).filter(ledger.SURRENDERED)


def _surrendered(cycle, unit_type: str | None = None):
    """Tonnes surrendered for ``cycle`` so far (positive), of ``unit_type`` or all; 0 for none."""
    entries = _surrenders(cycle)
    if unit_type is not None:
        entries = entries.filter(holding__unit_type=unit_type)
    total = entries.order_by().values("cycle").annotate(t=Sum("quantity")).values("t")[:1]
    return Coalesce(-Subquery(total, output_field=BIG), Value(0), output_field=BIG)


def _met_on(cycle):
    """The day of the last surrender entry that reached the obligation from below (``due``:
    the obligation, 0 when unknown); the first entry reaches it from nothing surrendered.
    Meaningful only while the total reaches the obligation (``selectors.compliance._row``)."""
    order = [F("created_at").asc(), F("id").asc()]
    crossings = (
        _surrenders(cycle)
        .annotate(running=Window(Sum(-F("quantity")), order_by=order),
                  position=Window(RowNumber(), order_by=order))
        # the total before an entry is running + quantity (a surrender's quantity is negative)
        .filter(Q(running__gte=OuterRef("due"))
                & (Q(position=1) | Q(running__lt=OuterRef("due") - F("quantity"))))
        .order_by("-created_at", "-id")
        .annotate(day=TruncDate("created_at"))
        .values("day")[:1]
    )
    return Subquery(crossings)


def status_rank(deadline, today):
    """``rules.compliance_status`` as a CASE over the row's figures, for the filter and the
    sort (its index in ``rules.COMPLIANCE_STATUSES``); ``deadline`` and ``today`` are the
    cycle's, so their tests are decided here. In full or not is asked once."""
    rank = {status: Value(i) for status, i in RANK.items()}
    in_full = [When(obligation__isnull=True, then=rank[rules.NOT_DUE])]
    if deadline is None:
        in_full_default = rank[rules.COMPLIED]
    else:
        in_full += [When(due=0, then=rank[rules.COMPLIED]),
                    When(met_on__lte=deadline, then=rank[rules.COMPLIED])]
        in_full_default = rank[rules.COMPLIED_LATE]
    if deadline is not None and today > deadline:
        not_in_full = rank[rules.SHORT]
    else:
        not_in_full = Case(When(surrendered__gt=0, then=rank[rules.IN_PROGRESS]),
                           default=rank[rules.NOT_DUE])
    return Case(
        When(surrendered__gte=F("due"), then=Case(*in_full, default=in_full_default)),
        default=not_in_full, output_field=IntegerField(),
    )


def figures(enterprises: QuerySet, cycle, *, in_table: bool = True) -> QuerySet:
    """``enterprises`` annotated with ``obligation`` (NULL while unknown or not obliged), with
    ``due`` (the obligation, 0 while unknown) and ``surrendered`` (t, CEA and CCER) to filter,
    sort and sum by; ``in_table``: only those of the compliance table of ``cycle``: the key
    emitters on the published list of the cycle's year. Only they owe: a verified figure of
    an enterprise off the list (below the threshold, or listed another year) is no
    obligation (``obligation_of``)."""
    verified = FilteredRelation(
        "emission_records",
        condition=Q(emission_records__year=cycle.year,
                    emission_records__source=RecordSource.VERIFIED),
    )
    listed = Exists(lists.listed_on(cycle.year).filter(enterprise=OuterRef("pk")))
    qs = enterprises.alias(verified=verified, listed=listed)
    if in_table:
        qs = qs.filter(listed=True)
    obligation = Case(When(listed=True, then=Cast(Ceil("verified__emissions_tco2e"), BIG)),
                      default=None, output_field=BIG)
    return qs.annotate(obligation=obligation).alias(
        due=Coalesce("obligation", Value(0), output_field=BIG), surrendered=_surrendered(cycle)
    )


def rows(enterprises: QuerySet, cycle, *, in_table: bool = True) -> QuerySet:
    """``figures`` with what a row shows besides: ``cea``, ``ccer`` and ``met_on``, computed for
    the rows returned."""
    return figures(enterprises, cycle, in_table=in_table).annotate(
        cea=_surrendered(cycle, UnitType.CEA), ccer=_surrendered(cycle, UnitType.CCER),
        met_on=_met_on(cycle),
    )


def with_status(qs: QuerySet, deadline, today) -> QuerySet:
    """``rows`` with ``status_rank`` to filter and sort by (built only then: an expression
    this size costs milliseconds to compile)."""
    return qs.alias(status_rank=status_rank(deadline, today))


def with_remaining(qs: QuerySet) -> QuerySet:
    """``rows`` with ``remaining`` (t, NULL while the obligation is unknown) to sort by."""
    return qs.alias(remaining=Case(
        When(obligation__isnull=True, then=None),
        default=Greatest(F("obligation") - F("surrendered"), Value(0), output_field=BIG),
        output_field=BIG,
    ))


def short_at_deadline(qs: QuerySet, cycle, deadline) -> QuerySet:
    """Rows of ``rows`` short at the surrender deadline (what Art. 24 fines): a known
    obligation above what was surrendered on or before the deadline (Asia/Shanghai dates),
    with ``short_at_deadline`` (t). Asked once the deadline has passed, these are the rows
    ``short`` or ``complied late``."""
    by_deadline = (
        _surrenders(cycle).filter(created_at__date__lte=deadline)
        .order_by().values("cycle").annotate(t=Sum("quantity")).values("t")[:1]
    )
    return (
        qs.filter(obligation__isnull=False)
        .annotate(surrendered_by_deadline=Coalesce(
            -Subquery(by_deadline, output_field=BIG), Value(0), output_field=BIG))
        .annotate(short_at_deadline=F("obligation") - F("surrendered_by_deadline"))
        .filter(short_at_deadline__gt=0)
    )


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` (a filter of a related model) seen from the model ``prefix`` leads from."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [_prefixed(c, prefix) if isinstance(c, Q) else (f"{prefix}__{c[0]}", c[1])
                    for c in q.children]
    return out


def _per_enterprise(enterprises: QuerySet, cycle) -> QuerySet:
    """One row per enterprise of the compliance table: ``area_id``, ``sector_id``, ``due``
    and ``surrendered`` (as ``figures``), the surrenders summed over a join on the cycle's
    entries rather than a subquery per enterprise: the rates read every row in scope."""
    path = "allowance_account__holdings__entries"
    surrendered = _prefixed(ledger.SURRENDERED, "entries")
    return (
        figures(enterprises, cycle)  # its aliases unused here: not in the SQL
        .alias(entries=FilteredRelation(path, condition=Q(**{f"{path}__cycle": cycle})))
        .order_by().values("pk", "area_id", "sector_id")
        .annotate(
            obligation_=Max("obligation"),
            done=Coalesce(-Sum("entries__quantity", filter=surrendered), Value(0),
                          output_field=BIG),
        )
        .values("area_id", "sector_id", "obligation_", "done")
    )


# The counters of rules.compliance_rate over the rows of ``_per_enterprise``: rows with nothing
# due are left out, an enterprise's surplus is not counted (least of surrendered and due).
RATES_SQL = """
SELECT area_id, sector_id,
       COUNT(*) FILTER (WHERE due > 0),
       COUNT(*) FILTER (WHERE due > 0 AND done >= due),
       COALESCE(SUM(due) FILTER (WHERE due > 0), 0),
       COALESCE(SUM(LEAST(GREATEST(done, 0), due)) FILTER (WHERE due > 0), 0)
FROM (SELECT area_id, sector_id, COALESCE(obligation_, 0) AS due, done FROM ({rows}) AS e) AS t
GROUP BY area_id, sector_id
"""


def group_rates(enterprises: QuerySet, cycle) -> list[tuple[int, int, rules.ComplianceRate]]:
    """(area id, sector id, rate) of each area × sector group of the compliance table of
    ``cycle`` over ``enterprises``, in one statement: the counters of
    ``rules.compliance_rate`` summed in SQL, so groups add up to their county, sector and
    city (``add``)."""
    sql, params = _per_enterprise(enterprises, cycle).query.sql_with_params()
    with connection.cursor() as cursor:
        # the inner statement is Django's, its values are parameters (bandit B608)
        cursor.execute(RATES_SQL.format(rows=sql), params)
        return [(area, sector, rules.ComplianceRate(*counters))
                for area, sector, *counters in cursor.fetchall()]


def add(a: rules.ComplianceRate, b: rules.ComplianceRate) -> rules.ComplianceRate:
    """Two groups' rates as one (their counters summed)."""
    return rules.ComplianceRate(
        a.due_count + b.due_count, a.complied_count + b.complied_count,
        a.due_tonnes + b.due_tonnes, a.surrendered_tonnes + b.surrendered_tonnes,
    )
