"""FilterSets of the reporting lists (DESIGN.md §3: one FilterSet for the HTML list and the API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reporting.choices import LedgerStatus, ReportStatus
from reporting.models import AnnualReport, EmissionFactor, FactorApplicability, MonthlyLedger
from zhongwei_carbon.forms import EMPTY_CHOICE, IntegerFilter
from zhongwei_carbon.sorting import SortFilter, SortKeys

# The columns the report list sorts by (page, export and API: ``?ordering=-total``);
# ``total`` is the reported figure (the current version), ``verified_total`` the verified one.
REPORT_SORT = SortKeys({
    "year": "year",
    "enterprise": "enterprise__name",
    "area": ("enterprise__area__sort_order", "enterprise__area__code"),
    "status": "status",
    "version": "current_version__number",
    "total": "current_version__total_emissions",  # the reported figure
    "verified_total": "final_emissions",
    "ledger_total": "current_version__ledger_total",
})


class ReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    year = IntegerFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(
        choices=ReportStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("Enterprise"))
    ordering = SortFilter(REPORT_SORT)

    class Meta:
        model = AnnualReport
        fields = ["q", "year", "status", "enterprise"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value.upper())
        )


class LedgerFilterSet(django_filters.FilterSet):
    year = IntegerFilter(label=_("Year"))
    month = IntegerFilter(label=_("Month"))
    status = django_filters.ChoiceFilter(
        choices=LedgerStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("Enterprise"))
    facility = IntegerFilter(field_name="facility_id", label=_("Facility"))

    class Meta:
        model = MonthlyLedger
        fields = ["year", "month", "status", "enterprise", "facility"]


class EmissionFactorFilterSet(django_filters.FilterSet):
    data_year = IntegerFilter()

    class Meta:
        model = EmissionFactor
        fields = ["kind", "region", "data_year"]


class FactorApplicabilityFilterSet(django_filters.FilterSet):
    reporting_year = IntegerFilter()

    class Meta:
        model = FactorApplicability
        fields = ["reporting_year", "kind"]
