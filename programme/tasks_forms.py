"""Forms of the task tracker (each step's service validates again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oversight.forms import evidence_field
from programme.models import ProgrammeTask
from programme.tasks_choices import UnitRole
from programme.tasks_filtersets import unit_choices
from registry.models import Area, Department
from zhongwei_carbon.forms import BootstrapMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProgrammeTask
        fields = ["number", "title", "description", "due_date", "reports_from"]
        widgets = {"due_date": DATE, "reports_from": DATE,
                   "description": forms.Textarea(attrs={"rows": 4})}


class UnitForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=UnitRole.choices, initial=UnitRole.SUPPORTING)
    unit = forms.ChoiceField(label=pgettext_lazy("programme", "Unit"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—"), *unit_choices()]

    def clean(self):
        data = super().clean()
        value = data.get("unit") or ""
        data["area"] = data["department"] = None
        if value[:1] == "a":
            data["area"] = Area.objects.filter(pk=value[1:]).first()
        elif value[:1] == "d":
            data["department"] = Department.objects.filter(pk=value[1:]).first()
        return data


class ItemForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Sub-item"), max_length=300)


class MilestoneForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)


class MilestoneDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)


class ConfirmForm(forms.Form):
    """A step that takes nothing but the user's confirmation."""


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReturnForm(NoteForm):
    note = forms.CharField(label=_("What the unit must add or revise"),
                           widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class ReportForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Progress this quarter"), widget=forms.Textarea(attrs={"rows": 8}),
                           required=False, max_length=20000,
                           help_text=_("What was done, what is left, problems and next steps."))
    files = evidence_field(_("Attachments"))


class FigureForm(BootstrapMixin, forms.Form):
    label = forms.CharField(label=_("Figure"), max_length=120, required=False)
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=4, required=False)
    unit = forms.CharField(label=_("Unit of measure"), max_length=30, required=False)

    def clean(self):
        data = super().clean()
        label, value = (data.get("label") or "").strip(), data.get("value")
        if label and value is None and "value" not in self.errors:
            self.add_error("value", _("Enter the figure's value."))
        if value is not None and not label:
            self.add_error("label", _("Name the figure."))
        return data


FigureFormSet = forms.formset_factory(FigureForm, extra=2, max_num=30)


def figures_of(formset) -> list[tuple]:
    """(label, value, unit) of the filled rows."""
    return [(f.cleaned_data["label"], f.cleaned_data["value"], f.cleaned_data.get("unit", ""))
            for f in formset.forms
            if f.cleaned_data.get("label") and f.cleaned_data.get("value") is not None]
