"""The bureau's credit years (open, freeze, publish, with what is left to do), the grades of a
year (scoped: the bureau all, an area official its area's enterprises, a subject its own), a
grade's score card, and the subject's own credit page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from credit.choices import EventStatus, Grade, GradingStatus, SubjectKind
from credit.grading_forms import FreezeForm, OpenYearForm, PublishForm
from credit.models import CreditEvent, CreditYear
from credit.selectors import grading as sel
from credit.services import grading, objections
from credit.services import repair as repair_svc
from zhongwei_carbon import events, roles, web
from zhongwei_carbon.confirm import Confirmation, confirmed_step
from zhongwei_carbon.excel import Column, xlsx_response
from zhongwei_carbon.roles import Perm

T = "credit/years/"
WORK, MANAGE, VIEW = Perm.VIEW_CREDIT_WORK, Perm.MANAGE_CREDIT_YEAR, Perm.VIEW_CREDIT_GRADE


def _crumbs(credit_year=None, *more):
    items = [(_("Credit evaluation"), "credit:year_list")]
    if credit_year is not None:
        items.append((str(credit_year), reverse("credit:year_detail", args=[credit_year.year])
                      if more else None))
    return web.crumbs(*items, *more)


def _year(year: int) -> CreditYear:
    return get_object_or_404(CreditYear.objects.select_related("rule_set"), year=year)


@web.require(WORK)
@require_GET
def year_list(request):
    return render(request, T + "list.html", {
        "years": CreditYear.objects.select_related("rule_set").order_by("-year"),
        "can_manage": roles.has_perm(request.user, MANAGE),
        "form": OpenYearForm(), "breadcrumbs": _crumbs(),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def year_open(request):
    form = OpenYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credit_year = grading.open_year(actor=request.user, year=form.cleaned_data["year"])
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(request, _("%(year)s opened: scores are computed continuously "
                                        "until you freeze them.") % {"year": credit_year})
            return redirect("credit:year_detail", year=credit_year.year)
    title = _("Open a credit year")
    return render(request, T + "form.html", {
        "form": form, "title": title, "cancel_url": reverse("credit:year_list"),
        "breadcrumbs": _crumbs(None, (title, None)),
    })


@web.require(WORK)
@require_GET
def year_detail(request, year):
    credit_year = _year(year)
    today = timezone.localdate()
    can_manage = roles.has_perm(request.user, MANAGE)
    status = credit_year.status
    return render(request, T + "detail.html", {
        "y": credit_year, "today": today, "counts": sel.grade_counts(credit_year),
        "total": credit_year.grades.count(),
        "pending": sel.pending_objections(credit_year),
        "days_left": sel.days_left(credit_year, today),
        "publish_blocker": grading.publish_blocker(credit_year, today)
        if status == GradingStatus.PROVISIONAL else None,
        "can_freeze": can_manage and status == GradingStatus.OPEN,
        "can_publish": can_manage and status == GradingStatus.PROVISIONAL,
        "events": events.for_object(credit_year), "history": web.history_rows(credit_year),
        "breadcrumbs": _crumbs(credit_year),
    })


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def year_freeze(request, year):
    credit_year = _year(year)

    def confirmation(_form, summary):
        return Confirmation(
            title=_("Freeze the provisional grades"),
            question=_("Freeze the provisional grades of %(year)s?") % {"year": credit_year.year},
            button=_("Freeze and notify"),
            rows=[(_("Rule set"), f"{summary['rule_set']} · {summary['rule_set'].document_number}"),
                  (_("Subjects graded"), summary["subjects"]),
                  (_("Objections until"), summary["objections_until"].isoformat())],
            warning=_("Every subject is notified of its provisional grade and may object to "
                      "its events until the date above. The grades cannot be unfrozen."),
            breadcrumbs=_crumbs(credit_year, (_("Freeze"), None)),
        )

    def done(n):
        messages.success(request, _("%(n)s provisional grades frozen and notified.") % {"n": n})
        return redirect("credit:year_detail", year=credit_year.year)

    def form_page(form):
        if form.errors:
            for error in form.non_field_errors():
                messages.error(request, error)
        return redirect("credit:year_detail", year=credit_year.year)

    return confirmed_step(
        request, make_form=lambda data, files, initial: FreezeForm(data, initial=initial),
        check=lambda _f: grading.freeze_check(actor=request.user, credit_year=credit_year),
        act=lambda _f: grading.freeze(actor=request.user, credit_year=credit_year),
        confirmation=confirmation, form_page=form_page, done=done, purpose="credit-freeze",
    )


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def year_publish(request, year):
    credit_year = _year(year)
    title = _("Publish the final grades")

    def confirmation(form, summary):
        return Confirmation(
            title=title,
            question=_("Publish the final grades of %(year)s?") % {"year": credit_year.year},
            button=_("Publish"),
            rows=[(_("Rule set"), f"{credit_year.rule_set} · "
                   f"{credit_year.rule_set.document_number}"),
                  (_("Publication document number"), form.cleaned_data["document_number"]),
                  (_("Grades"), summary["grades"])],
            warning=_("The grades appear on the public site and every subject is notified. "
                      "This cannot be undone."),
            breadcrumbs=_crumbs(credit_year, (title, None)),
        )

    def form_page(form):
        return render(request, T + "form.html", {
            "form": form, "title": title, "y": credit_year,
            "cancel_url": reverse("credit:year_detail", args=[credit_year.year]),
            "breadcrumbs": _crumbs(credit_year, (title, None)),
        })

    def done(_result):
        messages.success(request, _("Final grades published."))
        return redirect("credit:year_detail", year=credit_year.year)

    return confirmed_step(
        request, make_form=lambda data, files, initial: PublishForm(data, initial=initial),
        check=lambda f: grading.publish_check(
            actor=request.user, credit_year=credit_year,
            document_number=f.cleaned_data["document_number"]),
        act=lambda f: grading.publish(actor=request.user, credit_year=credit_year,
                                      document_number=f.cleaned_data["document_number"]),
        confirmation=confirmation, form_page=form_page, done=done, purpose="credit-publish",
    )


def _grades(request, credit_year):
    return sel.grade_list(request.user, credit_year, grade=request.GET.get("grade"),
                          kind=request.GET.get("kind"), q=request.GET.get("q", ""))


@web.require(VIEW)
@require_GET
def grade_index(request):
    """The grades of the latest frozen year (the menu's entry for every role)."""
    latest = sel.latest_graded_year()
    if latest is None:
        return render(request, T + "grades.html", {
            "y": None, "breadcrumbs": web.crumbs((_("Credit grades"), None))})
    return redirect("credit:year_grades", year=latest.year)


@web.require(VIEW)
@require_GET
def year_grades(request, year):
    credit_year = _year(year)
    return render(request, T + "grades.html", {
        "y": credit_year, "page_obj": web.paginate(request, _grades(request, credit_year)),
        "grades": Grade.choices, "kinds": SubjectKind.choices,
        "breadcrumbs": web.crumbs((str(credit_year), None)),
    })


def grade_columns() -> list[Column]:
    return [
        Column(_("Year"), lambda g: g.credit_year.year, 8),
        Column(_("Subject kind"), lambda g: g.get_subject_kind_display(), 14),
        Column(_("Name"), lambda g: g.subject.name, 32),
        Column(_("Unified social credit code"), lambda g: g.subject.uscc, 22),
        Column(_("Area"), lambda g: str(g.enterprise.area) if g.enterprise_id else "", 12),
        Column(_("Score"), lambda g: g.score, 8),
        Column(_("Grade"), lambda g: g.get_grade_display(), 16),
        Column(_("Provisional grade notified"), lambda g: g.get_notified_grade_display(), 16),
        Column(_("Vetoed by"), lambda g: g.veto_kind, 20),
    ]


@web.require(VIEW)
@require_GET
def year_export(request, year):
    credit_year = _year(year)
    return xlsx_response(filename=_("credit grades %(year)s") % {"year": credit_year.year},
                         sheet_title=str(credit_year), columns=grade_columns(),
                         rows=_grades(request, credit_year))


@web.require(VIEW)
@require_GET
def grade_detail(request, pk):
    grade = sel.grade(request.user, pk)
    user, today = request.user, timezone.localdate()
    own = roles.has_perm(user, Perm.OBJECT_TO_CREDIT) and sel.subject_of(user) == grade.subject
    objected = set(grade.objections.values_list("event_id", flat=True))
    window = objections.objection_blocker(grade, today) is None
    return render(request, T + "grade.html", {
        "g": grade, "card": sel.card_rows(grade.card), "objections": grade.objections.select_related("event"),
        "can_object": own and window, "objected": objected,
        "history": web.history_rows(grade),
        "breadcrumbs": web.crumbs(
            (str(grade.credit_year), reverse("credit:year_grades", args=[grade.credit_year.year])),
            (str(grade.subject), None)),
    })


@web.require(Perm.OBJECT_TO_CREDIT)
@require_GET
def my_credit(request):
    """The subject's own page: its grades (provisional and final), the events of the year in
    its window with a button to object, its objections and repair applications."""
    subject = sel.subject_of(request.user)
    if subject is None:
        raise Http404
    today = timezone.localdate()
    grades = (sel.grades_for(request.user).filter(sel.subject_filter(subject))
              .select_related("credit_year__rule_set").order_by("-credit_year__year"))
    latest = grades.first()
    finals = sel.public_years().values_list("year", flat=True)
    final_events = (CreditEvent.objects.filter(sel.subject_filter(subject), year__in=finals,
                                               status=EventStatus.ACTIVE)
                    .order_by("-year", "-occurred_on"))
    repairable = [(e, repair_svc.repair_blocker(e, today)) for e in final_events]
    window_open = latest is not None and objections.objection_blocker(latest, today) is None
    return render(request, T + "my.html", {
        "subject": subject, "grades": grades, "latest": latest, "today": today,
        "window_open": window_open,
        # the provisional card's events, each with its objection button while the window is open
        "g": latest, "card": sel.card_rows(latest.card) if window_open else None,
        "objected": set(latest.objections.values_list("event_id", flat=True))
        if window_open else set(),
        "objections": sel.objections_for(request.user).filter(
            sel.subject_filter(subject, "grade__")),
        "repairs": sel.repairs_for(request.user).filter(sel.subject_filter(subject, "event__")),
        "repairable": repairable,
        "can_object": window_open,
        "breadcrumbs": web.crumbs((_("My credit"), None)),
    })
