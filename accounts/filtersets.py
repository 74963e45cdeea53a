"""The user list's filters (HTML list and export)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from zhongwei_carbon.forms import EMPTY_CHOICE
from zhongwei_carbon.roles import Role


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or user name"))
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filter_role", label=_("Role"), empty_label=EMPTY_CHOICE
    )
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))

    def filter_role(self, queryset, name, value):
        holders = Membership.objects.filter(role=value, is_active=True).values("user_id")
        return queryset.filter(pk__in=holders)
