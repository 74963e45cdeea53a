"""One FilterSet for the complaint list page, its export and the API (DESIGN.md §3)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints import selectors
from complaints.choices import Category, Status, TargetKind
from complaints.models import Complaint
from registry.models import Area
from zhongwei_carbon.forms import EMPTY_CHOICE


class ComplaintFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Number or party"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"),
                                         empty_label=EMPTY_CHOICE)
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"),
                                           empty_label=EMPTY_CHOICE)
    target_kind = django_filters.ChoiceFilter(choices=TargetKind.choices, label=_("About"),
                                              empty_label=EMPTY_CHOICE)
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), label=_("Area"),
                                            empty_label=EMPTY_CHOICE)
    month = django_filters.CharFilter(method="filter_month", label=_("Filed in (YYYY-MM)"))
    since = django_filters.CharFilter(method="filter_since", label=_("Filed from (YYYY-MM)"))
    outcome = django_filters.ChoiceFilter(choices=selectors.OUTCOME_CHOICES,
                                          method="filter_outcome", label=_("Outcome"),
                                          empty_label=EMPTY_CHOICE)
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Only those I handle"))

    class Meta:
        model = Complaint
        fields = ["q", "status", "category", "target_kind", "area", "month", "since", "outcome",
                  "mine"]

    def filter_month(self, queryset, name, value):
        month = selectors.parse_month(value)
        return queryset.filter(selectors.filed_in_month(*month)) if month else queryset

    def filter_since(self, queryset, name, value):
        month = selectors.parse_month(value)
        return queryset.filter(selectors.filed_since(*month)) if month else queryset

    def filter_outcome(self, queryset, name, value):
        q = selectors.with_outcome(value)
        return queryset.filter(q) if q is not None else queryset

    def filter_mine(self, queryset, name, value):
        """The complaints assigned to the user as handler."""
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(selectors.assigned_to(user))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(target_text__icontains=value)
            | Q(enterprise__name__icontains=value) | Q(agency__name__icontains=value)
        )
