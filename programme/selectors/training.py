"""Reads of the training records, scoped (``Perm.VIEW_TRAINING``):

- the bureau, and a liaison whose department holds the ``training`` grant: every session and
  every attendee;
- a liaison without it: the sessions his department organised, with their attendees;
- a county / park official: the sessions his area's enterprises attended, with only those
  enterprises' attendees; an enterprise user likewise with his own enterprise's.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from programme.models import TrainingAttendance, TrainingSession
from registry.choices import Dataset
from registry.selectors.grants import granted
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm

VIEW = Perm.VIEW_TRAINING


def sees_all(user) -> bool:
    return roles.has_perm(user, VIEW) and granted(user, Dataset.TRAINING)


def attendances_for(user) -> QuerySet[TrainingAttendance]:
    qs = TrainingAttendance.objects.select_related("enterprise", "department", "area")
    if sees_all(user):
        return qs
    return scoping.for_user(qs, user, VIEW)


def sessions_for(user) -> QuerySet[TrainingSession]:
    """The sessions ``user`` may read, with their attendees and organisations counted."""
    qs = TrainingSession.objects.select_related("organiser")
    if not sees_all(user):
        own = scoping.for_user(TrainingSession.objects.all(), user, VIEW).values("pk")
        attended = attendances_for(user).values("session_id")
        qs = qs.filter(Q(pk__in=own) | Q(pk__in=attended))
    return qs.annotate(
        attendee_count=Count("attendances", distinct=True),
        organisation_count=Count("attendances__enterprise", distinct=True)
        + Count("attendances__department", distinct=True)
        + Count("attendances__area", distinct=True),
    ).order_by("-held_on", "-pk")


def session_attendees(user, session: TrainingSession) -> list[TrainingAttendance]:
    """The attendees of ``session`` the user may read, by organisation then name."""
    rows = attendances_for(user).filter(session=session)
    return sorted(rows, key=lambda a: (str(a.organisation), a.person_name, a.pk))


def per_organisation(attendees: list[TrainingAttendance]) -> list[tuple[object, int]]:
    """(organisation, number of attendees), most attendees first."""
    counts: dict = {}
    for a in attendees:
        counts[a.organisation] = counts.get(a.organisation, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def enterprise_attendance(user, enterprise) -> list[TrainingAttendance]:
    """``enterprise``'s staff at training sessions that ``user`` may read, newest first."""
    return list(
        attendances_for(user).filter(enterprise=enterprise).select_related("session__organiser")
        .order_by("-session__held_on", "session_id", "person_name")
    )
