"""Form helpers shared by every app."""

import django_filters
from django import forms
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


class BootstrapMixin:
    """Bootstrap 5 classes on every widget, and ``is-invalid`` on fields with errors
    (also on errors a service reported after validation)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    def service_data(self) -> dict:
        """The cleaned values of the form's own fields, as keyword data for a service."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


# The empty choice of every filter select (the same words as templates/includes/empty_option.html).
EMPTY_CHOICE = pgettext_lazy("filter empty choice", "All")


def with_empty_choice(choices) -> list:
    """A filter's choices after the one empty choice (全部)."""
    return [("", EMPTY_CHOICE), *[(v, label) for v, label in choices if v not in ("", None)]]


class _OpenChoiceField(django_filters.fields.ChoiceField):
    def valid_value(self, value):
        return True


@extend_schema_field(OpenApiTypes.STR)
class OpenChoiceFilter(django_filters.ChoiceFilter):
    """A select whose choices are rows (units, organisers) that come and go: the page shows
    them as a select, but a value that is not (or no longer) one of them matches nothing
    instead of refusing the request, so an API caller's stale value is an empty list, not an
    error (the filter's method must treat an unknown value as "no rows")."""

    field_class = _OpenChoiceField


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter (ids, years, months). django-filter's NumberFilter takes any
    decimal, so ``?year=0.5`` would silently match nothing instead of being refused."""

    field_class = forms.IntegerField
