"""Forms of the climate-finance project pages (the services check everything again)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programme.models import BankResponse, ClimateProject, ReviewDecision
from registry.models import Enterprise
from zhongwei_carbon import uploads
from zhongwei_carbon.forms import BootstrapMixin


class ClimateProjectForm(BootstrapMixin, forms.ModelForm):
    attachment = forms.FileField(
        label=_("Attachment (PDF, PNG or JPEG)"), required=False,
        help_text=uploads.help_with_limit(_("Feasibility study, approvals, drawings.")),
    )

    class Meta:
        model = ClimateProject
        fields = ["title", "enterprise", "category", "subtype", "total_investment",
                  "financing_need", "annual_reduction", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, enterprise=None, area=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprise is not None:  # an enterprise proposes for itself
            self.fields["enterprise"].queryset = Enterprise.objects.filter(pk=enterprise.pk)
            self.fields["enterprise"].initial = enterprise.pk
            self.fields["enterprise"].required = True
            self.fields["enterprise"].empty_label = None
        else:  # an official for its area, for one of its enterprises or none
            self.fields["enterprise"].queryset = Enterprise.objects.filter(area=area).order_by(
                "name")
            self.fields["enterprise"].help_text = _("Leave empty for an area-wide project.")
        self.style_fields()

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f:
            try:
                uploads.check_evidence(f, field="attachment")
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["attachment"]) from None
        return f

    def _post_clean(self):  # the service validates the model (it sets the proposer)
        pass


class ReviewForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices,
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Required when returning or rejecting."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self):
        data = super().clean()
        if data.get("decision") and data["decision"] != ReviewDecision.PASS and not (
                data.get("opinion") or "").strip():
            self.add_error("opinion", _("Give the reason for returning or rejecting."))
        return data


class PushForm(BootstrapMixin, forms.Form):
    banks = forms.ModelMultipleChoiceField(label=_("Banks"), queryset=None,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, banks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["banks"].queryset = banks
        self.style_fields()


class RespondForm(BootstrapMixin, forms.Form):
    response = forms.ChoiceField(
        label=_("Response"), widget=forms.RadioSelect,
        choices=[c for c in BankResponse.choices if c[0] != BankResponse.PENDING],
    )
    loan_amount = forms.DecimalField(label=_("Loan amount (10k yuan)"), max_digits=14,
                                     decimal_places=2, min_value=0, required=False)
    response_date = forms.DateField(label=_("Date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self):
        data = super().clean()
        if data.get("response") == BankResponse.LOAN_GRANTED:
            if data.get("loan_amount") is None:
                self.add_error("loan_amount", _("Give the loan amount granted."))
            if data.get("response_date") is None:
                self.add_error("response_date", _("Give the date the loan was granted."))
        return data


class ConfirmForm(forms.Form):
    """A step with nothing to enter (submitting a project): confirmed like the others."""
