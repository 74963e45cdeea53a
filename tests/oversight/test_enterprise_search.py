"""The enterprise of an inspection opened outside a plan, and of a conflict declaration, is
searched, not listed (issue 11): the forms hold no ``<option>`` per enterprise of the city; a
text field takes the credit code, found by the enterprise search (``accounts:enterprise_lookup``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight.models import ConflictDeclaration, Inspection
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon import roles
from zhongwei_carbon.roles import Perm

pytestmark = pytest.mark.django_db

OPEN = reverse("oversight:inspection_open")
SEARCH = reverse("accounts:enterprise_lookup")


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def _open_post(world, enterprise):
    inspectors = world["inspectors"]
    return {
        "trigger": "complaint", "trigger_note": "公众举报 ZW-2026-0012", "enterprise": enterprise,
        "inspectors": [inspectors["reviewer"].pk, inspectors["expert_x"].pk],
    }


def test_forms_do_not_grow_with_the_enterprises(world):
    """Size and queries of the three forms are the same at N and 3N enterprises, and no
    enterprise is on them (before: one <option> each)."""
    admin = client_for(world["bureau_admin"])
    conflict = reverse("oversight:conflict_create", kwargs={"pk": world["inspectors"]["expert_x"].pk})
    case = reverse("oversight:violation_open")  # a case opened without an inspection
    f.EnterpriseFactory.create_batch(10, name="基准企业有限公司")
    small = [_get(admin, url) for url in (OPEN, conflict, case)]
    f.EnterpriseFactory.create_batch(20, name="基准企业有限公司")
    big = [_get(admin, url) for url in (OPEN, conflict, case)]
    for (r_small, q_small), (r_big, q_big) in zip(small, big, strict=True):
        assert q_big == q_small
        assert len(r_big.content) == len(r_small.content)
        html = r_big.content.decode()
        assert "基准企业" not in html and world["enterprise_a"].name not in html
        assert f'data-lookup="{SEARCH}"' in html and "js/lookup" in html


def test_open_an_inspection_of_any_enterprise_by_its_code(world, area_b):
    """The bureau picks any enterprise of the city, listed or not, in any county; the code
    may be typed with spaces and in lower case."""
    other = f.EnterpriseFactory(area=area_b, name="未列入名录的企业")
    admin = client_for(world["bureau_admin"])
    assert [r["value"] for r in admin.get(SEARCH, {"q": "未列入"}).json()["results"]] == [other.uscc]
    response = admin.post(OPEN, _open_post(world, f"  {other.uscc.lower()} "))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    assert inspection.enterprise == other


def test_an_unknown_code_is_a_clear_error_and_opens_nothing(world):
    admin = client_for(world["bureau_admin"])
    response = admin.post(OPEN, _open_post(world, "91640500XXXXXXXXXX"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["enterprise"])
    assert "91640500XXXXXXXXXX" in errors and "统一社会信用代码" in errors
    assert not Inspection.objects.exists()
    # the typed code stays in the field, so the user corrects it instead of typing it again
    assert 'value="91640500XXXXXXXXXX"' in response.content.decode()


def test_after_an_error_the_chosen_enterprise_is_named(world):
    admin = client_for(world["bureau_admin"])
    enterprise = world["enterprise_b"]
    response = admin.post(OPEN, {**_open_post(world, enterprise.uscc), "inspectors": []})
    assert response.status_code == 200 and "inspectors" in response.context["form"].errors
    html = response.content.decode()
    assert f'value="{enterprise.uscc}"' in html and enterprise.name in html


def test_declare_a_conflict_by_the_enterprise_code(world):
    admin = client_for(world["bureau_admin"])
    expert = world["inspectors"]["expert_x"]
    url = reverse("oversight:conflict_create", kwargs={"pk": expert.pk})
    response = admin.post(url, {"enterprise": world["enterprise_a"].uscc, "reason": "曾任顾问",
                                "declared_on": "2026-01-05"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get().enterprise == world["enterprise_a"]
    response = admin.post(url, {"enterprise": "nonsense", "reason": "曾任顾问",
                                "declared_on": "2026-01-05"})
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors
    assert ConflictDeclaration.objects.count() == 1


def test_whoever_opens_inspections_may_use_the_search():
    """The forms use the user administrators' enterprise search: every role that opens
    inspections or declares conflicts must be one that may search (else the search answers
    403 and the user can only type codes)."""
    may_search = roles.PERMISSIONS[Perm.MANAGE_USERS]
    assert roles.PERMISSIONS[Perm.OPEN_INSPECTION] <= may_search
    assert roles.PERMISSIONS[Perm.MANAGE_INSPECTION_PLAN] <= may_search


def test_open_a_violation_case_against_an_enterprise_by_its_code(world):
    """A case opened without an inspection names its enterprise by the credit code; an
    unknown code is a clear error and opens nothing."""
    from oversight.models import ViolationCase

    admin = client_for(world["bureau_admin"])
    url = reverse("oversight:violation_open")
    data = {"article": "21", "trigger_note": "数据异常：报告与台账偏差", "facts": "未按时报送台账"}
    bad = admin.post(url, {**data, "enterprise": "91640500MA00000000"})
    assert bad.status_code == 200 and not ViolationCase.objects.exists()
    assert "enterprise" in bad.context["form"].errors
    target = world["enterprise_a"]
    admin.post(url, {**data, "enterprise": target.uscc})
    case = ViolationCase.objects.get()
    assert case.enterprise == target and case.article == "21"
