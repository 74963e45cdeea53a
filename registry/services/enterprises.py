"""Enterprises, facilities and annual emission records: every state change (DESIGN.md §4.2).

All functions take keyword arguments only, run in one transaction, validate the model with
``full_clean`` before saving and write a business event. ``data`` arguments are mappings of
model field names to values (``area`` / ``sector`` / choice fields as model instances or
stored values); unknown names are a programming error (``TypeError``).

Used by the HTML pages, the Excel import and later by reporting (verified figures).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import rules
from registry.choices import SOURCE_RANK, RecordSource
from registry.models import EmissionRecord, Enterprise, Facility
from zhongwei_carbon import display, events, uscc
from zhongwei_carbon.templatetags.portal import thousands

ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "area",
    "sector",
    "address",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "contact_email",
    "status",
)
FACILITY_FIELDS = (
    "name",
    "facility_type",
    "capacity_mw",
    "main_fuel",
    "commissioned_on",
    "status",
)


def _check_keys(data: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return dict(data)


def _display(obj, field: str) -> str:
    """A readable value of ``field`` for change messages (the one renderer)."""
    return display.field_value(obj, field)


def _raw(obj, field: str):
    """The stored value of ``field`` (the id for a foreign key) for event data."""
    f = obj._meta.get_field(field)
    return getattr(obj, f.attname)


def _apply(obj, data: dict, fields: tuple[str, ...]) -> list[str]:
    """Set ``data`` on ``obj``; return the names of the fields whose value changed."""
    changed = []
    for name in fields:
        if name not in data:
            continue
        before = _raw(obj, name)
        setattr(obj, name, data[name])
        if _raw(obj, name) != before:
            changed.append(name)
    return changed


def _change_summary(obj, before: dict, changed: list[str]) -> tuple[str, dict]:
    parts, diff = [], {}
    for name in changed:
        label = str(obj._meta.get_field(name).verbose_name)
        parts.append(f"{label}: {before[name][1]} → {_display(obj, name)}")
        diff[name] = {"old": before[name][0], "new": _raw(obj, name)}
    return "; ".join(parts), diff


def _snapshot(obj, fields: tuple[str, ...]) -> dict:
    return {name: (_raw(obj, name), _display(obj, name)) for name in fields}


def _save_unique(obj, *, field: str, message: str) -> None:
    """Save; a unique violation that slipped past ``full_clean`` (a concurrent insert) is
    reported on ``field`` like the one ``full_clean`` finds."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({field: message}) from None


# --- enterprises -----------------------------------------------------------------------


def _normalise_enterprise(data: dict) -> dict:
    if "uscc" in data:
        data["uscc"] = uscc.normalize(data["uscc"])
    for name in ("name", "address", "legal_representative", "contact_person", "contact_phone"):
        if isinstance(data.get(name), str):
            data[name] = data[name].strip()
    return data


@transaction.atomic
def enterprise_create(*, actor, data: dict) -> Enterprise:
    data = _normalise_enterprise(_check_keys(data, ENTERPRISE_FIELDS))
    enterprise = Enterprise(**data)
    enterprise.full_clean()
    _save_unique(
        enterprise,
        field="uscc",
        message=_("An enterprise with this unified social credit code already exists."),
    )
    events.record(
        actor=actor,
        verb="enterprise.created",
        target=enterprise,
        message=_("Enterprise %(name)s (%(uscc)s) registered")
        % {"name": enterprise.name, "uscc": enterprise.uscc},
        data={name: _raw(enterprise, name) for name in ENTERPRISE_FIELDS},
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, data: dict) -> Enterprise:
    """Change an enterprise (status included). Nothing changed → no save, no event."""
    data = _normalise_enterprise(_check_keys(data, ENTERPRISE_FIELDS))
    enterprise = Enterprise.objects.select_for_update(no_key=True).get(pk=enterprise.pk)
    before = _snapshot(enterprise, ENTERPRISE_FIELDS)
    changed = _apply(enterprise, data, ENTERPRISE_FIELDS)
    if not changed:
        return enterprise
    enterprise.full_clean()
    _save_unique(
        enterprise,
        field="uscc",
        message=_("An enterprise with this unified social credit code already exists."),
    )
    summary, diff = _change_summary(enterprise, before, changed)
    verb = "enterprise.updated"
    if "status" in changed:
        verb = f"enterprise.status_{enterprise.status}"
    events.record(
        actor=actor,
        verb=verb,
        target=enterprise,
        message=_("Enterprise data changed: %(changes)s") % {"changes": summary},
        data=diff,
    )
    return enterprise


# --- facilities ------------------------------------------------------------------------


