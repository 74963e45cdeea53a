"""Where a subject stands: its latest published final grade and, separately, the provisional
grade of a year the bureau has frozen (objections open). Read in a constant number of queries
for any number of subjects (``standings``); ``standing`` is the one-subject form.

What the other apps show comes from here, through the core hooks registered in
``credit.apps`` (``credit.hooks``): the grade badge on the enterprise and agency pages, the
warning when an agency is assigned a verification, the weights of an inspection draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from credit.choices import Grade, GradingStatus, SubjectKind
from credit.labels import BADGE
from credit.models import SubjectGrade
from credit.selectors.scoring import SubjectKey, key_of


def card_url(kind: str, pk: int, year: int) -> str:
    """The score card of a subject's year (``credit:card``, built by the rule-set pages)."""
    try:
        return reverse("credit:card", kwargs={"kind": kind, "pk": pk, "year": year})
    except NoReverseMatch:
        return f"/credit/cards/{kind}/{pk}/{year}/"


@dataclass(frozen=True)
class GradeAt:
    """A subject's grade in one year, as the year's grading holds it."""

    kind: str  # SubjectKind
    pk: int
    year: int
    grade: str  # Grade
    score: Decimal
    veto_kind: str = ""
    document_number: str = ""  # the publication's document (final grades)
    objections_until: date | None = None  # provisional grades: the end of the window

    @property
    def label(self) -> str:
        return str(Grade(self.grade).label)

    @property
    def badge(self) -> str:
        return BADGE[self.grade]

    @property
    def is_warning(self) -> bool:
        return self.grade in (Grade.RED, Grade.YELLOW)

    @property
    def url(self) -> str:
        return card_url(self.kind, self.pk, self.year)


@dataclass(frozen=True)
class Standing:
    final: GradeAt | None = None  # the latest published final grade
    provisional: GradeAt | None = None  # a frozen year's provisional grade, if any

    def __bool__(self) -> bool:
        return self.final is not None or self.provisional is not None


NOTHING = Standing()


def _subjects_q(keys: list[SubjectKey]) -> Q:
    ents = [k.pk for k in keys if k.kind == SubjectKind.ENTERPRISE]
    agencies = [k.pk for k in keys if k.kind == SubjectKind.AGENCY]
    q = Q(pk__in=[])
    if ents:
        q |= Q(subject_kind=SubjectKind.ENTERPRISE, enterprise_id__in=ents)
    if agencies:
        q |= Q(subject_kind=SubjectKind.AGENCY, agency_id__in=agencies)
    return q


def standings(subjects, *, until_year: int | None = None) -> dict[SubjectKey, Standing]:
    """The standing of each subject (enterprise or agency instances, or ``SubjectKey``s), in
    one query whatever their number; only grades of years up to ``until_year`` when given.
    Subjects without any grade are left out."""
    keys = [s if isinstance(s, SubjectKey) else key_of(s) for s in subjects]
    if not keys:
        return {}
    qs = SubjectGrade.objects.filter(_subjects_q(keys))
    if until_year is not None:
        qs = qs.filter(credit_year__year__lte=until_year)
    rows = (
        qs.filter(credit_year__status__in=[GradingStatus.FINAL, GradingStatus.PROVISIONAL])
        .order_by("-credit_year__year")
        .values_list("subject_kind", "enterprise_id", "agency_id", "credit_year__year",
                     "credit_year__status", "credit_year__document_number",
                     "credit_year__objections_until", "grade", "score",
                     "veto_kind")
    )
    final: dict[SubjectKey, GradeAt] = {}
    provisional: dict[SubjectKey, GradeAt] = {}
    for kind, ent, agency, year, status, doc, until, grade, score, veto in rows:
        key = SubjectKey(kind, ent if kind == SubjectKind.ENTERPRISE else agency)
        if status == GradingStatus.FINAL:
            final.setdefault(key, GradeAt(kind, key.pk, year, grade, score, veto, doc))
        else:
            # as it stands now: an upheld objection has already moved it
            provisional.setdefault(key, GradeAt(kind, key.pk, year, grade, score,
                                                veto, "", until))
    return {k: Standing(final.get(k), provisional.get(k))
            for k in keys if k in final or k in provisional}


def standing(subject) -> Standing:
    """The standing of one enterprise or agency (``NOTHING`` when it has no grade)."""
    key = key_of(subject)
    return standings([key]).get(key, NOTHING)


def latest_final(subjects, *, until_year: int | None = None) -> dict[SubjectKey, GradeAt]:
    """The latest published final grade of each subject that has one."""
    return {k: s.final for k, s in standings(subjects, until_year=until_year).items()
            if s.final is not None}
