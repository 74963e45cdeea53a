"""The authentication backend that refuses logins while a user name or an address is locked
(django-axes; settings.AUTHENTICATION_BACKENDS puts it before Django's ModelBackend)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum

from accounts import rules


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that comes with a request: the login page,
    /admin/ and any API authentication all pass one.

    ``authenticate()`` called without a request (the test client's ``login()``, a shell) is
    not a login over the network and has no address to throttle: it goes on to the next
    backend unchecked, where django-axes would raise an error instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per lockout parameter: a user name is locked
    after ``AXES_FAILURE_LIMIT`` failures, a network address after
    ``LOGIN_ADDRESS_FAILURE_LIMIT`` (settings.py says why they differ)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        user_limit = settings.AXES_FAILURE_LIMIT
        worst = 0
        # one queryset per entry of AXES_LOCKOUT_PARAMETERS, in that order
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            limit = failure_limit(parameter)
            worst = max(worst, rules.failures_on_user_scale(failures, limit=limit, user_limit=user_limit))
        return worst


def failure_limit(parameter: str) -> int:
    """Failures within the cool-off that lock a user name ("username") or an address."""
    if parameter == "ip_address":
        return settings.LOGIN_ADDRESS_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT
