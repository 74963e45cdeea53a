"""A sector's expected year of entry into the national carbon market (卫政办发〔2023〕61号
task 3: power now, then steel, building materials, petrochemical, chemical, nonferrous,
paper, stepwise). The sector row is the registry's (``registry.Sector``, with its history);
only the bureau admin sets it, here, with a business event on the sector.

Refusals are ``ValidationError`` on a named field: a year out of range, a year without its
source (the notice or plan it comes from), or nothing changed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registry.models import Sector
from zhongwei_carbon import events, roles
from zhongwei_carbon.roles import Perm

FIRST_YEAR = 2013  # the regional pilot markets began in 2013; the national one in 2021
LAST_YEAR = 2060  # the carbon-neutrality horizon


@transaction.atomic
def sector_entry_set(*, actor, sector: Sector, year: int | None, source: str) -> Sector:
    """Set (or clear: ``year`` None, "not decided yet") the sector's entry year and its
    source."""
    if not roles.has_perm(actor, Perm.MANAGE_COVERAGE):
        raise PermissionDenied
    row = Sector.objects.select_for_update(no_key=True).get(pk=sector.pk)
    source = (source or "").strip()
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"national_market_entry_year": _(
            "Enter a year from %(first)s to %(last)s, or leave it empty when not decided."
        ) % {"first": FIRST_YEAR, "last": LAST_YEAR}})
    if year is not None and not source:
        raise ValidationError({"entry_source": _(
            "Name the notice or plan the entry year comes from.")})
    before = (row.national_market_entry_year, row.entry_source)
    if before == (year, source):
        raise ValidationError(_("Nothing was changed: the year and its source are as they were."))
    row.national_market_entry_year, row.entry_source = year, source
    row.full_clean()
    row._history_user = actor
    row.save(update_fields=["national_market_entry_year", "entry_source"])
    events.record(
        actor=actor, verb="sector.entry_year_set", target=row,
        message=_("National-market entry year of %(sector)s: %(old)s → %(new)s (%(source)s).") % {
            "sector": row.name, "old": before[0] or _("not decided"),
            "new": year or _("not decided"), "source": source or "—"},
        data={"old": before[0], "new": year, "source": source},
    )
    sector.refresh_from_db()
    return row
