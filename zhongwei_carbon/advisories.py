"""Advisories about an agency or an enterprise, from higher apps, where a lower app acts on it.

The bureau assigns a verification in ``reporting``, below ``credit`` (DESIGN.md §4.11): credit
registers, from its AppConfig.ready, a provider that returns what the acting user should know
about each agency (its latest published credit grade); the assignment form shows each agency's
advisories beside its name, warns on those of level ``WARNING`` or ``DANGER``, and the service
refuses an agency with an advisory that ``requires_ack`` unless the user acknowledged it.
Without a provider (or without data) nothing is returned and nothing changes.

Providers are asked for many subjects at once (``provider(user, objects) -> {pk: [Advisory]}``)
so that a list of agencies costs the same few queries as one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

INFO, WARNING, DANGER = "info", "warning", "danger"
LEVELS = [INFO, WARNING, DANGER]


@dataclass(frozen=True)
class Advisory:
    code: str  # what it is about, e.g. "credit.red" (kept with the action it was acknowledged for)
    level: str  # INFO (shown beside the name only), WARNING or DANGER
    short: str  # a few words beside the subject's name, e.g. the grade
    message: str  # the sentence of the warning
    url: str = ""  # where to read more, when the user may follow it
    requires_ack: bool = False  # the action needs the user's explicit acknowledgement

    @property
    def warns(self) -> bool:
        return self.level in (WARNING, DANGER)


Provider = Callable[..., dict[int, Iterable[Advisory]]]
_providers: dict[str, list[Provider]] = {"agency": [], "enterprise": []}


def register_agency_advisories(provider: Provider) -> Provider:
    """``provider(user, agencies)`` returns ``{agency pk: advisories}`` for the agencies the
    user may know about (check the role and the scope)."""
    if provider not in _providers["agency"]:
        _providers["agency"].append(provider)
    return provider


def register_enterprise_advisories(provider: Provider) -> Provider:
    """``provider(user, enterprises)``: like ``register_agency_advisories``, for enterprises."""
    if provider not in _providers["enterprise"]:
        _providers["enterprise"].append(provider)
    return provider


def _collect(kind: str, user, objects: Iterable) -> dict[int, list[Advisory]]:
    objects = list(objects)
    out: dict[int, list[Advisory]] = defaultdict(list)
    if not objects:
        return {}
    for provider in _providers[kind]:
        for pk, items in provider(user, objects).items():
            out[pk].extend(items)
    return dict(out)


def for_agencies(user, agencies: Iterable) -> dict[int, list[Advisory]]:
    return _collect("agency", user, agencies)


def for_agency(user, agency) -> list[Advisory]:
    return for_agencies(user, [agency]).get(agency.pk, [])


def for_enterprises(user, enterprises: Iterable) -> dict[int, list[Advisory]]:
    return _collect("enterprise", user, enterprises)


def for_enterprise(user, enterprise) -> list[Advisory]:
    return for_enterprises(user, [enterprise]).get(enterprise.pk, [])


def needing_ack(items: Iterable[Advisory]) -> list[Advisory]:
    return [a for a in items if a.requires_ack]
