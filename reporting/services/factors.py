"""Factor tables, reporting years and the holiday calendar: every change (DESIGN.md §4.2).

Bureau admins keep these rows; each function takes keyword arguments only, runs in one
transaction, validates with ``full_clean`` before saving and writes a business event
(field-level before/after is kept by django-simple-history). ``data`` maps model field
names to values; unknown names are a programming error (``TypeError``).

A combination that must be unique (a fuel's factor row for a year, a published factor, the
factor applying to a reporting year) is reported on a named field, never as a bare
"already exists" at the top of the form.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from reporting.models import (
    EmissionFactor,
    FactorApplicability,
    FuelFactor,
    FuelType,
    ReportingYear,
)
from zhongwei_carbon import display, events
from zhongwei_carbon.models import CalendarDay

FUEL_FIELDS = ("code", "name", "name_en", "unit", "sort_order")
FUEL_FACTOR_FIELDS = ("valid_from_year", "ncv", "carbon_content", "oxidation_rate", "source")
EMISSION_FACTOR_FIELDS = ("kind", "region", "data_year", "value", "source")
APPLICABILITY_FIELDS = ("reporting_year", "kind", "factor", "note")
REPORTING_YEAR_FIELDS = (
    "year",
    "ledger_upload_days",
    "ledger_county_check_days",
    "ledger_close_days",
    "report_due",
    "report_county_check_days",
    "report_city_due",
    "ledger_tolerance",
    "objection_working_days",
    "objection_decision_working_days",
    "source",
)
CALENDAR_FIELDS = ("date", "kind", "name", "source")


# --- helpers ---------------------------------------------------------------------------


def _check_keys(data: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    data = dict(data)
    for name, value in data.items():
        if isinstance(value, str):
            data[name] = value.strip()
    return data


def _raw(obj, field: str):
    """The stored value (a foreign key's id; a decimal at the column's places)."""
    f = obj._meta.get_field(field)
    value = getattr(obj, f.attname)
    places = getattr(f, "decimal_places", None)
    if isinstance(value, Decimal) and places is not None and value.as_tuple().exponent >= -places:
        value = value.quantize(Decimal(1).scaleb(-places))
    return value


def _display(obj, field: str) -> str:
    """A readable value of ``field`` for change messages (the one renderer)."""
    return display.field_value(obj, field)


def _unique(obj, fields: tuple[str, ...], *, on: str, message: str) -> None:
    """Raise a ValidationError on field ``on`` if another row has the same ``fields``."""
    lookup = {obj._meta.get_field(name).attname: _raw(obj, name) for name in fields}
    qs = type(obj)._default_manager.filter(**lookup)
    if obj.pk is not None:
        qs = qs.exclude(pk=obj.pk)
    if qs.exists():
        raise ValidationError({on: message})


def _save(obj, *, on: str, message: str) -> None:
    """Save; a unique violation from a concurrent insert is reported like ``_unique``."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({on: message}) from None


def _create(*, actor, obj: models.Model, fields, verb: str, message: str, unique=None):
    if unique:
        _unique(obj, unique[0], on=unique[1], message=unique[2])
    obj.full_clean()
    on, text = (unique[1], unique[2]) if unique else (fields[0], _("This row already exists."))
    _save(obj, on=on, message=text)
    events.record(
        actor=actor,
        verb=verb,
        target=obj,
        message=message,
        data={name: _raw(obj, name) for name in fields},
    )
    return obj


def _update(*, actor, obj: models.Model, data: dict, fields, verb: str, label: str, unique=None):
    """Apply ``data``; nothing changed → no save, no event."""
    obj = type(obj)._default_manager.select_for_update(no_key=True).get(pk=obj.pk)
    before = {name: (_raw(obj, name), _display(obj, name)) for name in fields}
    changed = []
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
            if _raw(obj, name) != before[name][0]:
                changed.append(name)
    if not changed:
        return obj
    if unique:
        _unique(obj, unique[0], on=unique[1], message=unique[2])
    obj.full_clean()
    on, text = (unique[1], unique[2]) if unique else (fields[0], _("This row already exists."))
    _save(obj, on=on, message=text)
    summary = "; ".join(
        f"{obj._meta.get_field(n).verbose_name}: {before[n][1]} → {_display(obj, n)}" for n in changed
    )
    events.record(
        actor=actor,
        verb=verb,
        target=obj,
        message=_("%(label)s changed: %(changes)s") % {"label": label, "changes": summary},
        data={n: {"old": before[n][0], "new": _raw(obj, n)} for n in changed},
    )
    return obj


# --- fuel types and their default factors ------------------------------------------------


