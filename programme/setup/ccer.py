"""Wiring of the programme's ccer topic: scope rules of the CCER project library.

No ``department`` path: a liaison reads the whole library through his unit's ``ccer_library``
grant (``programme.selectors.ccer.projects_for``), never a part of it. No ``public`` rule
either: the portal's lists show a user his scope only; the public page reads registered
projects through ``programme.selectors.ccer.public_projects``."""

from zhongwei_carbon import scoping


def register() -> None:
    from programme.models import CCERLibraryProject, CCERReduction

    scoping.register(CCERLibraryProject, area="area", enterprise="owner_enterprise")
    scoping.register(CCERReduction, area="project__area", enterprise="project__owner_enterprise")
