"""Forms for agencies, qualifications and staff. Shape checks only; the services check the
rules again (views map a service's ``ValidationError`` back onto the form)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon import uscc
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")




class AgencyForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "uscc",
            "status",
            "address",
            "contact_person",
            "contact_phone",
            "contact_email",
        ]

    def clean_uscc(self):
        return uscc.normalize(self.cleaned_data["uscc"])


class AgencyContactForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["address", "contact_person", "contact_phone", "contact_email"]


class QualificationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AgencyQualification
        fields = ["kind", "certificate_number", "issued_by", "valid_from", "valid_until", "sectors"]
        widgets = {
            "valid_from": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "sectors": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity cannot be before its start."))
        return data

    def _post_clean(self):
        super()._post_clean()
        # The model's date constraint repeats the field error above without naming the field.
        if "valid_until" in self._errors:
            self._errors.pop(NON_FIELD_ERRORS, None)


class StaffForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = VerifierStaff
        fields = ["name", "qualification_number", "qualification_valid_until", "user", "is_active"]
        widgets = {"qualification_valid_until": DATE_WIDGET}
        help_texts = {
            "user": _("Optional: a portal account holding the agency-staff role of this agency."),
        }

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            memberships__role=Role.AGENCY_STAFF,
            memberships__agency=agency,
            memberships__is_active=True,
        ).distinct()
