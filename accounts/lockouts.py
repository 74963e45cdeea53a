"""Login lockouts (django-axes): what a refused user is told, and which user names and
addresses are locked (the bureau's list at /accounts/lockouts/).

django-axes keeps one ``AccessAttempt`` row per user name, address and browser with the
failures counted since its first one; ``settings.AXES_LOCKOUT_PARAMETERS`` locks a user name
and an address separately, each once its rows within the cool-off add up to the limit. A
user name that belongs to no account is counted and locked exactly like a real one, so the
login page never tells which user names exist.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import rules
from accounts.backends import failure_limit
from accounts.models import User

USERNAME, ADDRESS = "username", "ip_address"
KIND_LABELS = {USERNAME: _("User name"), ADDRESS: _("Network address")}


@dataclass
class Lockout:
    kind: str  # USERNAME or ADDRESS
    key: str
    failures: int
    last_failure: datetime
    ends: datetime
    user: User | None = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _within_cooloff(qs: QuerySet, now: datetime) -> QuerySet:
    return qs.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)


def _ends(kind: str, rows) -> datetime | None:
    return rules.lockout_ends(rows, limit=failure_limit(kind), cooloff=settings.AXES_COOLOFF_TIME)


def active(qs: QuerySet, *, now: datetime | None = None) -> list[Lockout]:
    """The user names and addresses locked now, among the attempts ``qs`` (the caller's
    scoped ``AccessAttempt`` queryset), the most recent failure first."""
    now = now or timezone.now()
    groups: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    for username, address, when, count in _within_cooloff(qs, now).values_list(
        "username", "ip_address", "attempt_time", "failures_since_start"
    ):
        for kind, key in ((USERNAME, username), (ADDRESS, address)):
            if key:
                groups[kind, key].append((when, count))
    found = []
    for (kind, key), rows in groups.items():
        ends = _ends(kind, rows)
        if ends is not None and ends > now:
            found.append(
                Lockout(
                    kind=kind,
                    key=key,
                    failures=sum(c for _, c in rows),
                    last_failure=max(t for t, _ in rows),
                    ends=ends,
                )
            )
    users = User.objects.in_bulk(
        [lk.key for lk in found if lk.kind == USERNAME], field_name="username"
    )
    for lockout in found:
        if lockout.kind == USERNAME:
            lockout.user = users.get(lockout.key)
    return sorted(found, key=lambda lk: (lk.last_failure, lk.kind, lk.key), reverse=True)


def wait_minutes(*, username: str | None, address: str | None, now: datetime | None = None) -> int:
    """Minutes until logins with ``username`` from ``address`` are allowed again (the longer
    of the two locks; the whole cool-off if neither is found, which cannot normally happen
    while axes refuses the login)."""
    now = now or timezone.now()
    attempts = _within_cooloff(AccessAttempt.objects.all(), now)
    ends = []
    for kind, key in ((USERNAME, username), (ADDRESS, address)):
        if key:
            end = _ends(
                kind, attempts.filter(**{kind: key}).values_list("attempt_time", "failures_since_start")
            )
            if end is not None:
                ends.append(end)
    until = max(ends) if ends else now + settings.AXES_COOLOFF_TIME
    return rules.minutes_to_wait(until, now)


def message(minutes: int) -> str:
    return ngettext(
        "Too many failed log-ins with this user name or from this network address. "
        "Please try again in %(minutes)d minute.",
        "Too many failed log-ins with this user name or from this network address. "
        "Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """settings.AXES_LOCKOUT_CALLABLE: the login page again, status 429, saying how long to
    wait, with the same words whether the user name exists or not."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    minutes = wait_minutes(username=username, address=getattr(request, "axes_ip_address", None))
    form = AuthenticationForm(request, initial={"username": username[:150]})
    next_url = request.POST.get("next", request.GET.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "lockout_message": message(minutes),
            "next": next_url,
        },
        status=429,
    )


def clear_after_login(sender, request, user, **kwargs):
    """A successful login clears the failures counted for its user name (the lock counts
    failures in a row); the address keeps the failures it made with other user names."""
    AccessAttempt.objects.filter(username=user.get_username()).delete()
