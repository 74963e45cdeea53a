"""Rule sets as the bureau keeps them: a draft is created (empty or copied from another set),
edited (header, lines and caps at once, all or nothing), deleted, or published under a
document number; a published set is frozen (the database refuses any change to it too).
Every change is recorded (``events.record``; the rows keep their simple_history)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.choices import RuleSetStatus
from credit.models import GroupCap, RuleLine, RuleSet
from zhongwei_carbon import events

HEADER_FIELDS = ("version", "effective_year", "title", "base_score", "green_from", "blue_from",
                 "yellow_from")
LINE_FIELDS = ("subject_kind", "kind", "group", "points", "veto", "threshold", "from_occurrence",
               "years", "note")
CAP_FIELDS = ("group", "floor", "ceiling")


def frozen_error(rule_set: RuleSet) -> ValidationError:
    return ValidationError(
        _("Rule set %(version)s is published (%(document)s) and frozen: it can no longer be "
          "changed or deleted. Create a new draft, e.g. a copy of it, instead.")
        % {"version": rule_set.version, "document": rule_set.document_number}
    )


def _locked_draft(rule_set: RuleSet, *, deleting: bool = False) -> RuleSet:
    if deleting:
        # FOR UPDATE (not NO KEY): the row is deleted in this transaction
        locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    else:
        locked = RuleSet.objects.select_for_update(no_key=True).get(pk=rule_set.pk)
    if locked.is_frozen:
        raise frozen_error(locked)
    return locked


def create_rule_set(*, actor, version: str, effective_year: int, title: str,
                    base_score: Decimal = Decimal("100"), green_from: Decimal = Decimal("90"),
                    blue_from: Decimal = Decimal("75"), yellow_from: Decimal = Decimal("60"),
                    copy_from: RuleSet | None = None) -> RuleSet:
    """A new draft; with ``copy_from`` its lines and caps are copied (the source is unchanged,
    published or not)."""
    with transaction.atomic():
        rule_set = RuleSet(version=version, effective_year=effective_year, title=title,
                           base_score=base_score, green_from=green_from, blue_from=blue_from,
                           yellow_from=yellow_from, status=RuleSetStatus.DRAFT)
        rule_set.full_clean()
        rule_set.save()
        copied = 0
        if copy_from is not None:
            for cap in copy_from.caps.all():
                GroupCap.objects.create(rule_set=rule_set, group=cap.group, floor=cap.floor,
                                        ceiling=cap.ceiling)
            for line in copy_from.lines.all():
                RuleLine.objects.create(rule_set=rule_set,
                                        **{f: getattr(line, f) for f in LINE_FIELDS})
                copied += 1
        if copy_from is not None:
            message = _("Draft rule set %(version)s created as a copy of %(source)s "
                        "(%(count)s lines)") % {"version": version, "source": copy_from.version,
                                                 "count": copied}
        else:
            message = _("Draft rule set %(version)s created") % {"version": version}
        events.record(actor=actor, verb="credit.rule_set_created", target=rule_set,
                      message=message,
                      data={"copy_from": copy_from.version if copy_from else None})
    return rule_set


def _check_lines(lines: list[dict]) -> None:
    seen = set()
    for line in lines:
        key = (line["subject_kind"], line["kind"])
        if key in seen:
            raise ValidationError(_("An event kind is priced twice for the same kind of subject."))
        seen.add(key)


def save_draft(*, actor, rule_set: RuleSet, header: dict, lines: list[dict], caps: list[dict]
               ) -> RuleSet:
    """Replace the draft's header, lines and caps with those given, all or nothing: lines are
    matched by (subject kind, event kind), caps by group; rows not given are deleted."""
    _check_lines(lines)
    if len({c["group"] for c in caps}) != len(caps):
        raise ValidationError(_("A group is capped twice."))
    with transaction.atomic():
        locked = _locked_draft(rule_set)
        changed = [f for f in HEADER_FIELDS if f in header and getattr(locked, f) != header[f]]
        for name in changed:
            setattr(locked, name, header[name])
        locked.full_clean()
        if changed:
            locked.save(update_fields=changed)
        counts = {"lines": _sync(locked, RuleLine, ("subject_kind", "kind"), LINE_FIELDS, lines),
                  "caps": _sync(locked, GroupCap, ("group",), CAP_FIELDS, caps)}
        if changed or any(counts["lines"].values()) or any(counts["caps"].values()):
            events.record(
                actor=actor, verb="credit.rule_set_edited", target=locked,
                message=_("Draft rule set %(version)s edited") % {"version": locked.version},
                data={"header": changed, **counts},
            )
    rule_set.refresh_from_db()
    return rule_set


def _sync(rule_set, model, key_fields, fields, rows) -> dict[str, int]:
    existing = {tuple(getattr(o, k) for k in key_fields): o
                for o in model.objects.filter(rule_set=rule_set)}
    wanted = {tuple(r[k] for k in key_fields): r for r in rows}
    counts = {"added": 0, "changed": 0, "deleted": 0}
    for key, obj in existing.items():
        if key not in wanted:
            obj.delete()
            counts["deleted"] += 1
    for key, row in wanted.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(rule_set=rule_set, **{f: row.get(f) for f in fields})
            counts["added"] += 1
        elif all(getattr(obj, f) == row.get(f) for f in fields):
            continue
        else:
            for f in fields:
                setattr(obj, f, row.get(f))
            counts["changed"] += 1
        obj.full_clean()
        obj.save()
    return counts


def delete_draft(*, actor, rule_set: RuleSet) -> None:
    with transaction.atomic():
        locked = _locked_draft(rule_set, deleting=True)
        # the business event outlives the row: it names the set by version
        events.record(actor=actor, verb="credit.rule_set_deleted", target=locked,
                      message=_("Draft rule set %(version)s deleted") % {"version": locked.version})
        locked.lines.all().delete()
        locked.caps.all().delete()
        locked.delete()


def check_publish(*, rule_set: RuleSet, document_number: str) -> dict:
    """Everything ``publish`` checks, writing nothing: the summary the confirmation shows."""
    if rule_set.is_frozen:
        raise frozen_error(rule_set)
    document_number = (document_number or "").strip()
    if not document_number:
        raise ValidationError({"document_number": _(
            "A rule set is published under the number of the bureau's document: enter it.")})
    if not rule_set.lines.exists():
        raise ValidationError(_("The rule set prices no event kind: add its lines first."))
    other = RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED,
                                   effective_year=rule_set.effective_year).first()
    if other is not None:
        raise ValidationError(_(
            "Rule set %(version)s is already published for %(year)s: one published set takes "
            "effect in a year.") % {"version": other.version, "year": rule_set.effective_year})
    return {"lines": rule_set.lines.count(), "caps": rule_set.caps.count(),
            "vetoes": rule_set.lines.filter(veto=True).count(),
            "document_number": document_number}


def publish(*, actor, rule_set: RuleSet, document_number: str) -> RuleSet:
    with transaction.atomic():
        locked = _locked_draft(rule_set)
        summary = check_publish(rule_set=locked, document_number=document_number)
        locked.status = RuleSetStatus.PUBLISHED
        locked.document_number = summary["document_number"]
        locked.published_at = timezone.now()
        locked.published_by = actor
        locked.full_clean()
        locked.save(update_fields=["status", "document_number", "published_at", "published_by"])
        events.record(
            actor=actor, verb="credit.rule_set_published", target=locked,
            message=_("Rule set %(version)s published under %(document)s, in force from "
                      "%(year)s") % {"version": locked.version,
                                     "document": locked.document_number,
                                     "year": locked.effective_year},
            data=summary,
        )
    return locked
