"""Rules of the double-random inspections (双随机、一公开) and of rectification (pure: no ORM,
no request; only ``choices`` from the project).

Sources: MEE Measures for Carbon Emission Trading (trial) 2020, Art. 31 (random targets,
random inspectors, results published); DOMAIN.md "Data-quality supervision" (the city does the
on-site spot checks, 地市负责现场抽查); Interim Regulations (Decree 775) Art. 13 (conflict of
interest: the same rule family decides which inspector may not inspect whom).

The draw is a pure function of a pool snapshot and a seed (``draw``). Anyone can re-run it from
the stored snapshot, seed and algorithm version and must get the same targets, inspectors and
exclusions; the snapshot is the plan's input as it stood when drawn (ids in a fixed order), so a
later change of the registry does not change a past draw.

Algorithm, version 1 (``ALGORITHM_VERSION``)::

    rng = random.Random(seed)                       # seed: a whole number 0 <= seed < 2**63
    1. targets inspected on or after ``recent_cutoff(reference_date, recent_months)`` leave
       the pool (exclusion "recently inspected"), when the plan sets months > 0;
    2. n = quantity_to_draw(quantity, size of the pool before step 1) for enterprises, then
       for agencies; refused when fewer eligible targets remain;
       drawn enterprises = rng.sample(eligible enterprises in snapshot order, n), then the
       agencies the same way; the order of ``sample`` is the draw order;
    3. for each drawn target in draw order, each inspector of the pool (in snapshot order) is
       excluded when the plan excludes the own area and the target is an enterprise of the
       inspector's area, and when the plan excludes declared conflicts and the inspector
       declared one with the target (each reason is listed);
    4. for each drawn target in draw order: the remaining inspectors in snapshot order are
       shuffled with ``rng.shuffle``, then stably sorted by how many targets each already has
       (the least loaded first), and the first ``inspectors_per_target`` are assigned;
       refused when fewer remain.

Algorithm, version 2 (``WEIGHTED_ALGORITHM_VERSION``): a plan that weights its draw by credit
(``InspectionPlan.weight_by_credit``: 双随机 with supervision differentiated by credit grade,
DOMAIN.md "Environmental credit evaluation") stores each target's whole-number weight in the
snapshot (``Snapshot.weights``, only those other than 1; the credit app supplies them through
``zhongwei_carbon.draw_weights``). Version 2 is version 1 with step 2 drawing by weight::

    for each of the n picks: total = Σ weights of the eligible targets not yet drawn (in
    snapshot order); r = rng.randrange(total); the target whose cumulative weight first
    exceeds r is drawn (draw order = pick order) and leaves the pool.

Only integers and ``randrange`` are used, so a weighted draw re-runs exactly like version 1.
A plan that does not weight, or a pool without any weight other than 1, is drawn by version 1.

``random.Random`` with a whole-number seed, ``sample`` and ``shuffle`` give the same sequence on
every platform for a given Python version; ``tests/oversight/test_rules.py`` pins a draw (its
targets and inspectors), so a change in the platform is caught before a published draw could
stop re-running. A new algorithm gets a new version number and the old one stays here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from oversight.choices import (
    Conclusion,
    ExclusionReason,
    InspectionStatus,
    PlanStatus,
    PlanTargets,
    TargetKind,
)

ALGORITHM_VERSION = 1
WEIGHTED_ALGORITHM_VERSION = 2
SEED_BITS = 63  # a seed fits a signed 64-bit database column

ENTERPRISE, AGENCY = TargetKind.ENTERPRISE.value, TargetKind.AGENCY.value
RECENTLY_INSPECTED = ExclusionReason.RECENTLY_INSPECTED.value
OWN_AREA = ExclusionReason.OWN_AREA.value
CONFLICT = ExclusionReason.CONFLICT.value

# Rectification (责令改正): the deadline is counted in working days of the bureau's calendar.
# The default is the bureau's practice for data-quality findings; the inspector may set 1–90.
RECTIFICATION_WORKING_DAYS_DEFAULT = 20
RECTIFICATION_WORKING_DAYS_MIN = 1
RECTIFICATION_WORKING_DAYS_MAX = 90
RECENT_MONTHS_MAX = 60  # a plan may skip targets inspected in the last 1–60 months
# Administrative Penalty Law (行政处罚法, 2021) Art. 42: an inspection is made by at least two
# law-enforcement officers.
INSPECTORS_PER_TARGET_MIN = 2
INSPECTORS_PER_TARGET_MAX = 5


class DrawRefused(ValueError):
    """The draw cannot be made as planned; ``code`` and ``params`` name why (the service
    words the message)."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


