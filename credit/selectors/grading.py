"""Reads of the grading workflow: scoped grades, objections and repairs, a year's to-do."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from credit import deadlines, rules
from credit.choices import (
    EventKind,
    Grade,
    GradingStatus,
    Group,
    ObjectionStatus,
    RepairStatus,
    SubjectKind,
)
from credit.models import CreditObjection, CreditYear, RepairApplication, SubjectGrade
from zhongwei_carbon import roles, scoping, web
from zhongwei_carbon.roles import Perm, Role

GRADE_ORDER = Case(*(When(grade=g, then=Value(i)) for i, g in enumerate(Grade.values)),
                   output_field=IntegerField())


def search(qs, text: str, prefix: str = ""):
    """Rows whose subject's name or credit code contains ``text``."""
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(Q(**{f"{prefix}enterprise__name__icontains": text})
                     | Q(**{f"{prefix}agency__name__icontains": text})
                     | Q(**{f"{prefix}enterprise__uscc__icontains": text})
                     | Q(**{f"{prefix}agency__uscc__icontains": text}))


def grades_for(user, action: str = Perm.VIEW_CREDIT_GRADE):
    qs = SubjectGrade.objects.select_related("credit_year", "enterprise__area", "agency")
    return scoping.for_user(qs, user, action)


def latest_graded_year() -> CreditYear | None:
    """The latest credit year whose grades are frozen (provisional or final): the year the
    grade list opens on (one query)."""
    return (CreditYear.objects.exclude(status=GradingStatus.OPEN).order_by("-year").first())


def grade_list(user, credit_year: CreditYear, *, grade: str | None = None,
               kind: str | None = None, q: str = ""):
    """The grade list of ``credit_year`` as ``user`` sees it (``grades_for``), filtered by
    ``grade`` and subject ``kind`` (unknown values ignored) and searched by ``q``; best grade
    first. The page, its export and the dashboard read it."""
    qs = grades_for(user).filter(credit_year=credit_year)
    if grade in Grade.values:
        qs = qs.filter(grade=grade)
    if kind in SubjectKind.values:
        qs = qs.filter(subject_kind=kind)
    return search(qs, q).order_by(GRADE_ORDER, "-score", "pk")


def grade(user, pk: int, action: str = Perm.VIEW_CREDIT_GRADE) -> SubjectGrade:
    return web.get_scoped_or_404(grades_for(user, action), user, action, pk=pk)


def objections_for(user, action: str = Perm.VIEW_CREDIT_GRADE):
    qs = CreditObjection.objects.select_related(
        "grade__credit_year", "grade__enterprise__area", "grade__agency", "event", "filed_by",
        "decided_by")
    return scoping.for_user(qs, user, action)


def objection(user, pk: int, action: str = Perm.VIEW_CREDIT_GRADE) -> CreditObjection:
    return web.get_scoped_or_404(objections_for(user, action), user, action, pk=pk)


def repairs_for(user, action: str = Perm.VIEW_CREDIT_GRADE):
    qs = RepairApplication.objects.select_related(
        "event__enterprise__area", "event__agency", "filed_by", "decided_by")
    return scoping.for_user(qs, user, action)


def repair(user, pk: int, action: str = Perm.VIEW_CREDIT_GRADE) -> RepairApplication:
    return web.get_scoped_or_404(repairs_for(user, action), user, action, pk=pk)


def subject_of(user):
    """The enterprise or agency the user acts for (its first such membership), or ``None``."""
    for m in roles.memberships(user):
        if m.role == Role.ENTERPRISE_USER and m.enterprise_id:
            return m.enterprise
        if m.role == Role.AGENCY_STAFF and m.agency_id:
            return m.agency
    return None


def subject_filter(subject, prefix: str = "") -> Q:
    if subject._meta.label == "verifiers.Agency":
        return Q(**{f"{prefix}subject_kind": SubjectKind.AGENCY, f"{prefix}agency": subject})
    return Q(**{f"{prefix}subject_kind": SubjectKind.ENTERPRISE, f"{prefix}enterprise": subject})


def grade_counts(credit_year: CreditYear) -> list[tuple[str, str, int, int]]:
    """(grade, label, provisional count, current count) for every grade, best first."""
    rows = credit_year.grades.aggregate(**{
        f"{g}_now": Count("pk", filter=Q(grade=g)) for g in Grade.values
    } | {f"{g}_notified": Count("pk", filter=Q(notified_grade=g)) for g in Grade.values})
    return [(g, label, rows[f"{g}_notified"], rows[f"{g}_now"]) for g, label in Grade.choices]


def pending_objections(credit_year: CreditYear):
    return (CreditObjection.objects.filter(grade__credit_year=credit_year,
                                           status=ObjectionStatus.PENDING)
            .select_related("grade__enterprise", "grade__agency", "event")
            .order_by("decision_due", "pk"))


def days_left(credit_year: CreditYear, today: date) -> int | None:
    """Calendar days to the last day of the objection window (0 on that day); ``None``
    outside the window."""
    if not deadlines.objection_window_open(credit_year.status, credit_year.objections_until, today):
        return None
    return (credit_year.objections_until - today).days


def public_years():
    return CreditYear.objects.filter(status=GradingStatus.FINAL).select_related("rule_set")


def public_grades(credit_year: CreditYear):
    """Final grades of a published year (never a year that is not final)."""
    if credit_year.status != GradingStatus.FINAL:
        return SubjectGrade.objects.none()
    return (SubjectGrade.objects.filter(credit_year=credit_year)
            .select_related("enterprise__area", "agency")
            .order_by(GRADE_ORDER, "-score", "pk"))


def pending_repairs_count() -> int:
    return RepairApplication.objects.filter(status=RepairStatus.PENDING).count()


OUTCOMES = {
    rules.PRICED: _("priced"),
    rules.NOT_PRICED: _("not priced by the rule set"),
    rules.BELOW_THRESHOLD: _("below the rule's threshold"),
    rules.BEFORE_OCCURRENCE: _("before the occurrence the rule prices"),
    rules.EXPIRED: _("no longer counts (years of the rule passed)"),
    rules.REPAIRED: _("repaired"),
}


def card_rows(card: dict) -> dict:
    """A stored score card with labels, for a page."""
    kinds, groups = dict(EventKind.choices), dict(Group.choices)
    lines = [line | {"kind_label": kinds.get(line["kind"], line["kind"]),
                     "group_label": groups.get(line["group"], line["group"]),
                     "outcome_label": OUTCOMES.get(line["outcome"], line["outcome"])}
             for line in card.get("lines", [])]
    totals = [g | {"group_label": groups.get(g["group"], g["group"]),
                   "capped": g["raw"] != g["counted"]} for g in card.get("groups", [])]
    return {"base": card.get("base"), "lines": lines, "groups": totals,
            "vetoes": [kinds.get(k, k) for k in card.get("vetoes", [])],
            "score": card.get("score"), "version": card.get("version")}
