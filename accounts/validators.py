"""Password validators (settings.AUTH_PASSWORD_VALIDATORS).

Django's own validators are used as they are, except the minimum length: its error message
changed wording in Django 5.2 and Django's zh_Hans catalog does not have the new one yet,
so a user would read it in English. This subclass keeps Django's rule and says it in the
portal's own catalog (its help text is translated by Django).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: it must have at least %(min_length)d character.",
            "This password is too short: it must have at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