@transaction.atomic
def fuel_type_create(*, actor, data: dict) -> FuelType:
    data = _check_keys(data, FUEL_FIELDS)
    fuel = FuelType(**data)
    return _create(
        actor=actor,
        obj=fuel,
        fields=FUEL_FIELDS,
        verb="fuel_type.created",
        message=_("Fuel type %(name)s added") % {"name": fuel.name},
    )


@transaction.atomic
def fuel_type_update(*, actor, fuel: FuelType, data: dict) -> FuelType:
    data = _check_keys(data, FUEL_FIELDS)
    return _update(
        actor=actor,
        obj=fuel,
        data=data,
        fields=FUEL_FIELDS,
        verb="fuel_type.updated",
        label=_("Fuel type %(name)s") % {"name": fuel.name},
    )


def _fuel_factor_unique():
    return (
        ("fuel", "valid_from_year"),
        "valid_from_year",
        _("This fuel already has default factors from this reporting year."),
    )


@transaction.atomic
def fuel_factor_create(*, actor, fuel: FuelType, data: dict) -> FuelFactor:
    data = _check_keys(data, FUEL_FACTOR_FIELDS)
    row = FuelFactor(fuel=fuel, **data)
    return _create(
        actor=actor,
        obj=row,
        fields=("fuel", *FUEL_FACTOR_FIELDS),
        verb="fuel_factor.created",
        message=_("Default factors of %(fuel)s from %(year)s added: NCV %(ncv)s, CC %(cc)s, OF %(of)s")
        % {
            "fuel": fuel.name,
            "year": row.valid_from_year,
            "ncv": row.ncv,
            "cc": row.carbon_content,
            "of": row.oxidation_rate,
        },
        unique=_fuel_factor_unique(),
    )


@transaction.atomic
def fuel_factor_update(*, actor, row: FuelFactor, data: dict) -> FuelFactor:
    data = _check_keys(data, FUEL_FACTOR_FIELDS)
    return _update(
        actor=actor,
        obj=row,
        data=data,
        fields=FUEL_FACTOR_FIELDS,
        verb="fuel_factor.updated",
        label=_("Default factors of %(fuel)s") % {"fuel": row.fuel.name},
        unique=_fuel_factor_unique(),
    )


# --- published emission factors ----------------------------------------------------------


def _emission_factor_unique():
    return (
        ("kind", "region", "data_year", "value"),
        "value",
        _("This factor (kind, region, data year and value) is already recorded."),
    )


@transaction.atomic
def emission_factor_create(*, actor, data: dict) -> EmissionFactor:
    data = _check_keys(data, EMISSION_FACTOR_FIELDS)
    factor = EmissionFactor(**data)
    return _create(
        actor=actor,
        obj=factor,
        fields=EMISSION_FACTOR_FIELDS,
        verb="emission_factor.created",
        message=_("Emission factor added: %(factor)s") % {"factor": factor},
        unique=_emission_factor_unique(),
    )


@transaction.atomic
def emission_factor_update(*, actor, factor: EmissionFactor, data: dict) -> EmissionFactor:
    data = _check_keys(data, EMISSION_FACTOR_FIELDS)
    return _update(
        actor=actor,
        obj=factor,
        data=data,
        fields=EMISSION_FACTOR_FIELDS,
        verb="emission_factor.updated",
        label=_("Emission factor"),
        unique=_emission_factor_unique(),
    )


# --- which factor applies to which reporting year ---------------------------------------


def _applicability_unique():
    return (
        ("reporting_year", "kind"),
        "kind",
        _("A factor of this kind is already assigned to this reporting year; edit that row."),
    )


def _check_factor_kind(row: FactorApplicability) -> None:
    if row.factor_id and row.factor.kind != row.kind:
        raise ValidationError(
            {"factor": _("Choose a factor of the same kind as the row (%(kind)s).")
             % {"kind": row.get_kind_display()}}
        )


@transaction.atomic
def applicability_create(*, actor, data: dict) -> FactorApplicability:
    data = _check_keys(data, APPLICABILITY_FIELDS)
    row = FactorApplicability(**data)
    _check_factor_kind(row)
    return _create(
        actor=actor,
        obj=row,
        fields=APPLICABILITY_FIELDS,
        verb="factor_applicability.created",
        message=_("Reporting year %(year)s uses %(factor)s") % {"year": row.reporting_year, "factor": row.factor},
        unique=_applicability_unique(),
    )


