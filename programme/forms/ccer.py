"""The CCER library's filters (one FilterSet for the page, its export and the API) and its
forms: they check the input's shape; the services decide."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ENTERPRISE_NOT_FOUND, enterprise_label
from programme import ccer_rules as rules
from programme.models import CapacityUnit, CCERLibraryProject, CCERStage, CCERType
from programme.selectors import ccer as sel
from registry.models import Area, Enterprise
from zhongwei_carbon import lookup, scoping, uploads
from zhongwei_carbon.forms import EMPTY_CHOICE, BootstrapMixin
from zhongwei_carbon.roles import Perm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _StyledForm(BootstrapMixin, forms.Form):
    pass


class CCERProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, number, owner or methodology"))
    project_type = django_filters.ChoiceFilter(choices=CCERType.choices, label=_("Project type"),
                                               empty_label=EMPTY_CHOICE)
    stage = django_filters.ChoiceFilter(choices=CCERStage.choices, label=_("Stage"),
                                        empty_label=EMPTY_CHOICE)
    area = django_filters.ModelChoiceFilter(queryset=Area.objects.all(), label=_("Area"),
                                            empty_label=EMPTY_CHOICE)

    class Meta:
        model = CCERLibraryProject
        form = _StyledForm
        fields = ["q", "project_type", "stage", "area"]

    def search(self, queryset, name, value):
        return sel.search(queryset, value)


class ProjectForm(BootstrapMixin, forms.ModelForm):
    """A project's description. The owner: an enterprise of the registry (found by name or
    credit code) or, for an owner outside the registry, its name."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_enterprise"] = lookup.LookupField(
            scoping.for_user(Enterprise.objects.select_related("area"), user,
                             Perm.VIEW_ENTERPRISE),
            key="uscc", url="programme:ccer_owner_lookup", describe=enterprise_label,
            not_found=ENTERPRISE_NOT_FOUND, required=False,
            label=_("Owner (an enterprise of the registry)"),
            help_text=_("Leave empty for an owner outside the registry and type its name below."),
        )
        self.fields["area"].queryset = scoping.for_user(Area.objects.all(), user,
                                                        Perm.PROPOSE_CCER_PROJECT)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty for the next free number.")
        self.style_fields()

    class Meta:
        model = CCERLibraryProject
        fields = ["code", "name", "owner_enterprise", "owner_name", "area", "project_type",
                  "methodology_code", "methodology_name", "capacity", "capacity_unit",
                  "crediting_start", "crediting_end", "description"]
        widgets = {"crediting_start": DATE, "crediting_end": DATE,
                   "description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):  # the service validates the model (full_clean) itself
        pass


class StageForm(BootstrapMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"))
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    registry_code = forms.CharField(
        label=_("Registration code"), max_length=40, required=False,
        help_text=_("Registering only: the code under which the project is registered; an "
                    "existing CCER project of the ledger with this code is linked."))
    inside_national_ets = forms.BooleanField(
        label=_("Inside the national ETS"), required=False,
        help_text=_("Registering only: its units cannot be used for offsets."))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(CCERStage.choices)
        self.fields["to_stage"].choices = [(s, labels[s]) for s in rules.next_stages(project.stage)]
        if not self.is_bound:
            self.initial["on"] = timezone.localdate()
        self.style_fields()


class ReductionForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=rules.YEAR_MIN, max_value=rules.YEAR_MAX)
    expected_tco2e = forms.DecimalField(label=_("Expected reductions (tCO2e)"), min_value=0,
                                        max_digits=14, decimal_places=2, required=False)
    issued_tco2e = forms.DecimalField(label=_("Issued reductions (tCO2e)"), min_value=0,
                                      max_digits=14, decimal_places=2, required=False,
                                      help_text=_("Registered projects only; at most the "
                                                  "expected reductions of the year."))


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=uploads.help_with_limit(), label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


__all__ = ["CCERProjectFilterSet", "CapacityUnit", "ImportForm", "ProjectForm",
           "ReductionForm", "StageForm"]
