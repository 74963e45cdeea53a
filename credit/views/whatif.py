"""What-if (/credit/rules/<pk>/what-if/?year=): the year's subjects re-scored with a rule set
(typically a draft) next to the set in force, who moves and how many go from each grade to
each other. Bureau staff only; nothing is written."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from credit.choices import Grade, SubjectKind
from credit.models import RuleSet
from credit.selectors.cards import what_if
from credit.views.rulesets import VIEW, _crumbs
from zhongwei_carbon import web
from zhongwei_carbon.excel import Column, xlsx_response

GRADES = dict(Grade.choices)


def _compare(request, pk):
    rule_set = web.get_scoped_or_404(RuleSet.objects.all(), request.user, VIEW, pk=pk)
    year = web.whole_number(request.GET.get("year"))
    if year is None or not 2000 <= year <= 2100:
        year = max(rule_set.effective_year, timezone.localdate().year - 1)
    return rule_set, what_if(year, rule_set)


@web.require(VIEW)
@require_GET
def rule_set_what_if(request, pk):
    rule_set, result = _compare(request, pk)
    return render(request, "credit/rulesets/what_if.html", {
        "rs": rule_set, "w": result, "grades": GRADES,
        "page_obj": web.paginate(request, result.moves),
        "breadcrumbs": _crumbs(rule_set, (_("What if"), None)),
    })


def move_columns() -> list[Column]:
    return [
        Column(_("Subject kind"), lambda m: SubjectKind(m.subject.kind).label, 12),
        Column(_("Name"), lambda m: m.subject.name, 30),
        Column(_("Unified social credit code"), lambda m: m.subject.uscc, 22),
        Column(_("Area"), lambda m: m.subject.area, 12),
        Column(_("Score now"), lambda m: m.before.score if m.before else "", 10),
        Column(_("Grade now"), lambda m: GRADES.get(m.from_grade, ""), 14),
        Column(_("Score with this set"), lambda m: m.after.score, 10),
        Column(_("Grade with this set"), lambda m: GRADES[m.after.grade], 14),
        Column(pgettext("credit score", "Change"), lambda m: m.change if m.change is not None else "", 8),
    ]


@web.require(VIEW)
@require_GET
def rule_set_what_if_export(request, pk):
    rule_set, result = _compare(request, pk)
    return xlsx_response(
        filename=_("what if %(version)s %(year)s") % {"version": rule_set.version,
                                                      "year": result.year},
        sheet_title=str(result.year), columns=move_columns(), rows=result.moves,
    )
