"""One FilterSet per list, shared by the HTML pages and the API (DESIGN.md §3)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.choices import (
    CaseStatus,
    Conclusion,
    InspectionStatus,
    InspectionTrigger,
    InspectorKind,
    PlanStatus,
    TargetKind,
    ViolationArticle,
)
from oversight.models import Inspection, InspectionPlan, Inspector, ViolationCase
from oversight.selectors import inspections as inspection_selectors
from registry.models import Area
from zhongwei_carbon.forms import EMPTY_CHOICE, IntegerFilter


def _search(queryset, fields, value):
    value = value.strip()
    if not value:
        return queryset
    q = Q()
    for field in fields:
        q |= Q(**{f"{field}__icontains": value})
    return queryset.filter(q)


class PlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Title"))
    year = IntegerFilter(field_name="year", label=_("Year"))
    status = django_filters.ChoiceFilter(
        choices=PlanStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )

    class Meta:
        model = InspectionPlan
        fields = ["q", "year", "status"]

    def search(self, queryset, name, value):
        return _search(queryset, ["title"], value)


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Inspected"))
    plan = IntegerFilter(field_name="plan", label=_("Plan"))
    year = IntegerFilter(field_name="plan__year", label=_("Plan year"))
    target_kind = django_filters.ChoiceFilter(
        choices=TargetKind.choices, label=_("Target kind"), empty_label=EMPTY_CHOICE
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), label=_("Area"), empty_label=EMPTY_CHOICE
    )
    trigger = django_filters.ChoiceFilter(
        choices=InspectionTrigger.choices, label=_("Trigger"), empty_label=EMPTY_CHOICE
    )
    status = django_filters.ChoiceFilter(
        choices=InspectionStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )
    conclusion = django_filters.ChoiceFilter(
        choices=Conclusion.choices, label=_("Conclusion"), empty_label=EMPTY_CHOICE
    )
    enterprise = IntegerFilter(field_name="enterprise", label=_("Enterprise"))
    agency = IntegerFilter(field_name="agency", label=_("Agency"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Only mine"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Inspection
        fields = ["q", "plan", "year", "target_kind", "area", "trigger", "status", "conclusion",
                  "enterprise", "agency", "mine", "overdue"]

    def search(self, queryset, name, value):
        return _search(queryset, ["target_name", "enterprise__uscc", "agency__uscc"], value)

    def filter_mine(self, queryset, name, value):
        """The inspections the user is drawn for."""
        if not value or self.request is None:
            return queryset
        return queryset.filter(inspection_selectors.drawn_for(self.request.user))

    def filter_overdue(self, queryset, name, value):
        """Open after their plan's inspection period ended."""
        if not value:
            return queryset
        return queryset.filter(inspection_selectors.overdue(timezone.localdate()))


class InspectorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or organisation"))
    kind = django_filters.ChoiceFilter(
        choices=InspectorKind.choices, label=_("Kind"), empty_label=EMPTY_CHOICE
    )
    area = django_filters.ModelChoiceFilter(
        queryset=Area.objects.all(), label=_("Area of work"), empty_label=EMPTY_CHOICE
    )
    is_active = django_filters.BooleanFilter(label=_("In the directory"))

    class Meta:
        model = Inspector
        fields = ["q", "kind", "area", "is_active"]

    def search(self, queryset, name, value):
        return _search(queryset, ["name", "organisation"], value)


class ViolationCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Party"))
    article = django_filters.ChoiceFilter(
        choices=ViolationArticle.choices, label=_("Article"), empty_label=EMPTY_CHOICE
    )
    status = django_filters.ChoiceFilter(
        choices=CaseStatus.choices, label=_("Status"), empty_label=EMPTY_CHOICE
    )
    year = IntegerFilter(field_name="year", label=_("Year"))
    target_kind = django_filters.ChoiceFilter(
        choices=TargetKind.choices, label=_("Target kind"), empty_label=EMPTY_CHOICE
    )
    enterprise = IntegerFilter(field_name="enterprise", label=_("Enterprise"))
    agency = IntegerFilter(field_name="agency", label=_("Agency"))
    inspection = IntegerFilter(field_name="inspection", label=_("Inspection"))

    class Meta:
        model = ViolationCase
        fields = ["q", "article", "status", "year", "target_kind", "enterprise", "agency",
                  "inspection"]

    def search(self, queryset, name, value):
        return _search(queryset, ["target_name", "enterprise__uscc", "agency__uscc",
                                  "decision_number"], value)
