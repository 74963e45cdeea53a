"""Forms of the rule-set pages: a draft's header, its lines and caps (formsets), its
publication. They check what a person can get wrong and say so next to the field; the
services check again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from credit.models import GroupCap, RuleLine, RuleSet
from credit.services.rulesets import CAP_FIELDS, HEADER_FIELDS, LINE_FIELDS
from zhongwei_carbon.forms import BootstrapMixin


class HeaderForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = HEADER_FIELDS

    def clean(self):
        data = super().clean()
        green, blue, yellow = (data.get(k) for k in ("green_from", "blue_from", "yellow_from"))
        self._unordered = None not in (green, blue, yellow) and not green > blue > yellow
        if self._unordered:
            raise forms.ValidationError(_(
                "Grade thresholds must be ordered: green above blue above yellow "
                "(below yellow is red)."))
        if yellow is not None and yellow < 0:
            self.add_error("yellow_from", _("A threshold cannot be negative."))
        base = data.get("base_score")
        if base is not None and green is not None and green > base:
            self.add_error("green_from", _(
                "The green threshold is above the base score: no subject without merits "
                "could be green."))
        return data

    def _get_validation_exclusions(self):
        """The thresholds' order is checked in ``clean`` with a clearer message than the
        model constraint's: that constraint is not checked a second time."""
        excluded = super()._get_validation_exclusions()
        if getattr(self, "_unordered", False):
            excluded |= {"green_from", "blue_from", "yellow_from"}
        return excluded


class CreateForm(HeaderForm):
    copy_from = forms.ModelChoiceField(
        label=_("Copy lines and caps from"), queryset=RuleSet.objects.all(), required=False,
        empty_label=_("(none: an empty draft)"),
    )


class LineForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RuleLine
        fields = LINE_FIELDS
        widgets = {"note": forms.TextInput()}

    def clean_threshold(self):
        value = self.cleaned_data.get("threshold")
        if value is not None and value < 0:
            raise forms.ValidationError(_("A threshold cannot be negative."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("points") == 0 and not data.get("veto"):
            self.add_error("points", _("A line that neither moves the score nor vetoes prices "
                                       "nothing: enter points or remove the line."))
        return data


class CapForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = GroupCap
        fields = CAP_FIELDS

    def clean_floor(self):
        value = self.cleaned_data.get("floor")
        if value is not None and value > 0:
            raise forms.ValidationError(_("The largest deduction is zero or negative."))
        return value

    def clean_ceiling(self):
        value = self.cleaned_data.get("ceiling")
        if value is not None and value < 0:
            raise forms.ValidationError(_("The largest addition is zero or positive."))
        return value


class _Rows(forms.BaseFormSet):
    key: tuple[str, ...] = ()
    duplicate = ""

    def rows(self) -> list[dict]:
        """The rows kept: filled in and not marked for deletion."""
        return [{k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = tuple(form.cleaned_data.get(k) for k in self.key)
            if key in seen:
                form.add_error(None, self.duplicate)
                raise forms.ValidationError(self.duplicate)
            seen.add(key)


class _LineRows(_Rows):
    key = ("subject_kind", "kind")
    duplicate = _("An event kind is priced twice for the same kind of subject: keep one line.")


class _CapRows(_Rows):
    key = ("group",)
    duplicate = _("A group is capped twice: keep one cap.")


LineFormSet = forms.formset_factory(LineForm, formset=_LineRows, extra=3, can_delete=True)
CapFormSet = forms.formset_factory(CapForm, formset=_CapRows, extra=1, can_delete=True)


def initial_lines(rule_set: RuleSet) -> list[dict]:
    return [{f: getattr(line, f) for f in LINE_FIELDS} for line in
            rule_set.lines.order_by("subject_kind", "group", "kind")]


def initial_caps(rule_set: RuleSet) -> list[dict]:
    return [{f: getattr(cap, f) for f in CAP_FIELDS} for cap in rule_set.caps.order_by("group")]


class PublishForm(BootstrapMixin, forms.Form):
    document_number = forms.CharField(
        label=_("Document number"), max_length=100,
        help_text=_("The number of the bureau's notice that publishes the rules."),
    )
