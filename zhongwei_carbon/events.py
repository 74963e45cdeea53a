"""Business events: a record of what happened to a regulated record, and a small domain
event bus so that a lower app can trigger a reaction in a higher one without importing it
(DESIGN.md §4.11).

``record`` writes an ``Event`` row (shown on the record's page). ``publish`` calls the
subscribers of a domain event name after the current transaction commits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def record(*, actor, verb: str, target: models.Model, message: str, data: dict | None = None):
    """Write a business event on ``target`` (call inside the service's transaction)."""
    from zhongwei_carbon.models import Event

    clean = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        message=str(message)[:500],
        data=clean,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=str(target.pk),
    )


def for_object(obj: models.Model):
    """Events of one record, newest first."""
    from zhongwei_carbon.models import Event

    return Event.objects.filter(
        target_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        target_id=str(obj.pk),
    ).select_related("actor")


def describe(pk: int) -> str:
    """One event for people (the audit-trail check names it): what, on which record, by whom,
    when."""
    from zhongwei_carbon.models import Event

    event = Event.objects.select_related("actor", "target_type").filter(pk=pk).first()
    if event is None:
        return _("event #%(id)s") % {"id": pk}
    kind = event.target_type.name
    target = event.target if event.target_type.model_class() is not None else None
    return _("event #%(id)s “%(message)s” (%(verb)s) on %(target)s, by %(actor)s, %(time)s") % {
        "id": event.pk,
        "message": event.message,
        "verb": event.verb,
        "target": f"{kind} {target}" if target is not None else f"{kind} #{event.target_id}",
        "actor": event.actor or _("the system"),
        "time": formats.date_format(timezone.localtime(event.occurred_at), "Y-m-d H:i:s"),
    }


def url(pk: int) -> str:
    """The page of the event's record, when it has one."""
    from zhongwei_carbon.models import Event

    event = Event.objects.select_related("target_type").filter(pk=pk).first()
    if event is None or event.target_type.model_class() is None:
        return ""
    target = event.target
    return target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""


def subscribe(name: str):
    """Decorator: call ``func(**payload)`` when ``name`` is published."""

    def decorator(func: Callable) -> Callable:
        if func not in _subscribers[name]:
            _subscribers[name].append(func)
        return func

    return decorator


def publish(name: str, **payload) -> None:
    """Notify subscribers of ``name`` once the surrounding transaction has committed."""
    for func in list(_subscribers[name]):
        transaction.on_commit(partial(func, **payload))
