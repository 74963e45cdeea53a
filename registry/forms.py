"""Forms of the registry pages. They check the shape of the input and give clear field
errors; saving is the services' job (registry/services/)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import rules
from registry.models import EmissionRecord, Enterprise, Facility
from registry.services.enterprises import ENTERPRISE_FIELDS, FACILITY_FIELDS
from zhongwei_carbon import uscc
from zhongwei_carbon.forms import BootstrapMixin


class EnterpriseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = list(ENTERPRISE_FIELDS)
        widgets = {
            "uscc": forms.TextInput(
                attrs={"maxlength": 18, "autocomplete": "off", "class": "text-uppercase"}
            ),
        }
        help_texts = {
            "uscc": _("18 characters as printed on the business licence; the last one is a check character."),
        }
        error_messages = {
            "uscc": {
                "unique": _("An enterprise with this unified social credit code already exists."),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uscc"].max_length = None  # checked by the USCC validator with a clear message
        self.fields["uscc"].validators = [
            v for v in self.fields["uscc"].validators if not hasattr(v, "limit_value")
        ]

    def clean_uscc(self):
        code = uscc.normalize(self.cleaned_data.get("uscc"))
        uscc.validate_uscc(code)
        return code


class FacilityForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Facility
        fields = list(FACILITY_FIELDS)
        widgets = {"commissioned_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        self.enterprise = enterprise
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        clash = Facility.objects.filter(enterprise=self.enterprise, name=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This enterprise already has a facility of this name."))
        return name


class EmissionRecordForm(BootstrapMixin, forms.ModelForm):
    """Create (``instance`` unsaved) or edit one year's figures; the year is fixed once entered."""

    class Meta:
        model = EmissionRecord
        fields = ["year", "emissions_tco2e", "energy_tce", "source", "note"]

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        self.enterprise = enterprise
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True
        years = rules.record_years(timezone.localdate())
        self.fields["year"].widget.attrs.update({"min": years[0], "max": years[-1]})

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if self.instance.pk:
            return self.instance.year
        years = rules.record_years(timezone.localdate())
        if year is None:
            return year
        if year not in years:
            raise forms.ValidationError(
                _("Enter a year from %(first)s to %(last)s.")
                % {"first": years[0], "last": years[-1]}
            )
        if EmissionRecord.objects.filter(enterprise=self.enterprise, year=year).exists():
            raise forms.ValidationError(
                _("There is already a record for %(year)s: edit that record instead.")
                % {"year": year}
            )
        return year
