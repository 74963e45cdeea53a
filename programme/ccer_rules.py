"""Rules of the CCER project library (pure: no ORM, no request).

The stages follow the CCER procedure of the Measures for the Administration of Voluntary
GHG Emission Reduction Trading (温室气体自愿减排交易管理办法（试行）, MEE/SAMR Order No. 31, 2023):
the owner prepares the project design document (项目设计文件), a validation body validates it
(审定), the project is registered (项目登记) and its verified reductions are registered/issued
(减排量登记). A project may be withdrawn at any stage before that ends it."""

from __future__ import annotations

from decimal import Decimal

# the stage values of ``programme.models.ccer.CCERStage`` (rules import no models)
IDEA, DESIGN, VALIDATION, REGISTERED, ISSUED, WITHDRAWN = (
    "idea", "design", "validation", "registered", "issued", "withdrawn",
)

# THE workflow: stage -> stages it may move to. A validation that fails sends the project
# back to its design document; the owner may give a project up at any stage.
TRANSITIONS: dict[str, frozenset[str]] = {
    IDEA: frozenset({DESIGN, WITHDRAWN}),
    DESIGN: frozenset({VALIDATION, WITHDRAWN}),
    VALIDATION: frozenset({REGISTERED, DESIGN, WITHDRAWN}),
    REGISTERED: frozenset({ISSUED, WITHDRAWN}),
    ISSUED: frozenset({WITHDRAWN}),
    WITHDRAWN: frozenset(),
}

# the date field a stage change stamps
STAGE_DATE_FIELD: dict[str, str] = {
    DESIGN: "design_on",
    VALIDATION: "validation_on",
    REGISTERED: "registered_on",
    ISSUED: "issued_on",
    WITHDRAWN: "withdrawn_on",
}

# the stages in their order on the timeline (withdrawal is shown apart)
TIMELINE = (IDEA, DESIGN, VALIDATION, REGISTERED, ISSUED)

# stages whose projects carry registry units: issued figures may be recorded, the public sees them
REGISTERED_STAGES = frozenset({REGISTERED, ISSUED})
PUBLIC_STAGES = REGISTERED_STAGES

# reductions are tCO2e with two decimals (the registry's own precision for a year's figure)
TCO2E = Decimal("0.01")
YEAR_MIN, YEAR_MAX = 2005, 2100  # CCER crediting starts no earlier than 2005 (CDM era)


def may_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def next_stages(current: str) -> list[str]:
    """The stages a project may move to, in workflow order."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [s for s in (*TIMELINE, WITHDRAWN) if s in allowed]


def issued_problem(*, stage: str, expected: Decimal | None, issued: Decimal | None) -> str | None:
    """Why an issued figure cannot be recorded (a key of ``ISSUED_PROBLEMS``), or None.

    Reductions are issued only for a registered project, and never above the design document's
    estimate for that year: a monitored figure above it means the estimate must be revised first
    (a new version of the design document), not silently exceeded."""
    if issued is None:
        return None
    if stage not in REGISTERED_STAGES:
        return "not_registered"
    if expected is None:
        return "no_expected"
    if issued > expected:
        return "above_expected"
    return None
