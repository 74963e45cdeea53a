"""Allocation parameter tables: the plan settings of a year (which power counts as Qe), power
benchmarks, load-factor bands (Ff) and intensity benchmarks. Every change goes through here (DESIGN.md §4.2): keyword arguments only, one
transaction, ``full_clean`` before saving, a business event on the row; field-level
before/after is kept by django-simple-history.

Only a bureau admin (``Perm.MANAGE_ALLOCATION``) may change them (``PermissionDenied``).
``data`` maps model field names to values; an unknown name is a programming error
(``TypeError``). Refusals are ``ValidationError`` on a named field:

- a second plan-settings row for the same year (on ``year``);
- a second power benchmark for the same year and unit class (on ``unit_class``);
- a second intensity for the same year, sector and product (on ``product``);
- a load-factor band overlapping another band of the same year (on ``lower``): bands are
  ``[lower, upper)``, an empty bound is open, so two bands of a year never both match;
- a band whose upper bound is not above its lower bound (on ``upper``), a negative bound
  or a negative value (the model's validators).

A concurrent insert that the checks could not see ends as the same field error, never as an
``IntegrityError``; bands of one year are serialised with a transaction-level advisory lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from allowances.models import AllocationPlan, IntensityBenchmark, LoadFactorBand, PowerBenchmark
from zhongwei_carbon import display, events, roles
from zhongwei_carbon.roles import Perm

PLAN_FIELDS = ("year", "power_basis", "source")
BENCHMARK_FIELDS = ("year", "unit_class", "power_benchmark", "heat_benchmark", "source")
BAND_FIELDS = ("year", "lower", "upper", "correction", "source")
INTENSITY_FIELDS = ("year", "sector", "product", "unit", "intensity", "source")

# Advisory-lock namespace for "the load-factor bands of one year" (any constant int4).
_BAND_LOCK = 0x4C46  # "LF"


# --- helpers ---------------------------------------------------------------------------------


def _allowed(actor) -> None:
    if not roles.has_perm(actor, Perm.MANAGE_ALLOCATION):
        raise PermissionDenied


def _apply(obj, data: dict, fields: tuple[str, ...]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        field = obj._meta.get_field(name)
        if isinstance(value, str):
            value = value.strip()
        if not field.is_relation:
            try:
                value = field.to_python(value)
            except ValidationError:
                pass  # full_clean reports it on the field
        setattr(obj, name, value)


def _raw(obj, name: str):
    """The stored value of a field (a foreign key's id; a decimal at the column's places)."""
    field = obj._meta.get_field(name)
    value = getattr(obj, field.attname)
    places = getattr(field, "decimal_places", None)
    if isinstance(value, (Decimal, int)) and places is not None and not isinstance(value, bool):
        value = Decimal(value).quantize(Decimal(1).scaleb(-places))
    return value


def _display(obj, name: str) -> str:
    """A readable value of ``name`` for change messages (the one renderer)."""
    return display.field_value(obj, name)


YEAR_RANGE = (2000, 2100)


def _year(obj) -> None:
    low, high = YEAR_RANGE
    if not low <= obj.year <= high:
        raise ValidationError(
            {"year": _("Enter an allocation year between %(low)s and %(high)s.")
             % {"low": low, "high": high}}
        )


def _validate(obj, checks) -> None:
    """The model's own validation first (types, validators), then the table's rules; all
    rule errors are reported together, each on its field."""
    obj.full_clean(validate_unique=False, validate_constraints=False)
    errors: dict = {}
    for check in [_year, *checks]:
        try:
            check(obj)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    obj.validate_constraints()  # the database's own rules, should a check above miss one


def _save(obj, *, on: str, message: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({on: message}) from None


def _create(*, actor, obj, fields, checks, clash, verb: str, message: str):
    _validate(obj, checks)
    obj._history_user = actor
    _save(obj, on=clash[0], message=clash[1])
    events.record(
        actor=actor, verb=verb, target=obj, message=message,
        data={name: _raw(obj, name) for name in fields},
    )
    return obj


def _update(*, actor, obj, data: dict, fields, checks, clash, verb: str, label: str):
    """Apply ``data`` to the locked row; nothing changed → no save, no event."""
    obj = type(obj)._default_manager.select_for_update(no_key=True).get(pk=obj.pk)
    before = {name: (_raw(obj, name), _display(obj, name)) for name in fields}
    _apply(obj, data, fields)
    try:
        changed = [name for name in fields if _raw(obj, name) != before[name][0]]
    except (TypeError, ArithmeticError):  # a value of the wrong type: let full_clean say so
        changed = list(data)
    if not changed:
        return obj
    _validate(obj, checks)
    obj._history_user = actor
    _save(obj, on=clash[0], message=clash[1])
    summary = "; ".join(
        f"{obj._meta.get_field(n).verbose_name}: {before[n][1]} → {_display(obj, n)}"
        for n in changed
    )
    events.record(
        actor=actor, verb=verb, target=obj,
        message=_("%(label)s changed: %(changes)s") % {"label": label, "changes": summary},
        data={n: {"old": before[n][0], "new": _raw(obj, n)} for n in changed},
    )
    return obj


def _delete(*, actor, obj, fields, verb: str, message: str) -> None:
    """Remove a row. The event stays on the deleted row's id; django-simple-history keeps
    the row's last state as a deletion record."""
    # FOR UPDATE (not NO KEY): the row is deleted, which needs the strong lock anyway
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    events.record(
        actor=actor, verb=verb, target=obj, message=message,
        data={name: _raw(obj, name) for name in fields},
    )
    obj._history_user = actor
    obj.delete()


