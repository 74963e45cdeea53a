"""Unit movements (issue 5 §3, DESIGN.md §6): the transfer page (a trade recorded from a
registry statement, with a confirmation step), one page per ledger entry, and the reversal of
an entry (reason required, confirmation). Reading an entry needs VIEW_ACCOUNT within the
account's scope; posting needs POST_LEDGER. Thin: forms check, ``services.ledger`` acts."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from allowances.choices import EntryKind, UnitType
from allowances.models import CCERProject, StatementLine
from allowances.selectors import movements as sel
from allowances.services import ledger
from zhongwei_carbon import lookup, roles, scoping, web
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm

TEMPLATES = "allowances/movements/"


ACCOUNT_NOT_FOUND = gettext_lazy(
    "“%(value)s” is not the unified social credit code of an enterprise account you may post "
    "to: type the 18-character code, or part of the name and pick the account from the list."
)


def account_field(label):
    """An account given by its enterprise's credit code, found by a search
    (``transfer_accounts``): a city has thousands."""
    return lookup.LookupField(
        None, key="enterprise__uscc", url="allowances:transfer_accounts",
        describe=sel.account_label, not_found=ACCOUNT_NOT_FOUND, label=label,
    )


class TransferForm(BootstrapMixin, forms.Form):
    source = account_field(gettext_lazy("From account"))
    target = account_field(gettext_lazy("To account"))
    unit_type = forms.ChoiceField(label=gettext_lazy("Unit type"), choices=UnitType.choices)
    vintage = forms.IntegerField(label=gettext_lazy("Vintage"), min_value=2000, max_value=2100)
    project = forms.ModelChoiceField(
        label=gettext_lazy("CCER project"),
        queryset=CCERProject.objects.all(),
        required=False,
        help_text=gettext_lazy("CCER only."),
    )
    quantity = forms.IntegerField(label=gettext_lazy("Quantity (t)"), min_value=1)
    serial_start = forms.IntegerField(
        label=gettext_lazy("First serial"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("CCER only, optional."),
    )
    serial_end = forms.IntegerField(label=gettext_lazy("Last serial"), min_value=0, required=False)
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=120,
        help_text=gettext_lazy("The registry's transaction number."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = sel.accounts_for_posting(user, Perm.POST_LEDGER)
        self.fields["source"].queryset = accounts
        self.fields["target"].queryset = accounts
        self.style_fields()

    def clean(self):
        data = super().clean()
        source, target = data.get("source"), data.get("target")
        if source and target and source.pk == target.pk:
            self.add_error("target", _("Source and target accounts are the same."))
        unit_type, project = data.get("unit_type"), data.get("project")
        if unit_type == UnitType.CEA and project is not None:
            self.add_error("project", _("Allowances (CEA) have no CCER project; leave it empty."))
        if unit_type == UnitType.CCER and project is None:
            self.add_error("project", _("CCER units need their project."))
        if (
            unit_type
            and data.get("quantity")
            and not (self.has_error("serial_start") or self.has_error("serial_end"))
        ):
            try:
                ledger.check_serials(
                    unit_type=unit_type,
                    quantity=data["quantity"],
                    serial_start=data.get("serial_start"),
                    serial_end=data.get("serial_end"),
                )
            except ValidationError as exc:
                web.apply_errors(self, exc)
        return data


def _initial_from_line(request) -> dict:
    """Prefill from a reconciliation line (``?line=pk``): the difference to record."""
    pk = web.whole_number(request.GET.get("line"))
    if pk is None or not roles.has_perm(request.user, Perm.VIEW_STATEMENT):
        return {}
    line = (
        scoping.for_user(
            StatementLine.objects.select_related("statement", "enterprise__allowance_account"),
            request.user,
            Perm.VIEW_STATEMENT,
        )
        .filter(pk=pk)
        .first()
    )
    if line is None:
        return {}
    initial = {
        "unit_type": line.unit_type,
        "vintage": line.vintage,
        "project": line.project_id,
        "quantity": abs(line.difference) or None,
    }
    account = getattr(line.enterprise, "allowance_account", None) if line.enterprise else None
    if account is not None:
        initial["target" if line.difference > 0 else "source"] = account.pk
    return initial


@web.require(Perm.POST_LEDGER)
@require_http_methods(["GET", "POST"])
def transfer_new(request):
    if request.method == "GET":
        form = TransferForm(user=request.user, initial=_initial_from_line(request))
        return render(request, TEMPLATES + "transfer_form.html", {"form": form})
    form = TransferForm(request.POST, user=request.user)
    if not form.is_valid() or request.POST.get("edit"):
        return render(request, TEMPLATES + "transfer_form.html", {"form": form})
    d = form.cleaned_data
    held = sel.held(d["source"], d["unit_type"], d["vintage"], d["project"])
    if request.POST.get("confirm") == "1":
        try:
            out, _into = ledger.transfer(
                actor=request.user,
                source=d["source"],
                target=d["target"],
                unit_type=d["unit_type"],
                vintage=d["vintage"],
                quantity=d["quantity"],
                project=d["project"],
                reference=d["reference"].strip(),
                serial_start=d.get("serial_start"),
                serial_end=d.get("serial_end"),
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Transfer posted."))
            return redirect("allowances:entry_detail", pk=out.pk)
    elif held < d["quantity"]:
        form.add_error(
            "quantity",
            _("The source account holds only %(held)s t of these units.") % {"held": held},
        )
    else:
        target_held = sel.held(d["target"], d["unit_type"], d["vintage"], d["project"])
        return render(
            request,
            TEMPLATES + "transfer_confirm.html",
            {
                "form": form,
                "d": d,
                "unit_label": UnitType(d["unit_type"]).label,
                "source_now": held,
                "source_after": held - d["quantity"],
                "target_now": target_held,
                "target_after": target_held + d["quantity"],
            },
        )
    return render(request, TEMPLATES + "transfer_form.html", {"form": form})


@web.require(Perm.POST_LEDGER)
@require_GET
def transfer_accounts(request):
    """The account search of the transfer form (JSON): ``?q=`` part of the enterprise's name
    or credit code, at most ``lookup.LIMIT`` accounts the user may post to."""
    return lookup.respond(
        request, sel.accounts_for_posting(request.user, Perm.POST_LEDGER),
        key="enterprise__uscc", search=("enterprise__name", "enterprise__uscc"),
        describe=sel.account_label, order=("enterprise__name", "pk"),
    )


def _entry(request, pk, action=Perm.VIEW_ACCOUNT):
    return web.get_scoped_or_404(sel.entry_queryset(), request.user, action, pk=pk)


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def entry_detail(request, pk):
    entry = _entry(request, pk)
    reversal = sel.reversal_of(entry)
    can_post = roles.has_perm(request.user, Perm.POST_LEDGER)
    return render(
        request,
        TEMPLATES + "entry_detail.html",
        {
            "entry": entry,
            "account": entry.holding.account,
            "reversal": reversal,
            "counterpart": sel.counterpart_of(entry, request.user, Perm.VIEW_ACCOUNT),
            "can_reverse": can_post and reversal is None and entry.kind != EntryKind.CORRECTION,
        },
    )


class ReverseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=100, widget=forms.Textarea(attrs={"rows": 3})
    )


@web.require(Perm.POST_LEDGER)
@require_http_methods(["GET", "POST"])
def entry_reverse(request, pk):
    entry = _entry(request, pk, Perm.POST_LEDGER)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = ledger.reverse(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Entry reversed."))
            return redirect("allowances:entry_detail", pk=correction.pk)
    holding = entry.holding
    return render(
        request,
        TEMPLATES + "entry_reverse.html",
        {
            "entry": entry,
            "form": form,
            "reversal": sel.reversal_of(entry),
            "held_now": holding.quantity,
            "held_after": holding.quantity - entry.quantity,
        },
    )
