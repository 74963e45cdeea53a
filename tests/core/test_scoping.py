import pytest

from registry.models import Enterprise
from zhongwei_carbon import scoping
from zhongwei_carbon.roles import Perm

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(qs.values_list("name", flat=True))


def test_bureau_sees_every_enterprise(bureau_reviewer, enterprise_a, enterprise_b):
    qs = scoping.for_user(Enterprise.objects.all(), bureau_reviewer, Perm.VIEW_ENTERPRISE)
    assert names(qs) == sorted([enterprise_a.name, enterprise_b.name])


def test_official_sees_only_own_area(official_a, enterprise_a, enterprise_b):
    qs = scoping.for_user(Enterprise.objects.all(), official_a, Perm.VIEW_ENTERPRISE)
    assert names(qs) == [enterprise_a.name]


def test_enterprise_user_sees_only_own_enterprise(ent_b, enterprise_a, enterprise_b):
    qs = scoping.for_user(Enterprise.objects.all(), ent_b, Perm.VIEW_ENTERPRISE)
    assert names(qs) == [enterprise_b.name]


def test_agency_staff_and_anonymous_see_no_enterprise(agency_a_staff, enterprise_a):
    from django.contrib.auth.models import AnonymousUser

    assert not scoping.for_user(Enterprise.objects.all(), agency_a_staff, Perm.VIEW_ENTERPRISE)
    assert not scoping.for_user(Enterprise.objects.all(), AnonymousUser(), Perm.VIEW_ENTERPRISE)


def test_deactivated_membership_sees_nothing(official_a, enterprise_a):
    official_a.memberships.update(is_active=False)
    official_a.refresh_from_db()
    assert not scoping.for_user(Enterprise.objects.all(), official_a, Perm.VIEW_ENTERPRISE)


def test_change_action_narrower_than_view(official_a, enterprise_a):
    assert scoping.for_user(Enterprise.objects.all(), official_a, Perm.VIEW_ENTERPRISE)
    assert not scoping.for_user(Enterprise.objects.all(), official_a, Perm.CHANGE_ENTERPRISE)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["official_a", "ent_a"])
def test_the_scope_shown_on_every_page_costs_no_extra_query(persona, request):
    """The header prints each membership's scope (area or enterprise): it comes with the
    memberships in one query, not one more query per page and membership."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.conftest import client_for

    client = client_for(request.getfixturevalue(persona))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("notifications")).status_code == 200
    alone = [q["sql"] for q in queries.captured_queries
             if q["sql"].startswith('SELECT') and ('FROM "registry_area"' in q["sql"]
                                                   or 'FROM "registry_enterprise"' in q["sql"])]
    assert alone == []
