"""The daily reminder job: for each registered deadline source, the offset due today per
item, one ``Reminder`` row per recipient (INSERT … ON CONFLICT DO NOTHING) and an inbox
notification for each new row only. Queries are constant per deadline kind."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from zhongwei_carbon import reminders, workdays
from zhongwei_carbon.models import Notification, Reminder
from zhongwei_carbon.reminders import rules


def subject(due, offset: int) -> str:
    params = {"what": due.title, "date": due.deadline.isoformat(), "n": abs(offset)}
    if offset < 0:
        return _("%(what)s is due in %(n)s days (%(date)s)") % params
    if offset == 0:
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


def _send_kind(source, today: date, cal) -> int:
    rule = rules.rule_for(source.kind)
    pending = []  # (key tuple, due, recipient, offset)
    for due in source.fetch(today):
        if due.done:
            continue
        offset = rules.offset_due(due.deadline, today, rule, cal)
        if offset is None:
            continue
        ct = ContentType.objects.get_for_model(due.object)  # cached after the first
        for user in due.recipients:
            if not user.is_active:
                continue
            key = (user.pk, ct.pk, due.object.pk, source.kind, due.deadline, offset)
            pending.append((key, due, user))
    with transaction.atomic():
        new = _insert_new([key for key, _due, _user in pending])
        notes = [
            Notification(
                recipient=user,
                key=f"reminder:{key[3]}:{key[1]}:{key[2]}:{key[4].isoformat()}:{key[5]}"[:120],
                subject=subject(due, key[5])[:200],
                body=due.todo,
                link=due.url,
            )
            for key, due, user in pending
            if key in new
        ]
        Notification.objects.bulk_create(notes, ignore_conflicts=True)
        _queue_emails(notes)
    return len(notes)


def _queue_emails(notes) -> None:
    from zhongwei_carbon.tasks import email_notification

    keys = [n.key for n in notes if n.recipient.email]
    if not keys:
        return
    ids = list(Notification.objects.filter(key__in=keys, emailed_at__isnull=True)
               .values_list("pk", flat=True))
    transaction.on_commit(lambda: [email_notification.delay(pk) for pk in ids])


def send_reminders(*, today: date) -> Counter:
    """Send today's deadline reminders; the count of new ones by deadline kind. A second
    run on the same day sends nothing."""
    counts: Counter = Counter()
    # the widest working-day offset is far inside this window
    cal = workdays.calendar(today - timedelta(days=120), today + timedelta(days=120))
    with translation.override(settings.LANGUAGE_CODE):
        for source in reminders.sources():
            counts[source.kind] = _send_kind(source, today, cal)
    return counts
