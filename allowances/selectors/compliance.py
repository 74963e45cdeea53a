"""Reads for surrender and compliance: obligation, what was surrendered, CCER headroom, the
status of each enterprise in a cycle and the compliance rates (by county, sector and city).

The obligation of an enterprise for cycle Y is its verified emissions of year Y
(``registry.models.EmissionRecord`` with source "verified"), in whole tonnes by
``allowances.rules.obligation``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allowances import rules
from allowances.choices import MilestoneKind, UnitType
from allowances.models import AllowanceAccount, ComplianceCycle, Holding, LedgerEntry, Milestone
from allowances.services import ledger
from registry.choices import RecordSource
from registry.models import EmissionRecord, Enterprise
from registry.selectors.enterprises import verified_emissions
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.sorting import SortKeys

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
    if value and str(value).isdigit():
        return qs.filter(year=int(value)).first()
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
    """The live totals of the surrender form (whole tonnes)."""

    obligation: int | None
    cea_done: int
    ccer_done: int
    cea_requested: int = 0
    ccer_requested: int = 0

    @property
    def due(self) -> int:
        return self.obligation or 0

    @property
    def done(self) -> int:
        return self.cea_done + self.ccer_done

    @property
    def cap(self) -> int:
        return rules.ccer_cap(self.due)

    @property
    def headroom(self) -> int:
        return rules.headroom(self.due, self.ccer_done)

    @property
    def remaining(self) -> int:
        return rules.remaining(self.due, self.done)

    @property
    def remaining_after(self) -> int:
        return rules.remaining(self.due, self.done + self.cea_requested + self.ccer_requested)

    @property
    def headroom_after(self) -> int:
        return self.headroom - self.ccer_requested


def totals(account, cycle, *, cea_requested: int = 0, ccer_requested: int = 0) -> Totals:
    obligation = obligation_of(account.enterprise, cycle)
    cea_done, ccer_done = ledger.surrendered(account, cycle) if account.pk else (0, 0)
    return Totals(obligation, cea_done, ccer_done, cea_requested, ccer_requested)


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
    def remaining(self) -> int:
        return rules.remaining(self.obligation or 0, self.surrendered)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# The columns the compliance table sorts by (page, export and API: ``?ordering=-remaining``);
# the rows are computed in Python, so each key is a function of a row.
COMPLIANCE_SORT = SortKeys({
    "enterprise": lambda r: r.enterprise.name,
    "area": lambda r: (r.enterprise.area.sort_order, r.enterprise.area.code),
    "sector": lambda r: r.enterprise.sector.code,
    "obligation": lambda r: r.obligation,
    "surrendered": lambda r: r.surrendered,
    "ccer": lambda r: r.ccer,
    "remaining": lambda r: r.remaining,
    "status": lambda r: r.status,
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
            .select_related("area", "sector")
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
