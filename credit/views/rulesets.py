"""Rule-set pages (/credit/rules/): bureau staff read every set; the bureau admin creates a
draft (empty or a copy), edits its header, lines and caps, deletes it, or publishes it under a
document number (confirmed on a second page). A published set is frozen: its edit pages say
so and change nothing (the services and the database refuse too)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from credit.choices import Group, SubjectKind
from credit.forms.rulesets import (
    CapFormSet,
    CreateForm,
    HeaderForm,
    LineFormSet,
    PublishForm,
    initial_caps,
    initial_lines,
)
from credit.models import RuleSet
from credit.services import rulesets as services
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

VIEW, MANAGE = Perm.VIEW_CREDIT_RULES, Perm.MANAGE_CREDIT_RULES
T = "credit/rulesets/"


def _crumbs(rule_set=None, *more):
    items = [(_("Credit rule sets"), "credit:rule_set_list")]
    if rule_set is not None:
        items.append((rule_set.version, _detail_url(rule_set) if more else None))
    return web.crumbs(*items, *more)


def _detail_url(rule_set) -> str:
    from django.urls import reverse

    return reverse("credit:rule_set_detail", kwargs={"pk": rule_set.pk})


def _get(request, pk, action=VIEW) -> RuleSet:
    return web.get_scoped_or_404(RuleSet.objects.all(), request.user, action, pk=pk)


@web.require(VIEW)
@require_GET
def rule_set_list(request):
    return render(request, T + "list.html", {
        "rule_sets": RuleSet.objects.order_by("-effective_year", "-version"),
        "can_manage": roles.has_perm(request.user, MANAGE), "breadcrumbs": _crumbs(),
    })


def grouped_lines(rule_set: RuleSet) -> list[dict]:
    """Per subject kind, per group: the cap and the lines (two queries)."""
    caps = {c.group: c for c in rule_set.caps.all()}
    by = defaultdict(list)
    for line in rule_set.lines.all():
        by[(line.subject_kind, line.group)].append(line)
    out = []
    for kind, kind_label in SubjectKind.choices:
        groups = [{"group": label, "cap": caps.get(g), "lines": by[(kind, g)]}
                  for g, label in Group.choices if by[(kind, g)]]
        out.append({"kind": kind_label, "groups": groups})
    return out


@web.require(VIEW)
@require_GET
def rule_set_detail(request, pk):
    rule_set = _get(request, pk)
    can_manage = roles.has_perm(request.user, MANAGE)
    return render(request, T + "detail.html", {
        "rs": rule_set, "kinds": grouped_lines(rule_set), "can_manage": can_manage,
        "can_edit": can_manage and not rule_set.is_frozen,
        "caps": rule_set.caps.all(), "events": events.for_object(rule_set),
        "history": web.history_rows(rule_set), "breadcrumbs": _crumbs(rule_set),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_create(request):
    initial = {}
    source = web.whole_number(request.GET.get("copy"))
    if source is not None and (copy := RuleSet.objects.filter(pk=source).first()):
        initial = {"copy_from": copy, "title": copy.title, "base_score": copy.base_score,
                   "green_from": copy.green_from, "blue_from": copy.blue_from,
                   "yellow_from": copy.yellow_from, "effective_year": copy.effective_year + 1}
    form = CreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rule_set = services.create_rule_set(actor=request.user, **data)
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("Draft rule set %(version)s created.")
                             % {"version": rule_set.version})
            return redirect(_detail_url(rule_set))
    return render(request, T + "create.html", {
        "form": form, "breadcrumbs": _crumbs(None, (_("New draft"), None)),
    })


def _refuse_frozen(request, rule_set):
    messages.error(request, services.frozen_error(rule_set).messages[0])
    return redirect(_detail_url(rule_set))


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_edit(request, pk):
    rule_set = _get(request, pk, MANAGE)
    if rule_set.is_frozen:
        return _refuse_frozen(request, rule_set)
    data = request.POST if request.method == "POST" else None
    header = HeaderForm(data, instance=rule_set, prefix="h")
    lines = LineFormSet(data, initial=None if data else initial_lines(rule_set), prefix="line")
    caps = CapFormSet(data, initial=None if data else initial_caps(rule_set), prefix="cap")
    if data is not None:
        valid = [header.is_valid(), lines.is_valid(), caps.is_valid()]
        if all(valid):
            try:
                services.save_draft(
                    actor=request.user, rule_set=rule_set,
                    header={f: header.cleaned_data[f] for f in services.HEADER_FIELDS},
                    lines=lines.rows(), caps=caps.rows(),
                )
            except ValidationError as exc:
                rule_set.refresh_from_db()
                if rule_set.is_frozen:
                    return _refuse_frozen(request, rule_set)
                web.apply_errors(header, exc)
            else:
                messages.success(request, _("Draft rule set %(version)s saved.")
                                 % {"version": rule_set.version})
                return redirect(_detail_url(rule_set))
        messages.error(request, _("Nothing was saved: correct the entries marked below."))
    return render(request, T + "edit.html", {
        "rs": rule_set, "header": header, "lines": lines, "caps": caps,
        "breadcrumbs": _crumbs(rule_set, (_("Edit"), None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_delete(request, pk):
    rule_set = _get(request, pk, MANAGE)
    if rule_set.is_frozen:
        return _refuse_frozen(request, rule_set)
    if request.method == "POST":
        try:
            services.delete_draft(actor=request.user, rule_set=rule_set)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_detail_url(rule_set))
        messages.success(request, _("Draft rule set %(version)s deleted.")
                         % {"version": rule_set.version})
        return redirect("credit:rule_set_list")
    return render(request, T + "delete.html", {
        "rs": rule_set, "lines": rule_set.lines.count(),
        "breadcrumbs": _crumbs(rule_set, (_("Delete"), None)),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def rule_set_publish(request, pk):
    rule_set = _get(request, pk, MANAGE)
    if rule_set.is_frozen:
        return _refuse_frozen(request, rule_set)

    def form_page(form):
        return render(request, T + "publish.html", {
            "rs": rule_set, "form": form, "breadcrumbs": _crumbs(rule_set, (pgettext("credit rule set", "Publish"), None)),
        })

    def confirmation(form, summary):
        return Confirmation(
            title=_("Publish rule set %(version)s") % {"version": rule_set.version},
            question=_("Publish this rule set? Once published it is frozen: no line, cap or "
                       "threshold can be changed, and it scores every year from %(year)s until "
                       "a later set takes effect.") % {"year": rule_set.effective_year},
            button=pgettext("credit rule set", "Publish"),
            rows=[(_("Title"), rule_set.title), (_("Version"), rule_set.version),
                  (_("In force from year"), rule_set.effective_year),
                  (_("Document number"), summary["document_number"]),
                  (_("Rule lines"), summary["lines"]), (_("Vetoes"), summary["vetoes"]),
                  (_("Group caps"), summary["caps"])],
            warning=_("Publishing cannot be undone."),
            breadcrumbs=_crumbs(rule_set, (pgettext("credit rule set", "Publish"), None)),
        )

    def done(result):
        messages.success(request, _("Rule set %(version)s published under %(document)s.")
                         % {"version": result.version, "document": result.document_number})
        return redirect(_detail_url(result))

    return confirmed_step(
        request,
        make_form=lambda data, files, initial: PublishForm(data, initial=initial),
        check=lambda form: services.check_publish(
            rule_set=rule_set, document_number=form.cleaned_data["document_number"]),
        act=lambda form: services.publish(
            actor=request.user, rule_set=rule_set,
            document_number=form.cleaned_data["document_number"]),
        confirmation=confirmation, form_page=form_page, done=done,
        purpose="credit-rule-set-publish",
    )


def line_columns() -> list[Column]:
    return [
        Column(_("Subject kind"), lambda r: r.get_subject_kind_display(), 14),
        Column(_("Group"), lambda r: r.get_group_display(), 14),
        Column(_("Event kind"), lambda r: r.get_kind_display(), 30),
        Column(_("Points"), lambda r: r.points, 8),
        Column(_("Veto"), lambda r: _("yes") if r.veto else "", 6),
        Column(_("Above"), lambda r: r.threshold, 8),
        Column(_("From the n-th occurrence"), lambda r: r.from_occurrence, 10),
        Column(_("Counts for years"), lambda r: r.years, 10),
        Column(_("Group cap"), lambda r: r.cap_text, 14),
        Column(_("Basis"), lambda r: r.note, 60),
    ]


@web.require(VIEW)
@require_GET
def rule_set_export(request, pk):
    rule_set = _get(request, pk)
    caps = {c.group: c for c in rule_set.caps.all()}
    rows = list(rule_set.lines.order_by("subject_kind", "group", "kind"))
    for row in rows:
        cap = caps.get(row.group)
        row.cap_text = f"{cap.floor} … +{cap.ceiling}" if cap else ""
    return xlsx_response(
        filename=_("credit rules %(version)s") % {"version": rule_set.version},
        sheet_title=rule_set.version, columns=line_columns(), rows=rows,
    )
