from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import challenge, rules
from complaints.choices import Category, Outcome
from oversight.forms import MultipleFileField
from registry.models import Area
from zhongwei_carbon import display, uploads
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.lookup import LookupInput


class _TargetLookup:
    """What ``LookupInput`` asks of its field: the public endpoint and its messages. A code
    not found is not an error: the complaint keeps it as written."""

    url = "complaints_public:target_lookup"
    empty_text = _("Nothing found: describe the party in the field below.")
    placeholder = _("Type part of the name or the credit code")

    def label_of_key(self, value):
        return None


class ComplaintForm(BootstrapMixin, forms.Form):
    target_code = forms.CharField(
        label=_("Enterprise or agency (from the published lists)"), required=False,
        max_length=100, widget=LookupInput(),
        help_text=_("Search the published key emitters and active agencies, or leave empty."),
    )
    target_text = forms.CharField(
        label=_("Or: about whom, in your words"), required=False, max_length=200,
        help_text=_("A name, address or official, if not in the lists."),
    )
    official_area = forms.ModelChoiceField(
        label=_("About an official of"), required=False, queryset=None,
        empty_label=_("— not about an official —"),
        help_text=_("If the complaint is about an official of a county or park, choose which "
                    "one; describe the official above."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(label=_("What happened"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    files = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=uploads.help_with_limit(_("PDF, JPEG or PNG; at most 5 files.")),
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=100,
                           help_text=_("Optional: you may stay anonymous."))
    contact = forms.CharField(label=_("Phone or e-mail"), required=False, max_length=200,
                              help_text=_("Optional. Kept encrypted; only the bureau can read it."))
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_code"].widget.field = _TargetLookup()
        self.fields["official_area"].queryset = Area.objects.all()
        # the human check: a fresh question on every display (rendered by the template), the
        # posted answer checked against the posted token
        self.question, self.token = challenge.new()

    def clean(self):
        data = super().clean()
        if not (data.get("target_code", "").strip() or data.get("target_text", "").strip()
                or data.get("official_area")):
            self.add_error("target_text", _("Say whom the complaint is about."))
        if not challenge.passed(self.data.get("token", ""), self.data.get("answer", "")):
            self.challenge_error = _("The answer to the check is wrong or expired; answer the "
                                     "new question.")
            raise forms.ValidationError(self.challenge_error, code="challenge")
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("category", "description", "target_code", "target_text",
                                  "files", "name", "contact", "official_area")}


class TrackForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=_("Tracking number"), max_length=20)
    secret = forms.CharField(label=_("Secret code"), max_length=40,
                             widget=forms.PasswordInput(render_value=False))


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (the filer reads it)"),
                             widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(BootstrapMixin, forms.Form):
    into = forms.CharField(label=_("Tracking number of the complaint it duplicates"),
                           max_length=20)


class OfficialForm(BootstrapMixin, forms.Form):
    area = forms.ModelChoiceField(
        label=_("County or park of the official complained about"), queryset=None,
        help_text=_("Its officials will not be offered as handlers."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.all()


class AssignForm(BootstrapMixin, forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None)
    working_days = forms.IntegerField(
        label=_("Working days to reply"), initial=rules.DEFAULT_REPLY_WORKING_DAYS, min_value=1,
        max_value=rules.MAX_REPLY_WORKING_DAYS,
        help_text=_("Counted with the bureau's holiday calendar."),
    )

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers
        self.fields["handler"].label_from_instance = display.person


class FindingsForm(BootstrapMixin, forms.Form):
    findings = forms.CharField(label=_("Investigation notes"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5}))


class ReplyForm(BootstrapMixin, forms.Form):
    findings = forms.CharField(label=_("Investigation notes"), required=False,
                               widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reply = forms.CharField(label=_("Reply to the filer"),
                            widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("Published to the filer once the bureau approves it; "
                                        "do not name the filer."))


class ReturnForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("What is to be changed"),
                           widget=forms.Textarea(attrs={"rows": 3}))
