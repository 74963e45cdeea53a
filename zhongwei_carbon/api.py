"""API building blocks: every viewset reads through ``scoping.for_user`` (DESIGN.md §4.1)."""

from __future__ import annotations

from rest_framework import permissions

from zhongwei_carbon import roles, scoping


class ActionPermission(permissions.BasePermission):
    """Grants a request when the user's role allows the viewset's action for that method.

    A viewset declares ``view_action`` (GET, HEAD, OPTIONS) and optionally ``change_action``
    (other methods). Rows outside the user's scope are filtered by ``ScopedQuerysetMixin``
    and so answer 404.
    """

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            action = view.view_action
        else:
            action = getattr(view, "change_action", None)
            if action is None:
                return False
        return roles.has_perm(request.user, action)


class ScopedQuerysetMixin:
    view_action: str
    change_action: str | None = None
    permission_classes = [ActionPermission]

    def get_queryset(self):
        qs = super().get_queryset()
        method_safe = self.request.method in permissions.SAFE_METHODS
        action = self.view_action if method_safe else (self.change_action or self.view_action)
        return scoping.for_user(qs, self.request.user, action)
