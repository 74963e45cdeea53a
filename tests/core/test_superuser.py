"""Issue 9 §15: Django's superuser flag opens /admin/ and nothing else. A superuser without a
portal role sees no enterprise and no button; a superuser who is an enterprise user acts as
that enterprise, never as the bureau."""

import pytest
from django.urls import reverse

from registry.models import Enterprise
from tests import factories as f
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


def _all_perms():
    return [value for name, value in vars(Perm).items() if name.isupper()]


def test_superuser_without_role_holds_no_portal_permission(root, enterprise_a):
    assert _all_perms()
    assert [p for p in _all_perms() if roles.has_perm(root, p)] == []
    assert not roles.is_bureau(root)
    assert not scoping.for_user(Enterprise.objects.all(), root, Perm.VIEW_ENTERPRISE).exists()


def test_superuser_without_role_gets_admin_only(client_as, root, enterprise_a):
    client = client_as(root)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("registry:enterprise_list")).status_code == 403
    detail = reverse("registry:enterprise_detail", args=[enterprise_a.pk])
    assert client.get(detail).status_code in (403, 404)
    home = client.get("/")
    assert home.status_code == 200 and 'href="/admin/"' in home.content.decode()


def test_superuser_enterprise_user_gets_no_bureau_action(client_as, enterprise_a, enterprise_b):
    user = f.make_member("both", Role.ENTERPRISE_USER, enterprise=enterprise_a)
    user.is_superuser = user.is_staff = True
    user.save()
    assert roles.has_perm(user, Perm.VIEW_ENTERPRISE)
    assert not roles.has_perm(user, Perm.PUBLISH_KEY_EMITTER_LIST)
    assert not roles.has_perm(user, Perm.MANAGE_USERS)
    seen = scoping.for_user(Enterprise.objects.all(), user, Perm.VIEW_ENTERPRISE)
    assert list(seen) == [enterprise_a]
    client = client_as(user)
    assert client.get(reverse("registry:enterprise_detail", args=[enterprise_b.pk])).status_code == 404
    assert client.get(reverse("accounts:user_list")).status_code == 403
