"""Who a workflow step notifies (issue 15): "the right people, and only they".

    with notified(personas) as got:
        services.approve(...)
    got.assert_exactly("bureau_reviewer", todo=True)

``personas`` is the conftest fixture (name → user); a new notice to any other user fails
too (listed by username), so a notice sent to the wrong area, enterprise or agency cannot
pass. ``todo`` checks that each new notice is (or is not) a to-do for its recipient.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db.models import Max

from zhongwei_carbon.models import Notification


class Got:
    def __init__(self, personas, since: int):
        self.personas = {u.pk: name for name, u in personas.items() if u is not None}
        self.since = since

    @property
    def notes(self):
        return list(Notification.objects.filter(pk__gt=self.since).select_related("recipient"))

    def recipients(self) -> set[str]:
        return {self.personas.get(n.recipient_id, f"user:{n.recipient.username}")
                for n in self.notes}

    def assert_exactly(self, *names: str, todo: bool | None = None, topic: str | None = None):
        got = self.recipients()
        assert got == set(names), f"notified {sorted(got)}, expected {sorted(names)}"
        for n in self.notes:
            if todo is not None:
                assert n.todo is todo, f"{n.key} to {n.recipient.username}: todo={n.todo}"
            if topic is not None:
                assert n.topic == topic, f"{n.key}: topic {n.topic}, expected {topic}"
            assert n.subject.strip(), n.key
        return self.notes

    def assert_nobody(self):
        return self.assert_exactly()


@contextmanager
def notified(personas):
    since = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    got = Got(personas, since)
    yield got


def open_todos(user, obj=None):
    """The user's open to-dos (about ``obj`` when given)."""
    from django.contrib.contenttypes.models import ContentType

    qs = Notification.objects.filter(recipient=user, todo=True, resolved_at__isnull=True)
    if obj is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    return list(qs)
