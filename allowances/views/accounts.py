"""Allowance account pages: scoped list with balances, one account's holdings and entries."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from allowances.filtersets import AccountFilterSet
from allowances.models import AllowanceAccount, ComplianceCycle
from allowances.selectors import accounts as sel
from allowances.selectors import compliance, pledges
from zhongwei_carbon import display, roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

TEMPLATES = "allowances/accounts/"


def _filtered(request):
    """The account list's filters and rows (filtered and sorted), for the page and the export."""
    filterset = AccountFilterSet(request.GET or None, queryset=sel.accounts_for(request.user))
    return filterset.form, filterset.qs


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def account_list(request):
    form, qs = _filtered(request)
    return render(
        request, TEMPLATES + "list.html", {"form": form, "page_obj": web.paginate(request, qs)}
    )


def account_columns() -> list[Column]:
    return [
        Column(_("Enterprise"), lambda a: a.enterprise.name, 36),
        Column(_("Unified social credit code"), lambda a: a.enterprise.uscc, 22),
        Column(_("Area"), lambda a: str(a.enterprise.area)),
        Column(_("Sector"), lambda a: str(a.enterprise.sector)),
        Column(_("CEA balance (t)"), lambda a: a.cea_balance, 16),
        Column(_("CCER balance (t)"), lambda a: a.ccer_balance, 16),
    ]


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def account_export(request):
    _form, qs = _filtered(request)
    return xlsx_response(
        filename=_("allowance-accounts"),
        sheet_title=pgettext("allowance accounts", "Accounts"),
        columns=account_columns(),
        rows=qs,
    )


def _account(request, pk):
    return web.get_scoped_or_404(
        AllowanceAccount.objects.select_related("enterprise__area", "enterprise__sector"),
        request.user,
        Perm.VIEW_ACCOUNT,
        pk=pk,
    )


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def account_detail(request, pk):
    account = _account(request, pk)
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "account": account,
            "breadcrumbs": web.crumbs(
                (_("Allowance accounts"), "allowances:account_list"), (account.enterprise.name, None)
            ),
            "holdings": sel.holdings_of(account),
            "totals": sel.totals_of(account),
            "pledged": pledges.pledged_of(account, only_if_pledged=True),
            "can_see_pledges": roles.has_perm(request.user, Perm.VIEW_PLEDGE),
            "page_obj": web.paginate(request, sel.entries_of(account)),
            **_obligation_panel(request, account),
        },
    )


def _obligation_panel(request, account) -> dict:
    """The cycle panel: ``?cycle=YEAR`` or the newest cycle; obligation, what was surrendered,
    the CCER cap and headroom, what remains, the status and the deadline, all from the
    compliance selectors (the rules live in ``allowances.rules``)."""
    cycles = list(ComplianceCycle.objects.order_by("-year").values_list("year", flat=True))
    cycle = compliance.cycle_from(request.GET.get("cycle"))
    if cycle is None:
        return {"cycle": None, "cycle_years": cycles}
    deadline = compliance.deadline_of(cycle)
    row = compliance.row_of(account.enterprise, cycle, deadline=deadline)
    return {
        "cycle": cycle,
        "cycle_years": cycles,
        "deadline": deadline,
        "status": row,
        "obligation": compliance.Totals(row.obligation, row.cea, row.ccer),
    }


def _serials(e):
    if e.serial_start is None:
        return ""
    return f"{e.serial_start}–{e.serial_end}"


def entry_columns() -> list[Column]:
    return [
        Column(_("Time"), lambda e: e.created_at, 18),
        Column(_("Kind"), lambda e: e.get_kind_display(), 18),
        Column(_("Unit type"), lambda e: e.holding.get_unit_type_display(), 14),
        Column(_("Vintage"), lambda e: e.holding.vintage, 8),
        Column(_("CCER project"), lambda e: e.holding.project.code if e.holding.project else "", 18),
        Column(_("Quantity (t)"), lambda e: e.quantity, 14),
        Column(_("First serial"), lambda e: e.serial_start, 16),
        Column(_("Last serial"), lambda e: e.serial_end, 16),
        Column(_("Reference"), lambda e: display.reference(e.reference), 24),
        Column(_("Actor"), lambda e: display.person(e.actor), 16),
        Column(_("Cycle"), lambda e: e.cycle.year if e.cycle else None, 8),
    ]


@web.require(Perm.VIEW_ACCOUNT)
@require_GET
def account_entries_export(request, pk):
    account = _account(request, pk)
    return xlsx_response(
        filename=_("ledger-entries"),
        sheet_title=_("Ledger entries"),
        columns=entry_columns(),
        rows=sel.entries_of(account),
    )
