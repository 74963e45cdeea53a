"""Forms of the monthly-ledger pages (they check input; services save)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from reporting.models import FuelType, MonthlyLedger
from reporting.services.ledgers import LEDGER_FIELDS
from zhongwei_carbon import uploads
from zhongwei_carbon.forms import BootstrapMixin


class LedgerForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = MonthlyLedger
        fields = LEDGER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in LEDGER_FIELDS:
            if name != "note":
                field = self.fields[name]
                field.validators.append(MinValueValidator(Decimal(0)))
                field.widget.attrs.setdefault("min", "0")
        self.fields["load_factor"].validators.append(MaxValueValidator(Decimal(1)))
        self.fields["load_factor"].help_text = _("A fraction from 0 to 1, e.g. 0.7850")

    def _post_clean(self):
        # The form only checks its fields; the service validates and saves the model.
        pass


class LineForm(BootstrapMixin, forms.Form):
    fuel = forms.ModelChoiceField(
        label=_("Fuel"), queryset=FuelType.objects.order_by("sort_order", "code"), required=False
    )
    consumption = forms.DecimalField(
        label=_("Consumption"), min_value=0, max_digits=14, decimal_places=3, required=False
    )
    measured_ncv = forms.DecimalField(
        label=_("Measured NCV (GJ/unit)"),
        min_value=0,
        max_digits=12,
        decimal_places=4,
        required=False,
    )
    measured_carbon_content = forms.DecimalField(
        label=_("Measured carbon per unit heat (tC/GJ)"),
        min_value=0,
        max_digits=10,
        decimal_places=6,
        required=False,
    )

    def clean(self):
        data = super().clean()
        filled = any(
            data.get(k) is not None
            for k in ("consumption", "measured_ncv", "measured_carbon_content")
        )
        if filled and not data.get("fuel"):
            self.add_error("fuel", _("Choose the fuel."))
        if data.get("fuel") and data.get("consumption") is None:
            self.add_error("consumption", _("Enter the consumption (0 if none)."))
        return data

    def line(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("fuel"):
            return None
        return {
            "fuel": data["fuel"],
            "consumption": data["consumption"],
            "measured_ncv": data.get("measured_ncv"),
            "measured_carbon_content": data.get("measured_carbon_content"),
        }


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            fuel = form.cleaned_data.get("fuel")
            if fuel is None:
                continue
            if fuel.pk in seen:
                form.add_error("fuel", _("Each fuel may appear only once per month."))
            seen.add(fuel.pk)

    def lines(self) -> list[dict]:
        return [line for form in self.forms if (line := form.line()) is not None]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=0, min_num=5, max_num=20, validate_max=True
)


def line_initial(ledger) -> list[dict]:
    if ledger is None:
        return []
    return [
        {
            "fuel": line.fuel,
            "consumption": line.consumption,
            "measured_ncv": line.measured_ncv,
            "measured_carbon_content": line.measured_carbon_content,
        }
        for line in ledger.lines.select_related("fuel").order_by("fuel__sort_order")
    ]


class PickMonthForm(BootstrapMixin, forms.Form):
    """Which facility and month to fill in (the "new ledger" page without parameters)."""

    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities


class ReturnForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("pass", _("Pass")), ("return", _("Return to the enterprise"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons for the return"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reasons for the return."))
        return data


class EvidenceForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=uploads.help_with_limit(
            _("The stamped ledger or other evidence: PDF, JPEG or PNG.")
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        help_text=uploads.help_with_limit(),
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
