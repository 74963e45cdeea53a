"""Forms of the training pages (the services in ``programme.services.training`` decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oversight.forms import DATE, MultipleFileField, enterprise_field
from programme.models import TrainingSession
from registry.models import Area, Department
from zhongwei_carbon import uploads
from zhongwei_carbon.forms import BootstrapMixin


class SessionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "held_on", "organiser", "place", "topic", "hours", "description"]
        widgets = {"held_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Department.objects.filter(is_active=True)
        self.fields["organiser"].empty_label = _("The bureau")


class AttendeeForm(BootstrapMixin, forms.Form):
    """One attendee: the organisation (one of enterprise, department, area), name, position."""

    enterprise = enterprise_field()
    department = forms.ModelChoiceField(
        Department.objects.filter(is_active=True), label=_("Department or bank"), required=False
    )
    area = forms.ModelChoiceField(Area.objects.all(), label=_("County / park"), required=False)
    person_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=40)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = enterprise_field()
        self.fields["enterprise"].help_text = _(
            "Give one organisation: an enterprise, or a department, or a county / park."
        )
        self.order_fields(["enterprise", "department", "area", "person_name", "position"])
        self.style_fields()


class MaterialForm(BootstrapMixin, forms.Form):
    files = MultipleFileField(label=_("Files"), help_text=uploads.help_with_limit(
        _("Slides or handouts as PDF, PNG or JPEG.")))


class AttendeeImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"), help_text=uploads.help_with_limit(),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
