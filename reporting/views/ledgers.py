"""Monthly-ledger pages: completeness grid, ledger page, form, three-tier actions, evidence,
Excel template and upload (thin: forms check, services act, selectors read)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from registry.models import Area, Enterprise, Facility, Sector
from reporting import ledger_rules as lr
from reporting.choices import LedgerStatus
from reporting.forms.ledgers import (
    EvidenceForm,
    LedgerForm,
    LineFormSet,
    PickMonthForm,
    ReturnForm,
    UploadForm,
    line_initial,
)
from reporting.models import MonthlyLedger
from reporting.selectors import ledger_timeliness as lt
from reporting.selectors import ledgers as sel
from reporting.services import ledger_import as imp
from reporting.services import ledgers as svc
from zhongwei_carbon import events, roles, scoping, uploads, web
from zhongwei_carbon.excel import (
    XLSX_CONTENT_TYPE,
    Column,
    UploadRejected,
    chunked,
    xlsx_response,
)
from zhongwei_carbon.roles import Perm

T = "reporting/ledgers/"
STATUS_LABELS = {lr.MISSING: gettext_lazy("Missing"), **dict(LedgerStatus.choices)}


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404 from None
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _int_or_none(value):
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    valid = {lr.MISSING, *LedgerStatus.values}
    return {
        "area": _int_or_none(request.GET.get("area")),
        "sector": _int_or_none(request.GET.get("sector")),
        "status": status if status in valid else "",
        "enterprise": web.enterprise_param(request),
        **_timeliness(request),
    }


def _timeliness(request) -> dict:
    """``?month=``, and with it ``?tier=`` and ``?timeliness=`` (on time, late, missing at
    that tier: ``ledger_timeliness``); anything out of range is left out."""
    month = _int_or_none(request.GET.get("month"))
    if month not in sel.MONTHS:
        return {"month": None, "tier": "", "timeliness": ""}
    tier, state = request.GET.get("tier", ""), request.GET.get("timeliness", "")
    return {"month": month, "tier": tier if tier in lt.TIERS else "",
            "timeliness": state if state in lt.STATES else ""}


def _ledger(request, pk, action=Perm.VIEW_LEDGER):
    return web.get_scoped_or_404(
        MonthlyLedger.objects.select_related("enterprise", "enterprise__area", "facility"),
        request.user,
        action,
        pk=pk,
    )


def _own_enterprise(request) -> Enterprise:
    """The enterprise the user keeps ledgers for (``?enterprise=`` when it has several)."""
    qs = scoping.for_user(Enterprise.objects.order_by("pk"), request.user, Perm.EDIT_LEDGER)
    pk = _int_or_none(request.GET.get("enterprise"))
    enterprise = qs.filter(pk=pk).first() if pk else qs.first()
    if enterprise is None:
        raise Http404
    return enterprise


# --- grid --------------------------------------------------------------------------------


@web.require(Perm.VIEW_LEDGER)
@require_GET
def ledger_index(request):
    year = _year(request)
    filters = _filters(request)
    facilities = sel.grid_facilities(request.user, year=year, **filters)
    page_obj = web.paginate(request, facilities.values_list("pk", flat=True))
    rows = sel.grid_rows(request.user, sel.page_of(facilities, page_obj.object_list), year=year)
    is_enterprise = roles.has_perm(request.user, Perm.EDIT_LEDGER)
    return render(
        request,
        T + "index.html",
        {
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
            "rows": rows,
            "page_obj": page_obj,
            "months": sel.MONTHS,
            "filters": filters,
            "filtered_enterprise": web.filtered_enterprise(request, Perm.VIEW_LEDGER),
            "areas": scoping.for_user(Area.objects.order_by("code"), request.user, Perm.VIEW_AREA),
            "sectors": Sector.objects.all(),
            "statuses": list(STATUS_LABELS.items()),
            "tiers": list(lt.TIER_LABELS.items()),
            "timeliness": list(lt.STATE_LABELS.items()),
            "status_labels": STATUS_LABELS,
            "days_set": sel.ledger_days(year) is not None,
            "is_enterprise": is_enterprise,
            "gaps": sum(1 for r in rows for c in r.cells if c.gap),
        },
    )


def _cell_texts():
    """The text of a grid cell in the export: its status, and in brackets the tiers it is
    late at. The labels are translated once per export and each (status, late flags)
    combination is put together once, not per cell (a city-wide grid has 100,000+ cells)."""
    statuses = {key: str(label) for key, label in STATUS_LABELS.items()}
    tiers = (_("late upload"), _("late county check"), _("late close"))
    texts: dict[tuple, str] = {}

    def text(cell) -> str:
        late = cell.late
        key = (cell.status, late.upload, late.county, late.close)
        found = texts.get(key)
        if found is None:
            flags = [label for flag, label in zip(key[1:], tiers, strict=True) if flag]
            found = statuses[cell.status]
            if flags:
                found = f"{found} ({', '.join(flags)})"
            texts[key] = found
        return found

    return text


@web.require(Perm.VIEW_LEDGER)
@require_GET
def ledger_grid_export(request):
    year = _year(request)
    facilities = sel.grid_facilities(request.user, year=year, **_filters(request))
    rows = sel.grid_rows_in_chunks(request.user, chunked(facilities), year=year)
    text = _cell_texts()
    columns = [
        Column(_("Enterprise"), lambda r: r.enterprise.name, 32),
        Column(_("Credit code"), lambda r: r.enterprise.uscc, 22),
        Column(_("Area"), lambda r: str(r.enterprise.area)),
        Column(_("Sector"), lambda r: str(r.enterprise.sector)),
        Column(_("Facility"), lambda r: r.facility.name, 20),
    ] + [
        Column(_("Month %(m)d") % {"m": m}, lambda r, i=m - 1: text(r.cells[i]), 18)
        for m in sel.MONTHS
    ]
    return xlsx_response(
        filename=_("ledgers-%(year)d") % {"year": year},
        sheet_title=str(year),
        columns=columns,
        rows=rows,
    )


# --- one ledger ----------------------------------------------------------------------------


@web.require(Perm.VIEW_LEDGER)
@require_GET
def ledger_detail(request, pk):
    ledger = _ledger(request, pk)
    user = request.user
    status = ledger.status
    can = {
        "edit": status in lr.EDITABLE and svc.actor_may(user, ledger.enterprise, Perm.EDIT_LEDGER),
        "check": status == LedgerStatus.SUBMITTED
        and svc.actor_may(user, ledger.enterprise, Perm.COUNTY_CHECK_LEDGER),
        "close": status == LedgerStatus.COUNTY_CHECKED
        and svc.actor_may(user, ledger.enterprise, Perm.CLOSE_LEDGER),
    }
    year = ledger.year
    days = sel.ledger_days(year)
    return render(
        request,
        T + "detail.html",
        {
            "ledger": ledger,
            "lines": sel.lines_of(ledger),
            "evidence": ledger.evidence.select_related("uploaded_by"),
            "deadlines": lr.deadlines(year, ledger.month, days) if days else None,
            "late": sel.flags_of(
                ledger, year=year, month=ledger.month, days=days, today=timezone.localdate()
            ),
            "can": can,
            "events": events.for_object(ledger),
            "history": web.history_rows(ledger),
        },
    )


def _save_ledger(request, *, facility, year, month, ledger=None):
    form = LedgerForm(request.POST or None, instance=ledger)
    formset = LineFormSet(request.POST or None, prefix="lines", initial=line_initial(ledger))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            ledger = svc.ledger_save(
                actor=request.user,
                facility=facility,
                year=year,
                month=month,
                data=form.service_data(),
                lines=formset.lines(),
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Ledger saved as a draft."))
            return redirect("reporting:ledger_detail", pk=ledger.pk)
    context = {"form": form, "formset": formset, "facility": facility, "year": year}
    context.update({"month": month, "ledger": ledger})
    return render(request, T + "form.html", context)


@web.require(Perm.EDIT_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger_new(request):
    facilities = scoping.for_user(
        Facility.objects.select_related("enterprise"), request.user, Perm.EDIT_LEDGER
    )
    pick = PickMonthForm(request.GET or None, facilities=facilities)
    if not pick.is_valid():
        return render(request, T + "pick.html", {"form": pick})
    facility, year, month = (pick.cleaned_data[k] for k in ("facility", "year", "month"))
    existing = MonthlyLedger.objects.filter(facility=facility, year=year, month=month).first()
    if existing is not None:
        return redirect("reporting:ledger_edit", pk=existing.pk)
    return _save_ledger(request, facility=facility, year=year, month=month)


@web.require(Perm.EDIT_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger_edit(request, pk):
    ledger = _ledger(request, pk, Perm.EDIT_LEDGER)
    if ledger.status not in lr.EDITABLE:
        messages.warning(request, _("This ledger can no longer be changed."))
        return redirect("reporting:ledger_detail", pk=ledger.pk)
    return _save_ledger(
        request, facility=ledger.facility, year=ledger.year, month=ledger.month, ledger=ledger
    )


def _act(request, ledger, service, template, **kwargs):
    """Confirm on GET; on POST call ``service`` and go back to the ledger page."""
    if request.method == "POST":
        try:
            service(actor=request.user, ledger=ledger, **kwargs)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Done."))
        return redirect("reporting:ledger_detail", pk=ledger.pk)
    return render(request, T + template, {"ledger": ledger})


@web.require(Perm.EDIT_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger_submit(request, pk):
    ledger = _ledger(request, pk, Perm.EDIT_LEDGER)
    return _act(request, ledger, svc.ledger_submit, "confirm_submit.html")


@web.require(Perm.CLOSE_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger_close(request, pk):
    ledger = _ledger(request, pk, Perm.CLOSE_LEDGER)
    return _act(request, ledger, svc.ledger_close, "confirm_close.html")


@web.require(Perm.COUNTY_CHECK_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger_county_check(request, pk):
    ledger = _ledger(request, pk, Perm.COUNTY_CHECK_LEDGER)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "pass":
                svc.ledger_county_pass(actor=request.user, ledger=ledger)
            else:
                svc.ledger_county_return(
                    actor=request.user, ledger=ledger, reason=form.cleaned_data["reason"]
                )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Technical check recorded."))
            return redirect("reporting:ledger_detail", pk=ledger.pk)
    return render(request, T + "county_check.html", {"ledger": ledger, "form": form})


@web.require(Perm.EDIT_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger_evidence_upload(request, pk):
    ledger = _ledger(request, pk, Perm.EDIT_LEDGER)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # by the size sent, before reading: the refusal names the file's real size
            problem = uploads.size_problem(upload.size, svc.evidence_max_bytes())
            if problem:
                raise ValidationError({"file": problem})
            _evidence, created = svc.ledger_add_evidence(
                actor=request.user, ledger=ledger, name=upload.name, content=upload.read()
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            if created:
                messages.success(request, _("File attached."))
            else:
                messages.info(request, _("This file is already attached."))
            return redirect("reporting:ledger_detail", pk=ledger.pk)
    return render(request, T + "evidence_form.html", {"ledger": ledger, "form": form})


# --- Excel -------------------------------------------------------------------------------


@web.require(Perm.EDIT_LEDGER)
@require_GET
def ledger_template(request):
    enterprise = _own_enterprise(request)
    year = _year(request)
    response = HttpResponse(
        imp.ledger_template(enterprise=enterprise, year=year), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="ledgers-{year}.xlsx"'
    return response


@web.require(Perm.EDIT_LEDGER)
@require_http_methods(["GET", "POST"])
def ledger_upload(request):
    enterprise = _own_enterprise(request)
    year = _year(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            problem = uploads.size_problem(upload.size)
            if problem:  # refused before the file is read into memory
                raise UploadRejected(problem)
            result = imp.ledger_import(
                actor=request.user,
                enterprise=enterprise,
                year=year,
                data=upload.read(),
                filename=upload.name,
            )
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            if result.applied:
                messages.success(
                    request,
                    _("%(n)d months saved as drafts; submit each month from its page.")
                    % {"n": result.ledgers},
                )
                return redirect(reverse("reporting:ledger_index") + f"?year={year}")
    return render(
        request,
        T + "upload.html",
        {"form": form, "result": result, "enterprise": enterprise, "year": year},
    )