def _others(obj, **lookup):
    qs = type(obj)._default_manager.filter(**lookup)
    return qs.exclude(pk=obj.pk) if obj.pk is not None else qs


# --- plan settings of a year -----------------------------------------------------------------

PLAN_CLASH = "year"


def _plan_clash_message() -> str:
    return _("This year already has its plan settings; edit that row.")


def _plan_unique(row: AllocationPlan) -> None:
    if _others(row, year=row.year).exists():
        raise ValidationError({PLAN_CLASH: _plan_clash_message()})


def _plan_text(row: AllocationPlan) -> str:
    return _("%(year)s: Qe counts %(basis)s") % {
        "year": row.year, "basis": str(row.get_power_basis_display()).lower(),
    }


@transaction.atomic
def plan_create(*, actor, data: dict) -> AllocationPlan:
    _allowed(actor)
    row = AllocationPlan()
    _apply(row, data, PLAN_FIELDS)
    return _create(
        actor=actor, obj=row, fields=PLAN_FIELDS, checks=[_plan_unique],
        clash=(PLAN_CLASH, _plan_clash_message()),
        verb="allowances.allocation_plan_created",
        message=_("Allocation plan settings added: %(row)s") % {"row": _plan_text(row)},
    )


@transaction.atomic
def plan_update(*, actor, plan: AllocationPlan, data: dict) -> AllocationPlan:
    _allowed(actor)
    return _update(
        actor=actor, obj=plan, data=data, fields=PLAN_FIELDS, checks=[_plan_unique],
        clash=(PLAN_CLASH, _plan_clash_message()),
        verb="allowances.allocation_plan_updated",
        label=_("Allocation plan settings of %(year)s") % {"year": plan.year},
    )


@transaction.atomic
def plan_delete(*, actor, plan: AllocationPlan) -> None:
    _allowed(actor)
    _delete(
        actor=actor, obj=plan, fields=PLAN_FIELDS,
        verb="allowances.allocation_plan_deleted",
        message=_("Allocation plan settings removed: %(row)s") % {"row": _plan_text(plan)},
    )


# --- power benchmarks ------------------------------------------------------------------------

BENCHMARK_CLASH = "unit_class"


def _benchmark_clash_message() -> str:
    return _("This unit class already has a benchmark for this year; edit that row.")


