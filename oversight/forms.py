"""Forms of the oversight pages: they check the input's shape; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ENTERPRISE_NOT_FOUND, enterprise_label
from accounts.models import User
from oversight import rules
from oversight.choices import CheckResult, Conclusion, InspectionTrigger, InspectorKind
from oversight.models import InspectionPlan, Inspector
from registry.models import Area, Enterprise, Sector
from verifiers.models import Agency
from zhongwei_carbon import draw_weights, lookup, uploads
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def enterprise_field() -> lookup.LookupField:
    """Any enterprise of the city, given by its credit code and found by the enterprise
    search (``accounts:enterprise_lookup``, bureau administrators: the only role that opens
    inspections or declares conflicts, see tests/oversight/test_enterprise_search.py): a
    ``<select>`` of the whole city grows with it (issue 11)."""
    return lookup.LookupField(
        Enterprise.objects.select_related("area"), key="uscc",
        url="accounts:enterprise_lookup", describe=enterprise_label,
        not_found=ENTERPRISE_NOT_FOUND, label=_("Enterprise"), required=False,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several documents in one field (each checked by the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def evidence_field(label, required=False) -> MultipleFileField:
    return MultipleFileField(
        label=label, required=required,
        help_text=uploads.help_with_limit(_("PDF, JPEG or PNG; several files may be chosen.")),
    )


class PlanForm(BootstrapMixin, forms.ModelForm):
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas"), queryset=Area.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None chosen: every area."),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"), queryset=Sector.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None chosen: every sector."),
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspector pool"), queryset=Inspector.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InspectionPlan
        fields = [
            "year", "title", "targets", "legal_basis", "start_date", "end_date", "listed_year",
            "enterprise_count", "enterprise_share", "agency_count", "agency_share",
            "inspectors_per_target", "exclude_own_area", "exclude_conflicts", "recent_months",
            "weight_by_credit",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        help_texts = {
            "listed_year": _("Key emitters on this year's published list form the pool."),
            "enterprise_count": _("Give a number or a share, not both."),
            "agency_count": _("Agencies active in the city form the pool."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("areas", "sectors", "inspectors"):
                self.fields[name].initial = list(getattr(self.instance, name).all())
        if not draw_weights.available():  # no app offers weights (credit not installed)
            del self.fields["weight_by_credit"]
        self.style_fields()


class DrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for drawing again"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def staff_accounts():
    """Accounts that may be bureau or county inspectors."""
    return User.objects.filter(
        is_active=True, memberships__is_active=True,
        memberships__role__in=[Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.AREA_OFFICIAL],
    ).distinct().order_by("username")


class InspectorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Inspector
        fields = ["kind", "user", "name", "organisation", "area", "is_active", "note"]
        help_texts = {"name": _("Staff: left empty, the account's name is used.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_accounts()
        self.fields["name"].required = False
        self.style_fields()

    def clean(self):
        data = super().clean()
        if data.get("kind") == InspectorKind.EXPERT and not data.get("name"):
            self.add_error("name", _("Enter the expert's name."))
        return data


class ConflictForm(BootstrapMixin, forms.Form):
    enterprise = enterprise_field()
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    declared_on = forms.DateField(label=_("Declared on"), widget=DATE)


class OpenInspectionForm(BootstrapMixin, forms.Form):
    trigger = forms.ChoiceField(
        label=_("Trigger"),
        choices=[c for c in InspectionTrigger.choices if c[0] != InspectionTrigger.PLAN],
    )
    trigger_note = forms.CharField(
        label=_("What triggered it"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The complaint's tracking number, the anomaly flagged, …"),
    )
    enterprise = enterprise_field()
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.order_by("name"), required=False
    )
    inspectors = forms.ModelMultipleChoiceField(
        label=_("Inspectors"), queryset=Inspector.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least %(n)s.") % {"n": rules.INSPECTORS_PER_TARGET_MIN},
    )


class RecordForm(BootstrapMixin, forms.Form):
    """The date of the visit and a result and note per checklist point."""

    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE, required=False)

    def __init__(self, *args, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = list(checks)
        for check in self.checks:
            self.fields[f"result_{check.pk}"] = forms.ChoiceField(
                label=check.point, required=False,
                choices=[("", "—"), *CheckResult.choices], initial=check.result,
            )
            self.fields[f"note_{check.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=500, initial=check.note,
            )
        self.style_fields()

    def rows(self):
        return [(c, self[f"result_{c.pk}"], self[f"note_{c.pk}"]) for c in self.checks]

    def results(self) -> dict:
        return {
            c.pk: (self.cleaned_data[f"result_{c.pk}"], self.cleaned_data[f"note_{c.pk}"])
            for c in self.checks
        }


class FindingForm(BootstrapMixin, forms.Form):
    check_result = forms.ModelChoiceField(
        label=_("Checklist point"), queryset=None, required=False
    )
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    files = evidence_field(_("Evidence files"))

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["check_result"].queryset = inspection.checks.all()
        self.style_fields()


class ConcludeForm(BootstrapMixin, forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    note = forms.CharField(label=_("Conclusion in words"), widget=forms.Textarea(attrs={"rows": 3}))
    requirements = forms.CharField(
        label=_("What must be rectified"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when rectification is ordered."),
    )
    working_days = forms.IntegerField(
        label=_("Working days to rectify"), required=False,
        min_value=rules.RECTIFICATION_WORKING_DAYS_MIN,
        max_value=rules.RECTIFICATION_WORKING_DAYS_MAX,
        initial=rules.RECTIFICATION_WORKING_DAYS_DEFAULT,
    )


class AnswerForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = evidence_field(_("Evidence files"), required=True)


class ReviewForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the rectification")), ("return", _("Return the answer"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason"), required=False, max_length=500,
        help_text=_("Required when the answer is returned."),
    )

