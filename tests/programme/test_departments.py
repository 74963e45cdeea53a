"""Department pages (programme/views/departments.py): who reads which department, the bureau
admin's create/edit, giving and revoking grants (with a confirmation), the Excel export and
the API; adding a liaison through the user administration."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Membership, User
from registry.models import Department, DepartmentGrant
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def _url(name, **kw):
    return reverse(f"programme:{name}", kwargs=kw or None)


def test_list_bureau_sees_all_with_counts_and_grants(bureau_reviewer, liaison_a, department_a,
                                                     department_b):
    f.grant(department_a, "credit_export")
    page = client_for(bureau_reviewer).get(_url("department_list"))
    assert page.status_code == 200
    rows = list(page.context["page_obj"])
    assert {d.code for d in rows} == {"development-reform", "bank-ningxia"}
    dev = next(d for d in rows if d.code == "development-reform")
    assert dev.member_count == 1 and dev.grant_count == 1
    assert "市发展和改革委员会" in page.content.decode()


def test_list_liaison_sees_only_his_department(liaison_a, liaison_b, department_a, department_b):
    rows = list(client_for(liaison_b).get(_url("department_list")).context["page_obj"])
    assert [d.code for d in rows] == ["bank-ningxia"]
    assert client_for(liaison_b).get(_url("department_detail", pk=department_a.pk)).status_code == 404
    assert client_for(liaison_a).get(_url("department_detail", pk=department_a.pk)).status_code == 200


@pytest.mark.parametrize("persona", ["official_a", "ent_a", "agency_a_staff"])
def test_other_roles_are_refused(persona, request, department_a):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(_url("department_list")).status_code == 403
    assert client_for(user).get(_url("department_detail", pk=department_a.pk)).status_code == 403


def test_filter_by_kind_and_dataset(bureau_admin, department_a, department_b):
    f.grant(department_b, "climate_finance", by=bureau_admin)
    client = client_for(bureau_admin)
    banks = client.get(_url("department_list"), {"kind": "bank"}).context["page_obj"]
    assert [d.code for d in banks] == ["bank-ningxia"]
    holders = client.get(_url("department_list"), {"dataset": "climate_finance"}).context["page_obj"]
    assert [d.code for d in holders] == ["bank-ningxia"]


def test_export_is_scoped(liaison_a, department_a, department_b):
    f.grant(department_a, "credit_export")
    response = client_for(liaison_a).get(_url("department_export"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(ws.values)
    assert len(rows) == 2  # header + development-reform only
    assert rows[1][1] == "市发展和改革委员会"
    assert rows[1][5] == 1  # one liaison
    assert rows[1][6]  # the granted data, by name


def test_detail_shows_members_grants_and_events(bureau_admin, liaison_a, department_a):
    grant = f.grant(department_a, "credit_export", by=bureau_admin)
    page = client_for(bureau_admin).get(_url("department_detail", pk=department_a.pk))
    body = page.content.decode()
    assert "liaison_a" in body
    assert grant.get_dataset_display() in body
    assert _url("grant_revoke", pk=grant.pk) in body
    # the admin may add a liaison: the new-user form opens with the role and department chosen
    assert f"role=department_liaison&amp;department={department_a.pk}" in body


def test_liaison_sees_no_management_buttons(liaison_a, department_a):
    grant = f.grant(department_a, "credit_export")
    body = client_for(liaison_a).get(_url("department_detail", pk=department_a.pk)).content.decode()
    assert _url("grant_revoke", pk=grant.pk) not in body
    assert _url("department_edit", pk=department_a.pk) not in body


def test_create_and_edit(bureau_admin):
    client = client_for(bureau_admin)
    response = client.post(_url("department_create"), {
        "code": "housing", "name": "市住房和城乡建设局", "name_en": "Housing Bureau",
        "kind": "department", "sort_order": 20, "is_active": "on",
    })
    department = Department.objects.get(code="housing")
    assert response.status_code == 302
    assert Event.objects.filter(verb="department.created", target_id=department.pk).exists()
    response = client.post(_url("department_edit", pk=department.pk), {
        "code": "housing", "name": "市住建局", "name_en": "", "kind": "department",
        "sort_order": 20, "is_active": "on",
    })
    department.refresh_from_db()
    assert department.name == "市住建局"


def test_create_duplicate_name_is_a_clear_error(bureau_admin, department_a):
    response = client_for(bureau_admin).post(_url("department_create"), {
        "code": "other", "name": department_a.name, "kind": "department", "sort_order": 0,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Department.objects.filter(code="other").exists()


def test_give_grant_and_refuse_a_second(bureau_admin, department_a):
    client = client_for(bureau_admin)
    response = client.post(_url("grant_give", pk=department_a.pk),
                           {"dataset": "training", "note": "函"})
    assert response.status_code == 302
    assert department_a.grants.filter(dataset="training", revoked_at__isnull=True).count() == 1
    again = client.post(_url("grant_give", pk=department_a.pk), {"dataset": "training"})
    assert again.status_code == 200
    assert "已" in str(again.context["form"].errors["dataset"])
    assert department_a.grants.filter(dataset="training").count() == 1


def test_revoke_asks_first_then_revokes(bureau_admin, department_a):
    grant = f.grant(department_a, "credit_export", by=bureau_admin)
    client = client_for(bureau_admin)
    confirm = client.get(_url("grant_revoke", pk=grant.pk))
    assert confirm.status_code == 200
    grant.refresh_from_db()
    assert grant.revoked_at is None  # a GET only asks
    assert client.post(_url("grant_revoke", pk=grant.pk)).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == bureau_admin
    # a second revocation is an error message, nothing changes
    response = client.post(_url("grant_revoke", pk=grant.pk), follow=True)
    assert "已撤销" in response.content.decode() or "already" in response.content.decode()


def test_liaison_cannot_give_or_revoke(liaison_a, department_a):
    grant = f.grant(department_a, "credit_export")
    client = client_for(liaison_a)
    assert client.post(_url("grant_give", pk=department_a.pk), {"dataset": "training"}).status_code == 403
    assert client.post(_url("grant_revoke", pk=grant.pk)).status_code == 403
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert DepartmentGrant.objects.filter(dataset="training").count() == 0


def test_api_is_scoped(liaison_a, liaison_b, bureau_reviewer, ent_a, department_a, department_b):
    url = reverse("api:department-list")
    assert client_for(ent_a).get(url).status_code == 403
    codes = [r["code"] for r in client_for(liaison_b).get(url).json()["results"]]
    assert codes == ["bank-ningxia"]
    f.grant(department_a, "credit_export")
    rows = client_for(bureau_reviewer).get(url).json()["results"]
    dev = next(r for r in rows if r["code"] == "development-reform")
    assert dev["member_count"] == 1 and [g["dataset"] for g in dev["grants"]] == ["credit_export"]
    detail = reverse("api:department-detail", kwargs={"pk": department_a.pk})
    assert client_for(liaison_b).get(detail).status_code == 404


def test_admin_creates_a_liaison_end_to_end(bureau_admin, department_a):
    client = client_for(bureau_admin)
    form = client.get(reverse("accounts:user_create"),
                      {"role": "department_liaison", "department": department_a.pk})
    mform = form.context["mform"]
    assert mform["role"].value() == "department_liaison"
    assert mform["department"].value() == department_a.pk
    assert "js/membership-form.js" in form.content.decode()
    response = client.post(reverse("accounts:user_create"), {
        "user-username": "fgw2", "user-full_name": "发改委联络员", "user-phone": "",
        "user-email": "", "user-password1": "Xq7-long-Passw0rd!", "user-password2": "Xq7-long-Passw0rd!",
        "m-role": "department_liaison", "m-department": department_a.pk,
    })
    assert response.status_code == 302, response.context and response.context["mform"].errors
    user = User.objects.get(username="fgw2")
    assert Membership.objects.get(user=user).department == department_a
    members = client.get(_url("department_detail", pk=department_a.pk)).context["members"]
    assert user in [m.user for m in members]
    assert client_for(user).get(_url("department_detail", pk=department_a.pk)).status_code == 200


def test_liaison_without_department_is_a_field_error(bureau_admin):
    response = client_for(bureau_admin).post(reverse("accounts:user_create"), {
        "user-username": "nodep", "user-full_name": "x", "user-password1": "Xq7-long-Passw0rd!",
        "user-password2": "Xq7-long-Passw0rd!", "m-role": Role.DEPARTMENT_LIAISON,
    })
    assert response.status_code == 200
    assert response.context["mform"].errors["department"]
    assert not User.objects.filter(username="nodep").exists()
