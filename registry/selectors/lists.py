"""Reads of key-emitter lists: the lists a user may see, entries, summaries by change and area."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from registry.choices import ListChange, ListStatus
from registry.models import Area, KeyEmitterList, KeyEmitterListEntry
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm


def _with_counts(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        added_count=Count("entries", filter=Q(entries__change=ListChange.ADDED)),
        retained_count=Count("entries", filter=Q(entries__change=ListChange.RETAINED)),
        removed_count=Count("entries", filter=Q(entries__change=ListChange.REMOVED)),
    ).select_related("drafted_by", "published_by")


def lists_for(user) -> QuerySet:
    """Lists ``user`` may see (the bureau all; others only published ones), with counts."""
    qs = scoping.for_user(KeyEmitterList.objects.all(), user, Perm.VIEW_KEY_EMITTER_LIST)
    return _with_counts(qs).order_by("-year")


def latest_published_year(user) -> int | None:
    """The year of the newest published list ``user`` may see (its key emitters: the
    dashboards' emissions trend), or ``None``."""
    qs = scoping.for_user(KeyEmitterList.objects.all(), user, Perm.VIEW_KEY_EMITTER_LIST)
    return (qs.filter(status=ListStatus.PUBLISHED).order_by("-year")
            .values_list("year", flat=True).first())


def listed_in(enterprises: QuerySet, user, year: int) -> QuerySet:
    """``enterprises`` on the list of ``year``, among the lists ``user`` may see (a draft is
    the bureau's: for anyone else it lists nobody): the enterprise list's ``?listed_in=``."""
    lists = scoping.for_user(KeyEmitterList.objects.all(), user, Perm.VIEW_KEY_EMITTER_LIST)
    listed = KeyEmitterListEntry.objects.filter(key_list__in=lists.filter(year=year)).listed()
    return enterprises.filter(pk__in=listed.values("enterprise_id"))


def published_lists() -> QuerySet:
    """Lists the public may see, newest first, with counts."""
    return _with_counts(scoping.public(KeyEmitterList.objects.all())).order_by("-year")


def published_list(year: int) -> KeyEmitterList | None:
    return scoping.public(KeyEmitterList.objects.all()).filter(year=year).first()


def listed_on(year: int) -> QuerySet:
    """Lines of the published list of ``year`` that name their enterprise (added or retained):
    the key emitters obliged to surrender for the cycle of that year (MEE Measures Art. 8)."""
    return KeyEmitterListEntry.objects.filter(
        key_list__year=year, key_list__status=ListStatus.PUBLISHED
    ).listed()


def is_listed(enterprise, year: int) -> bool:
    return listed_on(year).filter(enterprise=enterprise).exists()


def entries_of(key_list: KeyEmitterList, user=None) -> QuerySet:
    """Entries of ``key_list`` reachable by ``user`` (``None``: the public)."""
    qs = KeyEmitterListEntry.objects.filter(key_list=key_list).select_related("area", "sector")
    if user is None:
        return scoping.public(qs)
    return scoping.for_user(qs, user, Perm.VIEW_KEY_EMITTER_LIST)


def summary(entries: QuerySet) -> dict:
    """Counts of added / retained / removed, overall and by area (two queries)."""
    totals = entries.aggregate(
        added=Count("pk", filter=Q(change=ListChange.ADDED)),
        retained=Count("pk", filter=Q(change=ListChange.RETAINED)),
        removed=Count("pk", filter=Q(change=ListChange.REMOVED)),
    )
    totals["listed"] = totals["added"] + totals["retained"]
    totals["total"] = totals["listed"] + totals["removed"]

    per_area = {
        row["area_id"]: row
        for row in entries.order_by()
        .values("area_id")
        .annotate(
            added=Count("pk", filter=Q(change=ListChange.ADDED)),
            retained=Count("pk", filter=Q(change=ListChange.RETAINED)),
            removed=Count("pk", filter=Q(change=ListChange.REMOVED)),
        )
    }
    by_area = []
    for area in Area.objects.filter(pk__in=per_area):
        row = per_area[area.pk]
        by_area.append(
            {
                "area": area,
                "added": row["added"],
                "retained": row["retained"],
                "removed": row["removed"],
                "listed": row["added"] + row["retained"],
            }
        )
    return {**totals, "by_area": by_area}


def is_draft(key_list: KeyEmitterList) -> bool:
    return key_list.status == ListStatus.DRAFT
