"""Notifications: the portal inbox plus an e-mail, sent once per recipient and key.

``notify`` is called by subscribers of domain events (``events.subscribe``); the e-mail goes
out through a Celery task queued after commit, which sends nothing twice.
"""

from __future__ import annotations

from django.db import transaction

from zhongwei_carbon.models import Notification


def notify(*, recipients, key: str, subject: str, body: str = "", link: str = "") -> list[Notification]:
    """Create one notification per recipient for ``key`` (existing ones are left as they are)."""
    from zhongwei_carbon.tasks import email_notification

    created = []
    for user in recipients:
        if not user.is_active:
            continue
        note, new = Notification.objects.get_or_create(
            recipient=user,
            key=key,
            defaults={"subject": str(subject)[:200], "body": str(body), "link": link},
        )
        if new:
            created.append(note)
            if user.email:
                transaction.on_commit(lambda pk=note.pk: email_notification.delay(pk))
    return created


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def members(*, roles=None, **scope) -> list:
    """Active users holding an active membership with one of ``roles`` (all roles when
    ``None``) and the given scope (``area_id=``, ``enterprise_id=``, ``agency_id=``)."""
    from accounts.models import Membership

    qs = Membership.objects.filter(is_active=True, user__is_active=True, **scope)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return list({m.user_id: m.user for m in qs.select_related("user")}.values())
