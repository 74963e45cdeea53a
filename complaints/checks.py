"""``manage.py check --deploy``: production needs its own key for the filers' identities."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def encryption_key(app_configs, **kwargs):
    key = getattr(settings, "COMPLAINTS_ENCRYPTION_KEY", "")
    if settings.DEBUG:
        return []
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return [Error(
            "COMPLAINTS_ENCRYPTION_KEY is missing or not a Fernet key: the complainants' "
            "identities could not be stored (see .env.example).", id="complaints.E001",
        )]
    return []
