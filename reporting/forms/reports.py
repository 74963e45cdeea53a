"""Forms of the annual report pages (they check input; services act)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting import rules
from reporting.choices import SourceKind
from reporting.models import FuelType
from zhongwei_carbon import uploads
from zhongwei_carbon.forms import BootstrapMixin

CERTIFICATION_TEXT = _(
    "I certify, on behalf of the enterprise, that this report and its data are true, "
    "accurate and complete, and that I am authorised to submit it."
)


def _param_fields() -> list[str]:
    names: list[str] = []
    for formula in rules.PROCESS_FORMULAS.values():
        names += [p for p in formula.parameters if p not in names]
    return names


PARAM_NAMES = _param_fields()


class ReportStartForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Reporting year"), min_value=rules.FIRST_REPORTING_YEAR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = rules.reportable_years(timezone.localdate()).stop - 1  # Asia/Shanghai date
        self.fields["year"].initial = last - 1
        self.fields["year"].max_value = last
        self.fields["year"].validators.append(MaxValueValidator(last))
        self.fields["year"].widget.attrs["max"] = last


class ReportLineForm(BootstrapMixin, forms.Form):
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None, required=False)
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    fuel = forms.ModelChoiceField(label=_("Fuel"), queryset=FuelType.objects.all(), required=False)
    process_formula = forms.ChoiceField(label=_("Process formula"), required=False)
    activity = forms.DecimalField(
        label=_("Activity data"),
        required=False,
        max_digits=16,
        decimal_places=4,
        min_value=0,
        help_text=_("Fuel (t or 10⁴ Nm³), electricity (MWh) or heat (GJ)."),
    )
    ncv = forms.DecimalField(
        label=_("Measured net calorific value (GJ/unit)"),
        required=False,
        max_digits=12,
        decimal_places=4,
        help_text=_("Leave empty to use the default of the year."),
    )
    carbon_content = forms.DecimalField(
        label=_("Measured carbon per unit heat (tC/GJ)"),
        required=False,
        max_digits=10,
        decimal_places=6,
        help_text=_("Leave empty to use the default of the year."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = enterprise.facilities.order_by("name")
        self.fields["process_formula"].choices = [("", "—")] + [
            (f.code, str(f.label)) for f in rules.PROCESS_FORMULAS.values()
        ]
        for name in PARAM_NAMES:
            self.fields[f"p_{name}"] = forms.DecimalField(
                label=rules.PARAMETER_LABELS.get(name, name), required=False, max_digits=16,
                decimal_places=6, min_value=0
            )
        self.style_fields()
        for name in self.fields:
            self.fields[name].widget.attrs.setdefault("data-line-field", name)

    def line_data(self) -> dict:
        d = self.cleaned_data
        return {
            "facility": d.get("facility"),
            "source_kind": d.get("source_kind"),
            "fuel": d.get("fuel"),
            "process_formula": d.get("process_formula") or "",
            "activity": d.get("activity"),
            "ncv": d.get("ncv"),
            "carbon_content": d.get("carbon_content"),
            "parameters": {n: d[f"p_{n}"] for n in PARAM_NAMES if d.get(f"p_{n}") is not None},
            "note": d.get("note") or "",
        }

    @classmethod
    def initial_from(cls, line) -> dict:
        initial = {
            "facility": line.facility_id,
            "source_kind": line.source_kind,
            "fuel": line.fuel_id,
            "process_formula": line.process_formula,
            "activity": line.activity if line.source_kind != SourceKind.PROCESS else None,
            "note": line.note,
        }
        if line.source_kind == SourceKind.COMBUSTION:
            if line.parameters.get("ncv_measured"):
                initial["ncv"] = line.ncv
            if line.parameters.get("carbon_content_measured"):
                initial["carbon_content"] = line.carbon_content
        if line.source_kind == SourceKind.PROCESS:
            for n in PARAM_NAMES:
                if n in line.parameters:
                    initial[f"p_{n}"] = line.parameters[n]
        return initial


class ReportSubmitForm(BootstrapMixin, forms.Form):
    certification = forms.CharField(
        label=_("Certification statement"), widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I have checked the figures and certify this statement."), required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].initial = CERTIFICATION_TEXT


class CountyCheckForm(BootstrapMixin, forms.Form):
    PASS, RETURN = "pass", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PASS, _("Pass technical check")), (RETURN, _("Return to enterprise"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons / note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reasons for returning the report."))
        return data


class ReportUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"), help_text=uploads.help_with_limit()
    )
