"""Client addresses, and the per-address limit of the public forms (account application,
password reset): at most settings.PUBLIC_FORM_LIMIT submissions per address within
settings.PUBLIC_FORM_WINDOW. Failed logins are throttled by django-axes (accounts.lockouts),
with the same address.

A submission is stored with a keyed hash of the address (``address_key``), never the address:
the rows tell whether one address came back, not which address it was (the complaint channel
promises the filer that much). Rows older than the window are deleted on every submission and
by ``purge_expired`` (run on a schedule), so none outlives the window for long."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from accounts import rules
from accounts.models import FormSubmission

REGISTRATION = "registration"
PASSWORD_RESET = "password_reset"


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies
    the address the outermost one saw (each appends its peer to X-Forwarded-For, so that is
    the entry that many places from the right; entries further left are the client's own
    words and never trusted). Also django-axes' AXES_CLIENT_IP_CALLABLE."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= count:
            address = _ip(forwarded[-count])
            if address:
                return address
    return _ip(request.META.get("REMOTE_ADDR"))


def address_key(address: str) -> str:
    """The keyed hash (HMAC-SHA256, key derived from SECRET_KEY) a submission is stored with."""
    key = hashlib.sha256(b"accounts.throttle.address:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def purge_expired(*, forms=None, now=None) -> int:
    """Delete the submissions older than the window (of ``forms``, or of every form); how many."""
    now = now or timezone.now()
    rows = FormSubmission.objects.filter(submitted_at__lte=now - settings.PUBLIC_FORM_WINDOW)
    if forms is not None:
        rows = rows.filter(form__in=list(forms))
    return rows.delete()[0]


@transaction.atomic
def public_form_refusal(request, form: str) -> str | None:
    """Count this submission of a public ``form`` from the client's address, or refuse it:
    the message to show (how long to wait) when the address has used up its submissions,
    ``None`` (and the submission counted) otherwise. Every submission counts, valid or not."""
    now = timezone.now()
    window = settings.PUBLIC_FORM_WINDOW
    address = address_key(client_ip(request) or "")
    purge_expired(now=now)
    hits = FormSubmission.objects.filter(form=form, address_hash=address).values_list(
        "submitted_at", flat=True
    )
    retry = rules.window_retry_after(
        hits, limit=settings.PUBLIC_FORM_LIMIT, window=window, now=now
    )
    if retry is not None:
        minutes = rules.minutes_to_wait(retry, now)
        return ngettext(
            "Too many submissions from your network address. Please try again in %(minutes)d minute.",
            "Too many submissions from your network address. Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    FormSubmission.objects.create(form=form, address_hash=address, submitted_at=now)
    return None
