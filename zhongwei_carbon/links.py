"""Cross-links on a record's page to what higher apps keep about it (issue 9, point 10).

The enterprise page belongs to ``registry``, below ``reporting`` and ``allowances``
(DESIGN.md §4.11): those apps register, from their AppConfig.ready, a provider that returns
the links a given user may follow (their reports, ledgers, account, surrenders …), each a
list pre-filtered to the enterprise. The registry page only asks ``for_enterprise``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str = "bi-link-45deg"
    order: int = 50


_enterprise_providers: list[Callable] = []


def register_enterprise_links(provider: Callable[..., Iterable[Link]]) -> Callable:
    """``provider(user, enterprise)`` yields the links ``user`` may follow (check the role
    with ``roles.has_perm`` and the row with ``scoping``: a link never leads to a 403/404)."""
    if provider not in _enterprise_providers:
        _enterprise_providers.append(provider)
    return provider


def for_enterprise(user, enterprise) -> list[Link]:
    links = [link for p in _enterprise_providers for link in p(user, enterprise)]
    return sorted(links, key=lambda link: link.order)


_agency_providers: list[Callable] = []


def register_agency_links(provider: Callable[..., Iterable[Link]]) -> Callable:
    """``provider(user, agency)``: like ``register_enterprise_links``, for the agency page."""
    if provider not in _agency_providers:
        _agency_providers.append(provider)
    return provider


def for_agency(user, agency) -> list[Link]:
    links = [link for p in _agency_providers for link in p(user, agency)]
    return sorted(links, key=lambda link: link.order)
