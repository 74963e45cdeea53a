"""The training session list's filters (HTML list, export and API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme.models import TrainingAttendance, TrainingSession
from registry.models import Department
from zhongwei_carbon.forms import EMPTY_CHOICE, IntegerFilter, OpenChoiceFilter

BUREAU = "bureau"


def organiser_choices():
    return [(BUREAU, _("The bureau")),
            *[(str(d.pk), d.name) for d in Department.objects.filter(is_active=True)]]


class TrainingSessionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Title, topic or place"))
    year = IntegerFilter(field_name="held_on__year", label=_("Year"))
    organiser = OpenChoiceFilter(
        choices=[], method="filter_organiser", label=_("Organiser"),
        empty_label=EMPTY_CHOICE,
    )
    enterprise = IntegerFilter(method="filter_enterprise", label=_("Enterprise attended"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organiser"].extra["choices"] = organiser_choices()

    class Meta:
        model = TrainingSession
        fields = ["q", "year", "organiser", "enterprise"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(topic__icontains=value) | Q(place__icontains=value)
        )

    def filter_organiser(self, queryset, name, value):
        if value == BUREAU:
            return queryset.filter(organiser__isnull=True)
        if not value.isascii() or not value.isdigit():
            return queryset.none()
        return queryset.filter(organiser_id=int(value))

    def filter_enterprise(self, queryset, name, value):
        # only the attendance the user may read: a county cannot learn another's enterprises
        user = getattr(self.request, "user", None)
        if user is not None:
            from programme.selectors.training import attendances_for

            rows = attendances_for(user)
        else:
            rows = TrainingAttendance.objects.none()
        attended = rows.filter(enterprise_id=value).values("session_id")
        return queryset.filter(pk__in=attended)
