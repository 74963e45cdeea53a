"""Allowance pledge pages (配额质押): the scoped list with Excel export (the bureau all, an
official its area's, an enterprise its own, a bank liaison the pledges to its bank), a
pledge's page, and the bureau administrator's register and release steps, each confirmed
after the server checked it. Thin: the services act (``allowances.services.pledges``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from allowances.choices import PledgeStatus
from allowances.filtersets import PledgeFilterSet
from allowances.models import AllowanceAccount, Pledge
from allowances.selectors import pledges as sel
from allowances.services import pledges as svc
from registry.choices import DepartmentKind
from registry.models import Department
from zhongwei_carbon import display, events, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm

T = "allowances/pledges/"


class PledgeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Pledge
        fields = ["account", "pledgee", "quantity", "vintage", "contract_number", "loan_amount",
                  "start_date", "end_date", "note"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = AllowanceAccount.objects.select_related("enterprise")
        self.fields["account"].label_from_instance = lambda a: a.enterprise.name
        self.fields["pledgee"].queryset = Department.objects.filter(
            kind=DepartmentKind.BANK, is_active=True)
        self.fields["quantity"].min_value = 1
        self.style_fields()

    def _post_clean(self):  # the service validates the model (it sets the registrant)
        pass


class ReleaseForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=gettext_lazy("Release note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


def _filtered(request):
    filterset = PledgeFilterSet(request.GET or None, queryset=sel.pledges_for(request.user))
    return filterset.form, filterset.qs


@web.require(Perm.VIEW_PLEDGE)
@require_GET
def pledge_list(request):
    form, qs = _filtered(request)
    return render(request, T + "list.html", {
        "form": form, "page_obj": web.paginate(request, qs),
        "can_manage": roles.has_perm(request.user, Perm.MANAGE_PLEDGE),
    })


def pledge_columns() -> list[Column]:
    return [
        Column(_("Enterprise"), lambda p: p.account.enterprise.name, 36),
        Column(_("Area"), lambda p: str(p.account.enterprise.area)),
        Column(_("Pledgee bank"), lambda p: str(p.pledgee), 24),
        Column(_("Contract number"), lambda p: p.contract_number, 20),
        Column(_("Pledged quantity (t)"), lambda p: p.quantity, 14),
        Column(_("Vintage"), lambda p: p.vintage, 8),
        Column(_("Loan amount (10k yuan)"), lambda p: p.loan_amount, 16),
        Column(_("Pledge start date"), lambda p: p.start_date, 12),
        Column(_("Pledge end date"), lambda p: p.end_date, 12),
        Column(_("Status"), lambda p: p.get_status_display(), 10),
        Column(_("Registered by"), lambda p: display.person(p.registered_by), 14),
        Column(_("Registered at"), lambda p: p.registered_at, 18),
        Column(_("Released at"), lambda p: p.released_at, 18),
    ]


@web.require(Perm.VIEW_PLEDGE)
@require_GET
def pledge_export(request):
    _form, qs = _filtered(request)
    return xlsx_response(filename=_("allowance-pledges"), sheet_title=_("Allowance pledges"),
                         columns=pledge_columns(), rows=qs)


def _get(request, pk, action=Perm.VIEW_PLEDGE):
    return web.get_scoped_or_404(
        Pledge.objects.select_related("account__enterprise__area", "pledgee", "registered_by",
                                      "released_by"),
        request.user, action, pk=pk,
    )


def _crumbs(*tail):
    return web.crumbs((_("Allowance pledges"), "allowances:pledge_list"), *tail)


@web.require(Perm.VIEW_PLEDGE)
@require_GET
def pledge_detail(request, pk):
    pledge = _get(request, pk)
    return render(request, T + "detail.html", {
        "pledge": pledge, "breadcrumbs": _crumbs((pledge.contract_number, None)),
        "summary": sel.pledged_of(pledge.account),
        "events": events.for_object(pledge), "history": web.history_rows(pledge),
        "can_release": roles.has_perm(request.user, Perm.MANAGE_PLEDGE)
        and pledge.status == PledgeStatus.ACTIVE,
    })


@web.require(Perm.MANAGE_PLEDGE)
@require_http_methods(["GET", "POST"])
def pledge_new(request):
    def check(form):
        data = form.cleaned_data
        summary = sel.pledged_of(data["account"])
        free = (summary.free_by_vintage.get(data["vintage"], 0) if data["vintage"]
                else summary.free)
        if data["quantity"] > free:
            raise ValidationError({"quantity": _(
                "Only %(free)s t of these allowances are free of pledges; %(quantity)s t asked."
            ) % {"free": free, "quantity": data["quantity"]}})
        return summary

    def act(form):
        return svc.pledge_register(actor=request.user, **form.cleaned_data)

    def confirmation(form, summary):
        d = form.cleaned_data
        return Confirmation(
            title=_("Register a pledge"),
            question=_("Register this pledge? The pledged allowances cannot be surrendered or "
                       "transferred until the pledge is released."),
            button=_("Register pledge"),
            breadcrumbs=_crumbs((_("Register a pledge"), None)),
            rows=[
                (_("Enterprise"), d["account"].enterprise.name),
                (_("Pledgee bank"), d["pledgee"]),
                (_("Pledged quantity (t)"), d["quantity"]),
                (_("Vintage"), d["vintage"] or _("Any vintage")),
                (_("Contract number"), d["contract_number"]),
                (_("Loan amount (10k yuan)"), d["loan_amount"]),
                (_("Pledge period"), f"{d['start_date']} – {d['end_date']}"),
                (_("Allowances held (t)"), summary.held),
                (_("Free of pledges before (t)"), summary.free),
            ],
        )

    def done(pledge):
        messages.success(request, _("Pledge registered."))
        return redirect("allowances:pledge_detail", pk=pledge.pk)

    return confirmed_step(
        request, make_form=lambda data, files, initial: PledgeForm(data, initial=initial),
        check=check, act=act, confirmation=confirmation, done=done, purpose="pledge",
        form_page=lambda form: render(request, T + "form.html", {
            "form": form, "breadcrumbs": _crumbs((_("Register a pledge"), None))}),
    )


@web.require(Perm.MANAGE_PLEDGE)
@require_http_methods(["GET", "POST"])
def pledge_release(request, pk):
    pledge = _get(request, pk, Perm.MANAGE_PLEDGE)
    crumbs = _crumbs((pledge.contract_number, pledge_url(pledge)), (_("Release"), None))

    def check(form):
        if pledge.status != PledgeStatus.ACTIVE:
            raise ValidationError(_("This pledge is already released."))

    def confirmation(form, _summary):
        return Confirmation(
            title=_("Release the pledge"),
            question=_("Release this pledge? Its allowances become free to surrender or "
                       "transfer."),
            button=_("Release pledge"), breadcrumbs=crumbs,
            rows=[(_("Enterprise"), pledge.account.enterprise.name),
                  (_("Pledgee bank"), pledge.pledgee),
                  (_("Contract number"), pledge.contract_number),
                  (_("Pledged quantity (t)"), pledge.quantity),
                  (_("Release note"), form.cleaned_data["note"])],
        )

    def done(_p):
        messages.success(request, _("Pledge released."))
        return redirect("allowances:pledge_detail", pk=pledge.pk)

    return confirmed_step(
        request, make_form=lambda data, files, initial: ReleaseForm(data, initial=initial),
        check=check, confirmation=confirmation, done=done, purpose=f"pledge-release:{pk}",
        act=lambda form: svc.pledge_release(actor=request.user, pledge=pledge,
                                            note=form.cleaned_data["note"]),
        form_page=lambda form: render(request, T + "release.html", {
            "form": form, "pledge": pledge, "breadcrumbs": crumbs}),
    )


def pledge_url(pledge) -> str:
    from django.urls import reverse

    return reverse("allowances:pledge_detail", args=[pledge.pk])
