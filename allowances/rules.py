"""Allocation, surrender and penalty rules (pure: no ORM, no request). Benchmarks, load-factor
bands, intensities, which power quantity a plan counts (generated or supplied) and market
prices are data passed in; this module holds the formulas, the caps, the deadlines' reading
and every rounding, each one a named function.

Sources: power sector allocation plan 2023–2024 (国环规气候〔2024〕1号); MEE Measures for Carbon
Emission Trading (trial) 2020, Art. 29 (CCER ≤ 5 % of the allowances due, not from projects
inside the national ETS); Interim Regulations on Carbon Emission Trading (Decree 775), Art. 24
(short surrender: the fine on the tonnes short at the surrender deadline, priced over the
month-long window ending on it; next year's cut only for what is still short at the correction
deadline); DOMAIN.md "Allocation and surrender" and Art. 24.

Quantities: emissions, activity data, benchmarks and prices are ``Decimal`` (a float is a
TypeError); allowances are whole tonnes (``int``).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

# --- parameters of the regulations (each with its source) --------------------------------

# 国环规气候〔2024〕1号: pre-allocation = 70 % of the allowance computed from the prior year's
# verified activity data (Qe, Qh, output of Y−1) with year Y's benchmarks and factors; not 70 %
# of the prior year's emissions (DOMAIN.md "Allocation and surrender").
PRE_ALLOCATION_SHARE = Decimal("0.70")
SHORTFALL_CAP_SHARE = Decimal("0.20")  # 国环规气候〔2024〕1号: shortfall ≤ 20 % of verified
CCER_SHARE = Decimal("0.05")  # Measures (trial) 2020, Art. 29: CCER ≤ 5 % of allowances due
FINE_MIN_MULTIPLE = Decimal(5)  # Interim Regulations Art. 24: 5–10 × average price × tonnes
FINE_MAX_MULTIPLE = Decimal(10)

# Measures (trial) 2020, Art. 16: objection to the allocation within 7 working days of notice,
# the authority's decision within 10 working days (counted with the bureau's calendar).
ALLOCATION_OBJECTION_WORKING_DAYS = 7
ALLOCATION_DECISION_WORKING_DAYS = 10

CNY_PRECISION = Decimal("0.01")
RATE_PRECISION = Decimal("0.0001")  # rates as fractions to 0.01 %


# --- the named roundings ---------------------------------------------------------------------


def _dec(value: Decimal | int) -> Decimal:
    if isinstance(value, float):
        raise TypeError("allowance rules take Decimal, never float")
    return Decimal(value)


def _non_negative(name: str, value: Decimal | int) -> Decimal:
    value = _dec(value)
    if value < 0:
        raise ValueError(f"{name} must not be negative: {value}")
    return value


def round_allowance(value: Decimal) -> int:
    """Allocations are whole tonnes, rounded half up once, at the end of the formula
    (2,476,300.4 → 2,476,300; 2,476,300.5 → 2,476,301)."""
    return int(_dec(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_up_tonnes(value: Decimal) -> int:
    """Whole tonnes rounded UP: what must be surrendered (or topped up to) is never less
    than the verified emissions (10,573.01 → 10,574)."""
    return int(_dec(value).quantize(Decimal(1), rounding=ROUND_CEILING))


def round_down_tonnes(value: Decimal) -> int:
    """Whole tonnes rounded DOWN: a cap is never exceeded (999.95 → 999)."""
    return int(_dec(value).quantize(Decimal(1), rounding=ROUND_FLOOR))


def round_cny(value: Decimal) -> Decimal:
    """Money to the fen (0.01 CNY), half up."""
    return _dec(value).quantize(CNY_PRECISION, rounding=ROUND_HALF_UP)


# --- allocation --------------------------------------------------------------------------------

Band = tuple[Decimal | None, Decimal | None, Decimal]


def load_factor_correction(load_factor: Decimal, bands: Sequence[Band]) -> Decimal:
    """Ff for a unit's load factor, from the plan's bands (data): each band is
    ``(lower, upper, Ff)``, lower bound inclusive, upper bound exclusive, ``None`` for an open
    end; load factor and bounds in the same unit. Exactly one band must match."""
    lf = _non_negative("load factor", load_factor)
    matches = [
        _dec(ff)
        for lower, upper, ff in bands
        if (lower is None or lf >= _dec(lower)) and (upper is None or lf < _dec(upper))
    ]
    if len(matches) != 1:
        raise ValueError(f"load factor {lf} matches {len(matches)} bands, expected exactly one")
    return matches[0]


def power_allowance(
    *,
    power_mwh: Decimal,
    benchmark: Decimal,
    load_factor_correction: Decimal,
    heat_gj: Decimal,
    heat_benchmark: Decimal,
) -> Decimal:
    """A = Ae + Ah = Qe × Be × Ff + Qh × Bh (MWh × tCO2/MWh × 1 + GJ × tCO2/GJ), unrounded
    (t, ``Decimal``). Qe is the power the plan counts: generated under the 2023–2024 plan
    (国环规气候〔2024〕1号), supplied under earlier plans; which one is plan data, chosen by
    the caller."""
    ae = (
        _non_negative("power_mwh", power_mwh)
        * _non_negative("benchmark", benchmark)
        * _non_negative("load_factor_correction", load_factor_correction)
    )
    return ae + _non_negative("heat_gj", heat_gj) * _non_negative("heat_benchmark", heat_benchmark)


def power_allocation(
    *,
    power_mwh: Decimal,
    benchmark: Decimal,
    load_factor_correction: Decimal,
    heat_gj: Decimal,
    heat_benchmark: Decimal,
) -> int:
    """A = Ae + Ah = Qe × Be × Ff + Qh × Bh (``power_allowance``), rounded half up to whole
    tonnes once, after the sum (``round_allowance``)."""
    return round_allowance(power_allowance(
        power_mwh=power_mwh, benchmark=benchmark, load_factor_correction=load_factor_correction,
        heat_gj=heat_gj, heat_benchmark=heat_benchmark,
    ))


def intensity_allowance(output: Decimal, intensity: Decimal) -> Decimal:
    """Generic intensity method: A = output × intensity (product unit × tCO2/unit), unrounded
    (t, ``Decimal``)."""
    return _non_negative("output", output) * _non_negative("intensity", intensity)


def intensity_allocation(output: Decimal, intensity: Decimal) -> int:
    """A = output × intensity (``intensity_allowance``), rounded half up to whole tonnes
    (``round_allowance``)."""
    return round_allowance(intensity_allowance(output, intensity))


def pre_allocation(
    prior_year_allowances: Iterable[Decimal], *, share: Decimal = PRE_ALLOCATION_SHARE
) -> int:
    """Pre-allocation of year Y for one enterprise (国环规气候〔2024〕1号, DOMAIN.md):
    ``share`` (70 %) × Σ over its units of the allowance computed from the unit's prior-year
    (Y−1) verified activity data with year Y's benchmarks and factors — each element of
    ``prior_year_allowances`` is ``power_allowance`` (Qe_{Y−1} × Be_Y × Ff_Y + Qh_{Y−1} × Bh_Y)
    or ``intensity_allowance`` (output_{Y−1} × intensity_Y), unrounded.

    Rounded half up once, for the enterprise (``round_allowance``): the plan's figure is the
    enterprise's, so units are not rounded one by one (which could drift by up to 0.5 t per
    unit). Gas, Y−1 1,000,000 MWh × 0.3288 = 328,800 → × 0.70 = 230,160. It is not 70 % of
    the prior year's emissions. No units (an empty sum) is a ``ValueError``, never a zero."""
    allowances = [_non_negative("prior-year allowance", a) for a in prior_year_allowances]
    if not allowances:
        raise ValueError("pre-allocation needs the prior-year allowance of at least one unit")
    return round_allowance(sum(allowances, Decimal(0)) * _non_negative("share", share))


