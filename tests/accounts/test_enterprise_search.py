"""The enterprise of a membership is searched, not listed (issue 11): the user-create and
add-role pages no longer hold every enterprise of the city as an <option>; a text field takes
the credit code, found by a JSON search within the user's scope (``enterprise_lookup``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests import factories as f
from zhongwei_carbon import lookup, roles
from zhongwei_carbon.roles import Perm, Role

pytestmark = pytest.mark.django_db

CREATE = reverse("accounts:user_create")
SEARCH = reverse("accounts:enterprise_lookup")
PASSWORD = "Tan-Jiaoyi-2026"


def _new_user(**extra):
    return {
        "user-username": "liming",
        "user-full_name": "李明",
        "user-password1": PASSWORD,
        "user-password2": PASSWORD,
        "m-role": Role.ENTERPRISE_USER,
        **extra,
    }


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_form_pages_do_not_grow_with_the_enterprises(client_as, bureau_admin, official_b):
    """Size and queries of the two pages are the same at N and 3N enterprises, and no
    enterprise is on them (before: one <option> each)."""
    client = client_as(bureau_admin)
    add_role = reverse("accounts:membership_add", kwargs={"pk": official_b.pk})
    f.EnterpriseFactory.create_batch(10, name="基准企业有限公司")
    small = [_get(client, url) for url in (CREATE, add_role)]
    f.EnterpriseFactory.create_batch(20, name="基准企业有限公司")
    big = [_get(client, url) for url in (CREATE, add_role)]
    for (r_small, q_small), (r_big, q_big) in zip(small, big, strict=True):
        assert q_big == q_small
        assert len(r_big.content) == len(r_small.content)
        assert "基准企业" not in r_big.content.decode()
        assert b'data-lookup="/accounts/users/enterprises/"' in r_big.content


def test_search_by_part_of_the_name_or_code(client_as, bureau_admin, enterprise_a, enterprise_b):
    client = client_as(bureau_admin)
    answer = client.get(SEARCH, {"q": "水泥"}).json()
    assert answer == {
        "results": [{
            "value": enterprise_b.uscc,
            "label": f"{enterprise_b.name}（{enterprise_b.uscc}） · {enterprise_b.area}",
        }],
        "more": False,
    }
    by_code = client.get(SEARCH, {"q": enterprise_a.uscc[-8:].lower()}).json()
    assert [r["value"] for r in by_code["results"]] == [enterprise_a.uscc]
    # nothing typed: nothing answered (never the first rows of the city)
    assert client.get(SEARCH, {"q": "  "}).json() == {"results": [], "more": False}


def test_search_answers_a_bounded_number_of_rows(client_as, bureau_admin):
    f.EnterpriseFactory.create_batch(lookup.LIMIT + 3, name="同名化工有限公司")
    client = client_as(bureau_admin)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(SEARCH, {"q": "同名"}).json()
    assert len(answer["results"]) == lookup.LIMIT and answer["more"] is True
    assert len(queries) <= 4  # session, user, memberships, the search


@pytest.mark.parametrize(
    "persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"]
)
def test_search_is_for_user_administrators_only(client_as, persona, request, enterprise_a):
    response = client_as(request.getfixturevalue(persona)).get(SEARCH, {"q": "发电"})
    assert response.status_code == 403
    assert enterprise_a.uscc not in response.content.decode()


def test_search_anonymous_goes_to_login(client_as):
    response = client_as(None).get(SEARCH, {"q": "发电"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_search_and_form_keep_to_the_scope(
    client_as, monkeypatch, official_a, enterprise_a, enterprise_b
):
    """Were a county official allowed to manage users, he would find and choose only the
    enterprises of his county: the search and the form use the same scoped queryset."""
    monkeypatch.setitem(
        roles.PERMISSIONS, Perm.MANAGE_USERS,
        roles.PERMISSIONS[Perm.MANAGE_USERS] | {Role.AREA_OFFICIAL},
    )
    client = client_as(official_a)
    found = client.get(SEARCH, {"q": "有限公司"}).json()["results"]
    assert [r["value"] for r in found] == [enterprise_a.uscc]
    assert client.get(SEARCH, {"q": enterprise_b.uscc}).json()["results"] == []

    response = client.post(CREATE, _new_user(**{"m-enterprise": enterprise_b.uscc}))
    assert response.status_code == 200
    assert enterprise_b.uscc in " ".join(response.context["mform"].errors["enterprise"])
    assert not User.objects.filter(username="liming").exists()


def test_create_an_enterprise_user_by_credit_code(client_as, bureau_admin, enterprise_b):
    typed = f"  {enterprise_b.uscc.lower()} "  # as typed: spaces, lower case
    response = client_as(bureau_admin).post(CREATE, _new_user(**{"m-enterprise": typed}))
    assert response.status_code == 302
    membership = User.objects.get(username="liming").memberships.get()
    assert (membership.role, membership.enterprise_id) == (Role.ENTERPRISE_USER, enterprise_b.pk)


def test_unknown_code_is_a_clear_error_in_chinese(client_as, bureau_admin, enterprise_b):
    client = client_as(bureau_admin)
    with translation.override("zh-hans"):
        response = client.post(CREATE, _new_user(**{"m-enterprise": "中宁水泥"}))
    assert response.status_code == 200
    errors = " ".join(response.context["mform"].errors["enterprise"])
    assert "“中宁水泥”不是您可选企业的统一社会信用代码" in errors
    assert not User.objects.filter(username="liming").exists()
    # the page shows what was typed, to correct it
    assert 'value="中宁水泥"' in response.content.decode()


def test_a_chosen_enterprise_is_named_under_the_field_after_a_reload(
    client_as, bureau_admin, enterprise_b
):
    """A form sent back with another error keeps the code and says whose it is."""
    data = _new_user(**{"m-enterprise": enterprise_b.uscc, "user-password2": "Other-2026-x"})
    response = client_as(bureau_admin).post(CREATE, data)
    assert response.status_code == 200 and "password2" in response.context["form"].errors
    page = response.content.decode()
    assert f'value="{enterprise_b.uscc}"' in page
    assert f"{enterprise_b.name}（{enterprise_b.uscc}）" in page


def test_add_role_takes_the_credit_code(client_as, bureau_admin, official_b, enterprise_a):
    url = reverse("accounts:membership_add", kwargs={"pk": official_b.pk})
    refused = client_as(bureau_admin).post(
        url, {"role": Role.ENTERPRISE_USER, "enterprise": str(enterprise_a.pk)}
    )
    assert refused.status_code == 200 and "enterprise" in refused.context["form"].errors
    response = client_as(bureau_admin).post(
        url, {"role": Role.ENTERPRISE_USER, "enterprise": enterprise_a.uscc}
    )
    assert response.status_code == 302
    assert official_b.memberships.get(role=Role.ENTERPRISE_USER).enterprise_id == enterprise_a.pk
