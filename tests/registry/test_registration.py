"""Enterprise self-registration (public form) and the bureau's decision."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, User
from registry.models import Enterprise, RegistrationRequest
from registry.services import registration as services
from tests import factories as f
from zhongwei_carbon import scoping
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Perm, Role

pytestmark = pytest.mark.django_db

PASSWORD = "Tanpaifang-2026!"


def _form(enterprise, **overrides):
    data = {
        "uscc": enterprise.uscc.lower(),  # normalised to upper case
        "enterprise_name": enterprise.name,
        "applicant_name": "马丽",
        "position": "能源管理员",
        "phone": "13995550000",
        "email": "mali@example.com",
        "username": "mali",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "wants_signatory": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _application(enterprise, **overrides):
    data = {
        "uscc": enterprise.uscc,
        "enterprise_name": enterprise.name,
        "enterprise": enterprise,
        "applicant_name": "王五",
        "phone": "13900000000",
        "email": "wang@example.com",
        "username": "wangwu",
        "password_hash": make_password(PASSWORD),
        "wants_signatory": True,
    }
    data.update(overrides)
    return RegistrationRequest.objects.create(**data)


# --- public form ----------------------------------------------------------------------------


def test_apply_creates_pending_request_and_shows_reference(enterprise_a):
    client = Client()
    assert client.get(reverse("public:register")).status_code == 200
    response = client.post(reverse("public:register"), _form(enterprise_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:register_done")
    app = RegistrationRequest.objects.get()
    assert app.status == "pending"
    assert app.enterprise_id == enterprise_a.pk
    assert app.uscc == enterprise_a.uscc
    assert app.wants_signatory is True
    assert app.password_hash != PASSWORD and app.password_hash.startswith("md5$")
    done = client.get(response["Location"])
    year = app.submitted_at.year
    assert done.context["reference"] == f"ZW-ZH-{year}-{app.pk:06d}"
    assert done.context["reference"] in done.content.decode()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"uscc": "91640500MA76XXXXX1"}, "uscc"),  # wrong check character / characters
        ({"uscc": "123"}, "uscc"),
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"password2": "Different-2026!"}, "password2"),
        ({"username": "ent_a"}, "username"),  # taken by a user
        ({"username": "bad name!"}, "username"),
        ({"email": "nope"}, "email"),
        ({"applicant_name": ""}, "applicant_name"),
    ],
)
def test_apply_bad_input_is_refused_and_nothing_stored(enterprise_a, ent_a, overrides, field):
    response = Client().post(reverse("public:register"), _form(enterprise_a, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not RegistrationRequest.objects.exists()
    assert not Event.objects.filter(verb="registration.submitted").exists()


def test_apply_with_unknown_enterprise_says_contact_county(enterprise_a):
    unknown = f.next_uscc("91640599")
    assert not Enterprise.objects.filter(uscc=unknown).exists()
    response = Client().post(reverse("public:register"), _form(enterprise_a, uscc=unknown))
    assert response.status_code == 200
    errors = response.context["form"].errors["uscc"]
    assert "区县" in errors[0]  # Chinese by default: tells them to contact the county bureau
    assert not RegistrationRequest.objects.exists()


def test_username_of_a_pending_application_is_taken(enterprise_a, enterprise_b):
    _application(enterprise_b, username="mali")
    response = Client().post(reverse("public:register"), _form(enterprise_a))
    assert "username" in response.context["form"].errors
    assert RegistrationRequest.objects.count() == 1


def test_username_of_a_refused_application_is_free_again(enterprise_a, bureau_admin):
    old = _application(enterprise_a, username="mali")
    services.registration_refuse(actor=bureau_admin, application=old, reason="材料不全")
    response = Client().post(reverse("public:register"), _form(enterprise_a))
    assert response.status_code == 302
    assert RegistrationRequest.objects.filter(status="pending", username="mali").count() == 1


# --- bureau side: access --------------------------------------------------------------------


def test_list_and_detail_access(client_as, bureau_admin, bureau_reviewer, official_a, enterprise_a):
    app = _application(enterprise_a)
    for url in (
        reverse("registry:registration_list"),
        reverse("registry:registration_detail", kwargs={"pk": app.pk}),
    ):
        assert client_as(bureau_admin).get(url).status_code == 200
        assert client_as(bureau_reviewer).get(url).status_code == 403
        assert client_as(official_a).get(url).status_code == 403
        response = client_as(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    missing = reverse("registry:registration_detail", kwargs={"pk": app.pk + 1000})
    assert client_as(bureau_admin).get(missing).status_code == 404


def test_list_filters_by_status(client_as, bureau_admin, enterprise_a, enterprise_b):
    pending = _application(enterprise_a, username="p1")
    refused = _application(enterprise_b, username="p2")
    services.registration_refuse(actor=bureau_admin, application=refused, reason="重复申请")
    url = reverse("registry:registration_list")
    client = client_as(bureau_admin)
    assert [a.pk for a in client.get(url, {"status": "pending"}).context["page_obj"]] == [
        pending.pk
    ]
    assert [a.pk for a in client.get(url, {"status": "refused"}).context["page_obj"]] == [
        refused.pk
    ]
    assert len(client.get(url).context["page_obj"]) == 2


# --- bureau side: decisions -----------------------------------------------------------------


def test_approve_creates_user_who_logs_in_and_sees_only_his_enterprise(
    client_as, bureau_admin, enterprise_a, enterprise_b
):
    app = _application(enterprise_a)
    url = reverse("registry:registration_detail", kwargs={"pk": app.pk})
    response = client_as(bureau_admin).post(
        url, {"decision": "approve", "approve-grant_signatory": "on"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    user = User.objects.get(username="wangwu")
    assert (app.status, app.created_user_id, app.decided_by_id) == (
        "approved", user.pk, bureau_admin.pk
    )
    assert app.decided_at is not None
    assert user.full_name == "王五" and user.email == "wang@example.com"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.enterprise_id, membership.is_signatory) == (
        Role.ENTERPRISE_USER, enterprise_a.pk, True
    )

    client = Client()
    assert client.login(username="wangwu", password=PASSWORD)
    visible = scoping.for_user(Enterprise.objects.all(), user, Perm.VIEW_ENTERPRISE)
    assert list(visible) == [enterprise_a]
    assert Event.objects.filter(verb="registration.approved", target_id=str(app.pk)).count() == 1


def test_approve_without_checkbox_gives_no_signatory(client_as, bureau_admin, enterprise_a):
    app = _application(enterprise_a)
    url = reverse("registry:registration_detail", kwargs={"pk": app.pk})
    client_as(bureau_admin).post(url, {"decision": "approve"})
    assert Membership.objects.get(user__username="wangwu").is_signatory is False


def test_signatory_only_when_asked(bureau_admin, enterprise_a):
    app = _application(enterprise_a, wants_signatory=False)
    user = services.registration_approve(actor=bureau_admin, application=app, grant_signatory=True)
    assert user.memberships.get().is_signatory is False


def test_refuse_needs_a_reason(client_as, bureau_admin, enterprise_a):
    app = _application(enterprise_a)
    url = reverse("registry:registration_detail", kwargs={"pk": app.pk})
    response = client_as(bureau_admin).post(url, {"decision": "refuse", "refuse-reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["refuse_form"].errors
    app.refresh_from_db()
    assert app.status == "pending"

    response = client_as(bureau_admin).post(
        url, {"decision": "refuse", "refuse-reason": "营业执照与名录不符"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.status, app.decision_note) == ("refused", "营业执照与名录不符")
    assert not User.objects.filter(username="wangwu").exists()


@pytest.mark.parametrize("first", ["approve", "refuse"])
def test_a_decided_application_cannot_be_decided_again(client_as, bureau_admin, enterprise_a, first):
    app = _application(enterprise_a)
    url = reverse("registry:registration_detail", kwargs={"pk": app.pk})
    client = client_as(bureau_admin)
    client.post(url, {"decision": first, "refuse-reason": "不符合条件"})
    app.refresh_from_db()
    status_after_first = app.status
    assert status_after_first == ("approved" if first == "approve" else "refused")
    users_before, events_before = User.objects.count(), Event.objects.count()

    for second in ("approve", "refuse"):
        response = client.post(url, {"decision": second, "refuse-reason": "再次"})
        assert response.status_code == 400
        assert response.context["error"]
    app.refresh_from_db()
    assert app.status == status_after_first
    assert User.objects.count() == users_before
    assert Event.objects.count() == events_before


def test_approve_when_username_was_taken_meanwhile(client_as, bureau_admin, enterprise_a):
    app = _application(enterprise_a)
    f.UserFactory(username="wangwu")
    url = reverse("registry:registration_detail", kwargs={"pk": app.pk})
    response = client_as(bureau_admin).post(url, {"decision": "approve"})
    assert response.status_code == 400 and response.context["error"]
    app.refresh_from_db()
    assert app.status == "pending"
    assert not Membership.objects.filter(user__username="wangwu").exists()
