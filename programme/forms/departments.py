"""Forms of the department pages (the services in ``registry.services.departments`` check
the rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.choices import Dataset
from registry.models import Department
from zhongwei_carbon.forms import BootstrapMixin


class DepartmentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "kind", "sort_order", "is_active"]
        help_texts = {
            "code": _("Short Latin name used in addresses and imports, e.g. development-reform."),
        }


class GrantForm(BootstrapMixin, forms.Form):
    dataset = forms.ChoiceField(label=_("Data"), choices=[("", "---------"), *Dataset.choices])
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("Why the department needs it, or the letter asking for it."))
