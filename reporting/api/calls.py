"""Calling a service from the API: its errors become DRF answers with the service's message.

``ValidationError`` (including a forbidden workflow transition, ``TransitionError``) → 400,
field errors under the field's name, others under ``non_field_errors``;
``PermissionDenied`` → 403 with the service's message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings


def as_detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if k == "__all__" else k): [str(x) for x in v]
            for k, v in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(x) for x in exc.messages]}


def call(service, **kwargs):
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(as_detail(exc)) from None
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from None
