"""Allocation pages (issue 5 §2): the bureau's table per cycle (notified figure beside the
portal's check value), the notice import, notice and issue with confirmation, objections.
Reading needs VIEW_ALLOCATION (county: its area, enterprise: its own); changes need
MANAGE_ALLOCATION (bureau admin), an objection OBJECT_TO_ALLOCATION (the enterprise)."""

from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allowances import rules
from allowances.choices import AllocationStatus, ObjectionStatus
from allowances.models import Allocation, AllocationObjection, ComplianceCycle
from allowances.selectors import allocations as alloc_sel
from allowances.selectors import compliance as compliance_sel
from allowances.selectors.allocation_check import check
from allowances.services import allocation as svc
from allowances.services import allocation_import as reader
from registry.models import Area
from registry.selectors.lists import entries_of, published_list
from zhongwei_carbon import events, roles, uploads, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import (
    Column,
    UploadRejected,
    xlsx_file_response,
    xlsx_response,
)
from zhongwei_carbon.forms import EMPTY_CHOICE, BootstrapMixin, with_empty_choice
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.templatetags.portal import thousands

TEMPLATES = "allowances/allocation/"


class FilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("Name or credit code"), required=False)
    area = forms.ModelChoiceField(
        Area.objects.all(), label=gettext_lazy("Area"), required=False, empty_label=EMPTY_CHOICE
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=with_empty_choice(AllocationStatus.choices),
        required=False,
    )
    differs = forms.BooleanField(label=gettext_lazy("Differences only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        help_text=uploads.help_with_limit(),
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class ObjectionForm(BootstrapMixin, forms.Form):
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    file = forms.FileField(
        help_text=uploads.help_with_limit(),
        label=gettext_lazy("Supporting file (PDF, PNG or JPEG, optional)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[(ObjectionStatus.UPHELD, gettext_lazy("Uphold: the region corrects the figure")),
                 (ObjectionStatus.DISMISSED, gettext_lazy("Dismiss: the notified figure stands"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


def _cycle(year) -> ComplianceCycle:
    return get_object_or_404(ComplianceCycle, year=year)


def _filtered(request):
    cycle = compliance_sel.cycle_from(request.GET.get("cycle"))
    form = FilterForm(request.GET or None)
    qs = alloc_sel.allocations_for(request.user)
    qs = qs.filter(cycle=cycle) if cycle else qs.none()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            q = data["q"].strip()
            qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q.upper()))
        if data["area"]:
            qs = qs.filter(enterprise__area=data["area"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["differs"]:
            qs = qs.filter(
                Q(notified__isnull=False, computed__isnull=False) & ~Q(notified=F("computed"))
                | Q(pre_allocation__isnull=False, pre_allocation_check__isnull=False)
                & ~Q(pre_allocation=F("pre_allocation_check"))
            )
    return cycle, form, qs.order_by("enterprise__name", "pk")


@web.require(Perm.VIEW_ALLOCATION)
@require_GET
def allocation_list(request):
    cycle, form, qs = _filtered(request)
    can_manage = roles.has_perm(request.user, Perm.MANAGE_ALLOCATION)
    counts = {}
    if can_manage and cycle is not None:
        counts = dict.fromkeys(AllocationStatus.values, 0) | dict(
            Allocation.objects.filter(cycle=cycle).values_list("status").annotate(n=Count("pk"))
        )
    return render(request, TEMPLATES + "list.html", {
        "cycle": cycle, "cycles": ComplianceCycle.objects.all(), "form": form,
        "page_obj": web.paginate(request, qs), "can_manage": can_manage, "counts": counts,
        "show_check": alloc_sel.shows_check_values(request.user),
        "query": request.GET.urlencode(),
    })


def allocation_columns(*, with_check: bool) -> list[Column]:
    """The export's columns; the portal's check values only for the bureau."""
    def check(column):
        return [column] if with_check else []

    return [
        Column(_("Enterprise"), lambda a: a.enterprise.name, 36),
        Column(_("Unified social credit code"), lambda a: a.enterprise.uscc, 22),
        Column(_("Area"), lambda a: str(a.enterprise.area)),
        Column(_("Method"), lambda a: a.get_method_display(), 20),
        Column(_("Pre-allocation notified (t)"), lambda a: a.pre_allocation, 16),
        *check(Column(_("Pre-allocation check (t)"), lambda a: a.pre_allocation_check, 16)),
        Column(_("Final allocation notified (t)"), lambda a: a.notified, 16),
        *check(Column(_("Final allocation check (t)"), lambda a: a.computed, 16)),
        *check(Column(_("Difference (t)"), lambda a: a.difference, 12)),
        *check(Column(_("Why no check value"), lambda a: a.check_problem, 30)),
        Column(_("Notice"), lambda a: a.notice_reference, 20),
        Column(_("Date of the region's notice"), lambda a: a.notice_date, 12),
        Column(_("Notified on"), lambda a: a.notified_on, 12),
        Column(_("Objection deadline"), lambda a: a.objection_deadline, 12),
        Column(_("Status"), lambda a: a.get_status_display(), 18),
    ]


@web.require(Perm.VIEW_ALLOCATION)
@require_GET
def allocation_export(request):
    cycle, _form, qs = _filtered(request)
    return xlsx_response(
        filename=_("allocations-%(year)s") % {"year": cycle.year if cycle else ""},
        sheet_title=_("Allocations"),
        columns=allocation_columns(with_check=alloc_sel.shows_check_values(request.user)),
        rows=qs,
    )


@web.require(Perm.MANAGE_ALLOCATION)
@require_GET
def allocation_template(request, year):
    cycle = _cycle(year)
    key_list = published_list(cycle.year)
    listed = []
    if key_list is not None:
        entries = entries_of(key_list, request.user).listed()
        listed = list(entries.order_by("uscc").values_list("uscc", "enterprise_name"))
    return xlsx_file_response(reader.template_workbook(cycle, listed),
                              ascii_name=f"allocation-template-{cycle.year}.xlsx",
                              filename=f"{cycle.year}年度配额分配导入模板.xlsx")


@web.require(Perm.MANAGE_ALLOCATION)
@require_http_methods(["GET", "POST"])
def allocation_import(request, year):
    cycle = _cycle(year)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            problem = uploads.size_problem(upload.size)
            if problem:
                raise UploadRejected(problem)
            outcome = svc.allocation_import(
                actor=request.user, cycle=cycle, data=upload.read(), filename=upload.name
            )
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        else:
            if outcome.ok:
                messages.success(request, _(
                    "Imported: %(c)d new, %(u)d changed, %(n)d unchanged; %(d)d differ from "
                    "the portal's check value.") % {"c": outcome.created, "u": outcome.updated,
                                                    "n": outcome.unchanged, "d": outcome.differing})
                if outcome.not_listed:
                    messages.warning(request, _(
                        "Not on the published key-emitter list of %(year)s: %(names)s. Check "
                        "that the region's notice is meant for them.") % {
                        "year": cycle.year, "names": "、".join(outcome.not_listed[:20])})
                return redirect(f"{reverse('allowances:allocation_list')}?cycle={cycle.year}")
    return render(request, TEMPLATES + "import.html", {
        "cycle": cycle, "form": form, "outcome": outcome,
        "columns": reader.SHEETS,
    })


@web.require(Perm.MANAGE_ALLOCATION)
@require_POST
def allocation_recheck(request, year):
    cycle = _cycle(year)
    differing = svc.recheck_all(actor=request.user, cycle=cycle)
    messages.success(request, _("Check values recomputed; %(d)d allocations differ.")
                     % {"d": differing})
    return redirect(f"{reverse('allowances:allocation_list')}?cycle={cycle.year}")


def _cycle_action(request, year, *, run, question, done):
    """GET: the confirmation page; POST: run the bulk action and go back to the list."""
    cycle = _cycle(year)
    back = f"{reverse('allowances:allocation_list')}?cycle={cycle.year}"
    if request.method == "POST":
        try:
            message = done(run(actor=request.user, cycle=cycle))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return redirect(back)
    return render(request, TEMPLATES + "confirm.html", {
        "title": cycle.name, "question": question(cycle), "back": back,
    })


@web.require(Perm.MANAGE_ALLOCATION)
@require_http_methods(["GET", "POST"])
def allocation_notify(request, year):
    return _cycle_action(
        request, year, run=svc.notify_all,
        question=lambda c: _(
            "Notify the %(n)d imported allocations of %(year)s to their enterprises? Each may "
            "object within %(days)d working days; this cannot be undone.") % {
            "n": Allocation.objects.filter(cycle=c, status=AllocationStatus.IMPORTED).count(),
            "year": c.year, "days": rules.ALLOCATION_OBJECTION_WORKING_DAYS},
        done=lambda n: _("%(n)d allocations notified.") % {"n": n},
    )


@web.require(Perm.MANAGE_ALLOCATION)
@require_http_methods(["GET", "POST"])
def allocation_issue_all(request, year):
    return _cycle_action(
        request, year, run=svc.issue_all,
        question=lambda c: _(
            "Issue every notified allocation of %(year)s whose objection period has ended to the "
            "enterprise accounts? Ledger entries cannot be deleted, only reversed.") % {
            "year": c.year},
        done=lambda r: _("%(issued)d allocations issued; %(refused)d refused; %(waiting)d still "
                         "in their objection period or with an objection pending.") % {
            "issued": r[0], "refused": r[1], "waiting": r[2]},
    )


def _get(request, pk, action=Perm.VIEW_ALLOCATION):
    return get_object_or_404(alloc_sel.allocations_for(request.user, action), pk=pk)


@web.require(Perm.VIEW_ALLOCATION)
@require_GET
def allocation_detail(request, pk):
    allocation = _get(request, pk)
    user = request.user
    can_manage = roles.has_perm(user, Perm.MANAGE_ALLOCATION)
    show_check = alloc_sel.shows_check_values(user)
    objections = list(allocation.objections.select_related("filed_by", "decided_by"))
    can_object = (
        roles.has_perm(user, Perm.OBJECT_TO_ALLOCATION)
        and svc.objection_blocker(allocation) is None
    )
    return render(request, TEMPLATES + "detail.html", {
        "a": allocation, "objections": objections,
        "breadcrumbs": web.crumbs(
            (_("Allocation"), reverse("allowances:allocation_list") + f"?cycle={allocation.cycle.year}"),
            (f"{allocation.enterprise.name} · {allocation.cycle.name}", None),
        ),
        "result": check(allocation) if show_check else None,
        "show_check": show_check, "today": timezone.localdate(),
        "can_manage": can_manage, "can_object": can_object,
        "issue_blocker": svc.issue_blocker(allocation) if can_manage else None,
        "issued_so_far": svc.issued_so_far(allocation),
        "decision_form": DecisionForm() if can_manage else None,
        "events": events.for_object(allocation),
        "history": web.history_rows(allocation, exclude=alloc_sel.history_exclude(user)),
    })


def _crumbs(allocation, *last):
    return web.crumbs(
        (_("Allocation"), reverse("allowances:allocation_list") + f"?cycle={allocation.cycle.year}"),
        (f"{allocation.enterprise.name} · {allocation.cycle.name}",
         reverse("allowances:allocation_detail", kwargs={"pk": allocation.pk})),
        *last,
    )


def _figure(value):
    return "—" if value is None else f"{thousands(value)} t"


@web.require(Perm.OBJECT_TO_ALLOCATION)
@require_http_methods(["GET", "POST"])
def allocation_object(request, pk):
    """The enterprise's objection: checked (reasons, period, once per notice, the file's
    signature), then confirmed on a page saying what is filed, then filed."""
    allocation = _get(request, pk, Perm.OBJECT_TO_ALLOCATION)

    def service_args(form):
        return {"actor": request.user, "allocation": allocation,
                "reasons": form.cleaned_data["reasons"], "file": form.cleaned_data.get("file")}

    def confirmation(form, due):
        upload = form.cleaned_data.get("file")
        return Confirmation(
            title=_("Object to the allocation"),
            question=_("File this objection? Only one objection per notice is allowed."),
            button=_("File objection"),
            rows=[
                (_("Enterprise"), allocation.enterprise.name),
                (_("Cycle"), allocation.cycle.name),
                (_("Notified pre-allocation"), _figure(allocation.pre_allocation)),
                (_("Notified final allocation"), _figure(allocation.notified)),
                (_("Reasons"), form.cleaned_data["reasons"].strip()),
                (_("Supporting file"), upload.name if upload else ""),
                (_("Decision due"), due.isoformat()),
            ],
            warning=_("The objection cannot be withdrawn or changed, and no other objection to "
                      "this notice can be filed; the allocation is not issued until the bureau "
                      "decides."),
            breadcrumbs=_crumbs(allocation, (_("Object to the allocation"), None)),
        )

    def done(_objection):
        messages.success(request, _("Objection filed."))
        return redirect("allowances:allocation_detail", pk=allocation.pk)

    def form_page(form):
        return render(request, TEMPLATES + "object.html", {
            "a": allocation, "form": form,
            "objection_days": rules.ALLOCATION_OBJECTION_WORKING_DAYS,
            "decision_days": rules.ALLOCATION_DECISION_WORKING_DAYS,
            "breadcrumbs": _crumbs(allocation, (_("Object to the allocation"), None)),
        })

    return confirmed_step(
        request,
        make_form=lambda data, files, initial: ObjectionForm(data, files, initial=initial),
        check=lambda form: svc.objection_file_check(**service_args(form)),
        act=lambda form: svc.objection_file(**service_args(form)),
        confirmation=confirmation, form_page=form_page, done=done,
        purpose=f"allocation-objection:{allocation.pk}", file_field="file",
    )


@web.require(Perm.MANAGE_ALLOCATION)
@require_http_methods(["GET", "POST"])
def objection_decide(request, pk):
    """The bureau's decision on an objection: checked, confirmed on a page saying what the
    decision does, then recorded (it cannot be changed)."""
    objection = web.get_scoped_or_404(
        AllocationObjection.objects.select_related("allocation__enterprise", "allocation__cycle"),
        request.user, Perm.MANAGE_ALLOCATION, pk=pk,
    )
    allocation = objection.allocation

    def service_args(form):
        return {"actor": request.user, "objection": objection, **form.cleaned_data}

    def confirmation(form, _none):
        upheld = form.cleaned_data["decision"] == ObjectionStatus.UPHELD
        return Confirmation(
            title=_("Decide the objection"),
            question=_("Record this decision? It cannot be changed."),
            button=_("Record decision"),
            rows=[
                (_("Enterprise"), allocation.enterprise.name),
                (_("Cycle"), allocation.cycle.name),
                (_("Notified final allocation"), _figure(allocation.notified)),
                (_("Objection filed"), objection.filed_at.strftime("%Y-%m-%d")),
                (_("Decision"), ObjectionStatus(form.cleaned_data["decision"]).label),
                (_("Reasons"), form.cleaned_data["note"].strip()),
            ],
            warning=_("The objection is upheld: the allocation waits for the region's corrected "
                      "notice and cannot be issued until it is imported.") if upheld else
            _("The objection is dismissed: the notified allocation stands and may be issued."),
            breadcrumbs=_crumbs(allocation, (_("Decide the objection"), None)),
        )

    def done(_objection):
        messages.success(request, _("Objection decided."))
        return redirect("allowances:allocation_detail", pk=allocation.pk)

    def form_page(form):
        return render(request, TEMPLATES + "decide.html", {
            "a": allocation, "o": objection, "form": form,
            "breadcrumbs": _crumbs(allocation, (_("Decide the objection"), None)),
        })

    if objection.status != ObjectionStatus.PENDING:
        messages.warning(request, _("This objection has already been decided."))
        return redirect("allowances:allocation_detail", pk=allocation.pk)
    return confirmed_step(
        request,
        make_form=lambda data, files, initial: DecisionForm(data, initial=initial),
        check=lambda form: svc.objection_decide_check(**service_args(form)),
        act=lambda form: svc.objection_decide(**service_args(form)),
        confirmation=confirmation, form_page=form_page, done=done,
        purpose=f"allocation-decision:{objection.pk}",
    )


@web.require(Perm.MANAGE_ALLOCATION)
@require_http_methods(["GET", "POST"])
def allocation_issue(request, pk):
    allocation = _get(request, pk, Perm.MANAGE_ALLOCATION)
    back = reverse("allowances:allocation_detail", kwargs={"pk": allocation.pk})
    if request.method == "POST":
        try:
            svc.issue(actor=request.user, allocation=allocation)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("Allocation issued to the account."))
        return redirect(back)
    target, _kind, delta = svc.issue_preview(allocation)
    if target is None:
        raise Http404
    return render(request, TEMPLATES + "confirm.html", {
        "title": str(allocation),
        "question": _("Post %(delta)s t of %(year)s allowances to %(enterprise)s (%(target)s t in "
                      "total for the cycle)? Ledger entries cannot be deleted, only reversed.")
        % {"delta": f"{delta:+,}", "year": allocation.cycle.year,
           "enterprise": allocation.enterprise.name, "target": f"{target:,}"},
        "back": back,
    })


@web.require(Perm.VIEW_ALLOCATION)
@require_GET
def objection_file(request, pk):
    """An objection's supporting file, for whoever may see the allocation (else 404)."""
    objection = get_object_or_404(AllocationObjection.objects.select_related("allocation"), pk=pk)
    allocation = _get(request, objection.allocation_id)
    ext = os.path.splitext(objection.file.name or "")[1].lower()
    return web.send_file(
        objection.file, f"allocation-objection-{allocation.enterprise.uscc}-{objection.pk}{ext}"
    )
