"""Where a subject stands (``credit.selectors.standing``) and the grade badge on the enterprise
and agency pages: the latest published final grade, separately a frozen year's provisional
grade; nothing before a first final grade; only for those who may see the subject's grade."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from credit.choices import Grade, GradingStatus, SubjectKind
from credit.selectors import standing as sel
from credit.selectors.scoring import SubjectKey
from tests import factories as f
from tests.conftest import client_for
from tests.credit.grades import credit_year, grade

pytestmark = pytest.mark.django_db


def test_nothing_without_grades(enterprise_a, agency_a):
    assert sel.standing(enterprise_a) == sel.NOTHING
    assert not sel.standing(agency_a)
    assert sel.standings([]) == {}


def test_latest_final_grade_and_separately_the_provisional_one(enterprise_a, agency_a):
    grade(credit_year(2023), enterprise_a, Grade.GREEN, D("95"))
    y2024 = credit_year(2024)
    grade(y2024, enterprise_a, Grade.RED, D("55.5"), veto_kind="violation_art22")
    grade(credit_year(2025, GradingStatus.PROVISIONAL), enterprise_a, Grade.YELLOW, D("70"))
    grade(credit_year(2026, GradingStatus.OPEN), enterprise_a, Grade.GREEN, D("100"))

    s = sel.standing(enterprise_a)
    assert (s.final.year, s.final.grade, s.final.score) == (2024, Grade.RED, D("55.5"))
    assert s.final.document_number == y2024.document_number
    assert s.final.veto_kind == "violation_art22"
    assert s.final.url == f"/credit/cards/enterprise/{enterprise_a.pk}/2024/"
    assert (s.provisional.year, s.provisional.grade) == (2025, Grade.YELLOW)
    assert s.provisional.objections_until is not None
    # the agency has no grade of its own
    assert not sel.standing(agency_a)
    # up to a year: what a plan of 2023 reads
    assert sel.latest_final([enterprise_a], until_year=2023)[
        SubjectKey(SubjectKind.ENTERPRISE, enterprise_a.pk)].grade == Grade.GREEN


def test_many_subjects_in_one_query(django_assert_num_queries, area_a):
    cy = credit_year(2024)
    ents = [f.EnterpriseFactory(area=area_a) for _ in range(12)]
    agencies = [f.AgencyFactory() for _ in range(3)]
    for i, e in enumerate(ents):
        grade(cy, e, [Grade.GREEN, Grade.BLUE, Grade.YELLOW, Grade.RED][i % 4])
    grade(cy, agencies[0], Grade.RED)
    with django_assert_num_queries(1):
        result = sel.standings([*ents, *agencies])
    assert len(result) == 13  # the two agencies without a grade are left out
    assert result[SubjectKey(SubjectKind.AGENCY, agencies[0].pk)].final.grade == Grade.RED


# --- the badge on the pages ---------------------------------------------------------------


def _page(user, url):
    with translation.override("zh-hans"):
        response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_enterprise_page_shows_the_grade_in_words_to_bureau_county_and_itself(
        enterprise_a, bureau_admin, bureau_reviewer, official_a, ent_a):
    grade(credit_year(2024), enterprise_a, Grade.RED, D("52"))
    url = reverse("registry:enterprise_detail", kwargs={"pk": enterprise_a.pk})
    card = f"/credit/cards/enterprise/{enterprise_a.pk}/2024/"
    for user in (bureau_admin, bureau_reviewer, official_a, ent_a):
        html = _page(user, url)
        assert 'id="credit-standing"' in html, user
        assert "环保不良" in html and "红牌" in html  # the words, not the colour alone
        assert "text-bg-danger" in html and card in html


def test_enterprise_page_without_a_final_grade_shows_nothing(enterprise_a, bureau_admin, ent_a):
    url = reverse("registry:enterprise_detail", kwargs={"pk": enterprise_a.pk})
    assert 'id="credit-standing"' not in _page(bureau_admin, url)
    # a provisional grade alone is not a published grade
    grade(credit_year(2025, GradingStatus.PROVISIONAL), enterprise_a, Grade.RED)
    assert 'id="credit-standing"' not in _page(ent_a, url)
    # once a final grade exists the provisional one is shown beside it
    grade(credit_year(2024), enterprise_a, Grade.BLUE, D("80"))
    html = _page(ent_a, url)
    assert "环保良好" in html and 'id="credit-provisional"' in html


def test_another_enterprise_grade_is_not_shown(enterprise_a, enterprise_b, ent_a):
    grade(credit_year(2024), enterprise_b, Grade.RED)
    url = reverse("registry:enterprise_detail", kwargs={"pk": enterprise_a.pk})
    assert 'id="credit-standing"' not in _page(ent_a, url)


def test_agency_page_shows_its_grade_to_the_bureau_and_itself(agency_a, bureau_admin,
                                                              agency_a_staff):
    grade(credit_year(2024), agency_a, Grade.YELLOW, D("66"))
    url = reverse("verifiers:agency_detail", kwargs={"pk": agency_a.pk})
    for user in (bureau_admin, agency_a_staff):
        html = _page(user, url)
        assert "环保警示" in html and "黄牌" in html
        assert f"/credit/cards/agency/{agency_a.pk}/2024/" in html


def test_section_provider_refuses_who_may_not_see_the_subject(agency_a, official_a, agency_b_staff):
    from credit import hooks

    grade(credit_year(2024), agency_a, Grade.RED)
    # a county official may list agencies but their grades are the bureau's and their own
    assert list(hooks.agency_sections(official_a, agency_a)) == []
    assert list(hooks.agency_sections(agency_b_staff, agency_a)) == []
