"""Forms of the checklist page (oversight/views/checklist.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.models import ChecklistItem


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["target_kind", "code", "text", "text_en"]
        help_texts = {
            "code": _("Letters, digits, hyphens and underscores; it cannot be changed later."),
        }

    def validate_unique(self):
        """The service words the duplicate code."""


class ChecklistTextForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["text", "text_en"]
