"""Market prices and penalty cases for short surrender (issue 5 §5, issue 9 §2–3). Reading needs
VIEW_COMPLIANCE (county: its area, enterprise: its own); every change needs MANAGE_PENALTY
(bureau admin). Thin: forms check, services act."""

from __future__ import annotations

import heapq
import os
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from allowances import rules
from allowances.models import ComplianceCycle, DailyPrice, MonthlyPrice
from allowances.selectors import compliance as sel
from allowances.selectors import penalties as psel
from allowances.services import penalties as svc
from registry.models import Enterprise
from zhongwei_carbon import events, roles, scoping, uploads, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, export_rows, xlsx_response
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.templatetags.portal import thousands

TEMPLATES = "allowances/penalties/"
SHORT_PAGE = "short_page"  # the page of the list of enterprises short without a case


class PriceForm(BootstrapMixin, forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month (YYYY-MM)"), max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    average_price = forms.DecimalField(
        label=gettext_lazy("Average price (CNY/t)"), max_digits=10, decimal_places=2, min_value=0
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_month(self):
        raw = self.cleaned_data["month"].strip()
        try:
            year, month = (int(p) for p in raw.split("-"))
            return date(year, month, 1)
        except (ValueError, TypeError):
            raise ValidationError(_("Enter a month as YYYY-MM.")) from None


class DayPriceForm(BootstrapMixin, forms.Form):
    day = forms.DateField(label=gettext_lazy("Trading day"),
                          widget=forms.DateInput(attrs={"type": "date"}))
    average_price = forms.DecimalField(
        label=gettext_lazy("Average price (CNY/t)"), max_digits=10, decimal_places=2, min_value=0
    )
    volume = forms.IntegerField(label=gettext_lazy("Volume traded (t)"), min_value=1)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="day", **kwargs)
        self.style_fields()


