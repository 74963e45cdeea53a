"""The one FilterSet of the climate-finance project list (the page, its export, the API)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from programme.models import ClimateCategory, ClimateProjectStatus, ClimateSubtype
from programme.selectors.finance import search_q
from registry.models import Area
from zhongwei_carbon.forms import EMPTY_CHOICE, BootstrapMixin


class _StyledForm(BootstrapMixin, forms.Form):
    pass


class ClimateProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Title, enterprise or description"))
    status = django_filters.ChoiceFilter(
        choices=ClimateProjectStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE)
    category = django_filters.ChoiceFilter(
        choices=ClimateCategory.choices, label=_("Category"), empty_label=EMPTY_CHOICE)
    subtype = django_filters.ChoiceFilter(
        choices=ClimateSubtype.choices, label=_("Sub-type"), empty_label=EMPTY_CHOICE)
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), label=_("Area"), empty_label=EMPTY_CHOICE)

    class Meta:
        form = _StyledForm
        fields = ["q", "status", "category", "subtype", "area"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(search_q(value)) if value else queryset
