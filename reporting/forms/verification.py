"""Forms of the verification pages (they check input; the services act)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Enterprise
from reporting.choices import Conclusion, ObjectionDecision, RecheckDecision
from verifiers.models import Agency
from zhongwei_carbon import uploads
from zhongwei_carbon.forms import BootstrapMixin

TONNES = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class DeclarationForm(BootstrapMixin, forms.Form):
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.order_by("name")
    )
    year = forms.IntegerField(label=_("Reporting year"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


def agency_choice_label(agency, advised=()) -> str:
    label = _("%(agency)s (qualified until %(until)s; %(n)s open assignments)") % {
        "agency": agency.name,
        "until": agency.qualification_until.isoformat(),
        "n": agency.open_assignments,
    }
    # what higher apps advise (the credit grade), in words beside the name
    return " · ".join([str(label), *(str(a.short) for a in advised)])


class AssignForm(BootstrapMixin, forms.Form):
    """Offers only ``agencies`` (``selectors.verification.assignable_agencies``: eligible
    today, with end date and workload). Any agency id is accepted here so that the service,
    which checks again, says *why* one is refused (a stale page, an API-like post)."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.all())
    due = forms.DateField(
        label=_("Verification due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    acknowledge_credit = forms.BooleanField(
        label=_("I have read the credit warning and assign this agency anyway"), required=False,
        help_text=_("Needed for an agency graded red (untrustworthy) in the credit evaluation."),
    )

    def __init__(self, *args, agencies, advised=None, **kwargs):
        """``advised``: ``{agency pk: advisories}`` (``zhongwei_carbon.advisories``). The
        acknowledgement is offered only when an agency offered needs one."""
        super().__init__(*args, **kwargs)
        advised = advised or {}
        self.fields["agency"].widget.choices = [("", "---------")] + [
            (a.pk, agency_choice_label(a, advised.get(a.pk, ()))) for a in agencies
        ]
        if not any(x.requires_ack for items in advised.values() for x in items):
            del self.fields["acknowledge_credit"]


class FindingForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(BootstrapMixin, forms.Form):
    response = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))


class VerificationFileForm(BootstrapMixin, forms.Form):
    """One ``verified_<i>`` field per reported source, then the conclusion and the PDF."""

    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    file = forms.FileField(
        help_text=uploads.help_with_limit(),
        label=_("Signed verification report (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, sources: list[dict], **kwargs):
        self.sources = sources
        super().__init__(*args, **kwargs)
        for i, row in enumerate(sources):
            label = f"{row['facility'] or _('Whole enterprise')} · {row['label']}"
            self.fields[f"verified_{i}"] = forms.DecimalField(
                label=label, initial=row["reported"], **TONNES
            )
        self.style_fields()

    def figure_fields(self):
        return [self[f"verified_{i}"] for i in range(len(self.sources))]

    def figures(self) -> list[dict]:
        return [
            {
                "facility": row["facility"],
                "source_kind": row["source_kind"],
                "reported": row["reported"],
                "verified": self.cleaned_data[f"verified_{i}"],
            }
            for i, row in enumerate(self.sources)
        ]


class RecheckForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=RecheckDecision.choices
    )
    opinion = forms.CharField(
        label=_("Opinions for the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning the report to the agency."),
    )


class ObjectionForm(BootstrapMixin, forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(
        help_text=uploads.help_with_limit(),
        label=_("Supporting file (PDF or image)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class ObjectionDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(v, label) for v, label in ObjectionDecision.choices if v != ObjectionDecision.PENDING],
    )
    note = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 4})
    )
