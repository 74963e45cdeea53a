"""Moving an annual report through its state machine (reporting/workflow.py).

Every status change of a report goes through ``apply_transition``: it locks the report row,
checks that the action is allowed from the current status and that the actor holds one of
the transition's roles *for this report* (scoping), then sets the status and records the
event. Callers set their own fields on the locked report before or after, inside the same
transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from reporting.models import AnnualReport
from reporting.services.access import holds_role_for
from reporting.workflow import ACTION_LABELS, TransitionError, transition_for
from zhongwei_carbon import events


def lock(report: AnnualReport) -> AnnualReport:
    """The report row, locked for the rest of the transaction."""
    return AnnualReport.objects.select_for_update(no_key=True).get(pk=report.pk)


def actor_may(actor, report: AnnualReport, allowed_roles) -> bool:
    """Does ``actor`` hold one of ``allowed_roles`` within this report's scope?"""
    return holds_role_for(
        actor, allowed_roles, enterprise=report.enterprise, agency_id=report.agency_id
    )


def apply_transition(
    *, actor, report: AnnualReport, action: str, message: str = "", data: dict | None = None
) -> AnnualReport:
    """Check and apply one transition on an already locked ``report`` (call inside
    ``transaction.atomic`` after ``lock``). Raises ``TransitionError`` or ``PermissionDenied``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_transition must run inside transaction.atomic")
    transition = transition_for(report.status, action)
    if not actor_may(actor, report, transition.roles):
        raise PermissionDenied(str(ACTION_LABELS.get(action, action)))
    before = report.status
    report.status = transition.target
    report.full_clean()
    report.save()
    audit = events.record(
        actor=actor,
        verb=f"report.{action}",
        target=report,
        message=message or str(ACTION_LABELS.get(action, action)),
        data={"from": before, "to": report.status, **(data or {})},
    )
    # The payload carries the state of this step: subscribers run after commit, when later
    # steps of the same transaction may already have moved the report on.
    events.publish(
        f"report.{action}",
        report_id=report.pk,
        status=report.status,
        round=report.verification_round,
        event_id=audit.pk,  # the step's audit entry: one per step, a key for subscribers
    )
    return report


__all__ = ["TransitionError", "apply_transition", "actor_may", "lock"]
