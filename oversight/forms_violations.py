"""Forms of the violation-case pages: they check the input's shape; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.choices import Department, PenaltyKind, ViolationArticle
from oversight.forms import DATE, enterprise_field, evidence_field
from verifiers.models import Agency
from zhongwei_carbon import uploads
from zhongwei_carbon.forms import BootstrapMixin


class CaseOpenForm(BootstrapMixin, forms.Form):
    article = forms.ChoiceField(label=_("Article violated"), choices=ViolationArticle.choices)
    enterprise = enterprise_field()  # a search field: a <select> of the whole city grows with it
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    trigger_note = forms.CharField(
        label=_("What triggered it"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the case is not opened from an inspection."),
    )
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))
    illegal_gains = forms.IntegerField(
        label=_("Illegal gains (CNY)"), required=False, min_value=0,
        help_text=_("Whole yuan; leave empty when there are none."),
    )
    refused_correction = forms.BooleanField(
        label=_("The enterprise refuses to correct (Art. 22)"), required=False
    )
    serious = forms.BooleanField(label=_("Serious case (Art. 23)"), required=False)
    files = evidence_field(_("Evidence files"))

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        if inspection is not None:
            del self.fields["enterprise"]
            del self.fields["agency"]
        self.style_fields()


class PersonForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name of the person"), max_length=60)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    fine = forms.IntegerField(label=_("Fine (CNY)"), min_value=0)


class DepartmentForm(BootstrapMixin, forms.Form):
    department = forms.ChoiceField(label=_("Department"), choices=Department.choices)
    name = forms.CharField(label=_("Name of the office"), max_length=120, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=120, required=False)
    note = forms.CharField(label=_("What it does"), max_length=300, required=False)


class EvidenceForm(BootstrapMixin, forms.Form):
    files = evidence_field(_("Evidence files"), required=True)


class DecideForm(BootstrapMixin, forms.Form):
    fine = forms.IntegerField(label=_("Fine (CNY)"), min_value=0)
    decision_number = forms.CharField(label=_("Decision document number"), max_length=100)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    file = forms.FileField(
        label=_("Decision document"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
        help_text=uploads.help_with_limit(_("PDF.")),
    )
    allocation_cut_percent = forms.IntegerField(
        label=_("Cut of next year's allocation (%)"), required=False, min_value=0,
        max_value=100, help_text=_("Only when the enterprise refuses to correct (Art. 22)."),
    )
    ban_until = forms.DateField(
        label=_("Banned until"), required=False, widget=DATE,
        help_text=_("Only for a serious Art. 23 case: the last day of the ban."),
    )


class StatusForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PenaltyRangeForm(BootstrapMixin, forms.Form):
    article = forms.ChoiceField(label=_("Article"), choices=ViolationArticle.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=PenaltyKind.choices)
    low = forms.DecimalField(label=_("Lower bound"), min_value=0, max_digits=14, decimal_places=2)
    high = forms.DecimalField(label=_("Upper bound"), min_value=0, max_digits=14, decimal_places=2)
    year = forms.IntegerField(label=_("Applies from year"), min_value=2024, max_value=2100)
    source = forms.CharField(label=_("Source"), max_length=300)
