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
