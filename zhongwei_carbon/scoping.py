"""Who sees what: the single entry point (DESIGN.md §4.1).

Every view, API endpoint, export and dashboard query filters through ``for_user``.
Apps register, in their ``AppConfig.ready``, how each model reaches the scope objects::

    scoping.register(Facility, area="enterprise__area", enterprise="enterprise",
                     public=Q(enterprise__status="operating"))

A membership grants an action (``roles.PERMISSIONS``); its scope kind selects the
path: city-wide roles see every row, an area official rows whose ``area`` path equals its
area, an enterprise user rows of its enterprise, agency staff rows of its agency, a
department liaison rows of its department (or bank). A model
without a path for a scope kind shows nothing to that kind. Out of scope means "not found".

A model may also name the users assigned to a row (``assignee="inspectors__inspector__user"``):
a row naming the user is within his scope for every action his role allows (a county official
drawn to inspect an enterprise of another county sees that inspection), and for the actions
of ``roles.ASSIGNED_ONLY`` those rows are his whole scope, whatever his scope kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet

from zhongwei_carbon import roles
from zhongwei_carbon.roles import ScopeKind


@dataclass(frozen=True)
class ScopeRule:
    area: str | None = None
    enterprise: str | None = None
    agency: str | None = None
    department: str | None = None  # a city department's or bank's rows (programme liaisons)
    public: Q | None = None  # rows anyone, even anonymous, may see for a view action
    assignee: str | None = None  # path to the users assigned to the row


_RULES: dict[type[Model], ScopeRule] = {}


def register(model: type[Model], **paths) -> None:
    _RULES[model] = ScopeRule(**paths)


def rule_for(model: type[Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} has no scope rule: register it in its app's AppConfig.ready"
        ) from None


def public(qs: QuerySet) -> QuerySet:
    """Rows the public may see (published lists, disclosures); none if not declared."""
    rule = rule_for(qs.model)
    return qs.filter(rule.public) if rule.public is not None else qs.none()


def scope_q(model: type[Model], user, action: str) -> Q | None:
    """The filter for ``user`` and ``action`` on ``model``; ``None`` means no rows at all."""
    rule = rule_for(model)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    allowed = roles.roles_for(action)
    held = [m for m in roles.memberships(user) if m.role in allowed]
    if not held:
        return None
    assigned = _assigned_q(model, rule, user)
    if action in roles.ASSIGNED_ONLY:
        return assigned
    clauses: list[Q] = [assigned] if assigned is not None else []
    for m in held:
        kind = roles.ROLE_SCOPE[m.role]
        if kind == ScopeKind.CITY:
            return Q()
        path = getattr(rule, kind)
        scope_id = getattr(m, f"{kind}_id")
        if path is not None and scope_id is not None:
            clauses.append(Q(**{path: scope_id}))
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def _assigned_q(model: type[Model], rule: ScopeRule, user) -> Q | None:
    """Rows naming ``user`` through the model's ``assignee`` path (a subquery, so that a row
    with several assignees is never returned twice)."""
    if rule.assignee is None:
        return None
    rows = model._default_manager.filter(**{rule.assignee: user.pk}).values("pk")
    return Q(pk__in=rows)


def is_view_action(action: str) -> bool:
    return ".view_" in action


def for_user(qs: QuerySet, user, action: str) -> QuerySet:
    """Restrict ``qs`` to the rows ``user`` may reach for ``action``.

    For a view action, rows the model declares public are reachable by anyone.
    """
    q = scope_q(qs.model, user, action)
    public_q = rule_for(qs.model).public if is_view_action(action) else None
    if (q is not None and not q) or (public_q is not None and not public_q):
        return qs  # city-wide scope, or rows public without condition
    if q is None and public_q is None:
        return qs.none()
    if q is None:
        return qs.filter(public_q)
    return qs.filter(q | public_q) if public_q is not None else qs.filter(q)


def can(user, action: str, obj: Model) -> bool:
    """Is ``obj`` within the user's scope for ``action``?"""
    return for_user(type(obj)._default_manager.all(), user, action).filter(pk=obj.pk).exists()


def covers(user, action: str, obj: Model) -> bool:
    """``can`` without a query, for a row already loaded: does one of the user's memberships
    allowed ``action`` reach ``obj`` through the model's scope paths? (Paths are followed on
    the loaded object; use it for models whose paths are its own fields, like Enterprise.
    A model with an ``assignee`` path is asked with ``can``: assignees need a query.)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = rule_for(type(obj))
    if rule.assignee is not None:
        return can(user, action, obj)
    allowed = roles.roles_for(action)
    for m in roles.memberships(user):
        if m.role not in allowed:
            continue
        kind = roles.ROLE_SCOPE[m.role]
        if kind == ScopeKind.CITY:
            return True
        path, scope_id = getattr(rule, kind), getattr(m, f"{kind}_id")
        if path is None or scope_id is None:
            continue
        target = obj
        *hops, last = path.split("__")
        for hop in hops:
            target = getattr(target, hop, None)
        if target is None:
            continue
        value = target.pk if last == "pk" else getattr(target, f"{last}_id", None)
        if value == scope_id:
            return True
    return False
