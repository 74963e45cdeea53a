"""Choosing one row among thousands: a text field with search-as-you-type (issue 11).

A ``<select>`` of every enterprise or account of the city grows with the city (5,000
enterprises: 400 KB per page). Instead the form field is a text input that takes the row's
key (the unified social credit code) and is checked on the server against the same scoped
queryset the ``<select>`` had; ``static/js/lookup.js`` turns it into a search field that asks
a JSON endpoint (``respond``) for the rows matching what is typed, within the user's scope,
and fills in the key of the row picked. Without JavaScript the user types the code.

    field = LookupField(
        scoped_enterprises, key="uscc", url="accounts:enterprise_lookup",
        describe=enterprise_label, not_found=NOT_FOUND_MESSAGE,
    )

    @web.require(ACTION)
    def enterprise_lookup(request):
        return lookup.respond(request, scoped_enterprises, key="uscc",
                              search=("name", "uscc"), describe=enterprise_label)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import reduce
from operator import attrgetter, or_

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongwei_carbon import uscc

LIMIT = 20  # rows an endpoint answers; the search narrows, it never pages
MAX_QUERY = 100  # characters of a search taken into account
NOTHING_FOUND = _("Nothing found.")
PLACEHOLDER = _("Type part of the name or the credit code")


def _getter(key: str) -> Callable[[Model], object]:
    return attrgetter(key.replace("__", "."))


def label(name, code, *more) -> str:
    """A row as the search lists it: ``name（code） · more``."""
    return " · ".join([f"{name}（{code}）", *(str(m) for m in more if m)])


class LookupInput(forms.TextInput):
    """The text input of a ``LookupField``: the key as its value, the chosen row's label
    under it, and the data ``static/js/lookup.js`` needs (endpoint, messages)."""

    template_name = "zhongwei_carbon/widgets/lookup_input.html"

    class Media:
        js = ["js/lookup.js"]

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.field = None  # set by the field: its queryset, key and label

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.field = None  # the copied field sets itself (LookupField.__deepcopy__)
        return result

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field, final = self.field, context["widget"]["attrs"]
        box = final.get("id", name)
        final.update({
            "data-lookup": reverse(field.url),
            "data-lookup-empty": str(field.empty_text),
            "data-lookup-more": str(_("More rows match: type more of the name or code.")),
            "data-lookup-failed": str(_("The search did not answer; type the code instead.")),
            "placeholder": str(field.placeholder),
            "role": "combobox",
            "aria-controls": f"{box}-results",
            "aria-describedby": " ".join(filter(None, [f"{box}-chosen", final.get("aria-describedby")])),
            "aria-autocomplete": "list",
            "aria-expanded": "false",
        })
        context["widget"]["chosen"] = field.label_of_key(value) if value else None
        return context


class LookupField(forms.ModelChoiceField):
    """One row of ``queryset`` (scope it for the form's action), given by its ``key``
    (typed, or filled in by the search). Cleans to the model instance, like the
    ``ModelChoiceField`` it replaces; a key outside the queryset is ``not_found``."""

    widget = LookupInput

    def __init__(
        self,
        queryset,
        *,
        key: str,
        url: str,
        describe: Callable[[Model], str],
        not_found,
        empty_text=NOTHING_FOUND,
        placeholder=PLACEHOLDER,
        normalize: Callable[[str], str] = uscc.normalize,
        **kwargs,
    ):
        self.key, self.url, self.describe = key, url, describe
        self.empty_text, self.placeholder, self.normalize = empty_text, placeholder, normalize
        kwargs.setdefault("error_messages", {})["invalid_choice"] = not_found
        super().__init__(queryset, **kwargs)
        self.widget.field = self

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.field = result
        return result

    def prepare_value(self, value):
        """The key shown in the input: of a row, of a primary key (an ``initial``), or what
        was typed."""
        if isinstance(value, Model):
            return _getter(self.key)(value)
        if isinstance(value, int):
            row = self.queryset.filter(pk=value).first()
            return _getter(self.key)(row) if row is not None else ""
        return value

    def to_python(self, value):
        value = self.normalize(value or "")
        if value in self.empty_values:
            return None
        row = self.queryset.filter(**{self.key: value}).first()
        if row is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": value},
            )
        return row

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != self.normalize(data or "")

    def label_of_key(self, value) -> str | None:
        """The label of the row whose key is ``value`` within the queryset (shown under the
        input after a reload), or ``None``."""
        value = self.normalize(str(value))
        row = self.queryset.filter(**{self.key: value}).first() if value else None
        return self.describe(row) if row is not None else None


def search_q(fields: Sequence[str], text: str) -> Q:
    """Rows where any of ``fields`` contains ``text``, whatever its case."""
    return reduce(or_, [Q(**{f"{name}__icontains": text}) for name in fields])


def respond(
    request,
    queryset: QuerySet,
    *,
    key: str,
    search: Sequence[str],
    describe: Callable[[Model], str],
    order: Sequence[str] = ("pk",),
) -> JsonResponse:
    """The endpoint of a ``LookupField``: ``?q=`` → ``{"results": [{"value", "label"}],
    "more": bool}``, at most ``LIMIT`` rows of ``queryset`` (already scoped by the caller).
    An empty query answers nothing, never the first rows of the city."""
    text = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    if not text:
        return JsonResponse({"results": [], "more": False})
    rows = list(queryset.filter(search_q(search, text)).order_by(*order)[: LIMIT + 1])
    get = _getter(key)
    return JsonResponse({
        "results": [{"value": get(row), "label": describe(row)} for row in rows[:LIMIT]],
        "more": len(rows) > LIMIT,
    })