@dataclass(frozen=True)
class UnitAllocation:
    """One unit's computed allocation (whole tonnes) and verified emissions (t, Decimal)."""

    allocation: int
    verified: Decimal
    gas: bool = False


@dataclass(frozen=True)
class FinalAllocation:
    computed: int  # sum of the units' computed allocations
    gas_top_up: int  # gas units topped up to their verified emissions
    cap_top_up: int  # what brings the enterprise shortfall down to the cap

    @property
    def top_up(self) -> int:
        return self.gas_top_up + self.cap_top_up

    @property
    def allocation(self) -> int:
        return self.computed + self.top_up


def final_allocation(
    units: Iterable[UnitAllocation],
    *,
    cap_share: Decimal = SHORTFALL_CAP_SHARE,
    verified_total: Decimal | None = None,
) -> FinalAllocation:
    """Final allocation of one enterprise after verification (国环规气候〔2024〕1号):

    1. each gas unit is topped up to its verified emissions, in whole tonnes rounded up
       (``round_up_tonnes``), so a gas unit never leaves a shortfall;
    2. the enterprise shortfall, obligation − allocation (``obligation`` of the summed verified
       emissions), may be at most ``cap_share`` (20 %) × verified emissions; the cap in whole
       tonnes is rounded down (``round_down_tonnes``) so the remaining shortfall never exceeds
       20 %, and the excess is topped up.

    ``verified_total`` is the enterprise's verified emissions when the units' own figures do
    not add up to it (units without a figure of their own); it must not be below their sum.
    """
    units = list(units)
    computed = 0
    gas_top_up = 0
    verified = Decimal(0)
    for unit in units:
        if unit.allocation < 0:
            raise ValueError(f"allocation must not be negative: {unit.allocation}")
        unit_verified = _non_negative("verified", unit.verified)
        computed += unit.allocation
        verified += unit_verified
        if unit.gas:
            gas_top_up += max(0, round_up_tonnes(unit_verified) - unit.allocation)
    if verified_total is not None:
        if _non_negative("verified_total", verified_total) < verified:
            raise ValueError("verified_total is below the sum of the units' verified emissions")
        verified = _dec(verified_total)
    shortfall = obligation(verified) - (computed + gas_top_up)
    allowed = round_down_tonnes(verified * _dec(cap_share))
    return FinalAllocation(computed, gas_top_up, max(0, shortfall - allowed))


