"""Who a deadline source's reminders go to, read in one query per call: the members of
each area, agency or enterprise holding the given roles, and the bureau. A source asks once
for every item it yields (never per item), so its queries stay constant."""

from __future__ import annotations


def by_scope(field: str, ids, roles) -> dict[int, tuple]:
    """Active users holding an active membership with one of ``roles``, by the value of
    the membership's ``field`` (``area_id``, ``agency_id``, ``enterprise_id``) in ``ids``."""
    from accounts.models import Membership

    ids = [pk for pk in set(ids) if pk is not None]
    if not ids:
        return {}
    found: dict[int, dict] = {}
    qs = Membership.objects.filter(
        is_active=True, user__is_active=True, role__in=list(roles), **{f"{field}__in": ids}
    ).select_related("user")
    for m in qs:
        found.setdefault(getattr(m, field), {})[m.user_id] = m.user
    return {pk: tuple(users.values()) for pk, users in found.items()}


def area_officials(area_ids) -> dict[int, tuple]:
    """The county/park officials of each area (one query)."""
    from zhongwei_carbon.roles import Role

    return by_scope("area_id", area_ids, [Role.AREA_OFFICIAL])


def agency_staff(agency_ids) -> dict[int, tuple]:
    """The portal users of each agency (one query)."""
    from zhongwei_carbon.roles import Role

    return by_scope("agency_id", agency_ids, [Role.AGENCY_STAFF])


def holders(roles) -> tuple:
    """Every active user holding one of ``roles`` city-wide (one query): the bureau users
    who may take a step (``roles.roles_for(Perm.X)``)."""
    from accounts.models import Membership

    qs = Membership.objects.filter(
        is_active=True, user__is_active=True, role__in=list(roles)
    ).select_related("user")
    return tuple({m.user_id: m.user for m in qs}.values())
