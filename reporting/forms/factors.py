"""Forms of the factor-table and calendar pages: shape of the input and clear field errors.
Uniqueness and cross-field rules are checked by the services (reporting/services/factors.py),
which report them on a named field; saving is the services' job."""

from __future__ import annotations

from django import forms

from reporting.models import (
    EmissionFactor,
    FactorApplicability,
    FuelFactor,
    FuelType,
    ReportingYear,
)
from reporting.services import factors as svc
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.models import CalendarDay

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ServiceChecked(BootstrapMixin, forms.ModelForm):
    """Field validators run here. A unique combination of several fields is reported on the
    field the service names (``svc.UNIQUE``), not as an error at the top of the form; the
    service checks it again under its transaction."""

    def clean(self):
        cleaned = super().clean()
        spec = svc.UNIQUE.get(self._meta.model)
        if spec is None:
            return cleaned
        fields, on, message = spec()
        if all(name in cleaned for name in fields):
            clash = self._meta.model._default_manager.filter(**{n: cleaned[n] for n in fields})
            if self.instance.pk is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(on, message)
        return cleaned


class FuelTypeForm(_ServiceChecked):
    class Meta:
        model = FuelType
        fields = list(svc.FUEL_FIELDS)


class FuelFactorForm(_ServiceChecked):
    class Meta:
        model = FuelFactor
        fields = list(svc.FUEL_FACTOR_FIELDS)


class EmissionFactorForm(_ServiceChecked):
    class Meta:
        model = EmissionFactor
        fields = list(svc.EMISSION_FACTOR_FIELDS)


class ApplicabilityForm(_ServiceChecked):
    class Meta:
        model = FactorApplicability
        fields = list(svc.APPLICABILITY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].queryset = EmissionFactor.objects.order_by("kind", "region", "-data_year")


class ReportingYearForm(_ServiceChecked):
    class Meta:
        model = ReportingYear
        fields = list(svc.REPORTING_YEAR_FIELDS)
        widgets = {"report_due": DATE, "report_city_due": DATE}


class CalendarDayForm(_ServiceChecked):
    class Meta:
        model = CalendarDay
        fields = list(svc.CALENDAR_FIELDS)
        widgets = {"date": DATE}