@dataclass(frozen=True)
class AllocationMethod:
    code: str
    label: str  # English msgid; translated where shown
    parameters: tuple[str, ...]  # names of the inputs, in order
    compute: Callable[..., int]


ALLOCATION_METHODS: dict[str, AllocationMethod] = {
    m.code: m
    for m in (
        AllocationMethod(
            "power_benchmark",
            "Power sector benchmark (Qe × Be × Ff + Qh × Bh)",
            ("power_mwh", "benchmark", "load_factor_correction", "heat_gj", "heat_benchmark"),
            power_allocation,
        ),
        AllocationMethod(
            "intensity",
            "Intensity (output × intensity)",
            ("output", "intensity"),
            intensity_allocation,
        ),
    )
}


def allocate(code: str, parameters: dict[str, Decimal]) -> int:
    """Run the allocation method ``code`` with its parameters (extra keys are ignored)."""
    method = ALLOCATION_METHODS[code]
    missing = [p for p in method.parameters if p not in parameters]
    if missing:
        raise KeyError(f"missing parameters for {code}: {missing}")
    return method.compute(**{p: _dec(parameters[p]) for p in method.parameters})


# --- surrender (清缴) ------------------------------------------------------------------------------


def obligation(verified_emissions: Decimal) -> int:
    """Surrender obligation = verified emissions in whole tonnes. The regulation says the
    surrender equals the verified emissions; any fraction is rounded UP (``round_up_tonnes``)
    so an obligation is never under-surrendered (10,573.36 t → 10,574)."""
    return round_up_tonnes(_non_negative("verified_emissions", verified_emissions))


def ccer_cap(obligation: int, *, share: Decimal = CCER_SHARE) -> int:
    """CCER usable for an obligation: at most ``share`` (5 %, Measures Art. 29), rounded DOWN
    to whole tonnes (``round_down_tonnes``): 19,999 → 999; 20,020 → 1,001."""
    return round_down_tonnes(_non_negative("obligation", obligation) * _dec(share))


def ccer_eligible(*, project_in_national_ets: bool) -> bool:
    """Art. 29: CCER from projects inside the national ETS cannot offset."""
    return not project_in_national_ets


def headroom(obligation: int, ccer_used: int) -> int:
    """CCER tonnes still usable: the cap minus what was already surrendered in CCER, never
    below 0."""
    return max(0, ccer_cap(obligation) - ccer_used)


def remaining(obligation: int, surrendered_total: int) -> int:
    """Tonnes still to surrender (CEA and CCER together), never below 0."""
    return max(0, obligation - surrendered_total)


def request_room(obligation: int, surrendered_total: int, pending_total: int) -> int:
    """Tonnes a new surrender request may cover: what is still owed less what open (not yet
    confirmed) requests already cover, never below 0. A request beyond it is refused, so
    surplus units stay in the account."""
    return remaining(obligation, surrendered_total + pending_total)


def surrender_shortfall(remaining: int, *, cea_held: int, ccer_held: int, ccer_headroom: int) -> int:
    """Tonnes an account lacks to meet what is still owed: ``remaining`` less the allowances
    held and the eligible CCER held up to the CCER headroom, never below 0."""
    usable = cea_held + min(ccer_held, max(0, ccer_headroom))
    return max(0, remaining - usable)


