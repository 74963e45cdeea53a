"""Reads for surrender and compliance: obligation, what was surrendered, CCER headroom, the
status of each enterprise in a cycle and the compliance rates (by county, sector and city).

The obligation of an enterprise for cycle Y is its verified emissions of year Y
(``registry.models.EmissionRecord`` with source "verified"), in whole tonnes by
``allowances.rules.obligation``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allowances import rules
from allowances.choices import MilestoneKind, SurrenderStatus, UnitType
from allowances.models import (
    AllowanceAccount,
    ComplianceCycle,
    Holding,
    Milestone,
    SurrenderRequest,
)
from allowances.selectors import compliance_sql
from allowances.services import ledger
from registry.models import Area, Enterprise, Sector
from registry.selectors import lists
from registry.selectors.enterprises import verified_emissions
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.excel import EXPORT_CHUNK_SIZE
from zhongwei_carbon.roles import Perm, ScopeKind
from zhongwei_carbon.sorting import SortKeys
from zhongwei_carbon.web import whole_number

STATUS_LABELS = {
    rules.NOT_DUE: _("Not due"),
    rules.IN_PROGRESS: _("In progress"),
    rules.COMPLIED: _("Complied"),
    rules.COMPLIED_LATE: _("Complied late"),
    rules.SHORT: _("Short"),
}


def cycle_from(value) -> ComplianceCycle | None:
    """The cycle of year ``value`` (a query parameter), else the newest one."""
    qs = ComplianceCycle.objects.all()
    if (year := whole_number(value)) is not None:
        return qs.filter(year=year).first()
    return qs.order_by("-year").first()


def obligation_of(enterprise, cycle) -> int | None:
    """Whole tonnes due for ``cycle``; ``None`` while no verified figure exists, and for an
    enterprise off the published key-emitter list of the cycle's year (it owes nothing)."""
    if not lists.is_listed(enterprise, cycle.year):
        return None
    verified = verified_emissions(enterprise, cycle.year)
    return None if verified is None else rules.obligation(verified)


def deadline_of(cycle):
    milestone = Milestone.objects.filter(
        cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE
    ).first()
    return milestone.due_date if milestone else None


@dataclass
class Totals:
    """The totals of the surrender form and page (whole tonnes). ``*_pending`` are the tonnes
    of the account's other open requests (requested or approved, not yet moved): they count
    against the CCER headroom and what a new request may cover. ``*_held`` are the units in
    the account (CCER: eligible projects only)."""

    obligation: int | None
    cea_done: int
    ccer_done: int
    cea_requested: int = 0
    ccer_requested: int = 0
    cea_pending: int = 0
    ccer_pending: int = 0
    cea_held: int = 0
    ccer_held: int = 0

    @property
    def known(self) -> bool:
        return self.obligation is not None

    @property
    def due(self) -> int:
        return self.obligation or 0

    @property
    def done(self) -> int:
        return self.cea_done + self.ccer_done

    @property
    def pending(self) -> int:
        return self.cea_pending + self.ccer_pending

    @property
    def requested(self) -> int:
        return self.cea_requested + self.ccer_requested

    @property
    def held(self) -> int:
        return self.cea_held + self.ccer_held

    @property
    def cap(self) -> int:
        return rules.ccer_cap(self.due)

    @property
    def headroom(self) -> int:
        """CCER a new request may still use: the cap less CCER surrendered and in open
        requests."""
        return rules.headroom(self.due, self.ccer_done + self.ccer_pending)

    @property
    def remaining(self) -> int:
        """Still owed for the cycle (the ledger: confirmed surrenders only)."""
        return rules.remaining(self.due, self.done)

    @property
    def open_remaining(self) -> int:
        """What a new request may cover: still owed less the open requests."""
        return rules.request_room(self.due, self.done, self.pending)

    @property
    def shortfall(self) -> int:
        """Tonnes the account lacks to meet what is still owed (CCER counted up to the
        headroom left after confirmed surrenders)."""
        return rules.surrender_shortfall(
            self.remaining, cea_held=self.cea_held, ccer_held=self.ccer_held,
            ccer_headroom=rules.headroom(self.due, self.ccer_done),
        )

    @property
    def remaining_after(self) -> int:
        return rules.remaining(self.due, self.done + self.pending + self.requested)

    @property
    def headroom_after(self) -> int:
        return self.headroom - self.ccer_requested

    @property
    def over_remaining(self) -> bool:
        return self.known and self.requested > self.open_remaining


OPEN_REQUESTS = (SurrenderStatus.REQUESTED, SurrenderStatus.APPROVED)


