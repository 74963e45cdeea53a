"""The task tracker's filters, one FilterSet per list shared by the pages, their Excel
exports and the API (DESIGN.md §3)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programme.models import ProgrammeTask, ProgressReport
from programme.selectors import tasks as selectors
from programme.tasks_choices import ReportStatus, TaskStatus
from registry.models import Area, Department
from zhongwei_carbon.forms import EMPTY_CHOICE, IntegerFilter, OpenChoiceFilter


def unit_choices() -> list[tuple[str, str]]:
    """Every county/park (``a<pk>``), then every department or bank (``d<pk>``)."""
    return ([(f"a{a.pk}", str(a)) for a in Area.objects.all()]
            + [(f"d{d.pk}", str(d)) for d in Department.objects.filter(is_active=True)])


def _unit_q(value: str, prefix: str = "") -> Q:
    kind, pk = value[:1], value[1:]
    if kind not in ("a", "d") or not pk.isascii() or not pk.isdigit():
        return Q(pk__in=[])
    field = "area_id" if kind == "a" else "department_id"
    return Q(**{f"{prefix}{field}": int(pk)})


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Title or description"))
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"),
                                         empty_label=EMPTY_CHOICE)
    unit = OpenChoiceFilter(choices=unit_choices, method="filter_unit",
                                       label=pgettext_lazy("programme", "Unit"),
                                       empty_label=EMPTY_CHOICE)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    awaiting = django_filters.BooleanFilter(method="filter_awaiting",
                                            label=_("Awaiting progress reports"))

    class Meta:
        model = ProgrammeTask
        fields = ["q", "status", "unit", "overdue", "awaiting"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(title__icontains=value) | Q(description__icontains=value)
        if value.isascii() and value.isdigit() and len(value) < 6:
            q |= Q(number=int(value))
        return queryset.filter(q)

    def filter_unit(self, queryset, name, value):
        from programme.models import TaskUnit

        return queryset.filter(pk__in=TaskUnit.objects.filter(_unit_q(value)).values("task_id"))

    def filter_overdue(self, queryset, name, value):
        """A report of a unit the user sees past its due day, a milestone not done by its
        date, or the task's own due date passed (not closed)."""
        if value is None or self.request is None:
            return queryset
        ids = selectors.overdue_task_ids(self.request.user, timezone.localdate())
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_awaiting(self, queryset, name, value):
        """A unit the user sees still owes a quarter's report (due or overdue)."""
        if value is None or self.request is None:
            return queryset
        ids = selectors.task_ids_awaiting(self.request.user, timezone.localdate())
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class ProgressReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Task, unit or text"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"),
                                         empty_label=EMPTY_CHOICE)
    task = IntegerFilter(field_name="unit__task", label=_("Task"))
    unit = OpenChoiceFilter(choices=unit_choices, method="filter_unit",
                                       label=pgettext_lazy("programme", "Unit"),
                                       empty_label=EMPTY_CHOICE)
    year = IntegerFilter(field_name="year", label=_("Year"))
    period = IntegerFilter(field_name="period", label=_("Quarter"))

    class Meta:
        model = ProgressReport
        fields = ["q", "status", "task", "unit", "year", "period"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(unit__task__title__icontains=value) | Q(unit__area__name__icontains=value)
            | Q(unit__department__name__icontains=value) | Q(text__icontains=value))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(_unit_q(value, "unit__"))
