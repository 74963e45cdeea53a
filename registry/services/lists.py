"""Key-emitter lists (重点排放单位名录): drafting from the records, publishing.

A list for ``year`` is decided from the emission records of ``year - 1`` (the basis year)
and ``year - 2``, and from who was listed on the published list of ``year - 1``
(``registry.rules.decide_listing``). A published list is frozen (also by DB triggers).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.choices import ListChange, ListStatus
from registry.models import EmissionRecord, Enterprise, KeyEmitterList, KeyEmitterListEntry
from registry.rules import YearFigures, decide_listing
from zhongwei_carbon import events

MIN_YEAR = 2000
MAX_YEAR = 2100

# The entry fields a draft validates: every field but the foreign keys (rows just read) and
# the id; the unique (list, enterprise) pair holds by construction.
_ENTRY_FK_FIELDS = ("key_list", "enterprise", "area", "sector")
_ENTRY_CHECKED_FIELDS = tuple(
    field
    for field in KeyEmitterListEntry._meta.concrete_fields
    if field.name not in _ENTRY_FK_FIELDS and not field.primary_key
)


def listed_enterprise_ids(key_list: KeyEmitterList | None) -> set[int]:
    """Enterprises a list names (added or retained; removed lines do not count)."""
    if key_list is None:
        return set()
    return set(
        key_list.entries.listed().values_list("enterprise_id", flat=True)
    )


def _figures_by_enterprise(years: list[int]) -> dict[int, dict[int, YearFigures]]:
    figures: dict[int, dict[int, YearFigures]] = {}
    rows = EmissionRecord.objects.filter(year__in=years).values_list(
        "enterprise_id", "year", "emissions_tco2e", "energy_tce"
    )
    for enterprise_id, year, emissions, energy in rows:
        figures.setdefault(enterprise_id, {})[year] = YearFigures(emissions, energy)
    return figures


def build_entries(*, key_list: KeyEmitterList, previous: KeyEmitterList | None) -> list:
    """The unsaved entries of ``key_list``: one per enterprise added, retained or removed."""
    basis_year = key_list.year - 1
    years = [basis_year, basis_year - 1]
    figures = _figures_by_enterprise(years)
    was_listed = listed_enterprise_ids(previous)
    candidates = (
        Enterprise.objects.filter(pk__in=set(figures) | was_listed)
        .order_by("pk")
        .values_list("pk", "name", "uscc", "area_id", "sector_id", "status")
    )
    entries = []
    for pk, name, code, area_id, sector_id, status in candidates:
        own = figures.get(pk, {})
        decision = decide_listing(
            was_listed=pk in was_listed,
            status=status,
            recent_years=[own.get(y) for y in years],
        )
        if decision.change is None:
            continue
        basis = own.get(basis_year)
        entries.append(
            KeyEmitterListEntry(
                key_list=key_list,
                enterprise_id=pk,
                change=decision.change,
                reason=decision.reason,
                emissions_tco2e=basis.emissions_tco2e if basis else None,
                energy_tce=basis.energy_tce if basis else None,
                enterprise_name=name,
                uscc=code,
                area_id=area_id,
                sector_id=sector_id,
            )
        )
    validate_entries(entries)
    return entries


def validate_entries(entries: list[KeyEmitterListEntry]) -> None:
    """What ``full_clean`` checks on each entry's own fields, once per distinct value of each
    field over the batch (a draft repeats a few decisions; names, codes and figures are copied
    from validated rows). The error names the field and the enterprise."""
    for field in _ENTRY_CHECKED_FIELDS:
        checked = set()
        for entry in entries:
            value = getattr(entry, field.attname)
            # 1.0 == 1.00, but their decimal places differ
            key = value.as_tuple() if isinstance(value, Decimal) else value
            if key in checked:
                continue
            try:
                field.clean(value, entry)
            except ValidationError as exc:
                raise ValidationError(
                    {
                        field.name: [
                            _("%(enterprise)s: %(error)s")
                            % {"enterprise": entry.enterprise_name or entry.uscc, "error": message}
                            for message in exc.messages
                        ]
                    }
                ) from None
            checked.add(key)


def _counts(entries) -> dict[str, int]:
    counts = {change: 0 for change in ListChange.values}
    for entry in entries:
        counts[entry.change] += 1
    return counts


def key_list_draft(*, actor, year: int) -> KeyEmitterList:
    """Build the draft list of ``year``, or rebuild the existing draft of that year.

    Refused when that year's list is already published.
    """
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {"year": _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}}
        )
    with transaction.atomic():
        key_list = KeyEmitterList.objects.select_for_update(no_key=True).filter(year=year).first()
        if key_list is not None and key_list.is_published:
            raise ValidationError(
                {
                    "year": _(
                        "The key-emitter list for %(year)s is already published and cannot be "
                        "drafted again."
                    )
                    % {"year": year}
                }
            )
        rebuilt = key_list is not None
        if rebuilt:
            key_list.entries.all().delete()
            key_list.drafted_by = actor
            key_list.drafted_at = timezone.now()
            key_list.basis_year = year - 1
        else:
            key_list = KeyEmitterList(
                year=year, basis_year=year - 1, status=ListStatus.DRAFT, drafted_by=actor
            )
        key_list.full_clean()
        key_list.save()

        previous = KeyEmitterList.objects.filter(
            year=year - 1, status=ListStatus.PUBLISHED
        ).first()
        entries = build_entries(key_list=key_list, previous=previous)
        KeyEmitterListEntry.objects.bulk_create(entries)

        counts = _counts(entries)
        message = (
            _("Draft key-emitter list %(year)s rebuilt: %(added)s added, %(retained)s retained, %(removed)s removed.")
            if rebuilt
            else _("Draft key-emitter list %(year)s created: %(added)s added, %(retained)s retained, %(removed)s removed.")
        ) % {"year": year, **counts}
        events.record(
            actor=actor,
            verb="key_list.redrafted" if rebuilt else "key_list.drafted",
            target=key_list,
            message=message,
            data={
                "year": year,
                "basis_year": year - 1,
                "previous_list": previous.year if previous else None,
                **counts,
            },
        )
        events.publish("key_list.drafted", key_list_id=key_list.pk)
    return key_list


def key_list_publish(*, actor, key_list: KeyEmitterList, document_number: str) -> KeyEmitterList:
    """Publish a draft list under a document number (文号); it is frozen from then on."""
    document_number = (document_number or "").strip()
    with transaction.atomic():
        locked = KeyEmitterList.objects.select_for_update(no_key=True).get(pk=key_list.pk)
        if locked.is_published:
            raise ValidationError(
                _("The key-emitter list for %(year)s is already published.") % {"year": locked.year}
            )
        if not document_number:
            raise ValidationError(
                {"document_number": _("Enter the document number the list is published under.")}
            )
        if not locked.entries.exists():
            raise ValidationError(
                _("The key-emitter list for %(year)s has no entries; draft it from the records first.")
                % {"year": locked.year}
            )
        locked.status = ListStatus.PUBLISHED
        locked.published_by = actor
        locked.published_at = timezone.now()
        locked.document_number = document_number
        locked.full_clean()
        locked.save()
        counts = dict.fromkeys(ListChange.values, 0) | dict(
            locked.entries.order_by().values_list("change").annotate(n=Count("pk"))
        )
        events.record(
            actor=actor,
            verb="key_list.published",
            target=locked,
            message=_("Key-emitter list %(year)s published under %(number)s.")
            % {"year": locked.year, "number": document_number},
            data={"year": locked.year, "document_number": document_number, **counts},
        )
        events.publish("key_list.published", key_list_id=locked.pk)
    return locked
