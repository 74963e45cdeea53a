"""Sorting a list by a column, the same way on a page, in its Excel export and in its API.

A list declares its sort keys once (``SortKeys``): the public key a user clicks on (``name``)
and what it sorts by (model fields for a queryset, a function of the row for rows computed in
Python). The query parameter is ``ordering`` (``?ordering=name`` ascending,
``?ordering=-name`` descending), as for DRF and django-filter. Only declared keys are honoured:
an unknown key is ignored (the list keeps its default order), never an error. Empty values
(no figure yet) come last in both directions, and the primary key breaks ties, so a sorted
list pages the same way every time.

The FilterSet of a list carries ``SortFilter(keys)`` so the page and the API accept the same
``ordering``; the ``{% sort_header %}`` tag (``templatetags/portal.py``) draws the header link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

PARAM = "ordering"


class SortKeys:
    def __init__(self, keys: dict[str, str | tuple[str, ...] | Callable]):
        self.keys = {k: (v,) if isinstance(v, str) else v for k, v in keys.items()}

    def describe(self) -> str:
        """What the API documentation says about ``ordering`` (English, like the schema)."""
        return (
            f"Sort by a column: {', '.join(self.keys)}; prefix '-' for descending (blank "
            "figures last). Only the first key counts; an unknown key keeps the default order."
        )

    def parse(self, value) -> tuple[str, bool] | None:
        """``(key, descending)`` for a whitelisted ``value`` (the first of a comma list),
        else ``None``."""
        value = (value or "").split(",")[0].strip()
        descending = value.startswith("-")
        key = value[1:] if descending else value
        return (key, descending) if key in self.keys else None

    def order(self, qs, value, *, then: tuple[str, ...] = ("pk",)):
        """``qs`` in the order ``value`` asks for, ties in the order of ``then`` (the primary
        key unless told); an unknown or empty value leaves it as is."""
        parsed = self.parse(value)
        if parsed is None:
            return qs
        key, descending = parsed
        fields = self.keys[key]
        if descending:
            exprs = [F(name).desc(nulls_last=True) for name in fields]
        else:
            exprs = [F(name).asc(nulls_last=True) for name in fields]
        return qs.order_by(*exprs, *then)

    def sort_rows(self, rows: Iterable, value) -> list:
        """Rows computed in Python (each key maps to a function of the row), sorted the same
        way: empty values last, ties kept in their default order."""
        rows = list(rows)
        parsed = self.parse(value)
        if parsed is None:
            return rows
        key, descending = parsed
        get = self.keys[key]
        present = [r for r in rows if get(r) is not None]
        missing = [r for r in rows if get(r) is None]
        return sorted(present, key=get, reverse=descending) + missing


class SortFilter(django_filters.CharFilter):
    """The ``ordering`` filter of a FilterSet, over ``SortKeys``: one string, the API documents
    the keys, and an unknown key is ignored instead of failing the whole form."""

    def __init__(self, sort_keys: SortKeys, **kwargs):
        self.sort_keys = sort_keys
        kwargs.setdefault("label", _("Sort by"))
        super().__init__(**kwargs)
        # the OpenAPI document: any string (an unknown key is not an error), keys described
        extend_schema_field({"type": "string", "description": sort_keys.describe()})(self)

    def filter(self, qs, value):
        return self.sort_keys.order(qs, value)
