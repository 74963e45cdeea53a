"""The inspector directory (执法检查人员名录库) and declared conflicts of interest (bureau
admin; DESIGN.md §4.2: every change in a transaction, validated, with an event)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from oversight.choices import InspectorKind, TargetKind
from oversight.models import ConflictDeclaration, Inspector
from zhongwei_carbon import changes, display, events, roles
from zhongwei_carbon.roles import Perm, Role

INSPECTOR_FIELDS = ("kind", "user", "name", "organisation", "area", "is_active", "note")


def require(actor, action: str) -> None:
    if not roles.has_perm(actor, action):
        raise PermissionDenied(_("You may not do this."))


def _check_account(inspector: Inspector) -> None:
    """A staff inspector is a portal account holding the matching active role: the bureau's
    (admin or reviewer), or the area official's of the inspector's area."""
    kind, user = inspector.kind, inspector.user
    if kind == InspectorKind.EXPERT:
        if user is not None:
            raise ValidationError({"user": _("An outside expert has no portal account here.")})
        if inspector.area_id is not None:
            raise ValidationError({"area": _("Only county or park staff have an area of work.")})
        return
    if user is None:
        raise ValidationError({"user": _("Choose the staff member's portal account.")})
    active = Membership.objects.filter(user=user, is_active=True)
    if kind == InspectorKind.BUREAU:
        if inspector.area_id is not None:
            raise ValidationError({"area": _("Only county or park staff have an area of work.")})
        if not active.filter(role__in=[Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER]).exists():
            raise ValidationError({"user": _("This account holds no bureau role.")})
        return
    if inspector.area_id is None:
        raise ValidationError({"area": _("Choose the area the staff member works for.")})
    if not active.filter(role=Role.AREA_OFFICIAL, area_id=inspector.area_id).exists():
        raise ValidationError(
            {"user": _("This account is not an official of the area chosen.")}
        )


def _prepare(inspector: Inspector) -> None:
    if not inspector.name and inspector.user is not None:
        inspector.name = inspector.user.display_name[:60]
    _check_account(inspector)
    duplicate = Inspector.objects.filter(user=inspector.user).exclude(pk=inspector.pk)
    if inspector.user is not None and duplicate.exists():
        raise ValidationError({"user": _("This account is already in the directory.")})
    inspector.full_clean()


@transaction.atomic
def inspector_create(*, actor, **data) -> Inspector:
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    inspector = Inspector()
    changes.apply(inspector, data, INSPECTOR_FIELDS)
    _prepare(inspector)
    inspector.save()
    events.record(
        actor=actor, verb="inspector.created", target=inspector,
        message=_("%(name)s added to the inspector directory (%(kind)s)")
        % {"name": inspector.name, "kind": inspector.get_kind_display()},
        data={"kind": inspector.kind},
    )
    return inspector


@transaction.atomic
def inspector_update(*, actor, inspector: Inspector, **data) -> Inspector:
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    inspector = Inspector.objects.select_for_update(no_key=True).get(pk=inspector.pk)
    changed = changes.apply(inspector, data, INSPECTOR_FIELDS)
    if not changed:
        return inspector
    _prepare(inspector)
    inspector.save()
    events.record(
        actor=actor, verb="inspector.updated", target=inspector,
        message=_("Inspector %(name)s changed: %(fields)s")
        % {"name": inspector.name, "fields": display.field_labels(Inspector, changed)},
        data={"fields": changed},
    )
    return inspector


@transaction.atomic
def conflict_declare(
    *, actor, inspector: Inspector, enterprise=None, agency=None, reason: str, declared_on=None
) -> ConflictDeclaration:
    """Record an inspector's declared conflict with one enterprise or one agency."""
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    if (enterprise is None) == (agency is None):
        raise ValidationError(_("Choose either an enterprise or an agency."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State the reason for the conflict.")})
    kind = TargetKind.ENTERPRISE if enterprise is not None else TargetKind.AGENCY
    existing = ConflictDeclaration.objects.filter(
        inspector=inspector, enterprise=enterprise, agency=agency, is_active=True
    )
    if existing.exists():
        raise ValidationError(_("This conflict is already declared."))
    conflict = ConflictDeclaration(
        inspector=inspector, target_kind=kind, enterprise=enterprise, agency=agency,
        reason=reason, declared_on=declared_on or timezone.localdate(), recorded_by=actor,
    )
    conflict.full_clean()
    conflict.save()
    events.record(
        actor=actor, verb="inspector.conflict_declared", target=inspector,
        message=_("Conflict of interest declared with %(target)s: %(reason)s")
        % {"target": conflict.target, "reason": reason},
        data={"conflict": conflict.pk, "target_kind": kind},
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, actor, conflict: ConflictDeclaration) -> ConflictDeclaration:
    require(actor, Perm.MANAGE_INSPECTION_PLAN)
    conflict = ConflictDeclaration.objects.select_for_update(no_key=True).get(pk=conflict.pk)
    if not conflict.is_active:
        raise ValidationError(_("This declaration is already withdrawn."))
    conflict.is_active = False
    conflict.save(update_fields=["is_active"])
    events.record(
        actor=actor, verb="inspector.conflict_withdrawn", target=conflict.inspector,
        message=_("Conflict declaration with %(target)s withdrawn") % {"target": conflict.target},
        data={"conflict": conflict.pk},
    )
    return conflict
