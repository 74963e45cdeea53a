"""Reads of the sector coverage page (卫政办发〔2023〕61号 task 3): each sector's expected
national-market entry year and the enterprises of the sector the user may see, each with
whether its latest annual figure reaches the listing threshold (so it will be covered when
its sector enters). Enterprises come from the registry's own selector (``enterprises_for``:
the bureau all, an official his area, an enterprise itself; a liaison none)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from registry import rules as registry_rules
from registry.choices import EnterpriseStatus
from registry.models import Enterprise, Sector
from registry.selectors import enterprises as esel
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm

# a sector's state
IN_MARKET, ANNOUNCED, UNDECIDED = "in_market", "announced", "undecided"
SECTOR_STATES = {IN_MARKET: _("In the national market"), ANNOUNCED: _("Entry announced"),
                 UNDECIDED: _("Entry year not decided")}
# an enterprise's outlook
COVERED, BELOW, NO_FIGURE, CLOSED = "covered", "below", "no_figure", "closed"
# at the threshold: covered when (or since) its sector is in the national market
OUTLOOKS = {COVERED: _("At or above the threshold"),
            BELOW: _("Below the threshold"),
            NO_FIGURE: _("No annual figure yet"),
            CLOSED: _("Closed")}
THRESHOLD = registry_rules.EMISSIONS_THRESHOLD_TCO2E


def sector_state(sector: Sector, year: int) -> str:
    if sector.national_market_entry_year is None:
        return UNDECIDED
    return IN_MARKET if sector.national_market_entry_year <= year else ANNOUNCED


def outlook(enterprise: Enterprise) -> str:
    """Will the enterprise be covered when its sector enters? By its latest annual figure
    (``with_latest``) against the listing threshold (Measures 2020 Art. 8)."""
    if enterprise.status == EnterpriseStatus.CLOSED:
        return CLOSED
    latest = getattr(enterprise, "latest_emissions", None)
    if latest is None:
        return NO_FIGURE
    return COVERED if latest >= THRESHOLD else BELOW


@dataclass(frozen=True)
class SectorRow:
    sector: Sector
    state: str
    years_left: int | None  # until entry (announced only)
    enterprises: int  # in the user's scope
    covered: int  # of which at or above the threshold

    @property
    def state_label(self) -> str:
        return str(SECTOR_STATES[self.state])


def sectors(user) -> QuerySet[Sector]:
    return scoping.for_user(Sector.objects.all(), user, Perm.VIEW_COVERAGE).order_by(
        "sort_order", "code")


def enterprises_for(user) -> QuerySet[Enterprise]:
    """The enterprises the user may see (none for a role without enterprises)."""
    if not roles.has_perm(user, Perm.VIEW_ENTERPRISE):
        return Enterprise.objects.none()
    return esel.enterprises_for(user)


def sector_rows(user, *, year: int) -> list[SectorRow]:
    """Every sector with its state in ``year`` and the user's enterprises in it."""
    counts, covered = Counter(), Counter()
    for ent in enterprises_for(user):
        counts[ent.sector_id] += 1
        covered[ent.sector_id] += outlook(ent) == COVERED
    rows = []
    for s in sectors(user):
        state = sector_state(s, year)
        rows.append(SectorRow(
            s, state, s.national_market_entry_year - year if state == ANNOUNCED else None,
            counts[s.pk], covered[s.pk]))
    return rows


def own_sector(user) -> Sector | None:
    """An enterprise user's sector (the page's "what to prepare"), else None."""
    for m in roles.memberships(user):
        if m.role == roles.Role.ENTERPRISE_USER and m.enterprise_id:
            return Sector.objects.get(pk=m.enterprise.sector_id)
    return None
