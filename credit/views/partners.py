"""/credit/partners/export/?year=: the workbook for the partner departments
(development-reform, market regulation, the PBOC branch) of a year's published final grades.
Bureau admins, and the liaisons of a department granted ``credit_export`` (others 403); a year that is not final is not found; without final grades
the page says so; every download is logged (``credit.services.partners``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from credit.choices import EventKind, Grade
from credit.selectors import partners as sel
from credit.services.partners import may_export, partners_export_record
from zhongwei_carbon import display, web
from zhongwei_carbon.excel import Column, Sheet, xlsx_sheets_response
from zhongwei_carbon.roles import Perm

GRADES, KINDS = dict(Grade.choices), dict(EventKind.choices)


def _year(request):
    years = sel.final_years()
    raw = request.GET.get("year")
    if raw in (None, ""):
        return years.order_by("-year").first()
    year = web.whole_number(raw)
    found = years.filter(year=year).first() if year is not None else None
    if found is None:
        raise Http404
    return found


def _vetoes(row) -> str:
    # the labels are lazy: join their text, not the proxies
    return "、".join(str(KINDS.get(k, k)) for k in (row.grade.card or {}).get("vetoes", ())) or (
        str(KINDS.get(row.grade.veto_kind, row.grade.veto_kind)))


def _deductions(row) -> str:
    return "；".join(
        f"{d.occurred_on} {KINDS.get(d.kind, d.kind)} {d.points}" + (f"（{d.source}）" if d.source else "")
        for d in row.deductions
    )


def _common(cy) -> list[Column]:
    return [
        Column(_("Year"), lambda r: cy.year, 8),
        Column(_("Final grade"), lambda r: GRADES.get(r.grade.grade, r.grade.grade), 16),
        Column(_("Score"), lambda r: r.grade.score, 8),
        Column(_("Vetoed by"), _vetoes, 24),
        Column(_("Events that cost points"), _deductions, 60),
        Column(_("Rule set version"), lambda r: cy.rule_set.version, 12),
        Column(_("Rule set document number"), lambda r: cy.rule_set.document_number, 24),
        Column(_("Publication document number"), lambda r: cy.document_number, 24),
    ]


@web.require(Perm.EXPORT_CREDIT_PARTNERS)
@require_GET
def partners_export(request):
    if not may_export(request.user):
        raise PermissionDenied
    cy = _year(request)
    if cy is None:
        return render(request, "credit/partners/empty.html", {
            "breadcrumbs": web.crumbs((_("Credit grades for the partner departments"), None)),
        })
    rows = sel.rows(cy)
    ents, agencies = sel.split(rows)
    deductions = [(r, d) for r in rows for d in r.deductions]
    partners_export_record(actor=request.user, credit_year=cy, enterprises=len(ents),
                           agencies=len(agencies), deductions=len(deductions))
    code = Column(_("Unified social credit code"), lambda r: r.subject.uscc, 22)
    name = Column(pgettext("credit export", "Name"), lambda r: r.subject.name, 30)
    ent_columns = [code, name,
                   Column(_("Area"), lambda r: str(r.subject.area), 14),
                   Column(_("Sector"), lambda r: str(r.subject.sector), 14), *_common(cy)]
    agency_columns = [code, name, *_common(cy)]
    event_columns = [
        Column(_("Unified social credit code"), lambda x: x[0].subject.uscc, 22),
        Column(pgettext("credit export", "Name"), lambda x: x[0].subject.name, 30),
        Column(_("Subject kind"), lambda x: x[0].grade.get_subject_kind_display(), 12),
        Column(_("Date"), lambda x: x[1].occurred_on, 12),
        Column(_("Event"), lambda x: KINDS.get(x[1].kind, x[1].kind), 28),
        Column(_("Points"), lambda x: x[1].points, 8),
        Column(pgettext("credit event", "What happened"), lambda x: x[1].summary, 40),
        Column(_("Source"), lambda x: x[1].source, 30),
    ]
    about = [
        (_("Addressed to"), _("Development and reform commission; market regulation "
                              "administration; People's Bank of China branch")),
        (_("Credit evaluation year"), cy.year),
        (_("Rule set"), f"{cy.rule_set.title} ({cy.rule_set.version})"),
        (_("Rule set document number"), cy.rule_set.document_number),
        (_("Publication document number"), cy.document_number),
        (_("Published at"), cy.published_at),
        (_("Exported by"), display.person(request.user)),
    ]
    pair = [Column(_("Item"), lambda r: r[0], 24), Column(_("Content"), lambda r: r[1], 70)]
    return xlsx_sheets_response(
        filename=_("Credit grades %(year)s for the partner departments") % {"year": cy.year},
        ascii_name=f"credit-partners-{cy.year}",
        sheets=[
            Sheet(pgettext("credit export", "About"), pair, about),
            Sheet(_("Enterprises"), ent_columns, ents),
            Sheet(_("Agencies"), agency_columns, agencies),
            Sheet(_("Events that cost points"), event_columns, deductions),
        ],
    )
