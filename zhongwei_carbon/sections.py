"""Sections that higher apps add to a lower app's record page (like ``links``, but a block of
content rather than a link).

The agency page belongs to ``verifiers``, below ``reporting`` and ``oversight`` (DESIGN.md
§4.11): oversight registers, from its AppConfig.ready, a provider that returns the sections a
given user may see about an agency (its performance figures by year); the verifiers page only
asks ``for_agency`` and includes each section's template with the section's context. The
enterprise page (``registry``) asks ``for_enterprise`` the same way (credit: the current grade).

A section has a place on the page: ``MAIN`` among the page's cards, ``TOP`` right under the
page's title (a short line such as a grade badge). The page splits them with ``placed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    template: str  # included with ``section`` in the context (its data: ``section.data``)
    data: dict = field(default_factory=dict)
    order: int = 50
    place: str = "main"  # MAIN or TOP


MAIN, TOP = "main", "top"


def placed(sections: list[Section], place: str) -> list[Section]:
    """The sections of ``sections`` that go to ``place`` (MAIN or TOP), in their order."""
    return [s for s in sections if s.place == place]


_agency_providers: list[Callable] = []


def register_agency_sections(provider: Callable[..., Iterable[Section]]) -> Callable:
    """``provider(user, agency)`` yields the sections ``user`` may see (check the role with
    ``roles.has_perm`` and the row with ``scoping``)."""
    if provider not in _agency_providers:
        _agency_providers.append(provider)
    return provider


def for_agency(user, agency) -> list[Section]:
    sections = [s for p in _agency_providers for s in p(user, agency)]
    return sorted(sections, key=lambda s: s.order)


_enterprise_providers: list[Callable] = []


def register_enterprise_sections(provider: Callable[..., Iterable[Section]]) -> Callable:
    """``provider(user, enterprise)``: like ``register_agency_sections``, for the enterprise
    page."""
    if provider not in _enterprise_providers:
        _enterprise_providers.append(provider)
    return provider


def for_enterprise(user, enterprise) -> list[Section]:
    sections = [s for p in _enterprise_providers for s in p(user, enterprise)]
    return sorted(sections, key=lambda s: s.order)
