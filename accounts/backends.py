"""The authentication backend that refuses logins while a user name or an address is locked
(django-axes; settings.AUTHENTICATION_BACKENDS puts it before Django's ModelBackend)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


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
