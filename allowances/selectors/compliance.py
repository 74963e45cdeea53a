"""Reads for surrender and compliance: obligation, what was surrendered, CCER headroom, the
status of each enterprise in a cycle and the compliance rates (by county, sector and city).

The obligation of an enterprise for cycle Y is its verified emissions of year Y
(``registry.models.EmissionRecord`` with source "verified"), in whole tonnes by
``allowances.rules.obligation``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allowances import rules
from allowances.choices import MilestoneKind, SurrenderStatus, UnitType
from allowances.models import (
    AllowanceAccount,
    ComplianceCycle,
    Holding,
    LedgerEntry,
    Milestone,
    SurrenderRequest,
)
from allowances.services import ledger
from registry.choices import RecordSource
from registry.models import EmissionRecord, Enterprise
from registry.selectors.enterprises import verified_emissions
from zhongwei_carbon import roles, scoping
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
    """Whole tonnes due for ``cycle``; ``None`` while no verified figure exists."""
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


# --- compliance status and rates ---------------------------------------------------------------


@dataclass
class Row:
    enterprise: Enterprise
    obligation: int | None
    cea: int
    ccer: int
    met_on: object  # date the obligation was met in full, or None
    status: str

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


# The columns the compliance table sorts by (page, export and API: ``?ordering=-remaining``);
# the rows are computed in Python, so each key is a function of a row. A blank figure (an
# unknown obligation, so an unknown remaining) comes last either way; the status sorts in
# the order of the cycle (rules.COMPLIANCE_STATUSES), not by its code.
COMPLIANCE_SORT = SortKeys({
    "enterprise": lambda r: r.enterprise.name,
    "area": lambda r: (r.enterprise.area.sort_order, r.enterprise.area.code),
    "sector": lambda r: r.enterprise.sector.code,
    "obligation": lambda r: r.obligation,
    "surrendered": lambda r: r.surrendered,
    "ccer": lambda r: r.ccer,
    "remaining": lambda r: r.remaining,
    "status": lambda r: rules.COMPLIANCE_STATUSES.index(r.status),
})


@dataclass
class Compliance:
    cycle: ComplianceCycle
    deadline: object
    rows: list[Row]
    city: rules.ComplianceRate
    by_area: list[tuple[str, rules.ComplianceRate]] = field(default_factory=list)
    by_sector: list[tuple[str, rules.ComplianceRate]] = field(default_factory=list)


def _surrender_entries(cycle, enterprise_ids):
    return (
        LedgerEntry.objects.filter(cycle=cycle, holding__account__enterprise_id__in=enterprise_ids)
        .filter(ledger.SURRENDERED)
        .values_list("holding__account__enterprise_id", "holding__unit_type", "quantity", "created_at")
        .order_by("created_at", "id")
    )


def _tally(cycle, verified: dict, ids) -> tuple[dict, dict]:
    """Surrendered CEA/CCER per enterprise and the day each met its obligation in full (the
    surrender that reached it; a reversal below it re-opens it)."""
    done: dict[int, dict[str, int]] = defaultdict(lambda: {UnitType.CEA: 0, UnitType.CCER: 0})
    met_on: dict[int, object] = {}
    for enterprise_id, unit_type, quantity, created_at in _surrender_entries(cycle, ids):
        done[enterprise_id][unit_type] += -quantity
        due = rules.obligation(verified[enterprise_id]) if enterprise_id in verified else 0
        total = sum(done[enterprise_id].values())
        if total >= due and enterprise_id not in met_on:
            met_on[enterprise_id] = timezone.localdate(created_at)
        elif total < due:
            met_on.pop(enterprise_id, None)  # a reversal re-opens it
    return done, met_on


def complied_in_full(cycle, verified: dict) -> set[int]:
    """Of the enterprises in ``verified`` ({id: verified emissions}), those whose surrenders
    for ``cycle`` reach their obligation."""
    done, _met_on = _tally(cycle, verified, list(verified))
    return {e for e, emissions in verified.items()
            if sum(done[e].values()) >= rules.obligation(emissions)}


def _row(e, verified, done, met_on, deadline, today) -> Row:
    obligation = rules.obligation(verified[e.pk]) if e.pk in verified else None
    cea, ccer = done[e.pk][UnitType.CEA], done[e.pk][UnitType.CCER]
    status = rules.compliance_status(obligation or 0, cea + ccer, deadline, met_on.get(e.pk), today)
    if obligation is None and status == rules.COMPLIED:
        status = rules.NOT_DUE  # nothing verified yet: nothing is due
    return Row(e, obligation, cea, ccer, met_on.get(e.pk), status)


def compliance(user, cycle, *, today=None) -> Compliance:
    """Status of every enterprise the user may see in ``cycle`` (those with a verified figure
    for the year or an allowance account), and the rates over them."""
    today = today or timezone.localdate()
    deadline = deadline_of(cycle)
    q = scoping.scope_q(Enterprise, user, Perm.VIEW_COMPLIANCE)
    if q is None:
        enterprises = []
        verified = {}
    else:
        verified = dict(
            EmissionRecord.objects.filter(year=cycle.year, source=RecordSource.VERIFIED)
            .filter(enterprise__in=Enterprise.objects.filter(q))
            .values_list("enterprise_id", "emissions_tco2e")
        )
        enterprises = list(
            Enterprise.objects.filter(q)
            .filter(Q(pk__in=verified) | Q(allowance_account__isnull=False))
            .select_related("area", "sector", "allowance_account")
            .order_by("area__code", "name")
        )
    done, met_on = _tally(cycle, verified, [e.pk for e in enterprises])
    rows = [_row(e, verified, done, met_on, deadline, today) for e in enterprises]
    return Compliance(
        cycle=cycle,
        deadline=deadline,
        rows=rows,
        city=_rate(rows),
        by_area=_grouped(rows, lambda r: str(r.enterprise.area)),
        by_sector=_grouped(rows, lambda r: str(r.enterprise.sector)),
    )


def row_of(enterprise, cycle, *, deadline=None, today=None) -> Row:
    """The compliance row of one enterprise (the same as its row in ``compliance``), in a
    fixed number of queries; pass ``deadline`` when it was read already."""
    today = today or timezone.localdate()
    if deadline is None:
        deadline = deadline_of(cycle)
    verified = dict(
        EmissionRecord.objects.filter(
            enterprise=enterprise, year=cycle.year, source=RecordSource.VERIFIED
        ).values_list("enterprise_id", "emissions_tco2e")
    )
    done, met_on = _tally(cycle, verified, [enterprise.pk])
    return _row(enterprise, verified, done, met_on, deadline, today)


def _rate(rows) -> rules.ComplianceRate:
    return rules.compliance_rate((r.obligation or 0, r.surrendered) for r in rows)


def _grouped(rows, key) -> list[tuple[str, rules.ComplianceRate]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return [(name, _rate(group)) for name, group in sorted(groups.items())]


# --- the compliance page: scope, filter, deadline, chart (the sort: COMPLIANCE_SORT) ----------


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


def filter_rows(rows: list[Row], status: str | None) -> list[Row]:
    """Rows of one compliance status (``rules.COMPLIANCE_STATUSES``); anything else: all."""
    if status in rules.COMPLIANCE_STATUSES:
        return [r for r in rows if r.status == status]
    return list(rows)


def days_left(deadline, today=None) -> int | None:
    """Days from ``today`` (Beijing date) to the surrender deadline: 0 on the day, negative
    once it has passed; ``None`` without a deadline."""
    if deadline is None:
        return None
    return (deadline - (today or timezone.localdate())).days


def chart_data(data: Compliance) -> dict:
    """Rates by county / park and by sector for the bar chart (percent, 2 places, as strings
    so no float is involved; ``None`` where nothing is due)."""

    def percent(rate):
        return None if rate is None else str((rate * 100).quantize(Decimal("0.01")))

    def groups(pairs):
        return [{"name": name, "by_count": percent(rate.by_count),
                 "by_tonnes": percent(rate.by_tonnes)} for name, rate in pairs]

    return {"by_area": groups(data.by_area), "by_sector": groups(data.by_sector)}
