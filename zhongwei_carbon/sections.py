"""Sections that higher apps add to a lower app's record page (like ``links``, but a block of
content rather than a link).

The agency page belongs to ``verifiers``, below ``reporting`` and ``oversight`` (DESIGN.md
§4.11): oversight registers, from its AppConfig.ready, a provider that returns the sections a
given user may see about an agency (its performance figures by year); the verifiers page only
asks ``for_agency`` and includes each section's template with the section's context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    template: str  # included with ``section`` in the context (its data: ``section.data``)
    data: dict = field(default_factory=dict)
    order: int = 50


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