def _benchmark_unique(row: PowerBenchmark) -> None:
    if _others(row, year=row.year, unit_class=row.unit_class).exists():
        raise ValidationError({BENCHMARK_CLASH: _benchmark_clash_message()})


def _benchmark_text(row: PowerBenchmark) -> str:
    return _("%(year)s %(cls)s: Be %(be)s tCO2/MWh, Bh %(bh)s tCO2/GJ") % {
        "year": row.year, "cls": row.get_unit_class_display(),
        "be": row.power_benchmark, "bh": row.heat_benchmark,
    }


@transaction.atomic
def benchmark_create(*, actor, data: dict) -> PowerBenchmark:
    _allowed(actor)
    row = PowerBenchmark()
    _apply(row, data, BENCHMARK_FIELDS)
    return _create(
        actor=actor, obj=row, fields=BENCHMARK_FIELDS, checks=[_benchmark_unique],
        clash=(BENCHMARK_CLASH, _benchmark_clash_message()),
        verb="allowances.power_benchmark_created",
        message=_("Power benchmark added: %(row)s") % {"row": _benchmark_text(row)},
    )


@transaction.atomic
def benchmark_update(*, actor, benchmark: PowerBenchmark, data: dict) -> PowerBenchmark:
    _allowed(actor)
    return _update(
        actor=actor, obj=benchmark, data=data, fields=BENCHMARK_FIELDS,
        checks=[_benchmark_unique], clash=(BENCHMARK_CLASH, _benchmark_clash_message()),
        verb="allowances.power_benchmark_updated",
        label=_("Power benchmark %(row)s") % {"row": benchmark},
    )


@transaction.atomic
def benchmark_delete(*, actor, benchmark: PowerBenchmark) -> None:
    _allowed(actor)
    _delete(
        actor=actor, obj=benchmark, fields=BENCHMARK_FIELDS,
        verb="allowances.power_benchmark_deleted",
        message=_("Power benchmark removed: %(row)s") % {"row": _benchmark_text(benchmark)},
    )


# --- load-factor bands -----------------------------------------------------------------------


def overlaps(a_lower, a_upper, b_lower, b_upper) -> bool:
    """Do ``[a_lower, a_upper)`` and ``[b_lower, b_upper)`` share a value (``None`` = open)?"""
    return (a_upper is None or b_lower is None or b_lower < a_upper) and (
        b_upper is None or a_lower is None or a_lower < b_upper
    )


def band_label(lower, upper) -> str:
    """``[0.7500, 0.8500)``, with ``−∞`` / ``+∞`` for open ends."""
    return f"[{'−∞' if lower is None else lower}, {'+∞' if upper is None else upper})"


def _band_bounds(band: LoadFactorBand) -> None:
    errors = {}
    for name in ("lower", "upper"):
        value = getattr(band, name)
        if value is not None and value < 0:
            errors[name] = _("A load factor cannot be negative.")
    if not errors and band.lower is not None and band.upper is not None:
        if band.upper <= band.lower:
            errors["upper"] = _(
                "The upper bound must be above the lower bound (the band is [lower, upper))."
            )
    if errors:
        raise ValidationError(errors)


def _band_no_overlap(band: LoadFactorBand) -> None:
    if band.lower is not None and band.upper is not None and band.upper <= band.lower:
        return  # reported by _band_bounds
    _lock_band_year(band.year)  # two sessions adding bands to one year: one after the other
    for other in _others(band, year=band.year).order_by("lower"):
        if overlaps(band.lower, band.upper, other.lower, other.upper):
            raise ValidationError({
                "lower": _(
                    "This band overlaps the band %(other)s (Ff %(ff)s) of %(year)s. Bands of "
                    "one year must not overlap: the lower bound is included, the upper bound "
                    "is not, an empty bound is open."
                ) % {
                    "other": band_label(other.lower, other.upper),
                    "ff": other.correction,
                    "year": band.year,
                }
            })


def _lock_band_year(year: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_BAND_LOCK, year])


def _band_text(band: LoadFactorBand) -> str:
    return _("%(year)s %(band)s: Ff %(ff)s") % {
        "year": band.year, "band": band_label(band.lower, band.upper), "ff": band.correction,
    }


