"""The credit-event list's filters (one FilterSet for the page, its export and the API) and
the bureau's form for a manual event: they check the input's shape; the services decide."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import ENTERPRISE_NOT_FOUND, enterprise_label
from credit.choices import EventKind, EventOrigin, EventStatus, SubjectKind
from credit.models import CreditEvent
from registry.models import Enterprise
from verifiers.models import Agency
from zhongwei_carbon import lookup, uploads
from zhongwei_carbon.forms import EMPTY_CHOICE, BootstrapMixin, IntegerFilter

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Enterprise or agency"))
    year = IntegerFilter(field_name="year", label=pgettext_lazy("credit filter", "Year"))
    subject_kind = django_filters.ChoiceFilter(choices=SubjectKind.choices, label=pgettext_lazy("credit event", "Subject"),
                                               empty_label=EMPTY_CHOICE)
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("Event kind"),
                                       empty_label=EMPTY_CHOICE)
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label=_("Status"),
                                         empty_label=EMPTY_CHOICE)
    origin = django_filters.ChoiceFilter(choices=EventOrigin.choices, label=_("Origin"),
                                         empty_label=EMPTY_CHOICE)
    # the links of an enterprise's or an agency's page (``credit.links``)
    enterprise = IntegerFilter(field_name="enterprise_id", label=_("Enterprise"))
    agency = IntegerFilter(field_name="agency_id", label=_("Agency"))

    class Meta:
        model = CreditEvent
        fields = ["q", "year", "subject_kind", "kind", "status", "origin", "enterprise", "agency"]

    def search(self, queryset, name, value):
        value = (value or "").strip()[: lookup.MAX_QUERY]
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__uscc__icontains=value)
            | Q(agency__name__icontains=value) | Q(agency__uscc__icontains=value)
        )


class ManualEventForm(BootstrapMixin, forms.Form):
    """A manual event: its subject (an enterprise found by the search, or an agency), year,
    kind, date, what happened and the evidence (text and/or a PDF, JPEG or PNG)."""

    subject_kind = forms.ChoiceField(label=pgettext_lazy("credit event", "Subject"), choices=SubjectKind.choices,
                                     initial=SubjectKind.ENTERPRISE, widget=forms.RadioSelect)
    enterprise = lookup.LookupField(
        Enterprise.objects.select_related("area"), key="uscc",
        url="accounts:enterprise_lookup", describe=enterprise_label,
        not_found=ENTERPRISE_NOT_FOUND, label=_("Enterprise"), required=False,
    )
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.order_by("name"),
                                    required=False)
    year = forms.IntegerField(label=pgettext_lazy("credit filter", "Year"), min_value=2000,
                              max_value=2100)
    kind = forms.ChoiceField(label=_("Event kind"), choices=EventKind.choices,
                             initial=EventKind.MANUAL_DEDUCTION)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    summary = forms.CharField(label=pgettext_lazy("credit event", "What happened"), max_length=300)
    evidence = forms.CharField(label=_("Evidence"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    evidence_file = forms.FileField(
        label=_("Evidence file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=uploads.help_with_limit(_("PDF, JPEG or PNG.")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year

    def clean(self):
        data = super().clean()
        kind = data.get("subject_kind")
        if kind == SubjectKind.ENTERPRISE and not data.get("enterprise") and "enterprise" not in self.errors:
            self.add_error("enterprise", _("Choose the enterprise."))
        if kind == SubjectKind.AGENCY and not data.get("agency"):
            self.add_error("agency", _("Choose the agency."))
        return data

    @property
    def subject(self):
        data = self.cleaned_data
        return data.get("agency") if data.get("subject_kind") == SubjectKind.AGENCY else data.get("enterprise")

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"subject": self.subject, "year": data["year"], "kind": data["kind"],
                "occurred_on": data["occurred_on"], "summary": data["summary"],
                "evidence": data.get("evidence", ""), "evidence_file": data.get("evidence_file")}


class RefuseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for refusing"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(forms.Form):
    """Confirming has nothing to enter: the confirmation step shows the event (the hidden
    field makes the post a bound form)."""

    decision = forms.CharField(widget=forms.HiddenInput, initial="confirm")
