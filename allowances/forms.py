"""Forms of the allowance pages (they check input; services save)."""

from __future__ import annotations

from django import forms

from allowances.models import ComplianceCycle, Milestone
from zhongwei_carbon.forms import BootstrapMixin


class CycleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ComplianceCycle
        fields = ["year", "name", "status", "note"]


class MilestoneForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "due_date", "note"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, cycle=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cycle is not None and self.instance.pk is None:
            self.instance.cycle = cycle

    def validate_unique(self):
        """The service reports a duplicate kind on the field (with a clearer message)."""

