"""One FilterSet per list, shared by the HTML pages and the API (DESIGN.md §3)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.choices import EnterpriseStatus
from registry.models import (
    Area,
    EmissionRecord,
    Enterprise,
    Facility,
    KeyEmitterListEntry,
    Sector,
)
from registry.selectors import lists
from zhongwei_carbon.forms import EMPTY_CHOICE, IntegerFilter
from zhongwei_carbon.sorting import SortFilter, SortKeys

# The columns the enterprise list sorts by (page, export and API: ``?ordering=-latest_emissions``).
ENTERPRISE_SORT = SortKeys({
    "name": "name",
    "uscc": "uscc",
    "area": ("area__sort_order", "area__code"),
    "sector": "sector__code",
    "status": "status",
    "latest_emissions": "latest_emissions",
    "latest_year": "latest_year",
})


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), label=_("Area"), empty_label=EMPTY_CHOICE
    )
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), label=_("Sector"), empty_label=EMPTY_CHOICE
    )
    status = django_filters.ChoiceFilter(
        choices=EnterpriseStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )
    listed_in = IntegerFilter(method="filter_listed_in", label=_("Listed in year"))
    ordering = SortFilter(ENTERPRISE_SORT)

    class Meta:
        model = Enterprise
        fields = ["q", "area", "sector", "status", "listed_in"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))

    def filter_listed_in(self, queryset, name, value):
        """Enterprises on the list of that year, among the lists the user may see (a draft is
        the bureau's: for anyone else it lists nobody)."""
        return lists.listed_in(queryset, getattr(self.request, "user", None), value)


class FacilityFilterSet(django_filters.FilterSet):
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("Enterprise"))

    class Meta:
        model = Facility
        fields = ["enterprise", "facility_type", "status"]


class EmissionRecordFilterSet(django_filters.FilterSet):
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("Enterprise"))
    year = IntegerFilter()
    area = django_filters.ModelChoiceFilter(
        field_name="enterprise__area", queryset=Area.objects.all(), label=_("Area"),
        empty_label=EMPTY_CHOICE,
    )

    class Meta:
        model = EmissionRecord
        fields = ["enterprise", "year", "source", "area"]


class ListEntryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), label=_("Area"), empty_label=EMPTY_CHOICE
    )
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), label=_("Sector"), empty_label=EMPTY_CHOICE
    )

    class Meta:
        model = KeyEmitterListEntry
        fields = ["q", "area", "sector", "change", "reason"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise_name__icontains=value) | Q(uscc__icontains=value.upper())
        )