class CorrectionDeadlineForm(BootstrapMixin, forms.Form):
    correction_deadline = forms.DateField(
        label=gettext_lazy("Correction deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="deadline", **kwargs)
        self.style_fields()


class PriceWindowForm(BootstrapMixin, forms.Form):
    price_window_start = forms.DateField(
        label=gettext_lazy("Price window from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    price_window_end = forms.DateField(
        label=gettext_lazy("Price window to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="window", **kwargs)
        self.style_fields()


class DecideForm(BootstrapMixin, forms.Form):
    fine_decided = forms.DecimalField(
        label=gettext_lazy("Fine decided (CNY)"), max_digits=16, decimal_places=2, min_value=0
    )
    document = forms.FileField(
        label=gettext_lazy("Decision document"), required=False,
        help_text=uploads.help_with_limit(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class CutForm(BootstrapMixin, forms.Form):
    next_cycle = forms.ModelChoiceField(
        label=gettext_lazy("Next cycle"), queryset=ComplianceCycle.objects.none()
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        qs = ComplianceCycle.objects.filter(year__gt=case.cycle.year).order_by("year")
        self.fields["next_cycle"].queryset = qs
        self.fields["next_cycle"].initial = qs.first()
        self.style_fields()


@web.require(Perm.VIEW_COMPLIANCE)
@require_http_methods(["GET", "POST"])
def price_list(request):
    """Trading days' prices (with volumes) and published monthly averages; the bureau admin
    adds or changes either (``kind=day`` posts a trading day)."""
    can_manage = roles.has_perm(request.user, Perm.MANAGE_PENALTY)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    initial = {}
    edit_pk = web.whole_number(request.GET.get("edit"))
    edit = MonthlyPrice.objects.filter(pk=edit_pk).first() if edit_pk is not None else None
    if edit is not None:
        initial = {"month": f"{edit.month:%Y-%m}", "average_price": edit.average_price,
                   "source": edit.source}
    posted_day = request.method == "POST" and request.POST.get("kind") == "day"
    posted_month = request.method == "POST" and not posted_day
    form = day_form = None
    if can_manage:
        form = PriceForm(request.POST if posted_month else None, initial=initial)
        day_form = DayPriceForm(request.POST if posted_day else None)
    if posted_month and form.is_valid():
        try:
            price = svc.price_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Price of %(month)s saved.") % {
                "month": f"{price.month:%Y-%m}"})
            return redirect("allowances:price_list")
    if posted_day and day_form.is_valid():
        try:
            day = svc.price_day_set(actor=request.user, **day_form.cleaned_data)
        except ValidationError as exc:
            web.apply_errors(day_form, exc)
        else:
            messages.success(request, _("Price of trading day %(day)s saved.") % {
                "day": day.day.isoformat()})
            return redirect("allowances:price_list")
    return render(request, TEMPLATES + "prices.html", {
        "form": form, "day_form": day_form, "page_obj": web.paginate(request, _days(request)),
        "months": _prices(request), "can_manage": can_manage,
        "fine_multiples": (rules.FINE_MIN_MULTIPLE, rules.FINE_MAX_MULTIPLE),
    })


def _prices(request):
    return scoping.for_user(MonthlyPrice.objects.all(), request.user, Perm.VIEW_COMPLIANCE)


def _days(request):
    return scoping.for_user(DailyPrice.objects.all(), request.user, Perm.VIEW_COMPLIANCE)


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def price_export(request):
    """Every price entered, newest first: published monthly averages and trading days."""
    monthly, trading = _("Monthly average"), _("Trading day")
    months = ((p.month, f"{p.month:%Y-%m}", monthly, p.average_price, None, p.source)
              for p in export_rows(_prices(request).order_by("-month")))
    days = ((d.day, f"{d.day:%Y-%m-%d}", trading, d.average_price, d.volume, d.source)
            for d in export_rows(_days(request).order_by("-day")))
    # both streams newest first; on the same date the trading day comes first
    rows = heapq.merge(months, days, key=lambda r: (r[0], r[2] == trading), reverse=True)
    return xlsx_response(
        filename=_("market-prices"),
        sheet_title=_("Market prices"),
        columns=[
            Column(_("Period"), lambda r: r[1], 12),
            Column(_("Kind"), lambda r: r[2], 12),
            Column(_("Average price (CNY/t)"), lambda r: r[3], 18),
            Column(_("Volume traded (t)"), lambda r: r[4], 16),
            Column(_("Source"), lambda r: r[5], 50),
        ],
        rows=rows,
    )


def _cases(request):
    """The penalty cases the user may see, of the cycle chosen on the page (``?cycle=YEAR``,
    else the newest cycle; all cycles while none exists)."""
    cycle = sel.cycle_from(request.GET.get("cycle"))
    cases = scoping.for_user(psel.cases(), request.user, Perm.VIEW_COMPLIANCE)
    if cycle is not None:
        cases = cases.filter(cycle=cycle)
    if web.enterprise_param(request):
        cases = cases.filter(enterprise_id=web.enterprise_param(request))
    return cycle, cases


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def penalty_list(request):
    cycle, cases = _cases(request)
    short = None
    if cycle is not None:  # paged on its own; nothing is read before the surrender deadline
        short = web.paginate(request, sel.openable(
            request.user, cycle, enterprise=web.enterprise_param(request)), param=SHORT_PAGE)
    page = web.paginate(request, cases)
    today = timezone.localdate()
    for case in page:
        case.figures = psel.figures(case, today)
    return render(request, TEMPLATES + "list.html", {
        "cycle": cycle,
        "cycles": ComplianceCycle.objects.all(),
        "page_obj": page,
        "filtered_enterprise": web.filtered_enterprise(request, Perm.VIEW_COMPLIANCE),
        "short": short.object_list if short is not None else [],
        "short_page": short, "short_param": SHORT_PAGE,
        "can_manage": roles.has_perm(request.user, Perm.MANAGE_PENALTY),
    })


def _cut_text(case, today) -> object:
    """The cut as a cell: tonnes once known, else when it will be."""
    fig = psel.figures(case, today)
    if fig.cut is not None:
        return fig.cut
    if case.correction_deadline is None:
        return _("correction deadline not set")
    return _("to be determined after %(date)s") % {"date": case.correction_deadline.isoformat()}


def penalty_columns(today=None) -> list[Column]:
    today = today or timezone.localdate()
    return [
        Column(_("Enterprise"), lambda c: c.enterprise.name, 36),
        Column(_("Unified social credit code"), lambda c: c.enterprise.uscc, 22),
        Column(_("Area"), lambda c: str(c.enterprise.area)),
        Column(_("Cycle"), lambda c: c.cycle.year, 8),
        Column(_("Tonnes short (t)"), lambda c: c.tonnes_short, 14),
        Column(_("Price window from"), lambda c: c.price_window_start, 12),
        Column(_("Price window to"), lambda c: c.price_window_end, 12),
        Column(_("Price (CNY/t)"), lambda c: c.price, 12),
        Column(_("Fine from (CNY)"), lambda c: c.fine_min, 16),
        Column(_("Fine up to (CNY)"), lambda c: c.fine_max, 16),
        Column(_("Fine decided (CNY)"), lambda c: c.fine_decided, 16),
        Column(_("Correction deadline"), lambda c: c.correction_deadline, 12),
        Column(_("Still short now (t)"), lambda c: psel.figures(c, today).still_short_now, 14),
        Column(_("Next year's cut (t)"), lambda c: _cut_text(c, today), 18),
        Column(_("Cut applied"), lambda c: _("Yes") if c.cut_applied else _("No"), 10),
        Column(_("Status"), lambda c: c.get_status_display(), 12),
    ]


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def penalty_export(request):
    cycle, cases = _cases(request)
    return xlsx_response(
        filename=_("penalty-cases") + (f"-{cycle.year}" if cycle else ""),
        sheet_title=_("Penalty cases"),
        columns=penalty_columns(),
        rows=cases.order_by("enterprise__area__code", "enterprise__name", "pk"),
    )


class OpenCaseForm(CorrectionDeadlineForm):
    """Opening a case: the correction deadline (the reason is for later changes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]


def _open_target(request):
    """The cycle and enterprise (``?cycle=YEAR&enterprise=ID``, or the same posted) a case is
    to be opened for; an enterprise outside the user's scope is 404."""
    year = web.whole_number(request.POST.get("cycle") or request.GET.get("cycle"))
    enterprise_pk = web.whole_number(
        request.POST.get("enterprise") or request.GET.get("enterprise")
    )
    if year is None or enterprise_pk is None:
        return None, None
    cycle = ComplianceCycle.objects.filter(year=year).first()
    if cycle is None:
        raise Http404
    enterprise = web.get_scoped_or_404(
        Enterprise.objects.select_related("area"), request.user, Perm.MANAGE_PENALTY,
        pk=enterprise_pk,
    )
    return cycle, enterprise


def _yuan(value) -> str:
    return thousands(value, 2)


@web.require(Perm.MANAGE_PENALTY)
@require_http_methods(["GET", "POST"])
def penalty_open(request):
    """Open a case (Art. 24): the correction deadline is checked with everything the service
    checks, then a confirmation page states the enterprise, the cycle, the tonnes short at the
    surrender deadline, the price window and the fine range, then the case is opened."""
    cycle, enterprise = _open_target(request)
    if cycle is None:
        return redirect(_list_url())
    back = f"{_list_url()}?cycle={cycle.year}"
    crumbs = web.crumbs((_("Penalty cases"), back), (_("Open a penalty case"), None))

    def service_args(form):
        return {"actor": request.user, "cycle": cycle, "enterprise": enterprise,
                "correction_deadline": form.cleaned_data["correction_deadline"]}

    def confirmation(form, opening):
        window = opening.window
        return Confirmation(
            title=_("Open a penalty case"),
            question=_("Open a penalty case for this enterprise?"),
            button=_("Open the case"),
            rows=[
                (_("Enterprise"), enterprise.name),
                (_("Area"), str(enterprise.area)),
                (_("Cycle"), cycle.name),
                (_("Surrender deadline"), opening.surrender_deadline.isoformat()),
                (_("Obligation (t)"), thousands(opening.obligation)),
                (_("Short at the surrender deadline (t)"), thousands(opening.tonnes_short)),
                (_("Price window"), f"{window.start.isoformat()} – {window.end.isoformat()}"),
                (_("Average price (CNY/t)"), _yuan(window.average)),
                (_("Fine range (CNY)"), f"{_yuan(opening.fine_min)} – {_yuan(opening.fine_max)}"),
                (_("Correction deadline"), opening.correction_deadline.isoformat()),
            ],
            warning=_(
                "The enterprise is notified and ordered to surrender what it still owes by "
                "%(date)s; what is still short then is cut from next year's allocation. A "
                "case cannot be withdrawn."
            ) % {"date": opening.correction_deadline.isoformat()},
            breadcrumbs=crumbs,
        )

    def done(case):
        messages.success(request, _("Penalty case opened."))
        return redirect("allowances:penalty_detail", pk=case.pk)

    def form_page(form):
        deadline = sel.deadline_of(cycle)
        return render(request, TEMPLATES + "open.html", {
            "cycle": cycle, "enterprise": enterprise, "form": form, "breadcrumbs": crumbs,
            "surrender_deadline": deadline,
            "tonnes_short": svc.shortfall(enterprise, cycle, deadline) if deadline else None,
            "back": back, "action_url": action_url,
        })

    action_url = f"{reverse('allowances:penalty_open')}?cycle={cycle.year}&enterprise={enterprise.pk}"
    return confirmed_step(
        request,
        make_form=lambda data, files, initial: OpenCaseForm(data, initial=initial),
        check=lambda form: svc.penalty_open_check(**service_args(form)),
        act=lambda form: svc.penalty_open(**service_args(form)),
        confirmation=confirmation, form_page=form_page, done=done,
        purpose=f"penalty-open:{cycle.year}:{enterprise.pk}",
        action_url=action_url,
    )


def _list_url():
    return reverse("allowances:penalty_list")


def _get(request, pk, action=Perm.VIEW_COMPLIANCE):
    return web.get_scoped_or_404(
        psel.cases().select_related("opened_by"), request.user, action, pk=pk,
    )


@web.require(Perm.VIEW_COMPLIANCE)
@require_http_methods(["GET", "POST"])
def penalty_detail(request, pk):
    """The case (enterprise and county read their own). The bureau admin decides the fine
    (``action=decide``), sets the correction deadline (``action=deadline``) or another price
    window with a reason (``action=window``)."""
    case = _get(request, pk)
    can_manage = roles.has_perm(request.user, Perm.MANAGE_PENALTY)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    action = request.POST.get("action", "decide") if request.method == "POST" else None
    forms_ = {}
    if can_manage:
        forms_ = {
            "decide": DecideForm(request.POST if action == "decide" else None,
                                 request.FILES if action == "decide" else None,
                                 initial={"fine_decided": case.fine_decided}),
            "deadline": CorrectionDeadlineForm(request.POST if action == "deadline" else None,
                                               initial={"correction_deadline":
                                                        case.correction_deadline}),
            "window": PriceWindowForm(request.POST if action == "window" else None,
                                      initial={"price_window_start": case.price_window_start,
                                               "price_window_end": case.price_window_end}),
        }
    form = forms_.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "decide":
                svc.penalty_decide(actor=request.user, case=case, fine=data["fine_decided"],
                                   document=data.get("document"))
                done = _("Fine decided.")
            elif action == "deadline":
                svc.penalty_set_correction_deadline(
                    actor=request.user, case=case,
                    correction_deadline=data["correction_deadline"], reason=data["reason"])
                done = _("Correction deadline saved.")
            else:
                svc.penalty_set_price_window(
                    actor=request.user, case=case, start=data["price_window_start"],
                    end=data["price_window_end"], reason=data["reason"])
                done = _("Price window saved; the fine range was recomputed.")
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("allowances:penalty_detail", pk=case.pk)
    return render(request, TEMPLATES + "detail.html", {
        "case": case, "form": forms_.get("decide"), "deadline_form": forms_.get("deadline"),
        "window_form": forms_.get("window"), "can_manage": can_manage,
        "figures": psel.figures(case),
        "breadcrumbs": web.crumbs(
            (_("Penalty cases"), "allowances:penalty_list"),
            (f"{case.enterprise.name} · {case.cycle.name}", None),
        ),
        "fine_multiples": (rules.FINE_MIN_MULTIPLE, rules.FINE_MAX_MULTIPLE),
        "events": events.for_object(case), "history": web.history_rows(case),
    })


@web.require(Perm.MANAGE_PENALTY)
@require_http_methods(["GET", "POST"])
def penalty_cut(request, pk):
    case = _get(request, pk, Perm.MANAGE_PENALTY)
    form = CutForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            svc.penalty_apply_cut(actor=request.user, case=case,
                                  next_cycle=form.cleaned_data["next_cycle"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Next year's cut applied."))
            return redirect("allowances:penalty_detail", pk=case.pk)
    return render(request, TEMPLATES + "cut.html", {
        "case": case, "form": form, "figures": psel.figures(case),
    })


@web.require(Perm.VIEW_COMPLIANCE)
@require_GET
def penalty_document(request, pk):
    """The decision document, for whoever may see the case (out of scope: 404)."""
    case = _get(request, pk)
    ext = os.path.splitext(case.decision_document.name or "")[1].lower()
    return web.send_file(
        case.decision_document, f"penalty-{case.enterprise.uscc}-{case.cycle.year}{ext}"
    )
