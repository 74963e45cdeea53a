"""Filters of the core's lists (HTML list and export share them)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhongwei_carbon.forms import EMPTY_CHOICE
from zhongwei_carbon.models import MailFailure, Topic


class MailFailureFilterSet(django_filters.FilterSet):
    """The bureau's list of failed e-mails: search, kind, the notice's topic, failure dates."""

    q = django_filters.CharFilter(method="search", label=_("Recipient, address or subject"))
    kind = django_filters.ChoiceFilter(choices=MailFailure.Kind.choices,
                                       label=pgettext_lazy("mail", "Kind"), empty_label=EMPTY_CHOICE)
    topic = django_filters.ChoiceFilter(field_name="notification__topic", choices=Topic.choices,
                                        label=_("Topic"), empty_label=EMPTY_CHOICE)
    failed_from = django_filters.DateFilter(
        field_name="failed_at", lookup_expr="date__gte", label=_("Failed from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    failed_to = django_filters.DateFilter(
        field_name="failed_at", lookup_expr="date__lte", label=_("Failed until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = MailFailure
        fields = ["q", "kind", "topic", "failed_from", "failed_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(address__icontains=value) | Q(subject__icontains=value)
            | Q(recipient__full_name__icontains=value) | Q(recipient__username__icontains=value)
        )
