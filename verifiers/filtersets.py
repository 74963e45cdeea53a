"""One FilterSet per list, shared by the HTML pages and the API (DESIGN.md §3)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from verifiers.choices import AgencyStatus
from verifiers.models import Agency
from zhongwei_carbon.forms import EMPTY_CHOICE


class AgencyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    status = django_filters.ChoiceFilter(
        choices=AgencyStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )

    class Meta:
        model = Agency
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))
