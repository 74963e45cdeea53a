"""Weights for a random draw of inspection targets, from a higher app (DESIGN.md §4.11).

An inspection plan (``oversight``) may weight its draw toward subjects under stricter
supervision (双随机 with supervision differentiated by credit grade, DOMAIN.md "Environmental
credit evaluation": red and yellow bring stricter supervision). ``credit`` registers, from its
AppConfig.ready, a provider that returns a whole-number weight for each target (only those
that differ from 1) and the basis in words; oversight stores both with the draw, so the draw is
re-run from the stored snapshot and seed without asking the provider again. Without a provider
(or data) nothing is weighted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Weighting:
    weights: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, pk) -> weight ≥ 1
    basis: str = ""  # what the weights are and why, in words (stored with the draw)


# provider(enterprise_ids, agency_ids, *, year) -> Weighting
_providers: list[Callable[..., Weighting]] = []


def register(provider: Callable[..., Weighting]) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def for_targets(enterprise_ids, agency_ids, *, year: int) -> Weighting:
    """The weights of the given targets for a plan of ``year`` (the product of every
    provider's weight; the bases joined)."""
    weights: dict[tuple[str, int], int] = {}
    bases = []
    for provider in _providers:
        result = provider(list(enterprise_ids), list(agency_ids), year=year)
        for key, w in result.weights.items():
            weights[key] = weights.get(key, 1) * int(w)
        if result.basis:
            bases.append(result.basis)
    return Weighting({k: w for k, w in weights.items() if w != 1}, " ".join(bases))


def available() -> bool:
    """Is any app offering weights? (The plan form offers the option only then.)"""
    return bool(_providers)
