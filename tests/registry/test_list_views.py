"""Key-emitter list pages for logged-in users: access per persona, drafting, filters, export,
publishing with a confirmation step."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.choices import ListChange, ListReason, ListStatus
from registry.models import KeyEmitterList
from tests import factories as f
from tests.registry.test_lists import make_list, record
from zhongwei_carbon.models import Event

D = Decimal


@pytest.fixture
def lists(enterprise_a, enterprise_b, bureau_admin, area_a):
    """Published 2025 list (enterprise_a added, enterprise_b removed) and a draft 2026 list."""
    other = f.EnterpriseFactory(name="沙坡头化工有限公司", area=area_a)
    published = make_list(
        2025,
        [
            (enterprise_a, ListChange.ADDED, ListReason.EMISSIONS_AT_THRESHOLD),
            (other, ListChange.RETAINED, ListReason.ONE_YEAR_BELOW),
            (enterprise_b, ListChange.REMOVED, ListReason.TWO_YEARS_BELOW),
        ],
        by=bureau_admin,
    )
    draft = make_list(
        2026,
        [(enterprise_a, ListChange.RETAINED, ListReason.EMISSIONS_AT_THRESHOLD)],
        by=bureau_admin,
        published=False,
    )
    return {"published": published, "draft": draft, "other": other}


def url(name, **kwargs):
    return reverse(f"registry:{name}", kwargs=kwargs or None)


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    ws = load_workbook(io.BytesIO(response.getvalue()), read_only=True).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


# --- index --------------------------------------------------------------------------


def test_index_bureau_admin_sees_all_lists_and_the_draft_form(client_as, bureau_admin, lists):
    response = client_as(bureau_admin).get(url("list_index"))
    assert response.status_code == 200
    rows = {(x.year, x.added_count, x.retained_count, x.removed_count) for x in response.context["page_obj"]}
    assert rows == {(2025, 1, 1, 1), (2026, 0, 1, 0)}
    assert response.context["draft_form"] is not None


@pytest.mark.parametrize("persona", ["official_a", "official_b", "ent_a", "ent_b"])
def test_index_others_see_only_published_lists(client_as, request, persona, lists):
    response = client_as(request.getfixturevalue(persona)).get(url("list_index"))
    assert response.status_code == 200
    assert [x.year for x in response.context["page_obj"]] == [2025]
    assert response.context["draft_form"] is None


def test_index_reviewer_sees_drafts_but_cannot_draft(client_as, bureau_reviewer, lists):
    response = client_as(bureau_reviewer).get(url("list_index"))
    assert [x.year for x in response.context["page_obj"]] == [2026, 2025]
    assert response.context["draft_form"] is None


def test_index_agency_forbidden_and_anonymous_to_login(client_as, agency_a_staff, lists):
    assert client_as(agency_a_staff).get(url("list_index")).status_code == 403
    response = client_as(None).get(url("list_index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_index_empty_state(client_as, bureau_admin):
    response = client_as(bureau_admin).get(url("list_index"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert response.context["draft_form"]["year"].value() >= 2026


# --- drafting through the page -------------------------------------------------------


def test_draft_by_admin_builds_the_list(client_as, bureau_admin, enterprise_a):
    record(enterprise_a, 2026, "26000")
    response = client_as(bureau_admin).post(url("list_draft"), {"year": "2027"})
    assert response.status_code == 302
    assert response["Location"] == url("list_detail", year=2027)
    key_list = KeyEmitterList.objects.get(year=2027)
    assert key_list.status == ListStatus.DRAFT
    assert list(key_list.entries.values_list("enterprise_id", "change")) == [
        (enterprise_a.pk, ListChange.ADDED)
    ]


@pytest.mark.parametrize("year", ["", "abc", "1999", "2101"])
def test_draft_bad_year_is_a_field_error_and_changes_nothing(client_as, bureau_admin, year):
    response = client_as(bureau_admin).post(url("list_draft"), {"year": year})
    assert response.status_code == 200
    assert "year" in response.context["draft_form"].errors
    assert not KeyEmitterList.objects.exists()
    assert not Event.objects.exists()


def test_draft_of_a_published_year_is_a_field_error(client_as, bureau_admin, lists):
    before = list(lists["published"].entries.values_list("pk", "change"))
    response = client_as(bureau_admin).post(url("list_draft"), {"year": "2025"})
    assert response.status_code == 200
    assert "year" in response.context["draft_form"].errors
    assert list(lists["published"].entries.values_list("pk", "change")) == before
    assert not Event.objects.exists()


def test_redraft_through_the_page_keeps_one_list(client_as, bureau_admin, lists, enterprise_b):
    record(enterprise_b, 2025, "27000")
    response = client_as(bureau_admin).post(url("list_draft"), {"year": "2026"})
    assert response.status_code == 302
    draft = KeyEmitterList.objects.get(year=2026)
    assert draft.pk == lists["draft"].pk
    # enterprise_a was listed in 2025 and has no 2025 figure; enterprise_b is back above.
    assert dict(draft.entries.values_list("enterprise__name", "reason")) == {
        "沙坡头发电有限公司": ListReason.NO_DATA,
        "沙坡头化工有限公司": ListReason.NO_DATA,
        "中宁水泥有限公司": ListReason.EMISSIONS_AT_THRESHOLD,
    }


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_draft_refused_for_other_roles(db, client_as, request, persona):
    response = client_as(request.getfixturevalue(persona)).post(url("list_draft"), {"year": "2027"})
    assert response.status_code == 403
    assert not KeyEmitterList.objects.exists()


def test_draft_needs_post(client_as, bureau_admin):
    assert client_as(bureau_admin).get(url("list_draft")).status_code == 405


# --- detail and export --------------------------------------------------------------


def test_detail_draft_for_bureau_counts_and_entries(client_as, bureau_reviewer, lists):
    response = client_as(bureau_reviewer).get(url("list_detail", year=2026))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["added"], summary["retained"], summary["removed"], summary["listed"]) == (0, 1, 0, 1)
    assert [e.enterprise_name for e in response.context["page_obj"]] == ["沙坡头发电有限公司"]
    assert response.context["can_publish"] is False


@pytest.mark.parametrize("persona", ["official_a", "official_b", "ent_a", "ent_b"])
def test_detail_draft_is_not_found_outside_the_bureau(client_as, request, persona, lists):
    client = client_as(request.getfixturevalue(persona))
    assert client.get(url("list_detail", year=2026)).status_code == 404
    assert client.get(url("list_export", year=2026)).status_code == 404


@pytest.mark.parametrize("persona", ["official_b", "ent_a"])
def test_detail_published_shows_the_whole_list(client_as, request, persona, lists):
    response = client_as(request.getfixturevalue(persona)).get(url("list_detail", year=2025))
    assert response.status_code == 200
    names = {e.enterprise_name for e in response.context["page_obj"]}
    assert names == {"沙坡头发电有限公司", "沙坡头化工有限公司", "中宁水泥有限公司"}
    by_area = {r["area"].code: (r["listed"], r["removed"]) for r in response.context["summary"]["by_area"]}
    assert by_area == {"640502": (2, 0), "640521": (0, 1)}


def test_detail_filters_by_change_and_search(client_as, bureau_admin, lists):
    client = client_as(bureau_admin)
    removed = client.get(url("list_detail", year=2025), {"change": "removed"})
    assert [e.enterprise_name for e in removed.context["page_obj"]] == ["中宁水泥有限公司"]
    found = client.get(url("list_detail", year=2025), {"q": "化工"})
    assert [e.enterprise_name for e in found.context["page_obj"]] == ["沙坡头化工有限公司"]
    by_uscc = client.get(url("list_detail", year=2025), {"q": lists["other"].uscc.lower()})
    assert by_uscc.context["page_obj"].paginator.count == 1


def test_detail_unknown_year_404_agency_403_anonymous_login(client_as, bureau_admin, agency_a_staff, lists):
    assert client_as(bureau_admin).get(url("list_detail", year=2030)).status_code == 404
    assert client_as(agency_a_staff).get(url("list_detail", year=2025)).status_code == 403
    response = client_as(None).get(url("list_detail", year=2025))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_export_reads_back_with_filters(client_as, official_a, lists, enterprise_a):
    response = client_as(official_a).get(url("list_export", year=2025), {"change": "added"})
    rows = read_xlsx(response)
    assert len(rows) == 2  # header + one entry
    header, row = rows
    assert len(header) == 8
    assert row[1] == "沙坡头发电有限公司"
    assert row[2] == enterprise_a.uscc
    assert D(str(row[6])) == D("30000")


def test_export_of_all_entries(client_as, bureau_admin, lists):
    rows = read_xlsx(client_as(bureau_admin).get(url("list_export", year=2025)))
    assert sorted(r[1] for r in rows[1:]) == sorted(
        ["沙坡头发电有限公司", "沙坡头化工有限公司", "中宁水泥有限公司"]
    )


# --- publishing ------------------------------------------------------------------------


def test_publish_get_shows_confirmation_and_changes_nothing(client_as, bureau_admin, lists):
    response = client_as(bureau_admin).get(url("list_publish", year=2026))
    assert response.status_code == 200
    assert response.context["summary"]["listed"] == 1
    lists["draft"].refresh_from_db()
    assert lists["draft"].status == ListStatus.DRAFT


def test_publish_post_publishes(client_as, bureau_admin, lists):
    response = client_as(bureau_admin).post(
        url("list_publish", year=2026), {"document_number": "卫环发〔2026〕7号"}
    )
    assert response.status_code == 302
    draft = KeyEmitterList.objects.get(year=2026)
    assert (draft.status, draft.document_number, draft.published_by) == (
        ListStatus.PUBLISHED, "卫环发〔2026〕7号", bureau_admin,
    )
    assert Event.objects.filter(verb="key_list.published", target_id=str(draft.pk)).exists()


def test_publish_without_document_number_is_a_field_error(client_as, bureau_admin, lists):
    response = client_as(bureau_admin).post(url("list_publish", year=2026), {"document_number": ""})
    assert response.status_code == 200
    assert "document_number" in response.context["form"].errors
    assert KeyEmitterList.objects.get(year=2026).status == ListStatus.DRAFT
    assert not Event.objects.exists()


def test_publish_of_an_empty_draft_is_refused(client_as, bureau_admin):
    client = client_as(bureau_admin)
    client.post(url("list_draft"), {"year": "2027"})
    response = client.post(url("list_publish", year=2027), {"document_number": "X"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert KeyEmitterList.objects.get(year=2027).status == ListStatus.DRAFT


def test_publish_of_a_published_list_redirects_unchanged(client_as, bureau_admin, lists):
    response = client_as(bureau_admin).post(url("list_publish", year=2025), {"document_number": "Y"})
    assert response.status_code == 302
    assert KeyEmitterList.objects.get(year=2025).document_number == "卫环发〔2025〕1号"


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_publish_refused_for_other_roles(client_as, request, persona, lists):
    response = client_as(request.getfixturevalue(persona)).post(
        url("list_publish", year=2026), {"document_number": "X"}
    )
    assert response.status_code == 403
    assert KeyEmitterList.objects.get(year=2026).status == ListStatus.DRAFT


def test_publish_anonymous_to_login(client_as, lists):
    response = client_as(None).post(url("list_publish", year=2026), {"document_number": "X"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert KeyEmitterList.objects.get(year=2026).status == ListStatus.DRAFT
