"""Compliance cycles and their milestones: every state change (issue 5 §1).

Keyword arguments only, one transaction, ``full_clean`` before saving, a business event on
the cycle. Milestone dates need not be in order; one kind per cycle (a clear field error).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allowances.models import ComplianceCycle, Milestone
from zhongwei_carbon import events

CYCLE_FIELDS = ("year", "name", "status", "note")
MILESTONE_FIELDS = ("kind", "due_date", "note")


def _apply(obj, data: dict, fields: tuple[str, ...]) -> list[str]:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    changed = []
    for name in fields:
        if name in data and getattr(obj, name) != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


@transaction.atomic
def cycle_create(*, actor, data: dict) -> ComplianceCycle:
    cycle = ComplianceCycle()
    _apply(cycle, data, CYCLE_FIELDS)
    cycle.full_clean()
    cycle.save()
    events.record(
        actor=actor,
        verb="allowances.cycle_created",
        target=cycle,
        message=_("Compliance cycle %(name)s created.") % {"name": cycle.name},
        data={"year": cycle.year, "status": cycle.status},
    )
    return cycle


@transaction.atomic
def cycle_update(*, actor, cycle: ComplianceCycle, data: dict) -> ComplianceCycle:
    cycle = ComplianceCycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)
    changed = _apply(cycle, data, CYCLE_FIELDS)
    if not changed:
        return cycle
    cycle.full_clean()
    cycle.save()
    events.record(
        actor=actor,
        verb="allowances.cycle_updated",
        target=cycle,
        message=_("Compliance cycle %(name)s changed: %(fields)s.")
        % {
            "name": cycle.name,
            "fields": ", ".join(str(cycle._meta.get_field(n).verbose_name) for n in changed),
        },
        data={n: getattr(cycle, n) for n in changed},
    )
    return cycle


def _check_kind_free(milestone: Milestone) -> None:
    taken = Milestone.objects.filter(cycle=milestone.cycle_id, kind=milestone.kind)
    if milestone.pk:
        taken = taken.exclude(pk=milestone.pk)
    if taken.exists():
        raise ValidationError(
            {
                "kind": _("This cycle already has a “%(kind)s” milestone; edit that one instead.")
                % {"kind": milestone.get_kind_display()}
            }
        )


def _milestone_event(actor, milestone: Milestone, verb: str, message: str) -> None:
    events.record(
        actor=actor,
        verb=verb,
        target=milestone.cycle,
        message=message
        % {"kind": milestone.get_kind_display(), "date": milestone.due_date.isoformat()},
        data={"milestone": milestone.pk, "kind": milestone.kind, "due_date": milestone.due_date},
    )


@transaction.atomic
def milestone_create(*, actor, cycle: ComplianceCycle, data: dict) -> Milestone:
    ComplianceCycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)  # serialise kind checks
    milestone = Milestone(cycle=cycle)
    _apply(milestone, data, MILESTONE_FIELDS)
    _check_kind_free(milestone)
    milestone.full_clean()
    milestone.save()
    _milestone_event(
        actor, milestone, "allowances.milestone_created", _("Milestone %(kind)s set to %(date)s.")
    )
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone: Milestone, data: dict) -> Milestone:
    ComplianceCycle.objects.select_for_update(no_key=True).get(pk=milestone.cycle_id)
    milestone = Milestone.objects.select_related("cycle").get(pk=milestone.pk)
    changed = _apply(milestone, data, MILESTONE_FIELDS)
    if not changed:
        return milestone
    _check_kind_free(milestone)
    milestone.full_clean()
    milestone.save()
    _milestone_event(
        actor, milestone, "allowances.milestone_updated", _("Milestone %(kind)s changed to %(date)s.")
    )
    return milestone
