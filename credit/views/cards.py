"""Score cards (/credit/cards/): a subject's card for a year, every event with the rule line
that priced it or why none did, the group totals before and after their caps, the veto, the
score and grade, the rule set that scored it. The bureau sees every card; a county official
the cards of its area's enterprises; an enterprise or an agency only its own (others: 404,
through the subject's scope). The bureau also has the year's live scores, filtered and
exported."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from credit import labels, rules
from credit.choices import EventKind, Grade, Group, SubjectKind
from credit.selectors import cards as selectors
from credit.selectors.scoring import SubjectKey, cards_of_year, rule_set_in_force
from zhongwei_carbon import roles, web
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

CARD, SCORES = Perm.VIEW_CREDIT_CARD, Perm.VIEW_CREDIT_SCORES
T = "credit/cards/"
GRADES, GROUPS, KINDS = dict(Grade.choices), dict(Group.choices), dict(EventKind.choices)


def _subject(request, kind: str, pk: int):
    from registry.models import Enterprise
    from verifiers.models import Agency

    if kind == SubjectKind.ENTERPRISE:
        qs = Enterprise.objects.select_related("area")
    elif kind == SubjectKind.AGENCY:
        qs = Agency.objects.all()
    else:
        raise Http404
    return web.get_scoped_or_404(qs, request.user, CARD, pk=pk)


def _source(event) -> tuple[str, str]:
    """The name of the record an event comes from, and its page when it has one."""
    source = event.source if event.source_type_id else None
    if source is None:
        return "", ""
    url = source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""
    return f"{event.source_type.name} {source}", url


def _card_crumbs(request, year):
    from django.urls import reverse

    items = [(_("Credit score card"), None)]
    if roles.has_perm(request.user, SCORES):
        items.insert(0, (_("Credit scores %(year)s") % {"year": year},
                         reverse("credit:score_list") + f"?year={year}"))
    return web.crumbs(*items)


def _frozen_grade(kind, subject, year):
    """The subject's provisional or final grade of the year, once the bureau froze it: the
    card shown is then the one stored with it (``?live=1`` computes today's)."""
    from credit.choices import GradingStatus
    from credit.models import SubjectGrade

    return (SubjectGrade.objects.filter(credit_year__year=year, **{kind: subject})
            .exclude(credit_year__status=GradingStatus.OPEN).select_related("credit_year")
            .first())


@web.require(CARD)
@require_GET
def card_detail(request, kind, pk, year):
    subject = _subject(request, kind, pk)
    if not 2000 <= year <= 2100:
        raise Http404
    rule_set = rule_set_in_force(year)
    context = {"subject": subject, "kind": kind, "kind_label": SubjectKind(kind).label,
               "year": year, "rs": rule_set,
               "breadcrumbs": _card_crumbs(request, year)}
    frozen = context["frozen"] = _frozen_grade(kind, subject, year)
    live = context["live"] = frozen is None or not frozen.card or bool(request.GET.get("live"))
    if not live:
        context["rs"] = rule_set = frozen.credit_year.rule_set
    if rule_set is not None:
        key = SubjectKey(kind, subject.pk)
        card = (cards_of_year(year, [key], rule_set=rule_set)[key] if live
                else rules.card_from_dict(frozen.card))
        found = selectors.events_of_card(card)
        lines = []
        for line in card.lines:
            event = found.get(line.event_id)
            name, url = _source(event) if event else ("", "")
            lines.append({"line": line, "event": event, "kind": KINDS.get(line.kind, line.kind),
                          "group": GROUPS.get(line.group, ""),
                          "outcome": labels.outcome(line.outcome),
                          "source": name, "source_url": url})
        context.update({
            "card": card, "lines": lines, "grade": GRADES[card.grade],
            "groups": [{"t": g, "label": GROUPS.get(g.group, g.group)} for g in card.groups],
            "vetoes": [KINDS.get(v, v) for v in card.vetoes],
        })
    return render(request, T + "detail.html", context)


def _year(request) -> int:
    year = web.whole_number(request.GET.get("year"))
    return year if year is not None and 2000 <= year <= 2100 else timezone.localdate().year


def _filtered(request, year):
    rows = selectors.live_scores(year)
    grade = request.GET.get("grade", "")
    kind = request.GET.get("kind", "")
    return selectors.filter_rows(
        rows, grade=grade if grade in GRADES else "",
        kind=kind if kind in SubjectKind.values else "",
        area=web.whole_number(request.GET.get("area")), q=request.GET.get("q", ""),
    )


@web.require(SCORES)
@require_GET
def score_list(request):
    from registry.models import Area

    year = _year(request)
    rows = _filtered(request, year)
    return render(request, T + "list.html", {
        "year": year, "rs": rule_set_in_force(year), "page_obj": web.paginate(request, rows),
        "total": len(rows), "grades": Grade.choices, "kinds": SubjectKind.choices,
        "areas": Area.objects.order_by("sort_order", "code"),
        "breadcrumbs": web.crumbs((_("Credit scores"), None)),
    })


def score_columns() -> list[Column]:
    return [
        Column(_("Subject kind"), lambda r: SubjectKind(r.subject.kind).label, 12),
        Column(_("Name"), lambda r: r.subject.name, 30),
        Column(_("Unified social credit code"), lambda r: r.subject.uscc, 22),
        Column(_("Area"), lambda r: r.subject.area, 12),
        Column(_("Score"), lambda r: r.card.score, 8),
        Column(_("Grade"), lambda r: GRADES[r.card.grade], 14),
        Column(_("Vetoed by"), lambda r: "、".join(str(KINDS.get(v, v)) for v in r.card.vetoes), 24),
        Column(_("Rule set"), lambda r: r.card.version, 10),
    ]


@web.require(SCORES)
@require_GET
def score_export(request):
    year = _year(request)
    return xlsx_response(filename=_("credit scores %(year)s") % {"year": year},
                         sheet_title=str(year), columns=score_columns(),
                         rows=_filtered(request, year))
