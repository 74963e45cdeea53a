"""How a stored value is shown to a person: the one renderer of history values, activity
lines and ledger references (issue 9, point 9).

Never a database id or a code: users by name, related records by their name, choices by
their label, booleans as 是/否, files by their name (not the storage path), dates formatted,
ledger references in words. ``zhongwei_carbon`` is the lowest layer, so the apps that own a
kind of reference (``penalty:12``) register its formatter here from their AppConfig.ready
(``register_reference``); core never imports them.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

EMPTY = "—"

_reference_formatters: dict[str, Callable[[str], str | None]] = {}
_field_formatters: dict[tuple[str, str], Callable] = {}

# Django's storage appends "_" + 7 random characters to a name already taken.
_STORAGE_SUFFIX = re.compile(r"_[A-Za-z0-9]{7}(?=\.[^.]+$)")


def register_reference(prefix: str, formatter: Callable[[str], str | None]) -> None:
    """``formatter(rest)`` words a ledger reference ``"<prefix>:<rest>"`` (``None`` when it
    cannot, e.g. the record is gone: the reference is then shown as stored)."""
    _reference_formatters[prefix] = formatter


def register_field(model_label: str, field_name: str, formatter: Callable) -> None:
    """``formatter(raw)`` words the stored value of a field that holds structured data (a
    JSON list of vintages and tonnes, of CCER projects …), for its owning app."""
    _field_formatters[(model_label, field_name)] = formatter


def reference(text: str | None) -> str:
    """A ledger reference in words (``final_allocation:2025`` → 2025年度核定配额); a reference
    typed by a person (a trade number) is shown as typed."""
    if not text:
        return EMPTY
    prefix, sep, rest = str(text).partition(":")
    formatter = _reference_formatters.get(prefix) if sep else None
    if formatter is None:
        return str(text)
    try:
        worded = formatter(rest)
    except (ValueError, LookupError):
        worded = None
    return str(worded) if worded else str(text)


def yes_no(value) -> str:
    if value is None:
        return EMPTY
    return _("Yes") if value else _("No")


def person(user) -> str:
    """A user by name: full name, else username; ``System`` for none."""
    if user is None:
        return _("System")
    return getattr(user, "full_name", "") or getattr(user, "username", "") or str(user)


def file_name(value) -> str:
    """A stored file by its name, without the storage folders or the random suffix."""
    name = getattr(value, "name", value)
    if not name:
        return EMPTY
    return _STORAGE_SUFFIX.sub("", os.path.basename(str(name)))


def when(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "Y-m-d")
    return str(value)


def related(obj) -> str:
    """A related record by its name (a user by full name, a deleted one by its kind)."""
    if obj is None:
        return EMPTY
    model = getattr(obj, "model", None)
    if model is not None and not isinstance(obj, models.Model):  # simple-history DeletedObject
        if getattr(obj, "pk", None) is None:  # what it gives for an empty foreign key
            return EMPTY
        return _("%(kind)s (deleted)") % {"kind": model._meta.verbose_name}
    if hasattr(obj, "full_name") and hasattr(obj, "username"):
        return person(obj)
    return str(obj)


def _plain(value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return when(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else str(value)
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{k}: {_plain(v)}" for k, v in value.items()) or EMPTY
    return str(value)


def value(field, raw) -> str:
    """``raw`` (a stored value of ``field``, or the related object for a foreign key) as a
    person reads it."""
    model = getattr(field, "model", None)
    custom = _field_formatters.get((model._meta.label, field.name)) if model else None
    if custom is not None:
        return str(custom(raw)) if raw not in (None, "", [], {}) else EMPTY
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        if raw is None or raw == "":
            return EMPTY
        if isinstance(raw, models.Model) or hasattr(raw, "model"):
            return related(raw)
        target = field.related_model._default_manager.filter(pk=raw).first()
        return related(target) if target is not None else _(
            "%(kind)s (deleted)"
        ) % {"kind": field.related_model._meta.verbose_name}
    if isinstance(field, models.FileField):
        return file_name(raw)
    if isinstance(field, models.BooleanField):
        return yes_no(raw)
    if getattr(field, "choices", None):
        choices = dict(field.flatchoices)
        if raw in choices:
            return str(choices[raw])
    return _plain(raw)


def field_value(obj, name: str) -> str:
    """The current value of ``obj.<name>`` in words (for change messages)."""
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        return value(field, getattr(obj, name))
    return value(field, getattr(obj, field.attname))


def changes(model, record, older, exclude=()) -> list[dict]:
    """Field-level before/after between two history records of ``model``, in words."""
    delta = record.diff_against(older, excluded_fields=list(exclude), foreign_keys_are_objs=True)
    rows = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        rows.append(
            {
                "field": field.verbose_name,
                "old": value(field, change.old),
                "new": value(field, change.new),
            }
        )
    return rows


def history_rows(obj, limit: int = 50, exclude: tuple[str, ...] = ()) -> list[dict]:
    """django-simple-history records of ``obj``, newest first, each with its field-level
    changes in words; fields in ``exclude`` are left out."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    rows = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        rows.append(
            {
                "record": record,
                "user": person(record.history_user) if record.history_user_id else _("System"),
                "changes": changes(type(obj), record, older, exclude) if older else [],
            }
        )
    return rows


def field_labels(model, names) -> str:
    """Field names as their labels, joined (「联系电话、地址」, never ``phone, address``)."""
    return "、".join(str(model._meta.get_field(n).verbose_name) for n in sorted(names))
