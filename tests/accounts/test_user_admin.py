"""User and membership management by bureau admins (accounts/views.py, services.py)."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts import services
from accounts.models import Membership, User
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Tan-Jiaoyi-2026"


def _new_user_post(**overrides):
    data = {
        "user-username": "zhangwei",
        "user-full_name": "张伟",
        "user-phone": "13800000001",
        "user-email": "zw@example.com",
        "user-password1": GOOD_PASSWORD,
        "user-password2": GOOD_PASSWORD,
        "m-role": Role.AREA_OFFICIAL,
    }
    data.update(overrides)
    return data


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["user_list", "user_export", "user_create"]
)
def test_pages_without_object_access(name, client_as, bureau_admin, bureau_reviewer, ent_a):
    url = reverse(f"accounts:{name}")
    assert client_as(bureau_admin).get(url).status_code == 200
    assert client_as(bureau_reviewer).get(url).status_code == 403
    assert client_as(ent_a).get(url).status_code == 403
    response = client_as(None).get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_user_is_404(client_as, bureau_admin):
    url = reverse("accounts:user_detail", kwargs={"pk": 999999})
    assert client_as(bureau_admin).get(url).status_code == 404


# --- list, filters, export ------------------------------------------------------------------


def test_list_search_and_filters(client_as, bureau_admin, official_a, ent_a, ent_b):
    client = client_as(bureau_admin)
    url = reverse("accounts:user_list")
    names = lambda r: [u.username for u in r.context["page_obj"]]  # noqa: E731
    assert names(client.get(url, {"q": "ent_"})) == ["ent_a", "ent_b"]
    assert names(client.get(url, {"role": Role.AREA_OFFICIAL})) == ["official_a"]
    ent_b.is_active = False
    ent_b.save()
    assert "ent_b" not in names(client.get(url, {"is_active": "true"}))
    assert names(client.get(url, {"is_active": "false"})) == ["ent_b"]


def test_export_has_one_row_per_filtered_user(client_as, bureau_admin, ent_a, ent_b, official_a):
    response = client_as(bureau_admin).get(reverse("accounts:user_export"), {"q": "ent_"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3  # header + ent_a + ent_b
    assert [r[0] for r in rows[1:]] == ["ent_a", "ent_b"]


# --- create ---------------------------------------------------------------------------------


def test_create_user_with_first_membership(client_as, bureau_admin, area_a):
    response = client_as(bureau_admin).post(
        reverse("accounts:user_create"), _new_user_post(**{"m-area": area_a.pk})
    )
    user = User.objects.get(username="zhangwei")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", kwargs={"pk": user.pk})
    assert user.full_name == "张伟" and user.is_active
    assert user.check_password(GOOD_PASSWORD)
    m = user.memberships.get()
    assert (m.role, m.area_id, m.enterprise_id, m.agency_id) == (
        Role.AREA_OFFICIAL, area_a.pk, None, None
    )
    verbs = set(Event.objects.filter(target_id=str(user.pk)).values_list("verb", flat=True))
    assert verbs == {"user.created", "membership.added"}
    assert Client().login(username="zhangwei", password=GOOD_PASSWORD)


@pytest.mark.parametrize(
    "overrides, form_key, field",
    [
        ({"m-enterprise": "ENT"}, "mform", "enterprise"),  # official with an enterprise
        ({}, "mform", "area"),  # official without area
        ({"user-password1": "123", "user-password2": "123"}, "form", "password1"),
        ({"user-password2": "Other-Pass-2026"}, "form", "password2"),
        ({"user-username": "ent_a"}, "form", "username"),  # taken
    ],
)
def test_create_user_bad_input_changes_nothing(
    client_as, bureau_admin, ent_a, area_a, enterprise_a, overrides, form_key, field
):
    data = _new_user_post(**{"m-area": area_a.pk})
    if overrides.get("m-enterprise") == "ENT":
        overrides = {"m-enterprise": enterprise_a.uscc}
    if field == "area":
        data.pop("m-area")
    data.update(overrides)
    users_before, events_before = User.objects.count(), Event.objects.count()
    response = client_as(bureau_admin).post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert field in response.context[form_key].errors
    assert User.objects.count() == users_before
    assert Event.objects.count() == events_before


# --- edit -----------------------------------------------------------------------------------


def test_edit_user(client_as, bureau_admin, ent_a):
    url = reverse("accounts:user_edit", kwargs={"pk": ent_a.pk})
    response = client_as(bureau_admin).post(
        url, {"full_name": "王芳", "phone": "0955-1234567", "email": "wf@example.com"}
    )
    assert response.status_code == 302
    ent_a.refresh_from_db()
    assert (ent_a.full_name, ent_a.phone, ent_a.email) == ("王芳", "0955-1234567", "wf@example.com")
    event = Event.objects.get(verb="user.updated", target_id=str(ent_a.pk))
    assert event.data["full_name"] == ["ent_a", "王芳"]


def test_edit_user_bad_email_changes_nothing(client_as, bureau_admin, ent_a):
    url = reverse("accounts:user_edit", kwargs={"pk": ent_a.pk})
    response = client_as(bureau_admin).post(url, {"full_name": "X", "email": "not-an-email"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    ent_a.refresh_from_db()
    assert ent_a.full_name == "ent_a"


# --- activate / deactivate ------------------------------------------------------------------


def test_deactivate_needs_confirmation_then_blocks_login(client_as, bureau_admin, ent_a):
    url = reverse("accounts:user_deactivate", kwargs={"pk": ent_a.pk})
    client = client_as(bureau_admin)
    assert client.get(url).status_code == 200
    ent_a.refresh_from_db()
    assert ent_a.is_active  # GET only asks

    assert client.post(url).status_code == 302
    ent_a.refresh_from_db()
    assert not ent_a.is_active
    assert not Client().login(username="ent_a", password="pass-1234!")
    assert authenticate(username="ent_a", password="pass-1234!") is None
    assert Event.objects.filter(verb="user.deactivated", target_id=str(ent_a.pk)).count() == 1

    # a second deactivation is a clear error, not a silent no-op
    assert client.post(url).status_code == 400

    activate = reverse("accounts:user_activate", kwargs={"pk": ent_a.pk})
    assert client.post(activate).status_code == 302
    assert Client().login(username="ent_a", password="pass-1234!")


def test_admin_cannot_deactivate_himself(client_as, bureau_admin):
    url = reverse("accounts:user_deactivate", kwargs={"pk": bureau_admin.pk})
    response = client_as(bureau_admin).post(url)
    assert response.status_code == 400
    assert response.context["error"]
    bureau_admin.refresh_from_db()
    assert bureau_admin.is_active
    assert not Event.objects.filter(verb="user.deactivated").exists()


def test_service_refuses_self_deactivation(bureau_admin):
    with pytest.raises(ValidationError):
        services.user_set_active(actor=bureau_admin, user=bureau_admin, is_active=False)


# --- memberships ----------------------------------------------------------------------------


def test_add_enterprise_membership_with_signatory(client_as, bureau_admin, official_b, enterprise_b):
    url = reverse("accounts:membership_add", kwargs={"pk": official_b.pk})
    response = client_as(bureau_admin).post(
        url, {"role": Role.ENTERPRISE_USER, "enterprise": enterprise_b.uscc, "is_signatory": "on"}
    )
    assert response.status_code == 302
    m = official_b.memberships.get(role=Role.ENTERPRISE_USER)
    assert m.enterprise_id == enterprise_b.pk and m.is_signatory and m.is_active
    assert official_b.memberships.count() == 2


@pytest.mark.parametrize(
    "role, scope, field",
    [
        (Role.AREA_OFFICIAL, "agency", "agency"),  # wrong scope object for the role
        (Role.AGENCY_STAFF, None, "agency"),  # missing scope
        (Role.BUREAU_REVIEWER, "area", "area"),  # city-wide role with an area
        (Role.AGENCY_STAFF, "agency+signatory", "is_signatory"),
    ],
)
def test_membership_scope_must_fit_role(
    client_as, bureau_admin, ent_b, area_a, agency_a, role, scope, field
):
    data = {"role": role}
    if scope == "agency":
        data["agency"] = agency_a.pk
    elif scope == "area":
        data["area"] = area_a.pk
    elif scope == "agency+signatory":
        data.update(agency=agency_a.pk, is_signatory="on")
    url = reverse("accounts:membership_add", kwargs={"pk": ent_b.pk})
    response = client_as(bureau_admin).post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ent_b.memberships.count() == 1


def test_duplicate_membership_is_refused(client_as, bureau_admin, ent_a, enterprise_a):
    url = reverse("accounts:membership_add", kwargs={"pk": ent_a.pk})
    response = client_as(bureau_admin).post(
        url, {"role": Role.ENTERPRISE_USER, "enterprise": enterprise_a.uscc}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert ent_a.memberships.count() == 1


def test_service_scope_check_backs_the_form(bureau_admin, ent_b, area_a):
    with pytest.raises(ValidationError) as exc:
        services.membership_add(
            actor=bureau_admin, user=ent_b, role=Role.ENTERPRISE_USER, area=area_a
        )
    assert set(exc.value.error_dict) == {"area", "enterprise"}


def test_deactivate_membership_removes_access(client_as, bureau_admin, official_a, enterprise_a):
    membership = official_a.memberships.get()
    url = reverse("accounts:membership_deactivate", kwargs={"pk": membership.pk})
    client = client_as(bureau_admin)
    assert client.get(url).status_code == 200
    membership.refresh_from_db()
    assert membership.is_active
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    detail = reverse("registry:enterprise_detail", kwargs={"pk": enterprise_a.pk})
    assert client_as(official_a).get(detail).status_code == 403
    assert client.post(url).status_code == 400  # already deactivated

    # adding the same role again reactivates the kept record
    add = reverse("accounts:membership_add", kwargs={"pk": official_a.pk})
    client.post(add, {"role": Role.AREA_OFFICIAL, "area": membership.area_id})
    assert Membership.objects.filter(user=official_a).count() == 1
    membership.refresh_from_db()
    assert membership.is_active


def test_admin_cannot_remove_his_last_admin_role(client_as, bureau_admin):
    membership = bureau_admin.memberships.get()
    url = reverse("accounts:membership_deactivate", kwargs={"pk": membership.pk})
    assert client_as(bureau_admin).post(url).status_code == 400
    membership.refresh_from_db()
    assert membership.is_active


def test_detail_shows_memberships_and_events(client_as, bureau_admin, official_b):
    services.user_update(actor=bureau_admin, user=official_b, phone="0955-7654321")
    response = client_as(bureau_admin).get(
        reverse("accounts:user_detail", kwargs={"pk": official_b.pk})
    )
    assert response.status_code == 200
    assert list(response.context["memberships"]) == list(official_b.memberships.all())
    assert [e.verb for e in response.context["events"]] == ["user.updated"]
    assert "0955-7654321" in response.content.decode()




def test_django_admin_cannot_change_memberships(rf, bureau_admin):
    """Role changes go through accounts.services (scope checks, events, no self-lockout);
    the Django admin only shows memberships, also inline on the user."""
    from django.contrib import admin as django_admin

    from accounts.admin import MembershipInline
    from accounts.models import Membership, User

    request = rf.get("/")
    request.user = User.objects.create_superuser("root_admin", "root@example.com", "x-Secret-1")
    model_admin = django_admin.site._registry[Membership]
    inline = MembershipInline(User, django_admin.site)
    for checker in (model_admin, inline):
        assert not checker.has_add_permission(request, None)
        assert not checker.has_change_permission(request)
        assert not checker.has_delete_permission(request)
