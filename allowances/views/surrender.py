"""Surrender pages (issue 5 §4): list/queue, request form with live totals (htmx), detail with
the four-eyes actions behind a confirmation step. Thin: forms check, services act."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from allowances.choices import SurrenderStatus, UnitType
from allowances.models import ComplianceCycle, SurrenderRequest
from allowances.selectors import compliance as sel
from allowances.selectors import pledges as pledge_sel
from allowances.selectors import surrenders
from allowances.services import surrender as svc
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm

TEMPLATES = "allowances/surrender/"


class SurrenderForm(BootstrapMixin, forms.Form):
    """One whole-tonne field per holding with units left; checked against the balance and
    the CCER headroom (the service checks again on save)."""

    def __init__(self, *args, holdings, totals, free=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.holdings = holdings
        self.base_totals = totals
        for h in holdings:
            # CEA free of pledges (配额质押): the pledged tonnes cannot be surrendered
            h.available = (
                min(h.quantity, free.get(h.vintage, 0))
                if free is not None and h.unit_type == UnitType.CEA else h.quantity
            )
            pledged_out = {"max_value": _(
                "Only %(limit_value)s t are available: the rest is pledged to a bank."
            )} if h.available < h.quantity else None
            self.fields[f"h_{h.pk}"] = forms.IntegerField(
                label=str(h), min_value=0, max_value=h.available, required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": h.available, "step": 1}),
                error_messages=pledged_out,
            )
        self.style_fields()

    def rows(self):
        return [(h, self[f"h_{h.pk}"]) for h in self.holdings]

    def lines(self):
        cea, ccer = [], []
        for h in self.holdings:
            tonnes = self.cleaned_data.get(f"h_{h.pk}") or 0
            if tonnes and h.unit_type == UnitType.CEA:
                cea.append((h.vintage, tonnes))
            elif tonnes:
                ccer.append((h.project_id, h.vintage, tonnes))
        return cea, ccer

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        cea, ccer = self.lines()
        if not cea and not ccer:
            raise ValidationError(_("Enter the tonnes to surrender."))
        ccer_total = sum(t for _p, _v, t in ccer)
        if ccer_total > self.base_totals.headroom:
            first = next(
                f"h_{h.pk}" for h in self.holdings
                if h.unit_type == UnitType.CCER and data.get(f"h_{h.pk}")
            )
            self.add_error(
                first,
                _("CCER is limited to %(headroom)s t for this cycle; %(wanted)s t entered.")
                % {"headroom": self.base_totals.headroom, "wanted": ccer_total},
            )
        return data

    def requested(self) -> tuple[int, int]:
        """(CEA, CCER) tonnes typed so far, for the live totals (invalid input counts 0)."""
        cea = ccer = 0
        for h in self.holdings:
            raw = self.data.get(self.add_prefix(f"h_{h.pk}"), "")
            tonnes = web.whole_number(raw) or 0
            if h.unit_type == UnitType.CEA:
                cea += tonnes
            else:
                ccer += tonnes
        return cea, ccer


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


def _filtered(request, related=surrenders.EXPORT_RELATED):
    return surrenders.surrenders_for(
        request.user, status=request.GET.get("status", ""),
        cycle=web.whole_number(request.GET.get("cycle")),
        enterprise=web.enterprise_param(request), related=related,
    )


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def surrender_export(request):
    """The surrender list as Excel (the page's scope and filters)."""
    columns = [
        Column(_("Enterprise"), lambda r: r.account.enterprise.name, 36),
        Column(_("Unified social credit code"), lambda r: r.account.enterprise.uscc, 22),
        Column(_("Area"), lambda r: str(r.account.enterprise.area)),
        Column(_("Cycle"), lambda r: r.cycle.year, 8),
        Column(_("Allowances (t)"), lambda r: svc.request_tonnes(r)[0], 14),
        Column(_("CCER (t)"), lambda r: svc.request_tonnes(r)[1], 12),
        Column(_("Status"), lambda r: r.get_status_display(), 22),
        Column(_("Requested at"), lambda r: r.requested_at, 18),
        Column(_("Requested by"), lambda r: str(r.requested_by), 14),
        Column(_("Approved at"), lambda r: r.approved_at, 18),
        Column(_("Approved by"), lambda r: str(r.approved_by or ""), 14),
        Column(_("Confirmed at"), lambda r: r.confirmed_at, 18),
        Column(_("Confirmed by"), lambda r: str(r.confirmed_by or ""), 14),
    ]
    return xlsx_response(filename=_("surrenders"), sheet_title=_("Surrenders"), columns=columns,
                         rows=_filtered(request))


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def surrender_list(request):
    page_obj = web.paginate(request, _filtered(request, surrenders.PAGE_RELATED))
    owed = surrenders.owed_by(page_obj)
    for r in page_obj:
        r.status_text = surrenders.status_text(r, owed.get((r.account_id, r.cycle_id)))
    return render(request, TEMPLATES + "list.html", {
        "query": request.GET.urlencode(),
        "filtered_enterprise": web.filtered_enterprise(request, Perm.VIEW_ACCOUNT),
        "page_obj": page_obj,
        "statuses": SurrenderStatus.choices,
        "cycles": ComplianceCycle.objects.all(),
        "can_request": roles.has_perm(request.user, Perm.REQUEST_SURRENDER),
    })


@web.require(Perm.REQUEST_SURRENDER)
@require_http_methods(["GET", "POST"])
def surrender_new(request):
    cycle = sel.cycle_from(request.GET.get("cycle"))
    account = sel.account_of_user(request.user)
    if cycle is None or account is None:
        raise Http404
    holdings = sel.holdings_of(account)
    base = sel.totals(account, cycle)
    pledged = pledge_sel.pledged_of(account, only_if_pledged=True)
    form = SurrenderForm(request.POST or None, holdings=holdings, totals=base,
                         free=pledged.free_by_vintage if pledged.any else None)
    if request.method == "POST" and request.headers.get("HX-Request"):
        cea, ccer = form.requested()
        live = sel.totals(account, cycle, cea_requested=cea, ccer_requested=ccer)
        return render(request, TEMPLATES + "_totals.html", {"totals": live, "cycle": cycle})
    if request.method == "POST" and form.is_valid():
        cea, ccer = form.lines()
        try:
            obj = svc.surrender_request(
                actor=request.user, account=account, cycle=cycle, cea=cea, ccer=ccer
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Surrender requested; the bureau will review it."))
            return redirect("allowances:surrender_detail", pk=obj.pk)
    return render(request, TEMPLATES + "form.html", {
        "form": form, "cycle": cycle, "account": account, "totals": base, "pledged": pledged,
        "cycles": ComplianceCycle.objects.all(),
    })


def _get(request, pk, action=Perm.VIEW_ACCOUNT):
    return web.get_scoped_or_404(
        SurrenderRequest.objects.select_related(
            "account__enterprise__area", "cycle", "requested_by", "approved_by", "confirmed_by"
        ),
        request.user, action, pk=pk,
    )


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def surrender_detail(request, pk):
    obj = _get(request, pk)
    user, status = request.user, obj.status
    open_ = status in (SurrenderStatus.REQUESTED, SurrenderStatus.APPROVED)
    tonnes = svc.request_tonnes(obj)
    # an open request shows what it would leave owed; the other open requests are pending
    totals = sel.totals(obj.account, obj.cycle, exclude=obj.pk,
                        cea_requested=tonnes[0] if open_ else 0,
                        ccer_requested=tonnes[1] if open_ else 0)
    owed = surrenders.owed_by([obj]).get((obj.account_id, obj.cycle_id))
    return render(request, TEMPLATES + "detail.html", {
        "obj": obj,
        "breadcrumbs": web.crumbs(
            (_("Surrenders"), "allowances:surrender_list"),
            (f"{obj.account.enterprise.name} · {obj.cycle.name}", None),
        ),
        "totals": totals,
        "status_text": surrenders.status_text(obj, owed),
        "ccer_lines": surrenders.ccer_lines(obj),
        "tonnes": tonnes,
        "can_approve": status == SurrenderStatus.REQUESTED
        and roles.has_perm(user, Perm.APPROVE_SURRENDER),
        "can_confirm": status == SurrenderStatus.APPROVED
        and roles.has_perm(user, Perm.CONFIRM_SURRENDER) and obj.approved_by_id != user.pk,
        "can_reject": open_ and roles.has_perm(user, Perm.APPROVE_SURRENDER),
        "can_withdraw": open_ and roles.has_perm(user, Perm.REQUEST_SURRENDER),
        "events": events.for_object(obj),
        "history": web.history_rows(obj),
    })


ACTIONS = {
    "approve": (Perm.APPROVE_SURRENDER, gettext_lazy("Approve this surrender?")),
    "confirm": (Perm.CONFIRM_SURRENDER,
                gettext_lazy("Confirm this surrender? The units leave the account for good.")),
    "reject": (Perm.APPROVE_SURRENDER, gettext_lazy("Reject this surrender?")),
    "withdraw": (Perm.REQUEST_SURRENDER, gettext_lazy("Withdraw this surrender request?")),
}


def _action(request, pk, name):
    action, question = ACTIONS[name]
    if not roles.has_perm(request.user, action):
        raise PermissionDenied
    obj = _get(request, pk, action)
    form = ReasonForm(request.POST or None) if name == "reject" else None
    if request.method == "POST" and (form is None or form.is_valid()):
        service = getattr(svc, f"surrender_{name}")
        kwargs = {"reason": form.cleaned_data["reason"]} if form else {}
        try:
            service(actor=request.user, request=obj, **kwargs)
        except ValidationError as exc:
            if form is not None and hasattr(exc, "error_dict"):
                web.apply_errors(form, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("allowances:surrender_detail", pk=obj.pk)
        else:
            messages.success(request, _("Done."))
            return redirect("allowances:surrender_detail", pk=obj.pk)
    return render(request, TEMPLATES + "confirm.html", {
        "obj": obj, "form": form, "question": question, "name": name,
        "tonnes": svc.request_tonnes(obj),
    })


def _make(name):
    @web.require(ACTIONS[name][0])
    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        return _action(request, pk, name)

    view.__name__ = f"surrender_{name}"
    return view


surrender_approve = _make("approve")
surrender_confirm = _make("confirm")
surrender_reject = _make("reject")
surrender_withdraw = _make("withdraw")
