"""Client addresses, and the per-address limit of the public forms (account application,
password reset): at most settings.PUBLIC_FORM_LIMIT submissions per address within
settings.PUBLIC_FORM_WINDOW. Failed logins are throttled by django-axes (accounts.lockouts),
with the same address."""

from __future__ import annotations

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


@transaction.atomic
def public_form_refusal(request, form: str) -> str | None:
    """Count this submission of a public ``form`` from the client's address, or refuse it:
    the message to show (how long to wait) when the address has used up its submissions,
    ``None`` (and the submission counted) otherwise. Every submission counts, valid or not."""
    now = timezone.now()
    window = settings.PUBLIC_FORM_WINDOW
    address = client_ip(request) or ""
    FormSubmission.objects.filter(submitted_at__lte=now - window).delete()
    hits = FormSubmission.objects.filter(form=form, address=address).values_list(
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
    FormSubmission.objects.create(form=form, address=address, submitted_at=now)
    return None