def line_tonnes(cea, ccer) -> tuple[int, int]:
    """(CEA, CCER) tonnes of a surrender request's lines (``[vintage, t]`` and
    ``[project, vintage, t]``)."""
    return sum(int(t) for _v, t in cea or []), sum(int(t) for _p, _v, t in ccer or [])


def pending_of(account, cycle, *, exclude=None) -> tuple[int, int]:
    """(CEA, CCER) tonnes in the account's open requests for ``cycle`` (requested or
    approved: not yet moved), leaving out the request ``exclude`` (a pk)."""
    if account is None or account.pk is None:
        return 0, 0
    qs = SurrenderRequest.objects.filter(account=account, cycle=cycle, status__in=OPEN_REQUESTS)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    cea = ccer = 0
    for cea_lines, ccer_lines in qs.values_list("cea", "ccer"):
        request_cea, request_ccer = line_tonnes(cea_lines, ccer_lines)
        cea, ccer = cea + request_cea, ccer + request_ccer
    return cea, ccer


def held_of(account) -> tuple[int, int]:
    """(CEA, eligible CCER) tonnes in the account (CCER of projects inside the national ETS
    cannot offset, Art. 29, so they are left out)."""
    if account is None or account.pk is None:
        return 0, 0
    cea = ccer = 0
    for h in Holding.objects.filter(account=account, quantity__gt=0).select_related("project"):
        if h.unit_type == UnitType.CEA:
            cea += h.quantity
        elif h.project is not None and rules.ccer_eligible(
            project_in_national_ets=h.project.inside_national_ets
        ):
            ccer += h.quantity
    return cea, ccer


def totals(account, cycle, *, cea_requested: int = 0, ccer_requested: int = 0,
           exclude=None) -> Totals:
    """Totals of ``account`` in ``cycle``; ``exclude``: an open request not to count as
    pending (the one being confirmed or shown)."""
    obligation = obligation_of(account.enterprise, cycle)
    cea_done, ccer_done = ledger.surrendered(account, cycle) if account.pk else (0, 0)
    cea_pending, ccer_pending = pending_of(account, cycle, exclude=exclude)
    cea_held, ccer_held = held_of(account)
    return Totals(obligation, cea_done, ccer_done, cea_requested, ccer_requested,
                  cea_pending, ccer_pending, cea_held, ccer_held)


def holdings_of(account) -> list[Holding]:
    """Holdings with units left (what a surrender can take)."""
    if account is None or account.pk is None:
        return []
    return list(
        Holding.objects.filter(account=account, quantity__gt=0)
        .select_related("project")
        .order_by("unit_type", "vintage", "project__code")
    )


def account_of_user(user) -> AllowanceAccount | None:
    """The account of the enterprise the user acts for (enterprise users)."""
    q = scoping.scope_q(Enterprise, user, Perm.REQUEST_SURRENDER)
    if q is None:
        return None
    enterprise = Enterprise.objects.filter(q).order_by("pk").first()
    if enterprise is None:
        return None
    return AllowanceAccount.objects.filter(enterprise=enterprise).first() or AllowanceAccount(
        enterprise=enterprise
    )


# --- compliance status and rates (the SQL: selectors/compliance_sql.py) ----------------------


@dataclass
class Row:
    enterprise: Enterprise
    obligation: int | None
    cea: int
    ccer: int
    met_on: object  # date the obligation was met in full, or None
    status: str
    short_at_deadline: int | None = None  # penalty list: tonnes short at the deadline

    @property
    def surrendered(self) -> int:
        return self.cea + self.ccer

    @property
    def remaining(self) -> int | None:
        """Still to surrender; ``None`` (shown blank, never 0) while the obligation is unknown."""
        if self.obligation is None:
            return None
        return rules.remaining(self.obligation, self.surrendered)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def account_pk(self) -> int | None:
        """The enterprise's allowance account (the row links to it), if it has one."""
        try:
            return self.enterprise.allowance_account.pk
        except AllowanceAccount.DoesNotExist:
            return None


def _row(e, deadline, today) -> Row:
    """The row of an enterprise annotated by ``compliance_sql.rows``: its figures from SQL,
    its status from ``rules.compliance_status``."""
    obligation, cea, ccer = e.obligation, e.cea, e.ccer
    met_on = e.met_on if cea + ccer >= (obligation or 0) else None
    status = rules.compliance_status(obligation or 0, cea + ccer, deadline, met_on, today)
    if obligation is None and status == rules.COMPLIED:
        status = rules.NOT_DUE  # nothing verified yet: nothing is due
    return Row(e, obligation, cea, ccer, met_on, status,
               getattr(e, "short_at_deadline", None))


