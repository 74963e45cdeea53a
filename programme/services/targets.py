"""The city's yearly statistics (the 2025 targets' figures): entered and revised here only
(DESIGN.md §4.2): keyword arguments, one transaction, ``full_clean`` before saving, a business
event on the year; django-simple-history keeps every earlier figure with who changed it.

Who: the bureau admin, or a department liaison whose unit holds the ``statistics_entry`` grant
(``may_enter``); anyone else is ``PermissionDenied``. Refusals are ``ValidationError`` on a
named field: a year entered twice (on ``year``, "revise it instead"), a year not begun yet, a
figure not above zero (the model's validators), a source left empty, a revision without a
reason or that changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programme.models import CityStatistic
from registry.choices import Dataset
from registry.selectors.grants import granted
from zhongwei_carbon import display, events, roles
from zhongwei_carbon.roles import Perm

FIGURES = ("gdp", "energy", "co2")
SOURCES = {"gdp": "gdp_source", "energy": "energy_source", "co2": "co2_source"}
REVISABLE = ("gdp", "gdp_source", "energy", "energy_source", "co2", "co2_source")
FIELDS = ("year", *REVISABLE)
EARLIEST_YEAR = 2000


def may_enter(user) -> bool:
    """The bureau admin, or a liaison of a unit granted ``statistics_entry``."""
    return roles.has_perm(user, Perm.ENTER_STATISTICS) and granted(user, Dataset.STATISTICS_ENTRY)


def _allowed(actor) -> None:
    if not may_enter(actor):
        raise PermissionDenied


def _apply(stat: CityStatistic, data: dict, fields: tuple[str, ...]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(stat, name, value.strip() if isinstance(value, str) else value)


def _check_year(year) -> None:
    if year is None:
        return
    if year < EARLIEST_YEAR:
        raise ValidationError({"year": _("Enter a year from %(first)s on.") % {"first": EARLIEST_YEAR}})
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("%(year)s has not begun: its figures cannot be entered yet.")
                               % {"year": year}})
    if CityStatistic.objects.filter(year=year).exists():
        raise ValidationError({"year": _(
            "The figures of %(year)s are already entered: open that year and revise them instead."
        ) % {"year": year}})


def _figures(stat: CityStatistic) -> str:
    return _("GDP %(gdp)s, energy %(energy)s, CO2 %(co2)s") % {
        f: display.field_value(stat, f) for f in FIGURES}


@transaction.atomic
def statistic_create(*, actor, data: dict) -> CityStatistic:
    """Enter the figures of a year not entered yet (``data``: ``FIELDS``)."""
    _allowed(actor)
    stat = CityStatistic(entered_by=actor)
    _apply(stat, data, FIELDS)
    _check_year(stat.year)
    stat.full_clean()
    stat._history_user = actor
    try:
        with transaction.atomic():
            stat.save()
    except IntegrityError:  # the same year entered at the same moment by someone else
        raise ValidationError({"year": _(
            "The figures of %(year)s are already entered: open that year and revise them instead."
        ) % {"year": stat.year}}) from None
    events.record(actor=actor, verb="statistics.entered", target=stat,
                  message=_("Statistics of %(year)s entered: %(figures)s.")
                  % {"year": stat.year, "figures": _figures(stat)})
    return stat


@transaction.atomic
def statistic_revise(*, actor, statistic: CityStatistic, data: dict, reason: str) -> CityStatistic:
    """Revise a year's figures or sources (``data``: ``REVISABLE``); ``reason`` says why
    (a final verification, a census…) and is kept with the revision."""
    _allowed(actor)
    stat = CityStatistic.objects.select_for_update(no_key=True).get(pk=statistic.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the figures are revised (it is kept with the revision).")})
    before = {f: getattr(stat, f) for f in REVISABLE}
    _apply(stat, data, REVISABLE)
    changed = [f for f in REVISABLE if getattr(stat, f) != before[f]]
    if not changed:
        raise ValidationError(_("Nothing was changed: the figures and sources are as entered."))
    stat.reason = reason
    stat.entered_by = actor
    stat.full_clean()
    stat._history_user = actor
    stat.save()
    words = "; ".join(
        f"{CityStatistic._meta.get_field(f).verbose_name}: {before[f]} → {getattr(stat, f)}"
        for f in changed if f in FIGURES)
    events.record(actor=actor, verb="statistics.revised", target=stat,
                  message=_("Statistics of %(year)s revised (%(changes)s). Reason: %(reason)s")
                  % {"year": stat.year, "changes": words or display.field_labels(CityStatistic, changed),
                     "reason": reason},
                  data={"changed": changed, "reason": reason})
    statistic.refresh_from_db()
    return stat
