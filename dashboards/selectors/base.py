"""What every panel builder shares: the dashboard's context (who, what it covers, today, the
current compliance cycle), the drill-down URL helper and the number of table rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode

from allowances.selectors import compliance as csel
from programme.selectors import targets as tsel

BUREAU, AREA, ENTERPRISE, AGENCY = "bureau", "area", "enterprise", "agency"
DEPARTMENT = "department"  # a city department's or bank's liaison (the reform programme)
TOP = 10  # rows of a panel's table (the list behind it has the rest)


@lru_cache(maxsize=512)
def _reversed(name: str, prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


def url(name: str, *, kwargs=None, **query) -> str:
    """``name``'s URL with the non-empty ``query`` (the filtered list behind a figure); a
    list's path is reversed once (a ledger table links ~100 cells to the same grid)."""
    base = (reverse(name, kwargs=kwargs) if kwargs
            else _reversed(name, get_script_prefix(), get_urlconf()))
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


@dataclass
class Context:
    """One rendering of one user's dashboard; each panel builder takes it."""

    user: object
    kind: str  # BUREAU, AREA, ENTERPRISE, AGENCY or DEPARTMENT
    subject: object  # the enterprise or agency (None for the bureau and officials)
    scope: str  # what the figures cover: 全市, the area's, the enterprise's or agency's name
    today: date

    @cached_property
    def cycle(self):
        """The current compliance cycle (the compliance page's default), or None."""
        return csel.cycle_from(None)

    @cached_property
    def summary(self):
        """The current cycle's compliance rates (``selectors.compliance.summary``: the
        compliance page's) for the user, read once for the panels that show them; None
        without a cycle."""
        return None if self.cycle is None else csel.summary(self.user, self.cycle)

    @cached_property
    def targets(self):
        """The city's statistics against the 2025 targets (``programme.selectors.targets.
        progress``: the targets page's), read once for the panels that show them."""
        return tsel.progress(self.user)

    @cached_property
    def account(self):
        """The enterprise user's allowance account (``account_of_user``), or None."""
        return csel.account_of_user(self.user)

    @cached_property
    def totals(self):
        """The account's figures for the current cycle (``selectors.compliance.totals``: the
        surrender page's), read once for the panels that show them; None without a cycle or
        an account."""
        if self.cycle is None or self.account is None:
            return None
        return csel.totals(self.account, self.cycle)

    @cached_property
    def deadline(self):
        """The current cycle's surrender deadline (``deadline_of``), or None."""
        return None if self.cycle is None else csel.deadline_of(self.cycle)

