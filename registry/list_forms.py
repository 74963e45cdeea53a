"""Forms of the key-emitter list pages (registry/views/lists.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.services.lists import MAX_YEAR, MIN_YEAR


def next_year() -> int:
    return timezone.localdate().year + 1


class DraftListForm(forms.Form):
    year = forms.IntegerField(
        label=_("List year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("The list is decided from the records of the year before (the basis year)."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class PublishListForm(forms.Form):
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        help_text=_("The number of the notice the list is published under, e.g. 卫环发〔2026〕1号."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
