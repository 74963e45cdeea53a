"""The credit partners' workbook (credit:partners_export) opens to a department liaison only
while his department holds the ``credit_export`` grant; the navigation follows the grant."""

import pytest
from django.urls import reverse

from registry.services.departments import grant_revoke
from tests import factories as f
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/credit/partners/export/"


def test_url_is_the_partners_export():
    assert reverse("credit:partners_export") == URL


def test_bureau_admin_always(bureau_admin):
    assert client_for(bureau_admin).get(URL).status_code == 200


def test_liaison_without_grant_is_refused(liaison_a):
    assert client_for(liaison_a).get(URL).status_code == 403


def test_grant_given_then_revoked(bureau_admin, liaison_a, department_a):
    grant = f.grant(department_a, "credit_export", by=bureau_admin)
    assert client_for(liaison_a).get(URL).status_code == 200
    grant_revoke(actor=bureau_admin, grant=grant)
    assert client_for(liaison_a).get(URL).status_code == 403


def test_other_department_is_refused(bureau_admin, liaison_b, department_a, department_b):
    f.grant(department_a, "credit_export", by=bureau_admin)  # not liaison_b's department
    f.grant(department_b, "climate_finance", by=bureau_admin)  # another dataset
    assert client_for(liaison_b).get(URL).status_code == 403


def test_other_roles_are_refused(bureau_reviewer, official_a, ent_a):
    for user in (bureau_reviewer, official_a, ent_a):
        assert client_for(user).get(URL).status_code == 403


def _nav_urls(user) -> set[str]:
    groups = client_for(user).get(reverse("home")).context["nav_groups"]
    return {item["url"] for g in groups for item in g["items"]}


def test_navigation_follows_the_grant(bureau_admin, liaison_a, department_a):
    assert URL in _nav_urls(bureau_admin)
    assert URL not in _nav_urls(liaison_a)
    f.grant(department_a, "credit_export", by=bureau_admin)
    assert URL in _nav_urls(liaison_a)


def test_service_refuses_a_liaison_without_grant(liaison_a):
    from django.core.exceptions import PermissionDenied

    from credit.services.partners import partners_export_record

    with pytest.raises(PermissionDenied):
        partners_export_record(actor=liaison_a, credit_year=None, enterprises=0, agencies=0,
                               deductions=0)
