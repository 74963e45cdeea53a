"""Agencies, their qualifications and staff: pages, services, API."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from verifiers import selectors
from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


def _agency_post(**overrides):
    data = {
        "name": "宁夏绿源核查有限公司",
        "uscc": f.next_uscc("91640100").lower(),
        "status": "active",
        "address": "银川市金凤区",
        "contact_person": "赵六",
        "contact_phone": "0951-1234567",
        "contact_email": "zl@example.com",
    }
    data.update(overrides)
    return data


def _names(response):
    return [a.name for a in response.context["page_obj"]]


# --- list and export ------------------------------------------------------------------------


def test_bureau_sees_all_agency_staff_only_its_own(
    client_as, bureau_reviewer, agency_a_staff, agency_a, agency_b
):
    url = reverse("verifiers:agency_list")
    assert sorted(_names(client_as(bureau_reviewer).get(url))) == sorted(
        [agency_a.name, agency_b.name]
    )
    assert _names(client_as(agency_a_staff).get(url)) == [agency_a.name]


def test_list_search_and_status_filter(client_as, bureau_admin, agency_a, agency_b):
    agency_b.status = "suspended"
    agency_b.save()
    client = client_as(bureau_admin)
    url = reverse("verifiers:agency_list")
    assert _names(client.get(url, {"q": "碳核查"})) == [agency_a.name]
    assert _names(client.get(url, {"q": agency_b.uscc.lower()})) == [agency_b.name]
    assert _names(client.get(url, {"status": "suspended"})) == [agency_b.name]


def test_list_access(client_as, ent_a, official_a):
    url = reverse("verifiers:agency_list")
    assert client_as(ent_a).get(url).status_code == 403
    assert client_as(official_a).get(url).status_code == 403
    assert "/accounts/login/" in client_as(None).get(url)["Location"]


def test_export_respects_scope(client_as, agency_a_staff, agency_a, agency_b):
    f.AgencyQualificationFactory(agency=agency_a)  # valid 2024-01-01 .. 2027-12-31
    response = client_as(agency_a_staff).get(reverse("verifiers:agency_export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == agency_a.name and rows[1][1] == agency_a.uscc


# --- create / edit by the bureau ------------------------------------------------------------


def test_create_agency(client_as, bureau_admin):
    data = _agency_post()
    response = client_as(bureau_admin).post(reverse("verifiers:agency_create"), data)
    agency = Agency.objects.get(name="宁夏绿源核查有限公司")
    assert response.status_code == 302
    assert agency.uscc == data["uscc"].upper()
    assert Event.objects.filter(verb="agency.created", target_id=str(agency.pk)).count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"uscc": "916401000000000000"}, "uscc"),  # check character wrong
        ({"uscc": "DUP"}, "uscc"),  # taken
        ({"name": ""}, "name"),
        ({"contact_email": "x@"}, "contact_email"),
        ({"status": "closed"}, "status"),
    ],
)
def test_create_agency_bad_input(client_as, bureau_admin, agency_a, overrides, field):
    if overrides.get("uscc") == "DUP":
        overrides = {"uscc": agency_a.uscc}
    before = Agency.objects.count()
    response = client_as(bureau_admin).post(
        reverse("verifiers:agency_create"), _agency_post(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Agency.objects.count() == before
    assert not Event.objects.exists()


def test_bureau_edits_status(client_as, bureau_admin, agency_a):
    url = reverse("verifiers:agency_edit", kwargs={"pk": agency_a.pk})
    data = _agency_post(name=agency_a.name, uscc=agency_a.uscc, status="suspended")
    assert client_as(bureau_admin).post(url, data).status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.status == "suspended"
    event = Event.objects.get(verb="agency.updated")
    assert event.data["status"] == ["active", "suspended"]


def test_agency_staff_cannot_use_bureau_edit(client_as, agency_a_staff, agency_a):
    url = reverse("verifiers:agency_edit", kwargs={"pk": agency_a.pk})
    response = client_as(agency_a_staff).post(url, _agency_post(status="revoked"))
    assert response.status_code == 403
    agency_a.refresh_from_db()
    assert agency_a.status == "active"


# --- contact edit by the agency itself ------------------------------------------------------


def test_staff_edits_own_contact_only(client_as, agency_a_staff, agency_a):
    url = reverse("verifiers:agency_contact_edit", kwargs={"pk": agency_a.pk})
    response = client_as(agency_a_staff).post(
        url,
        {
            "address": "中卫市沙坡头区",
            "contact_person": "钱七",
            "contact_phone": "0955-7000000",
            "contact_email": "q7@example.com",
            # fields outside the contact form are ignored
            "name": "改名",
            "status": "revoked",
        },
    )
    assert response.status_code == 302
    agency_a.refresh_from_db()
    assert (agency_a.contact_person, agency_a.contact_phone) == ("钱七", "0955-7000000")
    assert agency_a.name == "宁夏碳核查中心" and agency_a.status == "active"


def test_other_agency_staff_gets_404_and_bureau_403(
    client_as, agency_b_staff, bureau_admin, agency_a
):
    url = reverse("verifiers:agency_contact_edit", kwargs={"pk": agency_a.pk})
    assert client_as(agency_b_staff).post(url, {"contact_person": "X"}).status_code == 404
    assert client_as(bureau_admin).get(url).status_code == 403
    agency_a.refresh_from_db()
    assert agency_a.contact_person == "李四"


def test_contact_bad_email(client_as, agency_a_staff, agency_a):
    url = reverse("verifiers:agency_contact_edit", kwargs={"pk": agency_a.pk})
    response = client_as(agency_a_staff).post(url, {"contact_person": "新人", "contact_email": "bad"})
    assert response.status_code == 200 and "contact_email" in response.context["form"].errors
    agency_a.refresh_from_db()
    assert agency_a.contact_person == "李四"


# --- detail ---------------------------------------------------------------------------------


def test_detail_flags_expired_qualifications(client_as, agency_a_staff, agency_a):
    expired = f.AgencyQualificationFactory(
        agency=agency_a, valid_from="2019-01-01", valid_until="2020-12-31"
    )
    valid = f.AgencyQualificationFactory(
        agency=agency_a, valid_from="2020-01-01", valid_until="2099-12-31"
    )
    response = client_as(agency_a_staff).get(
        reverse("verifiers:agency_detail", kwargs={"pk": agency_a.pk})
    )
    assert response.status_code == 200
    states = {row["obj"].pk: row["state"] for row in response.context["qualifications"]}
    assert states == {expired.pk: "expired", valid.pk: "valid"}


def test_qualification_states_on_boundaries(agency_a):
    q = f.AgencyQualificationFactory(agency=agency_a, valid_from="2025-01-01", valid_until="2025-06-30")
    state = lambda day: selectors.qualification_rows(agency_a, today=day)[0]["state"]  # noqa: E731
    assert state(datetime.date(2024, 12, 31)) == "future"
    assert state(datetime.date(2025, 1, 1)) == "valid"
    assert state(datetime.date(2025, 6, 30)) == "valid"
    assert state(datetime.date(2025, 7, 1)) == "expired"
    assert q.pk


# --- qualifications -------------------------------------------------------------------------


def test_add_and_edit_qualification(client_as, bureau_admin, agency_a):
    client = client_as(bureau_admin)
    url = reverse("verifiers:qualification_create", kwargs={"pk": agency_a.pk})
    data = {
        "kind": "verification",
        "certificate_number": "NX-2025-001",
        "issued_by": "宁夏回族自治区生态环境厅",
        "valid_from": "2025-01-01",
        "valid_until": "2027-12-31",
    }
    assert client.post(url, data).status_code == 302
    q = AgencyQualification.objects.get(certificate_number="NX-2025-001")
    assert q.agency_id == agency_a.pk and q.valid_until == datetime.date(2027, 12, 31)

    edit = reverse("verifiers:qualification_edit", kwargs={"pk": q.pk})
    assert client.post(edit, {**data, "valid_until": "2028-06-30"}).status_code == 302
    q.refresh_from_db()
    assert q.valid_until == datetime.date(2028, 6, 30)
    verbs = list(Event.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["agency.qualification_added", "agency.qualification_changed"]


def test_qualification_end_before_start_is_a_field_error(client_as, bureau_admin, agency_a):
    q = f.AgencyQualificationFactory(agency=agency_a)
    client = client_as(bureau_admin)
    data = {
        "kind": "verification",
        "certificate_number": "X-1",
        "valid_from": "2025-05-02",
        "valid_until": "2025-05-01",
    }
    response = client.post(
        reverse("verifiers:qualification_create", kwargs={"pk": agency_a.pk}), data
    )
    form = response.context["form"]
    assert response.status_code == 200 and "valid_until" in form.errors
    assert not form.non_field_errors()
    response = client.post(reverse("verifiers:qualification_edit", kwargs={"pk": q.pk}), data)
    assert "valid_until" in response.context["form"].errors
    q.refresh_from_db()
    assert q.valid_until == datetime.date(2027, 12, 31)
    assert AgencyQualification.objects.count() == 1


def test_qualification_pages_are_bureau_only(client_as, agency_a_staff, agency_a):
    q = f.AgencyQualificationFactory(agency=agency_a)
    assert client_as(agency_a_staff).get(
        reverse("verifiers:qualification_edit", kwargs={"pk": q.pk})
    ).status_code == 403


# --- staff ----------------------------------------------------------------------------------


def test_add_staff_with_portal_account(client_as, bureau_admin, agency_a, agency_a_staff):
    url = reverse("verifiers:staff_create", kwargs={"pk": agency_a.pk})
    data = {
        "name": "孙八",
        "qualification_number": "HC-0099",
        "qualification_valid_until": "2026-12-31",
        "user": agency_a_staff.pk,
        "is_active": "on",
    }
    assert client_as(bureau_admin).post(url, data).status_code == 302
    staff = VerifierStaff.objects.get(name="孙八")
    assert (staff.agency_id, staff.user_id) == (agency_a.pk, agency_a_staff.pk)


def test_staff_account_must_belong_to_the_agency(
    client_as, bureau_admin, agency_a, agency_b_staff
):
    url = reverse("verifiers:staff_create", kwargs={"pk": agency_a.pk})
    response = client_as(bureau_admin).post(url, {"name": "周九", "user": agency_b_staff.pk})
    assert response.status_code == 200 and "user" in response.context["form"].errors
    assert not VerifierStaff.objects.exists()


def test_edit_staff(client_as, bureau_admin, agency_a):
    staff = f.VerifierStaffFactory(agency=agency_a, name="吴十")
    url = reverse("verifiers:staff_edit", kwargs={"pk": staff.pk})
    response = client_as(bureau_admin).post(url, {"name": "吴十", "qualification_number": "HC-1"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.qualification_number == "HC-1" and staff.is_active is False


def test_staff_edit_bad_date(client_as, bureau_admin, agency_a):
    staff = f.VerifierStaffFactory(agency=agency_a, name="吴十")
    url = reverse("verifiers:staff_edit", kwargs={"pk": staff.pk})
    response = client_as(bureau_admin).post(
        url, {"name": "吴十", "qualification_valid_until": "2025-13-40", "is_active": "on"}
    )
    assert "qualification_valid_until" in response.context["form"].errors
    staff.refresh_from_db()
    assert staff.qualification_valid_until is None


# --- API ------------------------------------------------------------------------------------


def test_api_is_scoped_and_read_only(client_as, bureau_admin, agency_a_staff, agency_a, agency_b):
    url = "/api/v1/agencies/"
    names = lambda r: [a["name"] for a in r.json()["results"]]  # noqa: E731
    assert sorted(names(client_as(bureau_admin).get(url))) == sorted([agency_a.name, agency_b.name])
    assert names(client_as(agency_a_staff).get(url)) == [agency_a.name]
    assert client_as(agency_a_staff).get(f"{url}{agency_b.pk}/").status_code == 404
    assert names(client_as(bureau_admin).get(url, {"q": "西北"})) == [agency_b.name]
    response = client_as(bureau_admin).post(url, {"name": "x"}, content_type="application/json")
    assert response.status_code == 405  # an undocumented method, whatever the role
    assert client_as(None).get(url).status_code == 401
    assert Agency.objects.count() == 2


def test_ent_user_has_no_agency_api(client_as, ent_a, agency_a):
    assert client_as(ent_a).get("/api/v1/agencies/").status_code == 403

