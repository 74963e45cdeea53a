"""The daily reminder job: for each registered deadline source, the offset due today per
item, one ``Reminder`` row per recipient (INSERT … ON CONFLICT DO NOTHING) and an inbox
to-do for each new row only; an overdue item is escalated once to its area's officials and
to the bureau (a notice: the to-do stays the responsible person's). A reminder's to-do is resolved when its item is done
and superseded by the item's next reminder. Queries are constant per deadline kind."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhongwei_carbon import notifications, reminders, workdays
from zhongwei_carbon.models import Notification, Reminder
from zhongwei_carbon.reminders import rules


def subject(due, offset: int, today: date) -> str:
    days = (due.deadline - today).days
    params = {"what": due.title, "date": due.deadline.isoformat(), "n": abs(days)}
    if offset == rules.ESCALATION:
        return _("Overdue, escalated: %(what)s (due %(date)s, %(n)s days ago)") % params
    if days > 0:
        return _("%(what)s is due in %(n)s days (%(date)s)") % params
    if days == 0:
        return _("%(what)s is due today (%(date)s)") % params
    return _("%(what)s is overdue (due %(date)s)") % params


def _insert_new(rows) -> set[tuple]:
    """Insert reminder rows, skipping those sent before; the keys of the new ones."""
    if not rows:
        return set()
    table = Reminder._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, NOW())"] * len(rows))
    params = [v for row in rows for v in row]
    sql = (
        f'INSERT INTO "{table}" (recipient_id, content_type_id, object_id, kind, deadline, '
        f'"offset", created_at) VALUES {values} ON CONFLICT DO NOTHING '
        f'RETURNING recipient_id, content_type_id, object_id, kind, deadline, "offset"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(r) for r in cursor.fetchall()}


class _Escalation:
    """The people an overdue item goes to: its area's officials and the bureau (read once
    per run)."""

    def __init__(self):
        self._loaded = False

    def recipients(self, area_id) -> tuple:
        if not self._loaded:
            from accounts.models import Membership
            from zhongwei_carbon.roles import BUREAU, Role

            self.areas: dict[int, dict] = defaultdict(dict)
            self.bureau: dict[int, object] = {}
            qs = Membership.objects.filter(
                is_active=True, user__is_active=True, role__in=[*BUREAU, Role.AREA_OFFICIAL]
            ).select_related("user")
            for m in qs:
                if m.role == Role.AREA_OFFICIAL:
                    self.areas[m.area_id][m.user_id] = m.user
                else:
                    self.bureau[m.user_id] = m.user
            self._loaded = True
        found = dict(self.areas.get(area_id, {})) if area_id is not None else {}
        found.update(self.bureau)
        return tuple(found.values())


def _item(kind: str, ct_id: int, due) -> str:
    """The key prefix of one item's reminders (its object and part): what a done item
    resolves and a new reminder supersedes."""
    return f"reminder:{kind}:{ct_id}:{due.object.pk}:{due.part}:"


def _item_of(key: str) -> str:
    return ":".join(key.split(":")[:5]) + ":"


def _send_kind(source, today: date, cal, escalation: _Escalation) -> int:
    rule = rules.rule_for(source.kind)
    pending = []  # (reminder key tuple, item prefix, due, recipient)
    done_items: set[str] = set()
    for due in source.fetch(today):
        ct = ContentType.objects.get_for_model(due.object)  # cached after the first
        item = _item(source.kind, ct.pk, due)
        if due.done:
            done_items.add(item)
            continue
        offset = rules.offset_due(due.deadline, today, rule, cal)
        targets = []
        if offset is not None:
            targets = [(user, offset) for user in due.recipients]
        if due.escalate and rules.escalation_due(
            due.deadline, today, rule, cal, settings.REMINDER_ESCALATION_DAYS
        ):
            owners = {u.pk for u in due.recipients}
            targets += [(user, rules.ESCALATION) for user in escalation.recipients(due.area)
                        if user.pk not in owners]
        for user, off in targets:
            if user.is_active:
                key = (user.pk, ct.pk, due.object.pk, source.kind, due.deadline, off)
                pending.append((key, item, due, user))
    with transaction.atomic():
        # the kind's open reminders, read before today's are added
        earlier = list(Notification.objects.filter(
            key__startswith=f"reminder:{source.kind}:", todo=True, resolved_at__isnull=True,
        ).values_list("pk", "recipient_id", "key"))
        new = _insert_new([key for key, _item, _due, _user in pending])
        notes = [
            Notification(
                recipient=user, key=f"{item}{key[4].isoformat()}:{key[5]}"[:120],
                subject=subject(due, key[5], today)[:200], body=due.todo, link=due.url,
                # an escalation tells the supervisors; the to-do stays the responsible person's
                topic=source.topic, todo=key[5] != rules.ESCALATION,
                content_type_id=key[1], object_id=key[2],
            )
            for key, item, due, user in pending
            if key in new
        ]
        # an upsert, so every note comes back with its id (for its e-mail)
        Notification.objects.bulk_create(
            notes, update_conflicts=True, unique_fields=["recipient", "key"],
            update_fields=["subject"],
        )
        # an item done resolves its reminders; an item's new reminder supersedes the
        # recipient's earlier ones of the same item. An item only gone from its source
        # stays to do.
        reminded = {(n.recipient_id, _item_of(n.key)) for n in notes}
        new_keys = {(n.recipient_id, n.key) for n in notes}
        stale = [pk for pk, recipient, key in earlier
                 if _item_of(key) in done_items
                 or ((recipient, _item_of(key)) in reminded and (recipient, key) not in new_keys)]
        if stale:
            Notification.objects.filter(pk__in=stale).update(resolved_at=timezone.now())
        notifications.queue_emails(notes)
    return len(notes)


def send_reminders(*, today: date) -> Counter:
    """Send today's deadline reminders; the count of new ones by deadline kind. A second
    run on the same day sends nothing."""
    counts: Counter = Counter()
    # the widest working-day offset is far inside this window
    cal = workdays.calendar(today - timedelta(days=120), today + timedelta(days=120))
    escalation = _Escalation()
    with translation.override(settings.LANGUAGE_CODE):
        for source in reminders.sources():
            counts[source.kind] = _send_kind(source, today, cal, escalation)
    return counts
