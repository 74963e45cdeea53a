"""Forms of the user administration. They check the shape of the input; the services
check the rules (views map a service's ``ValidationError`` back onto the form)."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Membership, User
from accounts.services import SCOPE_FIELDS, scope_errors
from zhongwei_carbon import lookup, scoping
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import ROLE_SCOPE, Perm, Role


class UserForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "email"]


class UserCreateForm(BootstrapMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=lazy(password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("Initial password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "email"]

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(
                username=data.get("username", ""),
                full_name=data.get("full_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(p1, user=probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


ENTERPRISE_NOT_FOUND = _(
    "“%(value)s” is not the unified social credit code of an enterprise you may choose: type "
    "the 18-character code, or part of the name and pick the enterprise from the list."
)


def enterprises_for(user):
    """Enterprises ``user`` may give a membership for (the model through Membership's field:
    accounts does not import registry)."""
    model = Membership._meta.get_field("enterprise").related_model
    return scoping.for_user(model.objects.select_related("area"), user, Perm.MANAGE_USERS)


def enterprise_label(enterprise) -> str:
    return lookup.label(enterprise.name, enterprise.uscc, enterprise.area)


def membership_initial(query) -> dict:
    """A membership form's first values from the link that opened it (``?role=``,
    ``?department=``: the department page's "add a liaison"); anything else is ignored."""
    initial = {}
    if query.get("role") in Role.values:
        initial["role"] = query["role"]
    department = query.get("department", "")
    if department.isascii() and department.isdigit() and len(department) < 10:
        initial["department"] = int(department)
    return initial


class MembershipForm(BootstrapMixin, forms.Form):
    """Role plus the one scope object the role needs (area, enterprise, agency or department).

    A plain form built from the model's fields (their own querysets, so accounts imports
    neither registry nor verifiers); the membership itself is validated by the service.
    The enterprise is given by its credit code, found by a search (``enterprise_lookup``)
    among the enterprises within the user's scope: a city has thousands.
    """

    class Media:
        js = ["js/membership-form.js"]  # shows only the scope field the chosen role needs

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                Membership,
                fields=["role", "area", "enterprise", "agency", "department", "is_signatory"],
                help_texts={
                    "area": _("Only for county / park officials."),
                    "enterprise": _("Only for enterprise users."),
                    "agency": _("Only for agency staff."),
                    "department": _("Only for department liaisons."),
                },
            )
        )
        self.fields["role"].choices = [("", "---------"), *Role.choices]
        # role -> the fields it uses (static/js/membership-form.js hides the others)
        self.fields["role"].widget.attrs["data-scope-fields"] = json.dumps({
            role: [SCOPE_FIELDS[kind]] if kind in SCOPE_FIELDS else []
            for role, kind in ROLE_SCOPE.items()
        } | {Role.ENTERPRISE_USER.value: ["enterprise", "is_signatory"]})
        model_field = self.fields["enterprise"]
        self.fields["enterprise"] = lookup.LookupField(
            enterprises_for(user),
            key="uscc",
            url="accounts:enterprise_lookup",
            describe=enterprise_label,
            not_found=ENTERPRISE_NOT_FOUND,
            required=False,
            label=model_field.label,
            help_text=model_field.help_text,
        )
        self.style_fields()

    def clean(self):
        data = super().clean()
        if data.get("role"):
            for field, message in scope_errors(
                role=data["role"],
                area=data.get("area"),
                enterprise=data.get("enterprise"),
                agency=data.get("agency"),
                department=data.get("department"),
                is_signatory=data.get("is_signatory", False),
            ).items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "area": data.get("area"),
            "enterprise": data.get("enterprise"),
            "agency": data.get("agency"),
            "department": data.get("department"),
            "is_signatory": bool(data.get("is_signatory")),
        }


# --- passwords (Django's forms; the new password is saved by accounts.services) -------------


class _SavedByService:
    reset = False

    def save(self, commit=True):
        return services.password_set(
            actor=self.user,
            user=self.user,
            password=self.cleaned_data["new_password1"],
            reset=self.reset,
        )


class PasswordChangeForm(_SavedByService, BootstrapMixin, auth_forms.PasswordChangeForm):
    """Old password, new password twice (Django's validators, messages in Chinese)."""


class SetPasswordForm(_SavedByService, BootstrapMixin, auth_forms.SetPasswordForm):
    """The new password, reached through the e-mailed reset link."""

    reset = True


class PasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    """The e-mail address of the account; the page says the same whether one matches."""


class MailPreferenceForm(forms.Form):
    """One choice per notice topic: immediate mail, daily digest or none (the settings page
    shows it as a table of topics × modes)."""

    def __init__(self, *args, **kwargs):
        from zhongwei_carbon.models import MailMode, Topic

        super().__init__(*args, **kwargs)
        for value, label in Topic.choices:
            self.fields[value] = forms.ChoiceField(
                label=label, choices=MailMode.choices, widget=forms.RadioSelect,
            )

    def rows(self):
        """(label, bound field) per topic, for the table."""
        return [(self.fields[name].label, self[name]) for name in self.fields]