# --- the inputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolTarget:
    kind: str  # ENTERPRISE or AGENCY
    id: int
    area_id: int | None = None  # an enterprise's area


@dataclass(frozen=True)
class PoolInspector:
    id: int
    area_id: int | None = None  # the area a county or park inspector works for


@dataclass(frozen=True)
class Quantity:
    """How many to draw: a count, or a share (per cent) of the pool."""

    count: int | None = None
    share: Decimal | None = None


NOTHING = Quantity(count=0)


def quantity_to_draw(quantity: Quantity, pool_size: int) -> int:
    """``count``, or ``share`` % of ``pool_size`` rounded up (a share of a non-empty pool never
    draws nobody), never more than the pool."""
    if quantity.count is not None:
        if quantity.count < 0:
            raise ValueError("count must not be negative")
        return quantity.count
    share = quantity.share
    if share is None:
        return 0
    if isinstance(share, float):
        raise TypeError("a share is a Decimal, never a float")
    if share < 0 or share > 100:
        raise ValueError("a share is between 0 and 100 per cent")
    n = (Decimal(share) * pool_size / 100).to_integral_value(rounding=ROUND_CEILING)
    return min(int(n), pool_size)


def recent_cutoff(reference: date, months: int) -> date:
    """The first day that counts as "inspected in the last ``months`` months" before
    ``reference``: the same day ``months`` calendar months earlier (the month's last day when
    that month is shorter)."""
    month_index = reference.year * 12 + reference.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (reference.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Snapshot:
    """Everything the draw reads, in a fixed order (ids ascending)."""

    enterprises: tuple[PoolTarget, ...] = ()
    agencies: tuple[PoolTarget, ...] = ()
    inspectors: tuple[PoolInspector, ...] = ()
    enterprise_quantity: Quantity = NOTHING
    agency_quantity: Quantity = NOTHING
    inspectors_per_target: int = INSPECTORS_PER_TARGET_MIN
    exclude_own_area: bool = True
    exclude_conflicts: bool = True
    conflicts: frozenset[tuple[int, str, int]] = frozenset()  # (inspector, kind, target)
    recent_months: int = 0
    last_inspected: tuple[tuple[str, int, date], ...] = ()  # (kind, target, latest date)
    reference_date: date | None = None
    weights: tuple[tuple[str, int, int], ...] = ()  # (kind, target, weight ≠ 1): version 2

    def weight_of(self) -> dict[tuple[str, int], int]:
        return {(k, i): w for k, i, w in self.weights}

    def to_json(self) -> dict:
        def qty(q: Quantity):
            return {"count": q.count, "share": None if q.share is None else str(q.share)}

        return {
            "enterprises": [[t.id, t.area_id] for t in self.enterprises],
            "agencies": [t.id for t in self.agencies],
            "inspectors": [[i.id, i.area_id] for i in self.inspectors],
            "enterprise_quantity": qty(self.enterprise_quantity),
            "agency_quantity": qty(self.agency_quantity),
            "inspectors_per_target": self.inspectors_per_target,
            "exclude_own_area": self.exclude_own_area,
            "exclude_conflicts": self.exclude_conflicts,
            "conflicts": sorted([list(c) for c in self.conflicts]),
            "recent_months": self.recent_months,
            "last_inspected": [[k, i, d.isoformat()] for k, i, d in self.last_inspected],
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            # only a weighted snapshot has the key: an unweighted one reads as before
            **({"weights": sorted([list(w) for w in self.weights])} if self.weights else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> Snapshot:
        def qty(q: dict) -> Quantity:
            return Quantity(q.get("count"), None if q.get("share") is None else Decimal(q["share"]))

        ref = data.get("reference_date")
        return cls(
            enterprises=tuple(PoolTarget(ENTERPRISE, i, a) for i, a in data["enterprises"]),
            agencies=tuple(PoolTarget(AGENCY, i) for i in data["agencies"]),
            inspectors=tuple(PoolInspector(i, a) for i, a in data["inspectors"]),
            enterprise_quantity=qty(data["enterprise_quantity"]),
            agency_quantity=qty(data["agency_quantity"]),
            inspectors_per_target=data["inspectors_per_target"],
            exclude_own_area=data["exclude_own_area"],
            exclude_conflicts=data["exclude_conflicts"],
            conflicts=frozenset(tuple(c) for c in data["conflicts"]),
            recent_months=data["recent_months"],
            last_inspected=tuple(
                (k, i, date.fromisoformat(d)) for k, i, d in data["last_inspected"]
            ),
            reference_date=date.fromisoformat(ref) if ref else None,
            weights=tuple((k, i, w) for k, i, w in data.get("weights", ())),
        )


# --- the outputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    reason: str
    target_kind: str
    target_id: int
    inspector_id: int | None = None  # a pair exclusion (own area, conflict)
    inspected_on: date | None = None  # a recently inspected target: its latest inspection

    def to_json(self) -> list:
        on = self.inspected_on.isoformat() if self.inspected_on else None
        return [self.reason, self.target_kind, self.target_id, self.inspector_id, on]

    @classmethod
    def from_json(cls, row: list) -> Exclusion:
        reason, kind, target, inspector, on = row
        return cls(reason, kind, target, inspector, date.fromisoformat(on) if on else None)


@dataclass(frozen=True)
class Drawn:
    kind: str
    id: int
    inspectors: tuple[int, ...]  # in the order they were drawn


@dataclass(frozen=True)
class DrawResult:
    targets: tuple[Drawn, ...] = ()
    exclusions: tuple[Exclusion, ...] = field(default_factory=tuple)


# --- the draw --------------------------------------------------------------------------------


def _recently_inspected(snapshot: Snapshot) -> dict[tuple[str, int], date]:
    if snapshot.recent_months <= 0 or snapshot.reference_date is None:
        return {}
    cutoff = recent_cutoff(snapshot.reference_date, snapshot.recent_months)
    return {(k, i): d for k, i, d in snapshot.last_inspected if d >= cutoff}


def _pair_reasons(snapshot: Snapshot, inspector: PoolInspector, target: PoolTarget) -> list[str]:
    reasons = []
    if (
        snapshot.exclude_own_area
        and target.kind == ENTERPRISE
        and inspector.area_id is not None
        and inspector.area_id == target.area_id
    ):
        reasons.append(OWN_AREA)
    if snapshot.exclude_conflicts and (inspector.id, target.kind, target.id) in snapshot.conflicts:
        reasons.append(CONFLICT)
    return reasons


def _sample(rng: random.Random, eligible: list[PoolTarget], n: int, weights) -> list[PoolTarget]:
    return rng.sample(eligible, n)


def _weighted_sample(rng: random.Random, eligible: list[PoolTarget], n: int,
                     weights: dict[tuple[str, int], int]) -> list[PoolTarget]:
    """``n`` targets without replacement, each pick with probability weight / total weight of
    those left (integers and ``randrange`` only: the same on every platform)."""
    pool = list(eligible)
    left = [weights.get((t.kind, t.id), 1) for t in pool]
    if any(w < 1 for w in left):
        raise ValueError("a weight is a whole number of at least 1")
    picked = []
    for _ in range(n):
        r = rng.randrange(sum(left))
        i = 0
        while r >= left[i]:
            r -= left[i]
            i += 1
        picked.append(pool.pop(i))
        left.pop(i)
    return picked


def _draw_v1(snapshot: Snapshot, seed: int) -> DrawResult:
    if snapshot.weights:
        raise DrawRefused("weights_need_version_2")
    return _draw(snapshot, seed, _sample)


def _draw_v2(snapshot: Snapshot, seed: int) -> DrawResult:
    return _draw(snapshot, seed, _weighted_sample)


def algorithm_for(snapshot: Snapshot) -> int:
    """The version a new draw of ``snapshot`` uses: weighted only when a weight is not 1."""
    return WEIGHTED_ALGORITHM_VERSION if snapshot.weights else ALGORITHM_VERSION


def _draw(snapshot: Snapshot, seed: int, pick) -> DrawResult:
    if not 0 <= seed < 2**SEED_BITS:
        raise ValueError("seed out of range")
    rng = random.Random(seed)
    weights = snapshot.weight_of()
    recent = _recently_inspected(snapshot)
    exclusions: list[Exclusion] = []
    chosen: list[PoolTarget] = []
    for kind, pool, quantity in (
        (ENTERPRISE, snapshot.enterprises, snapshot.enterprise_quantity),
        (AGENCY, snapshot.agencies, snapshot.agency_quantity),
    ):
        eligible = []
        for target in pool:
            last = recent.get((target.kind, target.id))
            if last is not None:
                exclusions.append(Exclusion(RECENTLY_INSPECTED, kind, target.id, None, last))
            else:
                eligible.append(target)
        wanted = quantity_to_draw(quantity, len(pool))
        if wanted > len(eligible):
            raise DrawRefused("too_few_targets", kind=kind, wanted=wanted, eligible=len(eligible))
        chosen.extend(pick(rng, eligible, wanted, weights))

    per_target = snapshot.inspectors_per_target
    load = {inspector.id: 0 for inspector in snapshot.inspectors}
    drawn: list[Drawn] = []
    for target in chosen:
        free = []
        for inspector in snapshot.inspectors:
            reasons = _pair_reasons(snapshot, inspector, target)
            exclusions.extend(
                Exclusion(reason, target.kind, target.id, inspector.id) for reason in reasons
            )
            if not reasons:
                free.append(inspector.id)
        if len(free) < per_target:
            raise DrawRefused(
                "too_few_inspectors", kind=target.kind, target=target.id, wanted=per_target,
                eligible=len(free),
            )
        rng.shuffle(free)
        free.sort(key=lambda pk: load[pk])  # stable: the shuffle breaks ties
        picked = tuple(free[:per_target])
        for pk in picked:
            load[pk] += 1
        drawn.append(Drawn(target.kind, target.id, picked))
    return DrawResult(tuple(drawn), tuple(exclusions))


ALGORITHMS: dict[int, Callable[[Snapshot, int], DrawResult]] = {1: _draw_v1, 2: _draw_v2}


def draw(snapshot: Snapshot, seed: int, version: int = ALGORITHM_VERSION) -> DrawResult:
    """The draw of ``snapshot`` with ``seed`` by algorithm ``version`` (see the module text)."""
    try:
        algorithm = ALGORITHMS[version]
    except KeyError:
        raise DrawRefused("unknown_algorithm", version=version) from None
    return algorithm(snapshot, seed)


def plan_covers(targets: str) -> tuple[bool, bool]:
    """(enterprises?, agencies?) a plan of ``targets`` draws."""
    return (
        targets in (PlanTargets.ENTERPRISES, PlanTargets.BOTH),
        targets in (PlanTargets.AGENCIES, PlanTargets.BOTH),
    )


def differences(stored: DrawResult, recomputed: DrawResult) -> list[str]:
    """What differs between a stored draw and its re-run (empty: they match): codes
    ``targets``, ``inspectors``, ``exclusions``."""
    found = []
    if [(t.kind, t.id) for t in stored.targets] != [(t.kind, t.id) for t in recomputed.targets]:
        found.append("targets")
    elif [t.inspectors for t in stored.targets] != [t.inspectors for t in recomputed.targets]:
        found.append("inspectors")
    if sorted(e.to_json() for e in stored.exclusions) != sorted(
        e.to_json() for e in recomputed.exclusions
    ):
        found.append("exclusions")
    return found


# --- plan workflow (one table) ---------------------------------------------------------------

EDIT, DRAW, PUBLISH = "edit", "draw", "publish"
PLAN_TRANSITIONS: dict[tuple[str, str], str] = {
    (PlanStatus.DRAFT, EDIT): PlanStatus.DRAFT,
    (PlanStatus.DRAWN, EDIT): PlanStatus.DRAFT,  # the inputs changed: draw again
    (PlanStatus.DRAFT, DRAW): PlanStatus.DRAWN,
    (PlanStatus.DRAWN, DRAW): PlanStatus.DRAWN,  # a re-draw (with a reason)
    (PlanStatus.DRAWN, PUBLISH): PlanStatus.PUBLISHED,
}


def plan_next_status(status: str, action: str) -> str | None:
    """The plan's status after ``action``, or ``None`` when the action is not allowed."""
    return PLAN_TRANSITIONS.get((status, action))


def redraw_needs_reason(previous_draws: int) -> bool:
    """Every draw after the first one states why it was made again."""
    return previous_draws > 0


# --- inspections and rectification -----------------------------------------------------------


def status_after_conclusion(conclusion: str) -> str:
    """An inspection that orders rectification stays open until the answer is accepted."""
    if conclusion == Conclusion.RECTIFY:
        return InspectionStatus.RECTIFYING
    return InspectionStatus.CLOSED


def rectification_overdue(*, deadline: date, answered: bool, today: date) -> bool:
    """Overdue from the day after the deadline while no answer is under review or accepted
    (a deadline day itself is not overdue)."""
    return not answered and today > deadline


def checklist_complete(results: Iterable[str]) -> bool:
    """Every point of the checklist has a result before the inspection is concluded."""
    return all(bool(r) for r in results)


# --- agency performance (seed task 7): the formulas of the league table ----------------------
# The database adds up the counts and sums per agency and year (oversight/selectors/
# performance.py); the figures are made from them here, each rounding named once.

PERCENT_PLACES = Decimal("0.1")  # on-time rate, share returned: per cent, one decimal
ROUNDS_PLACES = Decimal("0.01")  # rounds per report: two decimals
DEVIATION_PLACES = Decimal("0.01")  # mean absolute deviation: per cent, two decimals
# Verification of reporting year Y is done in year Y + 1 (DOMAIN.md, "a typical year": the
# 2025 cycle verifies 2024's emissions by 30 June 2025), so an inspection of an agency carried
# out in (or planned for) year Y + 1 looks at its work on reporting year Y.
INSPECTION_YEAR_LAG = 1


def delivered_on_time(*, filed_on: date | None, due: date | None) -> bool | None:
    """Was the first verification report delivered by the due date (the day itself counts)?
    ``None`` when it does not count (no due date, or not delivered yet). The selector makes
    the same comparison in SQL; this is its statement in words and the tests' reference."""
    if due is None or filed_on is None:
        return None
    return filed_on <= due


def counts_as_late(*, filed_on: date | None, due: date | None, today: date) -> bool:
    """Not delivered and the due date has passed: late, although nothing was filed yet."""
    return due is not None and filed_on is None and today > due


def share_percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent (one decimal, half up); ``None`` when ``whole`` is 0
    (no figure, rather than a misleading 0 %)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_PLACES, ROUND_HALF_UP)


def rounds_per_report(rounds: int, reports: int) -> Decimal | None:
    """Verification rounds filed per report that had at least one round (two decimals)."""
    if not reports:
        return None
    return (Decimal(rounds) / Decimal(reports)).quantize(ROUNDS_PLACES, ROUND_HALF_UP)


def deviation_percent(verified: Decimal, accepted: Decimal) -> Decimal | None:
    """|first verified − finally accepted| as per cent of the accepted figure (unrounded);
    ``None`` when the accepted figure is 0. The selector computes the same per report in SQL."""
    if isinstance(verified, float) or isinstance(accepted, float):
        raise TypeError("emissions are Decimal, never float")
    if not accepted:
        return None
    return abs(verified - accepted) * 100 / accepted


def mean_deviation(total: Decimal | None, reports: int) -> Decimal | None:
    """The mean of the reports' absolute deviations (per cent, two decimals, half up)."""
    if not reports or total is None:
        return None
    return (Decimal(total) / reports).quantize(DEVIATION_PLACES, ROUND_HALF_UP)


def work_year(inspection_year: int) -> int:
    """The reporting year whose verification an agency inspection of ``inspection_year``
    looks at."""
    return inspection_year - INSPECTION_YEAR_LAG
