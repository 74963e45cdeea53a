"""The department list's filters (HTML list, export and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.choices import Dataset, DepartmentKind
from registry.models import Department
from zhongwei_carbon.forms import EMPTY_CHOICE


class DepartmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    kind = django_filters.ChoiceFilter(
        choices=DepartmentKind.choices, label=_("Kind"), empty_label=EMPTY_CHOICE
    )
    dataset = django_filters.ChoiceFilter(
        choices=Dataset.choices, method="filter_dataset", label=_("Holds the data"),
        empty_label=EMPTY_CHOICE,
    )
    is_active = django_filters.BooleanFilter(
        label=_("Active"), widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = Department
        fields = ["q", "kind", "dataset", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__icontains=value)
        )

    def filter_dataset(self, queryset, name, value):
        return queryset.filter(
            pk__in=Department.objects.filter(
                grants__dataset=value, grants__revoked_at__isnull=True
            ).values("pk")
        )