NOT_DUE = "not_due"
IN_PROGRESS = "in_progress"
COMPLIED = "complied"
COMPLIED_LATE = "complied_late"
SHORT = "short"
COMPLIANCE_STATUSES = (NOT_DUE, IN_PROGRESS, COMPLIED, COMPLIED_LATE, SHORT)


def compliance_status(
    obligation: int,
    surrendered: int,
    deadline: date | None,
    surrendered_on: date | None,
    today: date,
) -> str:
    """Status of one enterprise in one cycle. Dates are Asia/Shanghai calendar dates;
    ``surrendered_on`` is the day the obligation was met in full (the last surrender needed).
    A surrender ON the deadline is on time.

    - complied: surrendered ≥ obligation, met on or before the deadline (a zero obligation is
      complied);
    - complied_late: surrendered in full, met after the deadline;
    - short: not in full and the deadline has passed;
    - in_progress: partly surrendered, deadline not passed;
    - not_due: nothing surrendered and the deadline not passed (or no deadline set yet).
    """
    if surrendered >= obligation:
        if obligation == 0 or deadline is None:
            return COMPLIED
        if surrendered_on is None:
            raise ValueError("surrendered in full without the day it was met")
        return COMPLIED if surrendered_on <= deadline else COMPLIED_LATE
    if deadline is not None and today > deadline:
        return SHORT
    return IN_PROGRESS if surrendered > 0 else NOT_DUE


@dataclass(frozen=True)
class ComplianceRate:
    due_count: int  # enterprises with an obligation > 0
    complied_count: int  # of those, surrendered in full
    due_tonnes: int
    surrendered_tonnes: int  # each enterprise counted up to its obligation

    @property
    def by_count(self) -> Decimal | None:
        return _rate(self.complied_count, self.due_count)

    @property
    def by_tonnes(self) -> Decimal | None:
        return _rate(self.surrendered_tonnes, self.due_tonnes)


def _rate(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PRECISION, rounding=ROUND_HALF_UP)


def compliance_rate(rows: Iterable[tuple[int, int]]) -> ComplianceRate:
    """Compliance rate over ``(due, surrendered)`` rows (DOMAIN.md): by count = enterprises
    surrendered in full ÷ enterprises due; by tonnes = tonnes surrendered ÷ tonnes due, where an
    enterprise's surplus is not counted (min(surrendered, due)) so it cannot hide another's
    shortfall. Rows with nothing due are left out. Rates are fractions rounded half up to
    0.0001; ``None`` when nothing is due."""
    due_count = complied = due_tonnes = surrendered_tonnes = 0
    for due, surrendered in rows:
        if due <= 0:
            continue
        due_count += 1
        complied += surrendered >= due
        due_tonnes += due
        surrendered_tonnes += min(max(surrendered, 0), due)
    return ComplianceRate(due_count, complied, due_tonnes, surrendered_tonnes)


# --- cycle milestones: done or overdue (issue 9 §13) ---------------------------------------------


@dataclass(frozen=True)
class CycleProgress:
    """What the data say about a cycle's work, in enterprises (read by
    ``allowances.selectors.cycles.progress``)."""

    allocations: int  # enterprises with an allocation notice in the cycle
    pre_allocated: int  # of those, units already issued to the account for the cycle
    final_notified: int  # of those, the final allocation notified to the enterprise
    final_issued: int  # of those, the final allocation issued to the account
    due: int  # enterprises the cycle covers (the year's key-emitter list and the allocated)
    verified: int  # of those, verification done (the report final: a verified figure)
    complied: int  # of those, the obligation surrendered in full
    lists_published: bool  # the key-emitter list based on the cycle year is published


def _all(part: int, whole: int) -> bool:
    return whole > 0 and part >= whole


def milestone_done(kind: str, progress: CycleProgress) -> bool:
    """Is the work a milestone stands for done? Decided from the data, per kind: pre-allocation
    issued to every allocated enterprise; verification done for every enterprise due; final
    allocation notified to every allocated one, then issued; the next key-emitter list
    published; at the surrender deadline every enterprise due has surrendered in full. With
    nothing to do yet (no allocation, nobody due) the work is not done."""
    p = progress
    return {
        "pre_allocation": _all(p.pre_allocated, p.allocations),
        "verification_due": _all(p.verified, p.due),
        "final_allocation": _all(p.final_notified, p.allocations),
        "issuance": _all(p.final_issued, p.allocations),
        "lists": p.lists_published,
        "surrender_deadline": _all(p.complied, p.due),
    }.get(kind, False)