class Rows:
    """Compliance rows over a queryset, as a paginator, an export and the API read them:
    ``count()`` and a slice query only what they return, iteration reads in chunks."""

    def __init__(self, qs, build):
        self.qs, self.build = qs, build

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.build(e) for e in self.qs[index]]
        return self.build(self.qs[index])

    def __iter__(self):
        # an export's chunk: a row with its enterprise, area, sector and account is ~2 KB
        # as it comes from the cursor (issue 11: 500 a chunk held 2 MiB)
        return (self.build(e) for e in self.qs.iterator(chunk_size=EXPORT_CHUNK_SIZE))


# The columns the compliance table sorts by (page, export and API: ``?ordering=-remaining``),
# annotations of ``compliance_sql.rows`` (``remaining`` and ``status_rank`` added when asked
# for: ``compliance_rows``). A blank figure (an unknown obligation, so an unknown
# remaining) comes last either way; the status sorts in the order of the cycle
# (rules.COMPLIANCE_STATUSES), not by its code; ties keep the default order.
COMPLIANCE_SORT = SortKeys({
    "enterprise": "name",
    "area": ("area__sort_order", "area__code"),
    "sector": "sector__code",
    "obligation": "obligation",
    "surrendered": "surrendered",
    "ccer": "ccer",
    "remaining": "remaining",
    "status": "status_rank",
})
DEFAULT_ORDER = ("area__code", "name")
_READ = object()  # ``deadline`` not given: read it


def _scope(user):
    q = scoping.scope_q(Enterprise, user, Perm.VIEW_COMPLIANCE)
    return Enterprise.objects.none() if q is None else Enterprise.objects.filter(q)


def compliance_rows(user, cycle, *, status: str | None = None, ordering: str | None = None,
                    enterprise: int | None = None, sector: int | None = None,
                    area: int | None = None, deadline=_READ, today=None) -> Rows:
    """The compliance table of ``cycle`` for ``user``: every enterprise the user may see on
    the published key-emitter list of the cycle's year; ``status`` (one of
    ``rules.COMPLIANCE_STATUSES``, anything else: all), one ``enterprise``, ``sector`` or
    ``area`` (a pk: a row of the rates by sector or county / park drills down to it), sorted by
    ``ordering`` (``COMPLIANCE_SORT``), else by area and name."""
    today = today or timezone.localdate()
    if deadline is _READ:
        deadline = deadline_of(cycle)
    qs = compliance_sql.rows(_scope(user), cycle)
    key = (COMPLIANCE_SORT.parse(ordering) or (None,))[0]
    if status in rules.COMPLIANCE_STATUSES or key == "status":
        qs = compliance_sql.with_status(qs, deadline, today)
    if key == "remaining":
        qs = compliance_sql.with_remaining(qs)
    if status in rules.COMPLIANCE_STATUSES:
        qs = qs.filter(status_rank=compliance_sql.RANK[status])
    if enterprise is not None:
        qs = qs.filter(pk=enterprise)
    if sector is not None:
        qs = qs.filter(sector_id=sector)
    if area is not None:
        qs = qs.filter(area_id=area)
    qs = COMPLIANCE_SORT.order(qs, ordering, then=(*DEFAULT_ORDER, "pk"))
    if key is None:
        qs = qs.order_by(*DEFAULT_ORDER, "pk")
    return Rows(qs.select_related("area", "sector", "allowance_account"),
                lambda e: _row(e, deadline, today))


@dataclass
class Summary:
    city: rules.ComplianceRate
    by_area: list[tuple[str, rules.ComplianceRate]] = field(default_factory=list)
    by_sector: list[tuple[str, rules.ComplianceRate]] = field(default_factory=list)
    sector_ids: dict[str, int] = field(default_factory=dict)  # a sector's name: its pk
    area_ids: dict[str, int] = field(default_factory=dict)  # a county's / park's name: its pk


def summary(user, cycle) -> Summary:
    """The compliance rates over every row of the user's table (``rules.compliance_rate``):
    the city (or the user's scope), by county / park and by sector, in three queries whatever
    the number of enterprises."""
    groups = compliance_sql.group_rates(_scope(user), cycle)
    areas = Area.objects.in_bulk({a for a, _s, _r in groups})
    sectors = Sector.objects.in_bulk({s for _a, s, _r in groups})
    empty = rules.compliance_rate([])
    city, by_area, by_sector = empty, {}, {}
    for area_id, sector_id, rate in groups:
        city = compliance_sql.add(city, rate)
        for totals_, name in ((by_area, str(areas[area_id])), (by_sector, str(sectors[sector_id]))):
            totals_[name] = compliance_sql.add(totals_.get(name, empty), rate)
    return Summary(city, sorted(by_area.items()), sorted(by_sector.items()),
                   {str(s): pk for pk, s in sectors.items()},
                   {str(a): pk for pk, a in areas.items()})


