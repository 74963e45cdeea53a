"""The daily reminder job: for each registered deadline source, the offset due today per
item, one ``Reminder`` row per recipient (INSERT … ON CONFLICT DO NOTHING) and an inbox
to-do for each new row only; an overdue item is escalated once to its area's officials and
to the bureau. A reminder's to-do is resolved when its item is done
and superseded by the item's next reminder. Queries are constant per deadline kind."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
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


def _note_key(key) -> str:
    return f"reminder:{key[3]}:{key[1]}:{key[2]}:{key[4].isoformat()}:{key[5]}"[:120]


def _send_kind(source, today: date, cal, escalation: _Escalation) -> int:
    rule = rules.rule_for(source.kind)
    pending = []  # (key tuple, due, recipient)
    done_items: dict[int, set] = defaultdict(set)  # content type -> ids of items done
    for due in source.fetch(today):
        ct = ContentType.objects.get_for_model(due.object)  # cached after the first
        if due.done:
            done_items[ct.pk].add(due.object.pk)
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
                pending.append((key, due, user))
    prefix = f"reminder:{source.kind}:"
    now = timezone.now()
    with transaction.atomic():
        new = _insert_new([key for key, _due, _user in pending])
        notes = [
            Notification(
                recipient=user, key=_note_key(key), subject=subject(due, key[5], today)[:200],
                body=due.todo, link=due.url, topic=source.topic, todo=True,
                content_type_id=key[1], object_id=key[2],
            )
            for key, due, user in pending
            if key in new
        ]
        # an upsert, so every note comes back with its id (for its e-mail)
        Notification.objects.bulk_create(
            notes, update_conflicts=True, unique_fields=["recipient", "key"],
            update_fields=["subject"],
        )
        # an item done resolves its reminders (one that only left the source's window stays
        # to do); an item's new reminder supersedes the recipient's earlier ones
        earlier = Notification.objects.filter(key__startswith=prefix, resolved_at__isnull=True)
        if done_items:
            done = Q(*(Q(content_type_id=ct_id, object_id__in=ids)
                       for ct_id, ids in done_items.items()), _connector=Q.OR)
            earlier.filter(done).update(resolved_at=now)
        _supersede(notes, prefix, now)
        notifications.queue_emails(notes)
    return len(notes)


def _supersede(notes, prefix: str, now) -> None:
    """Resolve each recipient's earlier open reminders of the items just reminded again (one
    statement, however many)."""
    if not notes:
        return
    table = Notification._meta.db_table
    sql = (
        f'UPDATE "{table}" AS n SET resolved_at = %s '
        f"FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS v(r, ct, obj) "
        f"WHERE n.recipient_id = v.r AND n.content_type_id = v.ct AND n.object_id = v.obj "
        f"AND n.resolved_at IS NULL AND n.todo AND n.key LIKE %s AND NOT (n.id = ANY(%s::bigint[]))"
    )
    params = [
        now,
        [n.recipient_id for n in notes], [n.content_type_id for n in notes],
        [n.object_id for n in notes],
        prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
        [n.pk for n in notes],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
