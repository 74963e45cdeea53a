"""Forms of the credit year workflow, objections and repairs."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from credit.choices import ObjectionStatus
from zhongwei_carbon import uploads
from zhongwei_carbon.forms import BootstrapMixin


class OpenYearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2013, max_value=2100)


class FreezeForm(BootstrapMixin, forms.Form):
    freeze = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class PublishForm(BootstrapMixin, forms.Form):
    document_number = forms.CharField(
        label=_("Publication document number"), max_length=100,
        help_text=_("The bureau's document that publishes the final grades."),
    )


class ObjectionForm(BootstrapMixin, forms.Form):
    reasons = forms.CharField(label=_("Reasons"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("Supporting file"), required=False,
                           help_text=uploads.help_with_limit(_("PDF, JPEG or PNG.")))


class ObjectionDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[(ObjectionStatus.UPHELD, ObjectionStatus.UPHELD.label),
                 (ObjectionStatus.DISMISSED, ObjectionStatus.DISMISSED.label)],
    )
    note = forms.CharField(label=_("Reasons for the decision"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class RepairForm(BootstrapMixin, forms.Form):
    reasons = forms.CharField(label=_("Correction made"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("Evidence of the correction"),
                           help_text=uploads.help_with_limit(_("PDF, JPEG or PNG.")))


class RepairDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", pgettext_lazy("credit repair decision", "Approve")),
                 ("refuse", pgettext_lazy("credit repair decision", "Refuse"))],
    )
    note = forms.CharField(label=_("Reason"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Required for a refusal."))
