"""The annual-report workflow: one explicit state machine (DESIGN.md §4.2).

Every allowed transition is a row of ``TRANSITIONS``: (from status, action) → to status and
the roles that may take it. Anything else is a forbidden transition and services raise
``TransitionError`` with a message naming both the action and the current status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reporting.choices import ReportStatus as S
from zhongwei_carbon.roles import Role as R


class Action:
    SUBMIT = "submit"  # the enterprise's signatory certifies and submits
    COUNTY_PASS = "county_pass"  # technical check (技术把关) passed
    COUNTY_RETURN = "county_return"  # returned to the enterprise with reasons
    REVISE = "revise"  # the enterprise opens a new version after a return
    ASSIGN = "assign"  # the bureau assigns an agency and a due date
    FILE_VERIFICATION = "file_verification"  # the agency files (or revises) its report
    RECHECK_ACCEPT = "recheck_accept"  # bureau re-check (复查): accepted, figures final
    RECHECK_RETURN = "recheck_return"  # bureau re-check: back to the agency with opinions
    OBJECT = "object"  # the enterprise objects within the window
    OBJECTION_UPHOLD = "objection_uphold"
    OBJECTION_REJECT = "objection_reject"


ACTION_LABELS = {
    Action.SUBMIT: _("Certify and submit"),
    Action.COUNTY_PASS: _("Pass technical check"),
    Action.COUNTY_RETURN: _("Return to enterprise"),
    Action.REVISE: _("Start a new version"),
    Action.ASSIGN: _("Assign verification"),
    Action.FILE_VERIFICATION: _("File verification report"),
    Action.RECHECK_ACCEPT: _("Accept verification"),
    Action.RECHECK_RETURN: _("Return to agency"),
    Action.OBJECT: _("Object to the result"),
    Action.OBJECTION_UPHOLD: _("Uphold objection"),
    Action.OBJECTION_REJECT: _("Reject objection"),
}

BUREAU = frozenset({R.BUREAU_ADMIN, R.BUREAU_REVIEWER})


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]


TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, Action.SUBMIT, S.SUBMITTED, frozenset({R.ENTERPRISE_USER})),
    Transition(S.SUBMITTED, Action.COUNTY_PASS, S.COUNTY_PASSED, frozenset({R.AREA_OFFICIAL})),
    Transition(S.SUBMITTED, Action.COUNTY_RETURN, S.COUNTY_RETURNED, frozenset({R.AREA_OFFICIAL})),
    Transition(S.COUNTY_RETURNED, Action.REVISE, S.DRAFT, frozenset({R.ENTERPRISE_USER})),
    Transition(S.COUNTY_PASSED, Action.ASSIGN, S.ASSIGNED, frozenset({R.BUREAU_ADMIN})),
    Transition(S.ASSIGNED, Action.FILE_VERIFICATION, S.VERIFIED, frozenset({R.AGENCY_STAFF})),
    Transition(
        S.RECHECK_RETURNED, Action.FILE_VERIFICATION, S.VERIFIED, frozenset({R.AGENCY_STAFF})
    ),
    Transition(S.VERIFIED, Action.RECHECK_ACCEPT, S.FINAL, BUREAU),
    Transition(S.VERIFIED, Action.RECHECK_RETURN, S.RECHECK_RETURNED, BUREAU),
    Transition(S.FINAL, Action.OBJECT, S.OBJECTED, frozenset({R.ENTERPRISE_USER})),
    Transition(
        S.OBJECTED, Action.OBJECTION_UPHOLD, S.RECHECK_RETURNED, frozenset({R.BUREAU_ADMIN})
    ),
    Transition(S.OBJECTED, Action.OBJECTION_REJECT, S.FINAL, frozenset({R.BUREAU_ADMIN})),
)

_TABLE = {(t.source, t.action): t for t in TRANSITIONS}


class TransitionError(ValidationError):
    pass


def transition_for(status: str, action: str) -> Transition:
    """The allowed transition, or ``TransitionError`` with a clear message."""
    try:
        return _TABLE[(status, action)]
    except KeyError:
        raise TransitionError(
            _("“%(action)s” is not possible while the report is “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": S(status).label},
            code="forbidden_transition",
        ) from None


def actions_from(status: str) -> list[str]:
    """Actions allowed from ``status`` (for buttons on the report page)."""
    return [t.action for t in TRANSITIONS if t.source == status]
