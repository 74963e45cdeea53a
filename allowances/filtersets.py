"""FilterSets of the allowance lists (DESIGN.md §3: one FilterSet for the HTML list and the API)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from allowances.choices import PledgeStatus
from registry.choices import DepartmentKind
from registry.models import Area, Department, Sector
from zhongwei_carbon.forms import EMPTY_CHOICE, BootstrapMixin
from zhongwei_carbon.sorting import SortFilter, SortKeys


class _StyledForm(BootstrapMixin, forms.Form):
    pass


# The columns the account list sorts by (page, export and API: ``?ordering=-cea_balance``);
# the balances are the annotations of ``selectors.accounts.accounts_for``.
ACCOUNT_SORT = SortKeys({
    "enterprise": "enterprise__name",
    "uscc": "enterprise__uscc",
    "area": ("enterprise__area__sort_order", "enterprise__area__code"),
    "sector": "enterprise__sector__code",
    "cea_balance": "cea_balance",
    "ccer_balance": "ccer_balance",
})


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    area = django_filters.ModelChoiceFilter(
        field_name="enterprise__area", queryset=Area.objects.all(), label=_("Area"),
        empty_label=EMPTY_CHOICE,
    )
    sector = django_filters.ModelChoiceFilter(
        field_name="enterprise__sector", queryset=Sector.objects.all(), label=_("Sector"),
        empty_label=EMPTY_CHOICE,
    )
    ordering = SortFilter(ACCOUNT_SORT)

    class Meta:
        form = _StyledForm
        fields = ["q", "area", "sector"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value.upper())
        )


class PledgeFilterSet(django_filters.FilterSet):
    """The pledge list (page, export): status, pledgee bank, enterprise name or contract."""

    q = django_filters.CharFilter(method="search", label=_("Enterprise or contract number"))
    status = django_filters.ChoiceFilter(
        choices=PledgeStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )
    pledgee = django_filters.ModelChoiceFilter(
        queryset=Department.objects.filter(kind=DepartmentKind.BANK), label=_("Pledgee bank"),
        empty_label=EMPTY_CHOICE,
    )

    class Meta:
        form = _StyledForm
        fields = ["q", "status", "pledgee"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(account__enterprise__name__icontains=value) | Q(contract_number__icontains=value)
        )
