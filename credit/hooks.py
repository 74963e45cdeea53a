"""The grades where the portal's users work (issue 14, "Use of grades"), given to the lower
apps through core hooks (registered in ``CreditConfig.ready``; the lower apps never import
credit, DESIGN.md §4.11):

- ``enterprise_sections`` / ``agency_sections`` (``zhongwei_carbon.sections``): the current
  grade as a badge under the page's title, linked to its score card; for the bureau, the
  enterprise itself and its county, the agency itself;
- ``agency_advisories`` (``zhongwei_carbon.advisories``): the latest grade of each agency the
  bureau may assign a verification to; yellow warns, red also needs an acknowledgement;
- ``draw_weighting`` (``zhongwei_carbon.draw_weights``): the weights of an inspection draw
  that a plan weights by credit (``DRAW_WEIGHTS``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from credit.choices import Grade, SubjectKind
from credit.selectors.scoring import SubjectKey
from credit.selectors.standing import latest_final, standing
from zhongwei_carbon import advisories, roles, scoping
from zhongwei_carbon.draw_weights import Weighting
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.sections import TOP, Section

STANDING = Perm.VIEW_CREDIT_STANDING

# Differentiated supervision by credit (双随机、一公开 with 差异化监管): a subject graded red is
# three times, yellow twice as likely as another to be drawn at each pick of a weighted draw.
# Basis: 环发〔2013〕150号 (red and yellow subjects under stricter supervision, more frequent
# inspections); 国办发〔2019〕35号 on credit-based supervision (抽查比例和频次 by credit level).
# Blue, green and ungraded subjects weigh 1.
DRAW_WEIGHTS = {Grade.RED: 3, Grade.YELLOW: 2}


def _may_see(user, subject) -> bool:
    return roles.has_perm(user, STANDING) and scoping.covers(user, STANDING, subject)


def _sections(user, subject):
    if not _may_see(user, subject):
        return
    current = standing(subject)
    if current.final is not None:  # nothing before a first published grade
        yield Section("credit/standing/_top.html", {"standing": current}, 10, TOP)


def enterprise_sections(user, enterprise):
    yield from _sections(user, enterprise)


def agency_sections(user, agency):
    yield from _sections(user, agency)


def _advisory(agency, grade) -> advisories.Advisory:
    words = {"agency": agency.name, "grade": grade.label, "year": grade.year,
             "score": grade.score}
    short = _("Credit %(year)s: %(grade)s") % words
    if grade.grade == Grade.RED:
        return advisories.Advisory(
            "credit.red", advisories.DANGER, short,
            _("%(agency)s is graded %(grade)s in the credit evaluation %(year)s (score "
              "%(score)s): an untrustworthy agency is under stricter supervision. Assign it only "
              "with a reason, and acknowledge the grade to go on.") % words,
            grade.url, requires_ack=True,
        )
    if grade.grade == Grade.YELLOW:
        return advisories.Advisory(
            "credit.yellow", advisories.WARNING, short,
            _("%(agency)s is graded %(grade)s in the credit evaluation %(year)s (score "
              "%(score)s): check its recent work before assigning it.") % words,
            grade.url,
        )
    return advisories.Advisory(f"credit.{grade.grade}", advisories.INFO, short, "", grade.url)


def agency_advisories(user, agencies) -> dict[int, list[advisories.Advisory]]:
    if not roles.has_perm(user, STANDING):
        return {}
    seen = [a for a in agencies if scoping.covers(user, STANDING, a)]
    grades = latest_final(seen)
    out = {}
    for agency in seen:
        grade = grades.get(SubjectKey(SubjectKind.AGENCY, agency.pk))
        if grade is not None:
            out[agency.pk] = [_advisory(agency, grade)]
    return out


def draw_weighting(enterprise_ids, agency_ids, *, year: int) -> Weighting:
    """Each target's weight from its latest published final grade up to ``year``."""
    keys = [SubjectKey(SubjectKind.ENTERPRISE, pk) for pk in enterprise_ids]
    keys += [SubjectKey(SubjectKind.AGENCY, pk) for pk in agency_ids]
    weights = {}
    for key, grade in latest_final(keys, until_year=year).items():
        w = DRAW_WEIGHTS.get(grade.grade, 1)
        if w != 1:
            weights[(key.kind, key.pk)] = w
    basis = _(
        "Weighted by the latest published credit grade: red ×%(red)s, yellow ×%(yellow)s, "
        "others ×1 (differentiated supervision by credit, 环发〔2013〕150号, 国办发〔2019〕35号)."
    ) % {"red": DRAW_WEIGHTS[Grade.RED], "yellow": DRAW_WEIGHTS[Grade.YELLOW]}
    return Weighting(weights, basis)
