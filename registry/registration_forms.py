"""Forms of the account application (public) and its decision (bureau).

They check the shape of the input; ``registry.services.registration`` checks the rules
(USCC in the registry, user name free, password strength) and the view maps its errors
back onto these forms.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from registry.choices import RegistrationStatus
from registry.models import RegistrationRequest
from zhongwei_carbon import uscc
from zhongwei_carbon.forms import BootstrapMixin, with_empty_choice


class RegistrationForm(BootstrapMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=lazy(password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = RegistrationRequest
        fields = [
            "uscc",
            "enterprise_name",
            "applicant_name",
            "position",
            "phone",
            "email",
            "username",
            "wants_signatory",
        ]
        help_texts = {
            "uscc": _("The 18-character code on the business licence."),
            "wants_signatory": _(
                "The signatory certifies and submits reports on behalf of the enterprise."
            ),
        }

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        get_user_model().username_validator(username)
        return username

    def clean_uscc(self):
        return uscc.normalize(self.cleaned_data["uscc"])

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "uscc_code": d["uscc"],
            "enterprise_name": d["enterprise_name"],
            "applicant_name": d["applicant_name"],
            "position": d.get("position", ""),
            "phone": d["phone"],
            "email": d["email"],
            "username": d["username"],
            "password": d["password1"],
            "wants_signatory": bool(d.get("wants_signatory")),
        }


class ApproveForm(BootstrapMixin, forms.Form):
    grant_signatory = forms.BooleanField(
        label=_("Make this user the enterprise's signatory (as asked)"), required=False
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class RefuseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusing"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for refusing the application.")},
    )


class RegistrationFilterForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=with_empty_choice(RegistrationStatus.choices),
    )
