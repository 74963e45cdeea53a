"""Surrender requests (清缴) with four eyes (issue 5 §4): the enterprise requests, one bureau
user approves, a DIFFERENT bureau user confirms, and only the confirmation moves units
(``allowances.services.ledger.surrender``). The database CHECK ``surrender_four_eyes`` backs
the rule that nobody confirms their own approval."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allowances import rules
from allowances.choices import SurrenderStatus, UnitType
from allowances.models import AllowanceAccount, CCERProject, Holding, SurrenderRequest
from allowances.selectors import compliance as sel
from allowances.services import ledger
from registry.selectors.lists import is_listed
from zhongwei_carbon import events, roles, scoping
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.templatetags.portal import thousands

S = SurrenderStatus


def _check(actor, action: str, obj) -> None:
    if not roles.has_perm(actor, action) or not scoping.can(actor, action, obj):
        raise PermissionDenied


def _clean_lines(cea, ccer) -> tuple[list[list[int]], list[list[int]]]:
    """Normalise ``cea`` ``[(vintage, t)]`` and ``ccer`` ``[(project id, vintage, t)]`` to ints,
    dropping zero rows; refuses negatives."""
    errors = {}
    cea_rows, ccer_rows = [], []
    for vintage, tonnes in cea:
        if int(tonnes) < 0:
            errors["cea"] = _("Quantities must not be negative.")
        elif int(tonnes):
            cea_rows.append([int(vintage), int(tonnes)])
    for project, vintage, tonnes in ccer:
        if int(tonnes) < 0:
            errors["ccer"] = _("Quantities must not be negative.")
        elif int(tonnes):
            ccer_rows.append([getattr(project, "pk", project), int(vintage), int(tonnes)])
    if errors:
        raise ValidationError(errors)
    if not cea_rows and not ccer_rows:
        raise ValidationError({"cea": _("Enter the tonnes to surrender.")})
    return cea_rows, ccer_rows


def check_request(account, cycle, cea_rows, ccer_rows) -> None:
    """Against current holdings and the CCER headroom; field errors on ``cea`` / ``ccer``."""
    held = {
        (h.unit_type, h.vintage, h.project_id): h.quantity
        for h in Holding.objects.filter(account=account)
    } if account.pk else {}
    wanted = defaultdict(int)
    for vintage, tonnes in cea_rows:
        wanted[(UnitType.CEA, vintage, None)] += tonnes
    for project, vintage, tonnes in ccer_rows:
        wanted[(UnitType.CCER, vintage, project)] += tonnes
    errors = defaultdict(list)
    for (unit_type, vintage, project), tonnes in wanted.items():
        if tonnes > held.get((unit_type, vintage, project), 0):
            errors[unit_type].append(
                _("Only %(held)s t of vintage %(vintage)s held; %(wanted)s t requested.")
                % {"held": held.get((unit_type, vintage, project), 0), "vintage": vintage,
                   "wanted": tonnes}
            )
    if cea_rows and account.pk and not errors:
        pledges = ledger.active_pledges(account.pk)
        after = ledger.cea_balances(account.pk)
        for vintage, tonnes in cea_rows:
            after[vintage] = after.get(vintage, 0) - tonnes
        if pledges and not rules.pledges_covered(after, [(p.vintage, p.quantity) for p in pledges]):
            errors["cea"].append(
                _("These allowances are pledged and cannot leave the account while the pledge "
                  "stands: %(pledges)s.") % {"pledges": ledger.pledged_text(pledges)}
            )
    projects = CCERProject.objects.in_bulk({p for p, _v, _t in ccer_rows})
    for project_id, _v, _q in ccer_rows:
        project = projects.get(project_id)
        if project is None or not rules.ccer_eligible(
            project_in_national_ets=project.inside_national_ets
        ):
            errors["ccer"].append(
                _("CCER units of %(project)s cannot offset (project inside the national ETS).")
                % {"project": project or project_id}
            )
    totals = sel.totals(account, cycle)
    if totals.obligation is None:
        _refuse_without_obligation(account.enterprise, cycle)
    ccer_total = sum(t for _p, _v, t in ccer_rows)
    if ccer_total > totals.headroom:
        errors["ccer"].append(
            _("CCER is limited to %(cap)s t (%(share)s %% of %(due)s t); %(done)s t already "
              "used, %(pending)s t in open requests, %(headroom)s t left, %(wanted)s t "
              "requested.")
            % {"cap": tonnes_text(totals.cap), "share": f"{rules.CCER_SHARE * 100:g}",
               "due": tonnes_text(totals.due), "done": tonnes_text(totals.ccer_done),
               "pending": tonnes_text(totals.ccer_pending), "headroom": tonnes_text(totals.headroom),
               "wanted": tonnes_text(ccer_total)}
        )
    if errors:
        raise ValidationError(dict(errors))
    wanted = sum(t for _v, t in cea_rows) + ccer_total
    if wanted > totals.open_remaining:
        raise ValidationError(over_remaining_message(totals, wanted))


def tonnes_text(tonnes: int) -> str:
    """Whole tonnes with thousands separators, as the pages show them (the portal's one
    figure filter)."""
    return thousands(int(tonnes))


def over_remaining_message(totals, wanted: int) -> str:
    """The refusal of a request beyond what remains due, with both figures."""
    figures = {"remaining": tonnes_text(totals.open_remaining), "wanted": tonnes_text(wanted),
               "pending": tonnes_text(totals.pending)}
    if totals.pending:
        return _("Remaining obligation %(remaining)s t (after %(pending)s t in open requests), "
                 "requested %(wanted)s t. Surplus units stay in the account.") % figures
    return _("Remaining obligation %(remaining)s t, requested %(wanted)s t. Surplus units "
             "stay in the account.") % figures


@transaction.atomic
def surrender_request(*, actor, account, cycle, cea=(), ccer=()) -> SurrenderRequest:
    """The enterprise asks to surrender CEA ``[(vintage, t)]`` and CCER ``[(project, vintage,
    t)]`` for ``cycle``; nothing moves until a second bureau user confirms."""
    _check(actor, Perm.REQUEST_SURRENDER, account.enterprise)
    cea_rows, ccer_rows = _clean_lines(cea, ccer)
    if account.pk is None:
        account = ledger.account_for(account.enterprise)
    # one request of an account at a time: the open requests it is checked against are final
    AllowanceAccount.objects.select_for_update(no_key=True).get(pk=account.pk)
    check_request(account, cycle, cea_rows, ccer_rows)
    request = SurrenderRequest(
        account=account, cycle=cycle, cea=cea_rows, ccer=ccer_rows, requested_by=actor
    )
    request.full_clean()
    request.save()
    events.record(
        actor=actor,
        verb="allowances.surrender_requested",
        target=request,
        message=_("Surrender requested: %(cea)s t allowances, %(ccer)s t CCER.")
        % {"cea": tonnes_text(request_tonnes(request)[0]),
           "ccer": tonnes_text(request_tonnes(request)[1])},
        data={"cea": cea_rows, "ccer": ccer_rows},
    )
    events.publish("surrender.requested", request_id=request.pk)
    return request


def _refuse_without_obligation(enterprise, cycle):
    """Nothing is surrendered for a cycle the enterprise owes nothing for (yet): say why."""
    if not is_listed(enterprise, cycle.year):
        raise ValidationError(
            _("%(name)s is not on the published key-emitter list of %(year)s: it owes no "
              "allowances for this cycle, so nothing can be surrendered for it.")
            % {"name": enterprise.name, "year": cycle.year}
        )
    raise ValidationError(
        _("No verified emissions for %(year)s yet: the obligation is not known, so "
          "nothing can be surrendered for this cycle.") % {"year": cycle.year}
    )


def request_tonnes(request) -> tuple[int, int]:
    """(CEA, CCER) tonnes of ``request``."""
    return sel.line_tonnes(request.cea, request.ccer)


def _locked(request, *, allowed: tuple[str, ...]) -> SurrenderRequest:
    locked = SurrenderRequest.objects.select_for_update(no_key=True).select_related(
        "account__enterprise", "cycle"
    ).get(pk=request.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("Not possible while the request is '%(status)s'.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _save(request, actor, verb, message, fields):
    """Save the step, record it on the request and publish it (``surrender.<status>``: the
    notices of ``allowances.notifications``)."""
    request.full_clean()
    request.save(update_fields=fields)
    events.record(actor=actor, verb=verb, target=request, message=message,
                  data={"status": request.status})
    events.publish(f"surrender.{request.status}", request_id=request.pk)
    return request


@transaction.atomic
def surrender_approve(*, actor, request) -> SurrenderRequest:
    _check(actor, Perm.APPROVE_SURRENDER, request)
    request = _locked(request, allowed=(S.REQUESTED,))
    request.status, request.approved_by, request.approved_at = S.APPROVED, actor, timezone.now()
    return _save(request, actor, "allowances.surrender_approved",
                 _("Surrender approved; a second bureau user confirms it."),
                 ["status", "approved_by", "approved_at"])


@transaction.atomic
def surrender_confirm(*, actor, request) -> SurrenderRequest:
    """A different bureau user confirms; the units move now. If they are no longer there the
    confirmation fails with the ledger's error and the request stays approved."""
    _check(actor, Perm.CONFIRM_SURRENDER, request)
    request = _locked(request, allowed=(S.APPROVED,))
    if request.approved_by_id == actor.pk:
        raise ValidationError(
            _("Four eyes: the user who approved this surrender cannot also confirm it.")
        )
    # the account first (as ``ledger.surrender`` does): two confirmations of one account queue
    # here, so the second sees the first's surrender in what remains due
    AllowanceAccount.objects.select_for_update(no_key=True).get(pk=request.account_id)
    totals = sel.totals(request.account, request.cycle, exclude=request.pk)
    if totals.obligation is None:
        _refuse_without_obligation(request.account.enterprise, request.cycle)
    wanted = sum(request_tonnes(request))
    if wanted > totals.remaining:
        raise ValidationError(
            _("Remaining obligation %(remaining)s t, this request %(wanted)s t: reject it; "
              "surplus units stay in the account.")
            % {"remaining": tonnes_text(totals.remaining), "wanted": tonnes_text(wanted)}
        )
    obligation = totals.obligation
    projects = CCERProject.objects.in_bulk({p for p, _v, _t in request.ccer})
    ledger.surrender(
        actor=actor,
        account=request.account,
        cycle=request.cycle,
        obligation=obligation,
        cea=[(v, t) for v, t in request.cea],
        ccer=[(projects[p], v, t) for p, v, t in request.ccer],
    )
    request.status, request.confirmed_by, request.confirmed_at = S.CONFIRMED, actor, timezone.now()
    owed = totals.remaining - wanted
    if owed:
        message = _("Surrender confirmed: %(tonnes)s t surrendered, %(owed)s t still owed.") % {
            "tonnes": tonnes_text(wanted), "owed": tonnes_text(owed)}
    else:
        message = _("Surrender confirmed: %(tonnes)s t surrendered, the obligation is met in "
                    "full.") % {"tonnes": tonnes_text(wanted)}
    return _save(request, actor, "allowances.surrender_confirmed", message,
                 ["status", "confirmed_by", "confirmed_at"])


@transaction.atomic
def surrender_reject(*, actor, request, reason: str) -> SurrenderRequest:
    _check(actor, Perm.APPROVE_SURRENDER, request)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason for the rejection.")})
    request = _locked(request, allowed=(S.REQUESTED, S.APPROVED))
    request.status, request.note = S.REJECTED, reason.strip()[:500]
    return _save(request, actor, "allowances.surrender_rejected",
                 _("Surrender rejected: %(reason)s") % {"reason": request.note},
                 ["status", "note"])


@transaction.atomic
def surrender_withdraw(*, actor, request) -> SurrenderRequest:
    _check(actor, Perm.REQUEST_SURRENDER, request)
    request = _locked(request, allowed=(S.REQUESTED, S.APPROVED))
    request.status = S.WITHDRAWN
    return _save(request, actor, "allowances.surrender_withdrawn",
                 _("Surrender withdrawn by the enterprise."), ["status"])