def milestone_count(kind: str, progress: CycleProgress) -> tuple[int, int] | None:
    """(enterprises whose part of the work is done, enterprises it concerns) for a milestone
    counted in enterprises, so an overdue milestone says how much is left; ``None`` for the
    list milestone (one list, published or not)."""
    p = progress
    return {
        "pre_allocation": (p.pre_allocated, p.allocations),
        "verification_due": (p.verified, p.due),
        "final_allocation": (p.final_notified, p.allocations),
        "issuance": (p.final_issued, p.allocations),
        "surrender_deadline": (p.complied, p.due),
    }.get(kind)


DONE, OVERDUE, PAST, NEXT, UPCOMING = "done", "overdue", "past", "next", "upcoming"


def milestone_mark(*, due: date, done: bool, today: date, cycle_open: bool, first_ahead: bool) -> str:
    """How a milestone reads on ``today`` (Beijing date): ``done`` whenever its work is done;
    otherwise ``overdue`` once its date has passed while the cycle is open (``past`` once the
    cycle is closed), ``next`` for the first undone one due on or after today (``first_ahead``),
    else ``upcoming``. A milestone ON its date is not overdue."""
    if done:
        return DONE
    if due < today:
        return OVERDUE if cycle_open else PAST
    return NEXT if first_ahead else UPCOMING


# --- penalties (Interim Regulations Art. 24) -----------------------------------------------------


def tonnes_short(obligation: int, surrendered_total: int) -> int:
    """Tonnes not surrendered (obligation − units surrendered for the cycle by a day, never
    below 0): at the surrender deadline what Art. 24 fines, at the correction deadline what it
    cuts (``next_year_cut``)."""
    return remaining(obligation, surrendered_total)


# The price of the fine (Art. 24: "the average market price of the month before the surrender
# deadline"). DOMAIN.md reads "the month before the deadline" as the month-long window ending on
# the deadline. The bureau keeps the market's prices as data (allowances.models): the average
# published for a calendar month, and the trading days' average prices with their volumes.


