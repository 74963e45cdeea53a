"""The on-site checklist (检查要点) the bureau keeps: add a point, edit its words, move it up
or down, take it out of use and back (bureau admin, Perm.MANAGE_INSPECTION_PLAN).

A point is never deleted: inspections refer to it (``InspectionCheck.item``, PROTECT), each
keeping the point's words as they were when it was opened, so editing the words or taking a
point out of use changes only the inspections opened afterwards (``inspection_open`` copies
the points in use, in their order). Every change writes an event on the point.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from oversight.choices import TargetKind
from oversight.models import ChecklistItem
from zhongwei_carbon import events, roles
from zhongwei_carbon.roles import Perm

UP, DOWN = "up", "down"


def _require(actor) -> None:
    if not roles.has_perm(actor, Perm.MANAGE_INSPECTION_PLAN):
        raise PermissionDenied(_("You may not do this."))


def _texts(text, text_en) -> tuple[str, str]:
    text, text_en = (text or "").strip(), (text_en or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the point.")})
    return text, text_en


def _lock(item: ChecklistItem) -> ChecklistItem:
    return ChecklistItem.objects.select_for_update(no_key=True).get(pk=item.pk)


@transaction.atomic
def checklist_item_create(*, actor, target_kind: str, code: str, text: str,
                          text_en: str = "") -> ChecklistItem:
    """A new point, last of its kind's list."""
    _require(actor)
    if target_kind not in TargetKind.values:
        raise ValidationError({"target_kind": _("Choose what the point is for.")})
    text, text_en = _texts(text, text_en)
    code = (code or "").strip()
    if code and ChecklistItem.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another point already has this code.")})
    last = ChecklistItem.objects.filter(target_kind=target_kind).aggregate(
        n=Max("sort_order"))["n"] or 0
    item = ChecklistItem(target_kind=target_kind, code=code, text=text, text_en=text_en,
                         sort_order=last + 1)
    item.full_clean()
    item.save()
    events.record(
        actor=actor, verb="checklist.added", target=item,
        message=_("Checklist point added (%(kind)s): %(text)s")
        % {"kind": item.get_target_kind_display(), "text": text},
        data={"code": code, "target_kind": target_kind},
    )
    return item


@transaction.atomic
def checklist_item_update(*, actor, item: ChecklistItem, text: str,
                          text_en: str = "") -> ChecklistItem:
    """New words for a point (its kind and code stay: inspections refer to it)."""
    _require(actor)
    item = _lock(item)
    text, text_en = _texts(text, text_en)
    before = {"text": item.text, "text_en": item.text_en}
    if before == {"text": text, "text_en": text_en}:
        return item
    item.text, item.text_en = text, text_en
    item.full_clean()
    item.save(update_fields=["text", "text_en"])
    events.record(
        actor=actor, verb="checklist.changed", target=item,
        message=_("Checklist point reworded: “%(before)s” → “%(after)s”")
        % {"before": before["text"], "after": text},
        data={"before": before, "after": {"text": text, "text_en": text_en}},
    )
    return item


@transaction.atomic
def checklist_item_move(*, actor, item: ChecklistItem, direction: str) -> ChecklistItem:
    """Swap the point with its neighbour above or below in its kind's list; the list is
    numbered 1, 2, 3 … again (the points of the kind are locked in key order)."""
    _require(actor)
    if direction not in (UP, DOWN):
        raise ValidationError(_("Choose up or down."))
    kind = ChecklistItem.objects.values_list("target_kind", flat=True).get(pk=item.pk)
    points = list(ChecklistItem.objects.select_for_update(no_key=True)
                  .filter(target_kind=kind).order_by("pk"))
    points.sort(key=lambda p: (p.sort_order, p.code, p.pk))
    index = next(i for i, p in enumerate(points) if p.pk == item.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(points):
        raise ValidationError(
            _("This point is already the first.") if direction == UP
            else _("This point is already the last.")
        )
    points[index], points[other] = points[other], points[index]
    for number, point in enumerate(points, start=1):
        if point.sort_order != number:
            point.sort_order = number
            point.save(update_fields=["sort_order"])
    moved = points[other]
    events.record(
        actor=actor, verb="checklist.moved", target=moved,
        message=_("Checklist point moved to position %(n)s") % {"n": other + 1},
        data={"direction": direction, "position": other + 1},
    )
    return moved


@transaction.atomic
def checklist_item_set_active(*, actor, item: ChecklistItem, active: bool) -> ChecklistItem:
    """Take a point out of use (new inspections no longer get it) or back into use."""
    _require(actor)
    item = _lock(item)
    if item.is_active == active:
        raise ValidationError(
            _("This point is already in use.") if active
            else _("This point is already out of use.")
        )
    item.is_active = active
    item.save(update_fields=["is_active"])
    events.record(
        actor=actor, verb="checklist.activated" if active else "checklist.deactivated",
        target=item,
        message=_("Checklist point back in use") if active
        else _("Checklist point taken out of use"),
        data={"is_active": active},
    )
    return item