def areas_of(user):
    """The counties / parks of the user's compliance table (the page's area filter)."""
    return Area.objects.filter(pk__in=_scope(user).values("area_id")).order_by("sort_order",
                                                                               "code")


@dataclass
class Compliance:
    cycle: ComplianceCycle
    deadline: object
    rows: Rows
    city: rules.ComplianceRate
    by_area: list[tuple[str, rules.ComplianceRate]] = field(default_factory=list)
    by_sector: list[tuple[str, rules.ComplianceRate]] = field(default_factory=list)


def compliance(user, cycle, *, today=None, **filters) -> Compliance:
    """The compliance page of ``cycle``: its rows (``compliance_rows``, lazy: a page reads
    its own) and the rates over every row in scope (``summary``: not the filter)."""
    deadline = deadline_of(cycle)
    rates = summary(user, cycle)
    return Compliance(
        cycle=cycle, deadline=deadline,
        rows=compliance_rows(user, cycle, deadline=deadline, today=today, **filters),
        city=rates.city, by_area=rates.by_area, by_sector=rates.by_sector,
    )


def complied_in_full(cycle, verified: dict) -> set[int]:
    """Of the enterprises in ``verified`` ({id: verified emissions}), those whose surrenders
    for ``cycle`` reach their obligation."""
    qs = compliance_sql.figures(Enterprise.objects.filter(pk__in=list(verified)), cycle)
    return set(qs.filter(obligation__isnull=False, surrendered__gte=F("obligation"))
               .values_list("pk", flat=True))


def row_of(enterprise, cycle, *, deadline=_READ, today=None) -> Row:
    """The compliance row of one enterprise (the same as its row in ``compliance``), in a
    fixed number of queries; pass ``deadline`` when it was read already."""
    today = today or timezone.localdate()
    if deadline is _READ:
        deadline = deadline_of(cycle)
    qs = compliance_sql.rows(Enterprise.objects.filter(pk=enterprise.pk), cycle, in_table=False)
    e = qs.select_related("area", "sector").get()
    return _row(e, deadline, today)


def openable(user, cycle, *, enterprise: int | None = None, today=None) -> Rows:
    """Rows that may get an Art. 24 case (the penalty list): short at the surrender deadline
    (still short, or surrendered in full since), without a case in the cycle, ``enterprise``
    alone if given, each with ``short_at_deadline`` — the test
    ``services.penalties.penalty_open_check`` applies to one enterprise. None before the
    deadline has passed (nobody can be short yet), so the list reads nothing then."""
    today = today or timezone.localdate()
    deadline = deadline_of(cycle)
    if deadline is None or today <= deadline:
        return Rows(Enterprise.objects.none(), lambda e: e)
    qs = compliance_sql.short_at_deadline(compliance_sql.rows(_scope(user), cycle), cycle, deadline)
    qs = qs.exclude(penalty_cases__cycle=cycle)
    if enterprise is not None:
        qs = qs.filter(pk=enterprise)
    qs = qs.select_related("area", "sector", "allowance_account").order_by(*DEFAULT_ORDER, "pk")
    return Rows(qs, lambda e: _row(e, deadline, today))


# --- the compliance page: scope, deadline, chart (the sort: COMPLIANCE_SORT) -----------------


def scope_label(user) -> str:
    """What the figures cover for ``user``: the whole city (全市) for the bureau, the area's
    name for a county / park official, the enterprise's name for an enterprise user."""
    names = []
    for m in roles.memberships(user):
        if m.role not in roles.roles_for(Perm.VIEW_COMPLIANCE):
            continue
        if roles.ROLE_SCOPE[m.role] == ScopeKind.CITY:
            return str(ScopeKind.CITY.label)
        scope = m.area or m.enterprise
        if scope is not None and str(scope) not in names:
            names.append(str(scope))
    return "、".join(names)


def days_left(deadline, today=None) -> int | None:
    """Days from ``today`` (Beijing date) to the surrender deadline: 0 on the day, negative
    once it has passed; ``None`` without a deadline."""
    if deadline is None:
        return None
    return (deadline - (today or timezone.localdate())).days


def chart_data(data) -> dict:
    """Rates by county / park and by sector for the bar chart (percent, 2 places, as strings
    so no float is involved; ``None`` where nothing is due)."""

    def percent(rate):
        return None if rate is None else str((rate * 100).quantize(Decimal("0.01")))

    def groups(pairs):
        return [{"name": name, "by_count": percent(rate.by_count),
                 "by_tonnes": percent(rate.by_tonnes)} for name, rate in pairs]

    return {"by_area": groups(data.by_area), "by_sector": groups(data.by_sector)}
