"""``manage.py check --deploy``: production needs its own key (or keys, while rotating) for
the filers' identities; a key that is not a Fernet key is an error wherever it is set."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from complaints import crypto


@register(Tags.security, deploy=True)
def encryption_key(app_configs, **kwargs):
    keys = crypto.configured_keys()
    if not keys:
        if settings.DEBUG:
            return []
        return [Error(
            "COMPLAINTS_ENCRYPTION_KEY is missing: the complainants' "
            "identities could not be stored (see .env.example).", id="complaints.E001",
        )]
    bad = crypto.malformed_positions(keys)
    if bad:
        positions = ", ".join(map(str, bad))
        return [Error(
            f"COMPLAINTS_ENCRYPTION_KEY: key number {positions} of {len(keys)} is not a Fernet "
            "key (32 url-safe base64 bytes; several keys are separated by commas, the first "
            "encrypts).", id="complaints.E002",
        )]
    return []