BAND_CHECKS = [_band_bounds, _band_no_overlap]


def _band_clash_message() -> str:
    return _("Another band of this year was saved at the same time; check the bands and retry.")


@transaction.atomic
def band_create(*, actor, data: dict) -> LoadFactorBand:
    _allowed(actor)
    band = LoadFactorBand()
    _apply(band, data, BAND_FIELDS)
    return _create(
        actor=actor, obj=band, fields=BAND_FIELDS, checks=BAND_CHECKS,
        clash=("lower", _band_clash_message()),
        verb="allowances.load_factor_band_created",
        message=_("Load-factor band added: %(row)s") % {"row": _band_text(band)},
    )


@transaction.atomic
def band_update(*, actor, band: LoadFactorBand, data: dict) -> LoadFactorBand:
    _allowed(actor)
    return _update(
        actor=actor, obj=band, data=data, fields=BAND_FIELDS, checks=BAND_CHECKS,
        clash=("lower", _band_clash_message()),
        verb="allowances.load_factor_band_updated",
        label=_("Load-factor band %(row)s") % {"row": _band_text(band)},
    )


@transaction.atomic
def band_delete(*, actor, band: LoadFactorBand) -> None:
    _allowed(actor)
    _delete(
        actor=actor, obj=band, fields=BAND_FIELDS,
        verb="allowances.load_factor_band_deleted",
        message=_("Load-factor band removed: %(row)s") % {"row": _band_text(band)},
    )


# --- intensity benchmarks --------------------------------------------------------------------

INTENSITY_CLASH = "product"


def _intensity_clash_message() -> str:
    return _("This sector already has an intensity for this product and year; edit that row.")


def _intensity_unique(row: IntensityBenchmark) -> None:
    if row.sector_id is None:
        return
    if _others(row, year=row.year, sector_id=row.sector_id, product=row.product).exists():
        raise ValidationError({INTENSITY_CLASH: _intensity_clash_message()})


def _intensity_text(row: IntensityBenchmark) -> str:
    return _("%(year)s %(sector)s, %(product)s: %(value)s tCO2/%(unit)s") % {
        "year": row.year, "sector": row.sector, "product": row.product,
        "value": row.intensity, "unit": row.unit,
    }


@transaction.atomic
def intensity_create(*, actor, data: dict) -> IntensityBenchmark:
    _allowed(actor)
    row = IntensityBenchmark()
    _apply(row, data, INTENSITY_FIELDS)
    return _create(
        actor=actor, obj=row, fields=INTENSITY_FIELDS, checks=[_intensity_unique],
        clash=(INTENSITY_CLASH, _intensity_clash_message()),
        verb="allowances.intensity_benchmark_created",
        message=_("Intensity benchmark added: %(row)s") % {"row": _intensity_text(row)},
    )


@transaction.atomic
def intensity_update(*, actor, intensity: IntensityBenchmark, data: dict) -> IntensityBenchmark:
    _allowed(actor)
    return _update(
        actor=actor, obj=intensity, data=data, fields=INTENSITY_FIELDS,
        checks=[_intensity_unique], clash=(INTENSITY_CLASH, _intensity_clash_message()),
        verb="allowances.intensity_benchmark_updated",
        label=_("Intensity benchmark %(row)s") % {"row": _intensity_text(intensity)},
    )


@transaction.atomic
def intensity_delete(*, actor, intensity: IntensityBenchmark) -> None:
    _allowed(actor)
    _delete(
        actor=actor, obj=intensity, fields=INTENSITY_FIELDS,
        verb="allowances.intensity_benchmark_deleted",
        message=_("Intensity benchmark removed: %(row)s") % {"row": _intensity_text(intensity)},
    )


MODELS: dict[str, type[models.Model]] = {
    "plan": AllocationPlan,
    "benchmark": PowerBenchmark,
    "band": LoadFactorBand,
    "intensity": IntensityBenchmark,
}
