"""Reads of the city's statistics and the progress toward the 2025 targets (one query for the
whole table: the targets page, its export and the dashboards' targets panel read the same
``progress``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from programme import rules
from programme.models import CityStatistic
from zhongwei_carbon import display, scoping
from zhongwei_carbon.roles import Perm

FIGURES = ("gdp", "energy", "co2")
SOURCES = {"gdp": "gdp_source", "energy": "energy_source", "co2": "co2_source"}


@dataclass(frozen=True)
class Measure:
    """One intensity of one year against the base year."""

    intensity: Decimal  # 吨/万元 (rules.intensity)
    change: Decimal | None  # % against the base year; None without a base year
    target: Decimal  # % the year should have reached (rules.path_target)
    on_track: bool | None  # None without a base year, and for the base year itself
    progress: Decimal | None  # % of the full target achieved


@dataclass(frozen=True)
class YearRow:
    stat: CityStatistic
    energy: Measure
    co2: Measure

    @property
    def year(self) -> int:
        return self.stat.year


@dataclass(frozen=True)
class Progress:
    rows: list[YearRow]  # years ascending
    base: CityStatistic | None  # the base year's figures, None when not entered

    @property
    def latest(self) -> YearRow | None:
        return self.rows[-1] if self.rows else None

    @property
    def missing_base(self) -> bool:
        return bool(self.rows) and self.base is None


def statistics_for(user) -> QuerySet[CityStatistic]:
    """The years the user may read, oldest first."""
    qs = CityStatistic.objects.select_related("entered_by").order_by("year")
    return scoping.for_user(qs, user, Perm.VIEW_TARGETS)


def _measure(stat, base, field: str, full_target: Decimal) -> Measure:
    amount, target = getattr(stat, field), rules.path_target(stat.year, full_target)
    if base is None:
        return Measure(rules.intensity(amount, stat.gdp), None, target, None, None)
    change = rules.change_percent(amount, stat.gdp, getattr(base, field), base.gdp)
    if stat.year <= rules.BASE_YEAR:  # the base year itself (or before): nothing to track
        return Measure(rules.intensity(amount, stat.gdp), change, target, None, None)
    return Measure(rules.intensity(amount, stat.gdp), change, target,
                   rules.on_track(change, target), rules.progress_percent(change, full_target))


def progress_of(stats) -> Progress:
    """The table of ``stats`` (CityStatistic rows) against the base year among them."""
    stats = sorted(stats, key=lambda s: s.year)
    base = next((s for s in stats if s.year == rules.BASE_YEAR), None)
    return Progress(
        rows=[YearRow(s, _measure(s, base, "energy", rules.ENERGY_INTENSITY_TARGET),
                      _measure(s, base, "co2", rules.CO2_INTENSITY_TARGET)) for s in stats],
        base=base,
    )


def progress(user) -> Progress:
    return progress_of(statistics_for(user))


def _text(value) -> str | None:
    return None if value is None else str(value)


def chart(p: Progress) -> dict:
    """The targets page's chart (static/js/targets-chart.js): the two intensities' change
    against the base year by year, the straight path to each target, and the targets."""
    rows = [r for r in p.rows if r.year >= rules.BASE_YEAR]
    years = sorted({r.year for r in rows} | set(range(rules.BASE_YEAR, rules.TARGET_YEAR + 1)))
    by_year = {r.year: r for r in rows}

    def series(kind):
        return [_text(getattr(by_year[y], kind).change) if y in by_year else None for y in years]

    return {
        "categories": [str(y) for y in years],
        "series": [
            {"name": _("Energy use per unit of GDP"), "data": series("energy"), "kind": "actual"},
            {"name": _("CO2 per unit of GDP"), "data": series("co2"), "kind": "actual"},
            {"name": _("Path to the energy target"), "kind": "path",
             "data": [str(rules.path_target(y, rules.ENERGY_INTENSITY_TARGET)) for y in years]},
            {"name": _("Path to the CO2 target"), "kind": "path",
             "data": [str(rules.path_target(y, rules.CO2_INTENSITY_TARGET)) for y in years]},
        ],
        "targets": [
            {"name": _("Energy target %(target)s %%") % {"target": rules.ENERGY_INTENSITY_TARGET},
             "value": str(rules.ENERGY_INTENSITY_TARGET)},
            {"name": _("CO2 target %(target)s %%") % {"target": rules.CO2_INTENSITY_TARGET},
             "value": str(rules.CO2_INTENSITY_TARGET)},
        ],
        "unit": "%",
    }


def revisions(stat: CityStatistic, limit: int = 50) -> list[dict]:
    """The year's revision history, newest first: when, who, the reason, and each figure or
    source that changed (old → new, with the figure's source as of that revision); the first
    entry lists the figures as entered."""
    records = list(stat.history.select_related("history_user")
                   .order_by("-history_date", "-history_id")[: limit + 1])
    out = []
    for i, rec in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        for name in FIGURES:
            source = SOURCES[name]
            old_value = getattr(older, name) if older else None
            old_source = getattr(older, source) if older else None
            if older is None or old_value != getattr(rec, name) or old_source != getattr(rec, source):
                field = CityStatistic._meta.get_field(name)
                changes.append({
                    "field": field.verbose_name,
                    "old": display.value(field, old_value) if older else None,
                    "new": display.value(field, getattr(rec, name)),
                    "source": getattr(rec, source),
                    "old_source": old_source if old_source != getattr(rec, source) else None,
                })
        out.append({
            "record": rec,
            "when": rec.history_date,
            "user": display.person(rec.history_user) if rec.history_user_id else _("System"),
            "first": older is None,
            "reason": rec.reason if older is not None else "",
            "changes": changes,
        })
    return out
