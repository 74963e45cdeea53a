"""Public pages of the published key-emitter lists: no login, drafts never shown."""

import pytest
from django.urls import reverse

from registry.choices import ListChange, ListReason
from tests import factories as f
from tests.registry.test_list_views import read_xlsx
from tests.registry.test_lists import make_list


@pytest.fixture
def lists(enterprise_a, enterprise_b, bureau_admin, area_a):
    other = f.EnterpriseFactory(name="沙坡头化工有限公司", area=area_a)
    published = make_list(
        2025,
        [
            (enterprise_a, ListChange.ADDED, ListReason.EMISSIONS_AT_THRESHOLD),
            (other, ListChange.RETAINED, ListReason.ENERGY_AT_THRESHOLD),
            (enterprise_b, ListChange.ADDED, ListReason.EMISSIONS_AT_THRESHOLD),
        ],
        by=bureau_admin,
    )
    draft = make_list(
        2026,
        [(enterprise_a, ListChange.RETAINED, ListReason.EMISSIONS_AT_THRESHOLD)],
        by=bureau_admin,
        published=False,
    )
    return {"published": published, "draft": draft}


def test_home_lists_only_published_lists(client_as, lists):
    response = client_as(None).get(reverse("public:home"))
    assert response.status_code == 200
    assert [(x.year, x.added_count, x.retained_count) for x in response.context["lists"]] == [
        (2025, 2, 1)
    ]
    assert reverse("public:list_detail", kwargs={"year": 2025}).encode() in response.content
    assert reverse("public:list_detail", kwargs={"year": 2026}).encode() not in response.content


def test_home_empty_state(client_as, db):
    response = client_as(None).get(reverse("public:home"))
    assert response.status_code == 200
    assert list(response.context["lists"]) == []


def test_published_list_without_login(client_as, lists):
    response = client_as(None).get(reverse("public:list_detail", kwargs={"year": 2025}))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 3
    assert response.context["summary"]["listed"] == 3
    assert "中宁水泥有限公司".encode() in response.content


def test_public_search_and_area_filter(client_as, lists, area_b):
    client = client_as(None)
    detail = reverse("public:list_detail", kwargs={"year": 2025})
    by_area = client.get(detail, {"area": area_b.pk})
    assert [e.enterprise_name for e in by_area.context["page_obj"]] == ["中宁水泥有限公司"]
    by_name = client.get(detail, {"q": "化工"})
    assert [e.enterprise_name for e in by_name.context["page_obj"]] == ["沙坡头化工有限公司"]


def test_public_pagination(client_as, bureau_admin, area_a):
    enterprises = [f.EnterpriseFactory(area=area_a) for _ in range(30)]
    make_list(
        2024,
        [(e, ListChange.ADDED, ListReason.EMISSIONS_AT_THRESHOLD) for e in enterprises],
        by=bureau_admin,
    )
    detail = reverse("public:list_detail", kwargs={"year": 2024})
    page1 = client_as(None).get(detail)
    page2 = client_as(None).get(detail, {"page": 2})
    assert len(page1.context["page_obj"]) == 25
    assert len(page2.context["page_obj"]) == 5


@pytest.mark.parametrize("year", [2026, 2031])
def test_draft_or_missing_list_is_not_public(client_as, lists, year):
    client = client_as(None)
    assert client.get(reverse("public:list_detail", kwargs={"year": year})).status_code == 404
    assert client.get(reverse("public:list_export", kwargs={"year": year})).status_code == 404


def test_draft_is_not_public_even_for_bureau_staff_on_the_public_page(client_as, bureau_admin, lists):
    response = client_as(bureau_admin).get(reverse("public:list_detail", kwargs={"year": 2026}))
    assert response.status_code == 404


def test_public_export_without_figures(client_as, lists, enterprise_b):
    response = client_as(None).get(
        reverse("public:list_export", kwargs={"year": 2025}), {"q": enterprise_b.uscc}
    )
    rows = read_xlsx(response)
    assert len(rows[0]) == 6  # no basis-year emissions or energy columns
    assert [r[1:3] for r in rows[1:]] == [["中宁水泥有限公司", enterprise_b.uscc]]


def test_bad_filter_values_do_not_break_the_page(client_as, lists):
    detail = reverse("public:list_detail", kwargs={"year": 2025})
    response = client_as(None).get(detail, {"area": "abc", "change": "nonsense", "page": "999"})
    assert response.status_code == 200
    assert response.context["filterset"].errors