@transaction.atomic
def applicability_update(*, actor, row: FactorApplicability, data: dict) -> FactorApplicability:
    data = _check_keys(data, APPLICABILITY_FIELDS)
    probe = FactorApplicability(**{**{n: getattr(row, n) for n in APPLICABILITY_FIELDS}, **data})
    _check_factor_kind(probe)
    return _update(
        actor=actor,
        obj=row,
        data=data,
        fields=APPLICABILITY_FIELDS,
        verb="factor_applicability.updated",
        label=_("Factor applicability of %(year)s") % {"year": row.reporting_year},
        unique=_applicability_unique(),
    )


# --- reporting years (deadlines, day counts, tolerance) ----------------------------------


def _check_year_dates(obj: ReportingYear) -> None:
    if obj.report_due and obj.report_city_due and obj.report_city_due < obj.report_due:
        raise ValidationError(
            {"report_city_due": _("The city check cannot be due before the reports are due.")}
        )
    if obj.ledger_close_days is not None and obj.ledger_upload_days is not None:
        if obj.ledger_close_days < obj.ledger_upload_days:
            raise ValidationError(
                {"ledger_close_days": _("The city cannot close a month before the upload is due.")}
            )


@transaction.atomic
def reporting_year_create(*, actor, data: dict) -> ReportingYear:
    data = _check_keys(data, REPORTING_YEAR_FIELDS)
    obj = ReportingYear(**data)
    _check_year_dates(obj)
    return _create(
        actor=actor,
        obj=obj,
        fields=REPORTING_YEAR_FIELDS,
        verb="reporting_year.created",
        message=_("Reporting year %(year)s opened: reports due %(due)s")
        % {"year": obj.year, "due": obj.report_due},
        unique=(("year",), "year", _("This reporting year already exists.")),
    )


@transaction.atomic
def reporting_year_update(*, actor, obj: ReportingYear, data: dict) -> ReportingYear:
    data = _check_keys(data, REPORTING_YEAR_FIELDS)
    probe = ReportingYear(**{**{n: getattr(obj, n) for n in REPORTING_YEAR_FIELDS}, **data})
    _check_year_dates(probe)
    return _update(
        actor=actor,
        obj=obj,
        data=data,
        fields=REPORTING_YEAR_FIELDS,
        verb="reporting_year.updated",
        label=_("Reporting year %(year)s") % {"year": obj.year},
        unique=(("year",), "year", _("This reporting year already exists.")),
    )


# Unique combinations per model, for forms that want to say it before the service does.
UNIQUE = {
    FuelFactor: _fuel_factor_unique,
    EmissionFactor: _emission_factor_unique,
    FactorApplicability: _applicability_unique,
}


# --- holiday calendar ----------------------------------------------------------------------


def _check_calendar_kind(day: CalendarDay) -> None:
    """A make-up working day on a weekday would change nothing and is surely a typo: refuse.
    (A holiday may fall on a weekend: notices list the whole break.)"""
    if day.date is None:
        return
    if day.kind == CalendarDay.Kind.WORKDAY and day.date.weekday() < 5:
        raise ValidationError(
            {"date": _("This date is a weekday; only a weekend day can be a make-up working day.")}
        )


def _calendar_unique():
    return (("date",), "date", _("This date is already in the calendar; edit that row."))


@transaction.atomic
def calendar_day_create(*, actor, data: dict) -> CalendarDay:
    data = _check_keys(data, CALENDAR_FIELDS)
    day = CalendarDay(**data)
    _check_calendar_kind(day)
    return _create(
        actor=actor,
        obj=day,
        fields=CALENDAR_FIELDS,
        verb="calendar_day.created",
        message=_("Calendar: %(day)s added") % {"day": day},
        unique=_calendar_unique(),
    )


@transaction.atomic
def calendar_day_update(*, actor, day: CalendarDay, data: dict) -> CalendarDay:
    data = _check_keys(data, CALENDAR_FIELDS)
    probe = CalendarDay(**{**{n: getattr(day, n) for n in CALENDAR_FIELDS}, **data})
    _check_calendar_kind(probe)
    return _update(
        actor=actor,
        obj=day,
        data=data,
        fields=CALENDAR_FIELDS,
        verb="calendar_day.updated",
        label=_("Calendar day %(date)s") % {"date": day.date},
        unique=_calendar_unique(),
    )


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    """Remove an exception (the day becomes an ordinary weekday or weekend day again).
    The event stays on the deleted row's id; django-simple-history keeps the row."""
    # FOR UPDATE (not NO KEY): the row is deleted, which needs the strong lock anyway
    day = CalendarDay.objects.select_for_update().get(pk=day.pk)
    events.record(
        actor=actor,
        verb="calendar_day.deleted",
        target=day,
        message=_("Calendar: %(day)s removed") % {"day": day},
        data={name: _raw(day, name) for name in CALENDAR_FIELDS},
    )
    day.delete()
