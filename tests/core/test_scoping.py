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


# --- rows naming the user (``assignee``): inspectors reach what they are drawn for ----------


def _inspection(enterprise, *users):
    from oversight.models import Inspection, InspectionInspector, Inspector

    inspection = Inspection.objects.create(
        trigger="complaint", trigger_note="t", target_kind="enterprise", enterprise=enterprise,
        target_name=enterprise.name, area=enterprise.area, created_by=users[0],
    )
    for user in users:
        kind = "county" if user.memberships.filter(role="area_official").exists() else "bureau"
        area = user.memberships.get().area if kind == "county" else None
        inspector, _ = Inspector.objects.get_or_create(
            user=user, defaults={"kind": kind, "name": user.username, "area": area})
        InspectionInspector.objects.create(inspection=inspection, inspector=inspector)
    return inspection


def test_an_assignee_sees_a_row_outside_his_area_once(official_b, bureau_reviewer, enterprise_a,
                                                     enterprise_b):
    from oversight.models import Inspection

    drawn = _inspection(enterprise_a, official_b, bureau_reviewer)  # area_a, two inspectors
    own_area = _inspection(enterprise_b, bureau_reviewer)
    _inspection(enterprise_a, bureau_reviewer)  # area_a, not his
    qs = scoping.for_user(Inspection.objects.all(), official_b, Perm.VIEW_INSPECTION)
    assert sorted(qs.values_list("pk", flat=True)) == sorted([drawn.pk, own_area.pk])


def test_assigned_only_actions_reach_only_the_rows_naming_the_user(
    bureau_reviewer, bureau_admin, official_a, enterprise_a
):
    from oversight.models import Inspection

    mine = _inspection(enterprise_a, bureau_reviewer)
    _inspection(enterprise_a, bureau_admin)
    everything = Inspection.objects.all()
    assert list(scoping.for_user(everything, bureau_reviewer, Perm.CONDUCT_INSPECTION)) == [mine]
    # a city-wide role does not make him an inspector of every inspection, nor does the area
    assert scoping.for_user(everything, bureau_reviewer, Perm.VIEW_INSPECTION).count() == 2
    assert not scoping.for_user(everything, official_a, Perm.CONDUCT_INSPECTION)
    assert scoping.can(bureau_reviewer, Perm.CONDUCT_INSPECTION, mine)
    assert not scoping.covers(official_a, Perm.CONDUCT_INSPECTION, mine)


def test_assigned_only_needs_the_role_too(ent_a, enterprise_a, bureau_reviewer):
    """A user named on a row but without a role for the action gets nothing."""
    from oversight.models import Inspection

    _inspection(enterprise_a, bureau_reviewer)
    assert not scoping.for_user(Inspection.objects.all(), ent_a, Perm.CONDUCT_INSPECTION)