@transaction.atomic
def facility_create(*, actor, enterprise: Enterprise, data: dict) -> Facility:
    data = _check_keys(data, FACILITY_FIELDS)
    if isinstance(data.get("name"), str):
        data["name"] = data["name"].strip()
    facility = Facility(enterprise=enterprise, **data)
    facility.full_clean()
    _save_unique(
        facility, field="name", message=_("This enterprise already has a facility of this name.")
    )
    events.record(
        actor=actor,
        verb="facility.created",
        target=facility,
        message=_("Facility %(name)s added to %(enterprise)s")
        % {"name": facility.name, "enterprise": enterprise.name},
        data={"enterprise": enterprise.pk, **{n: _raw(facility, n) for n in FACILITY_FIELDS}},
    )
    return facility


@transaction.atomic
def facility_update(*, actor, facility: Facility, data: dict) -> Facility:
    data = _check_keys(data, FACILITY_FIELDS)
    if isinstance(data.get("name"), str):
        data["name"] = data["name"].strip()
    facility = Facility.objects.select_for_update(no_key=True).select_related("enterprise").get(pk=facility.pk)
    before = _snapshot(facility, FACILITY_FIELDS)
    changed = _apply(facility, data, FACILITY_FIELDS)
    if not changed:
        return facility
    facility.full_clean()
    _save_unique(
        facility, field="name", message=_("This enterprise already has a facility of this name.")
    )
    summary, diff = _change_summary(facility, before, changed)
    events.record(
        actor=actor,
        verb="facility.updated",
        target=facility,
        message=_("Facility %(name)s changed: %(changes)s")
        % {"name": facility.name, "changes": summary},
        data={"enterprise": facility.enterprise_id, **diff},
    )
    return facility


# --- annual emission records -----------------------------------------------------------


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError(f"{field}: pass a Decimal or a string, never a float")
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: _("Enter a number.")}) from None


@transaction.atomic
def emission_record_upsert(
    *,
    actor,
    enterprise: Enterprise,
    year: int,
    emissions_tco2e,
    energy_tce,
    source: str,
    note: str = "",
) -> EmissionRecord:
    """Create or replace the figures of ``enterprise`` for ``year``.

    A figure from a higher-ranked source (``SOURCE_RANK``: verified > self-reported >
    statistics) is never overwritten by a lower-ranked one: that raises a ValidationError
    on ``source``. The same or a higher rank replaces it.
    """
    emissions = _decimal(emissions_tco2e, "emissions_tco2e")
    energy = _decimal(energy_tce, "energy_tce")
    if source not in SOURCE_RANK:
        raise ValidationError({"source": _("Choose where the figure comes from.")})
    years = rules.record_years(timezone.localdate())
    if year not in years:
        raise ValidationError(
            {"year": _("Enter a year from %(first)s to %(last)s.")
             % {"first": years[0], "last": years[-1]}}
        )
    record = (
        EmissionRecord.objects.select_for_update(no_key=True)
        .filter(enterprise=enterprise, year=year)
        .first()
    )
    created = record is None
    if created:
        record = EmissionRecord(enterprise=enterprise, year=year)
        before = None
    else:
        if not rules.source_may_replace(record.source, source):
            raise ValidationError(
                {
                    "source": _(
                        "The %(year)s figure is already %(existing)s; a %(new)s figure cannot "
                        "replace it."
                    )
                    % {
                        "year": year,
                        "existing": record.get_source_display(),
                        "new": RecordSource(source).label,
                    }
                }
            )
        before = {
            "emissions_tco2e": record.emissions_tco2e,
            "energy_tce": record.energy_tce,
            "source": record.source,
            "note": record.note,
        }
    record.emissions_tco2e = emissions
    record.energy_tce = energy
    record.source = source
    record.note = (note or "").strip()
    record.full_clean()
    after = {
        "emissions_tco2e": record.emissions_tco2e,
        "energy_tce": record.energy_tce,
        "source": record.source,
        "note": record.note,
    }
    if before is not None and all(before[k] == after[k] for k in after):
        return record
    _save_unique(record, field="year", message=_("There is already a record for this year."))
    values = {
        "year": year,
        "emissions": thousands(record.emissions_tco2e),
        "energy": thousands(record.energy_tce) if record.energy_tce is not None else "—",
        "source": record.get_source_display(),
    }
    if created:
        message = _(
            "Annual record %(year)s entered: %(emissions)s tCO2e, %(energy)s tce (%(source)s)"
        )
    else:
        message = _(
            "Annual record %(year)s changed to %(emissions)s tCO2e, %(energy)s tce (%(source)s)"
        )
    events.record(
        actor=actor,
        verb="emission_record.created" if created else "emission_record.updated",
        target=record,
        message=message % values,
        data={"enterprise": enterprise.pk, "year": year, "before": before, "after": after},
    )
    return record
