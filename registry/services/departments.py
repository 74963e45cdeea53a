"""City departments and banks of the reform programme, and the data the bureau grants them
(DESIGN.md §4.2: keyword arguments, one transaction, ``full_clean``, a business event)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.choices import Dataset
from registry.models import Department, DepartmentGrant
from zhongwei_carbon import events

DEPARTMENT_FIELDS = ("code", "name", "name_en", "kind", "sort_order", "is_active")


def _apply(department: Department, data: dict) -> dict:
    unknown = set(data) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown department fields: {sorted(unknown)}")
    changes = {}
    for field, value in data.items():
        before = getattr(department, field)
        if before != value:
            changes[field] = [before, value]
            setattr(department, field, value)
    return changes


@transaction.atomic
def department_create(*, actor, data: dict) -> Department:
    department = Department()
    _apply(department, data)
    department.full_clean()
    department.save()
    events.record(
        actor=actor, verb="department.created", target=department,
        message=_("Department added: %(name)s") % {"name": department.name},
        data={"code": department.code, "kind": department.kind},
    )
    return department


@transaction.atomic
def department_update(*, actor, department: Department, data: dict) -> Department:
    department = Department.objects.select_for_update(no_key=True).get(pk=department.pk)
    changes = _apply(department, data)
    if not changes:
        return department
    department.full_clean()
    department.save()
    events.record(
        actor=actor, verb="department.changed", target=department,
        message=_("Department changed: %(fields)s") % {
            "fields": ", ".join(str(Department._meta.get_field(f).verbose_name) for f in changes)
        },
        data={"changes": changes},
    )
    return department


@transaction.atomic
def grant_give(*, actor, department: Department, dataset: str, note: str = "") -> DepartmentGrant:
    """Let ``department``'s liaisons reach ``dataset``; a second active grant is an error."""
    department = Department.objects.select_for_update(no_key=True).get(pk=department.pk)
    if dataset not in Dataset.values:
        raise ValidationError({"dataset": _("Choose the data to grant.")})
    if DepartmentGrant.objects.filter(
        department=department, dataset=dataset, revoked_at__isnull=True
    ).exists():
        raise ValidationError(
            {"dataset": _("%(department)s already has this data.") % {"department": department}}
        )
    grant = DepartmentGrant(
        department=department, dataset=dataset, note=note, granted_by=actor,
        granted_at=timezone.now(),
    )
    grant.full_clean()
    grant.save()
    events.record(
        actor=actor, verb="department.granted", target=department,
        message=_("Data granted: %(dataset)s") % {"dataset": grant.get_dataset_display()},
        data={"grant": grant.pk, "dataset": dataset, "note": note},
    )
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant: DepartmentGrant) -> DepartmentGrant:
    grant = DepartmentGrant.objects.select_for_update(no_key=True).get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError(_("This grant was already revoked."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    events.record(
        actor=actor, verb="department.grant_revoked", target=grant.department,
        message=_("Data grant revoked: %(dataset)s") % {"dataset": grant.get_dataset_display()},
        data={"grant": grant.pk, "dataset": grant.dataset},
    )
    return grant
