"""Reads about enterprises, their facilities and annual emission records.

Every query that returns rows for a user goes through ``scoping.for_user``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery

from registry.choices import RecordSource
from registry.models import (
    EmissionRecord,
    Enterprise,
    Facility,
    KeyEmitterList,
    KeyEmitterListEntry,
)
from zhongwei_carbon import scoping
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Perm


def enterprises_for(user, action: str = Perm.VIEW_ENTERPRISE) -> QuerySet[Enterprise]:
    """Enterprises ``user`` may reach, with area, sector and the latest annual figure
    (``latest_year``, ``latest_emissions``) annotated."""
    qs = with_latest(Enterprise.objects.all()).order_by("area__sort_order", "name", "pk")
    return scoping.for_user(qs, user, action)


def with_latest(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """``qs`` with area and sector joined and the latest annual figure annotated (the columns
    the enterprise list shows and sorts by, on the page and in the API)."""
    latest = EmissionRecord.objects.filter(enterprise=OuterRef("pk")).order_by("-year")
    return qs.select_related("area", "sector").annotate(
        latest_year=Subquery(latest.values("year")[:1]),
        latest_emissions=Subquery(latest.values("emissions_tco2e")[:1]),
    )


def facilities_of(enterprise: Enterprise, user) -> QuerySet[Facility]:
    return scoping.for_user(
        Facility.objects.filter(enterprise=enterprise), user, Perm.VIEW_ENTERPRISE
    ).order_by("name")


def records_of(enterprise: Enterprise, user) -> QuerySet[EmissionRecord]:
    """Annual records of ``enterprise`` the user may read, newest year first."""
    return scoping.for_user(
        EmissionRecord.objects.filter(enterprise=enterprise), user, Perm.VIEW_EMISSION_RECORD
    ).order_by("-year")


def emission_series(records) -> dict:
    """Chart data from annual records: years ascending, figures as strings (exact decimals)."""
    rows = sorted(records, key=lambda r: r.year)
    return {
        "years": [r.year for r in rows],
        "emissions": [str(r.emissions_tco2e) for r in rows],
        "energy": [None if r.energy_tce is None else str(r.energy_tce) for r in rows],
    }


def listing_history(enterprise: Enterprise, user) -> QuerySet[KeyEmitterListEntry]:
    """The enterprise's lines on key-emitter lists, newest year first; only the lists the user
    may see (drafts are the bureau's)."""
    lists = scoping.for_user(KeyEmitterList.objects.all(), user, Perm.VIEW_KEY_EMITTER_LIST)
    entries = KeyEmitterListEntry.objects.filter(enterprise=enterprise, key_list__in=lists)
    return (
        scoping.for_user(entries, user, Perm.VIEW_KEY_EMITTER_LIST)
        .select_related("key_list")
        .order_by("-key_list__year")
    )


def enterprise_events(enterprise: Enterprise, *, limit: int = 100) -> list[Event]:
    """Business events of the enterprise and of its facilities and annual records, newest first."""
    types = ContentType.objects.get_for_models(Enterprise, Facility, EmissionRecord)
    facility_ids = [str(pk) for pk in enterprise.facilities.values_list("pk", flat=True)]
    record_ids = [str(pk) for pk in enterprise.emission_records.values_list("pk", flat=True)]
    q = Q(target_type=types[Enterprise], target_id=str(enterprise.pk))
    if facility_ids:
        q |= Q(target_type=types[Facility], target_id__in=facility_ids)
    if record_ids:
        q |= Q(target_type=types[EmissionRecord], target_id__in=record_ids)
    return list(Event.objects.filter(q).select_related("actor")[:limit])


def verified_emissions(enterprise, year: int):
    """The enterprise's verified emissions of ``year`` (Decimal t), or ``None`` while there is
    no verified figure: what obligations and allocation checks are computed from."""
    return (
        EmissionRecord.objects.filter(
            enterprise=enterprise, year=year, source=RecordSource.VERIFIED
        )
        .values_list("emissions_tco2e", flat=True)
        .first()
    )