def month_before(day: date) -> date:
    """The same date one month earlier, clamped at month ends, with the end-of-month rule:
    the last day of a month goes to the last day of the month before (31 Mar → 28/29 Feb,
    30 Apr → 31 Mar, 29 Feb 2024 → 31 Jan); any other day to the same day number, or the
    last day of the month before when it is shorter (15 Jan → 15 Dec, 30 Mar 2023 → 28 Feb)."""
    year, month = (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def price_window(deadline: date) -> tuple[date, date]:
    """The month-long window ending on ``deadline``, both ends included: from the day after
    ``month_before(deadline)`` through the deadline. A month-end deadline gives its calendar
    month (31 Dec 2025 → 1–31 Dec 2025; 30 Apr → 1–30 Apr; 29 Feb 2024 → 1–29 Feb 2024);
    15 Jan 2026 → 16 Dec 2025–15 Jan 2026."""
    return month_before(deadline) + timedelta(days=1), deadline


def check_window(start: date, end: date) -> None:
    """A price window has its start on or before its end (both days included)."""
    if start > end:
        raise ValueError(f"price window starts after it ends: {start} > {end}")


def calendar_month_of(start: date, end: date) -> date | None:
    """The first day of the calendar month the window covers exactly, else ``None``
    (1–31 Dec → 1 Dec; 16 Dec–15 Jan → None)."""
    check_window(start, end)
    whole = (
        start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and end.day == calendar.monthrange(end.year, end.month)[1]
    )
    return start if whole else None


@dataclass(frozen=True)
class TradingDay:
    """One trading day of the market: its average price (CNY/t) and the tonnes traded."""

    day: date
    price: Decimal
    volume: int


def window_average(days: Iterable[TradingDay], start: date, end: date) -> tuple[Decimal, int]:
    """Average market price over the window ``start``–``end`` (both included) and the number
    of trading days it rests on. The average is the market's average transaction price
    (平均成交价格): the trading days' prices weighted by their volumes, Σ(price × volume) ÷
    Σ volume, i.e. turnover ÷ tonnes traded, rounded half up to the fen (``round_cny``).
    Days outside the window are ignored; a window without a trading day has no price
    (ValueError). Where the window is exactly a calendar month whose average the market
    published, that published average is used instead (``calendar_month_of``; the caller
    chooses)."""
    check_window(start, end)
    turnover = Decimal(0)
    volume = 0
    count = 0
    for d in days:
        if not start <= d.day <= end:
            continue
        if not isinstance(d.volume, int) or d.volume <= 0:
            raise ValueError(f"volume of {d.day} must be a positive whole number of tonnes")
        turnover += _non_negative("price", d.price) * d.volume
        volume += d.volume
        count += 1
    if count == 0:
        raise ValueError(f"no trading day in the window {start}–{end}")
    return round_cny(turnover / volume), count


def short_surrender_fine_range(
    tonnes_short: int, average_price: Decimal
) -> tuple[Decimal, Decimal]:
    """Art. 24: a fine of 5–10 × the average market price in the window (``price_window``,
    CNY/t) × the tonnes not surrendered by the surrender deadline; (min, max) in CNY rounded
    half up to 0.01 (``round_cny``). Units surrendered later never reduce it."""
    base = _non_negative("tonnes_short", tonnes_short) * _non_negative(
        "average_price", average_price
    )
    return round_cny(base * FINE_MIN_MULTIPLE), round_cny(base * FINE_MAX_MULTIPLE)


def next_year_cut(
    *,
    obligation: int,
    surrendered_by_correction_deadline: int,
    correction_deadline: date | None,
    today: date,
) -> int | None:
    """Art. 24: only if the enterprise does not correct (拒不改正) is next year's allocation cut,
    by the tonnes still not surrendered at the correction deadline (责令改正期限): obligation −
    units surrendered for the cycle up to and including that day (Asia/Shanghai dates), never
    below 0. Units surrendered before the correction deadline reduce the cut, never the fine
    (the fine is on the tonnes short at the surrender deadline, ``tonnes_short``); a case
    corrected in full is cut by 0. ``None`` while the cut is not known: no correction deadline
    set, or ``today`` is not past it (a surrender on the deadline day still counts).

    Example (issue 9): 30,000 t short at the surrender deadline, 10,000 t surrendered before
    the correction deadline → fine on 30,000 t, cut 20,000 t; 30,000 t surrendered → no cut."""
    for name, value in (("obligation", obligation),
                        ("surrendered", surrendered_by_correction_deadline)):
        if not isinstance(value, int):
            raise TypeError(f"{name} is whole tonnes (int)")
        if value < 0:
            raise ValueError(f"{name} must not be negative: {value}")
    if correction_deadline is None or today <= correction_deadline:
        return None
    return remaining(obligation, surrendered_by_correction_deadline)


def unpledged(balances: dict[int, int], pledges: Iterable[tuple[int | None, int]]) -> dict[int, int]:
    """CEA tonnes free of pledges, by vintage (配额质押: a pledged quantity cannot leave the
    account while the pledge stands). ``balances`` maps each vintage to the tonnes held,
    ``pledges`` are the active pledges as ``(vintage or None for any vintage, tonnes)``.

    A vintage's free tonnes are its balance less the pledges naming it, and never more than
    the account's whole balance less all its pledges (a pledge of any vintage may be met by
    whichever vintage is left). Never below 0. Example: 2023: 600 t, 2024: 400 t, pledges
    (2024, 300) and (None, 500) → 2023: 200 t, 2024: 100 t."""
    pledges = list(pledges)
    for vintage, tonnes in [*balances.items(), *pledges]:
        if not isinstance(tonnes, int):
            raise TypeError(f"tonnes are whole numbers (int): {vintage}={tonnes!r}")
    total_free = sum(balances.values()) - sum(t for _v, t in pledges)
    named: dict[int, int] = {}
    for vintage, tonnes in pledges:
        if vintage is not None:
            named[vintage] = named.get(vintage, 0) + tonnes
    return {
        vintage: max(0, min(held - named.get(vintage, 0), total_free))
        for vintage, held in balances.items()
    }


def pledges_covered(balances: dict[int, int], pledges: Iterable[tuple[int | None, int]]) -> bool:
    """Do the balances cover the active pledges (in total and vintage by vintage)? The rule
    the database triggers of ``allowances.models.pledges`` enforce, in Python."""
    pledges = list(pledges)
    if sum(t for _v, t in pledges) > sum(balances.values()):
        return False
    named: dict[int, int] = {}
    for vintage, tonnes in pledges:
        if vintage is not None:
            named[vintage] = named.get(vintage, 0) + tonnes
    return all(balances.get(v, 0) >= t for v, t in named.items())
