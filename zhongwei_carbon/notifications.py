"""Notifications: the portal inbox plus an e-mail, sent once per recipient and key.

``notify`` is called by services and subscribers of domain events (``events.subscribe``);
the e-mail goes out through a Celery task queued after commit, which sends nothing twice, as
each recipient chose for the topic (immediately, in the daily digest or not at all: ``mail``).

A notice that asks its recipient to act is a *to-do* (``todo=True``) about an object
(``obj``): the step that does the work calls ``resolve(obj, ...)`` and the to-do leaves the
inbox's to-do view (it stays in the history). The bell counts the open to-dos.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zhongwei_carbon.models import Notification, Topic


def notify(
    *, recipients, key: str, subject: str, body: str = "", link: str = "",
    topic: str = Topic.OTHER, todo: bool = False, obj=None,
) -> list[Notification]:
    """Create one notification per recipient for ``key`` (existing ones are left as they
    are). ``todo`` marks it as work for the recipient on ``obj`` (resolved by ``resolve``)."""
    return notify_batch([dict(recipients=recipients, key=key, subject=subject, body=body,
                              link=link, topic=topic, todo=todo, obj=obj)])


def notify_batch(messages) -> list[Notification]:
    """``notify`` for several messages (each a dict of its arguments) in a constant number of
    queries however many messages and recipients: the new notifications."""
    candidates: dict[tuple, Notification] = {}
    for m in messages:
        obj = m.get("obj")
        ct = ContentType.objects.get_for_model(obj) if obj is not None else None
        for user in m["recipients"]:
            if not user.is_active or (user.pk, m["key"]) in candidates:
                continue
            candidates[(user.pk, m["key"])] = Notification(
                recipient=user, key=m["key"], subject=str(m["subject"])[:200],
                body=str(m.get("body", "")), link=m.get("link", ""),
                topic=m.get("topic", Topic.OTHER), todo=m.get("todo", False),
                content_type=ct, object_id=obj.pk if obj is not None else None,
            )
    if not candidates:
        return []
    existing = set(Notification.objects.filter(
        recipient_id__in={pk for pk, _key in candidates}, key__in={k for _pk, k in candidates},
    ).values_list("recipient_id", "key"))
    created = [n for pair, n in candidates.items() if pair not in existing]
    # an upsert that changes nothing, so that each row comes back with its id (for its
    # e-mail) even when a concurrent step wrote it first
    Notification.objects.bulk_create(created, update_conflicts=True,
                                     unique_fields=["recipient", "key"], update_fields=["key"])
    queue_emails(created)
    return created


def queue_emails(notes) -> None:
    """Queue the e-mail of each new notification after commit: recipients with an address
    whose preference for the topic is immediate (``mail.route`` records each notice's mode;
    digest notices wait for the daily digest, ``none`` stay in the inbox only)."""
    from zhongwei_carbon.mail import enqueue, route
    from zhongwei_carbon.tasks import email_notification

    ids = route(notes)
    if ids:
        transaction.on_commit(lambda: [enqueue(email_notification, pk) for pk in ids])


def resolve(obj, *, key_prefix: str = "", recipients=None) -> int:
    """Resolve the open to-dos about ``obj`` (those whose key starts with ``key_prefix``,
    of ``recipients`` when given): the work they asked for is done. The count resolved."""
    qs = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
        todo=True, resolved_at__isnull=True,
    )
    if key_prefix:
        qs = qs.filter(key__startswith=key_prefix)
    if recipients is not None:
        qs = qs.filter(recipient__in=list(recipients))
    return qs.update(resolved_at=timezone.now())


def open_todos(user):
    return Notification.objects.filter(recipient=user, todo=True, resolved_at__isnull=True)


def unread(user):
    """The user's notifications not yet read (the inbox's unread tab)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def counts(user) -> dict:
    """The page header's figures in one query: ``open`` (the bell: open to-dos) and
    ``unread``."""
    if not getattr(user, "is_authenticated", False):
        return {"open": 0, "unread": 0}
    return Notification.objects.filter(recipient=user).aggregate(
        open=Count("pk", filter=Q(todo=True, resolved_at__isnull=True)),
        unread=Count("pk", filter=Q(read_at__isnull=True)),
    )


def members(*, roles=None, **scope) -> list:
    """Active users holding an active membership with one of ``roles`` (all roles when
    ``None``) and the given scope (``area_id=``, ``enterprise_id=``, ``agency_id=``)."""
    from accounts.models import Membership

    qs = Membership.objects.filter(is_active=True, user__is_active=True, **scope)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return list({m.user_id: m.user for m in qs.select_related("user")}.values())


def bureau_staff() -> list:
    """Every active bureau user (administrators and reviewers)."""
    from zhongwei_carbon.roles import BUREAU

    return members(roles=BUREAU)
