"""Training records (programme/views/training.py): who reads which sessions and attendees,
the bureau admin's entry (services, events, history), the list's filters and exports, the
materials' upload checks, and the section on the enterprise page."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from programme.models import TrainingAttendance, TrainingMaterial, TrainingSession
from programme.services import training as services
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


def _url(name, **kw):
    return reverse(f"programme:{name}", kwargs=kw or None)


@pytest.fixture
def sessions(bureau_admin, enterprise_a, enterprise_b, department_a, area_a):
    """s1 (2025, bureau): enterprise_a's and department_a's staff; s2 (2026, department_a):
    enterprise_b's staff; s3 (2026, bureau): a county official only."""
    def make(title, held_on, organiser, rows):
        session = services.session_create(actor=bureau_admin, data={
            "title": title, "held_on": held_on, "organiser": organiser, "place": "会议室",
            "topic": "碳市场", "hours": Decimal("3.0")})
        services.attendees_add(actor=bureau_admin, session=session, rows=rows)
        return session

    s1 = make("数据质量培训", date(2025, 4, 17), None, [
        {"enterprise": enterprise_a, "person_name": "马建国", "position": "部长"},
        {"enterprise": enterprise_a, "person_name": "杨丽", "position": ""},
        {"department": department_a, "person_name": "周涛", "position": "科长"},
    ])
    s2 = make("履约实务", date(2026, 3, 1), department_a, [
        {"enterprise": enterprise_b, "person_name": "王海涛", "position": ""},
    ])
    s3 = make("核查要点", date(2026, 5, 1), None, [
        {"area": area_a, "person_name": "刘洋", "position": "科员"},
    ])
    return s1, s2, s3


def _titles(user, **params):
    response = client_for(user).get(_url("training_list"), params)
    assert response.status_code == 200
    return {s.title for s in response.context["page_obj"]}


def test_bureau_reads_every_session(bureau_reviewer, sessions):
    assert _titles(bureau_reviewer) == {"数据质量培训", "履约实务", "核查要点"}


def test_enterprise_reads_only_its_own_attendance(ent_a, ent_b, sessions):
    s1, s2, _s3 = sessions
    assert _titles(ent_a) == {"数据质量培训"}
    page = client_for(ent_a).get(_url("training_detail", pk=s1.pk))
    assert {a.person_name for a in page.context["attendees"]} == {"马建国", "杨丽"}
    assert "周涛" not in page.content.decode()
    assert client_for(ent_a).get(_url("training_detail", pk=s2.pk)).status_code == 404
    assert _titles(ent_b) == {"履约实务"}


def test_official_reads_his_areas_enterprises(official_a, official_b, sessions):
    s1, s2, s3 = sessions
    assert _titles(official_a) == {"数据质量培训"}
    assert _titles(official_b) == {"履约实务"}
    assert client_for(official_b).get(_url("training_detail", pk=s1.pk)).status_code == 404


def test_liaison_with_the_grant_reads_all(bureau_admin, liaison_a, liaison_b, department_a,
                                          department_b, sessions):
    # without the grant: only the sessions his department organised
    assert _titles(liaison_a) == {"履约实务"}
    assert _titles(liaison_b) == set()
    grant = f.grant(department_a, "training", by=bureau_admin)
    assert _titles(liaison_a) == {"数据质量培训", "履约实务", "核查要点"}
    page = client_for(liaison_a).get(_url("training_detail", pk=sessions[0].pk))
    assert len(page.context["attendees"]) == 3
    from registry.services.departments import grant_revoke

    grant_revoke(actor=bureau_admin, grant=grant)
    assert _titles(liaison_a) == {"履约实务"}
    assert _titles(liaison_b) == set()


def test_agencies_are_refused(agency_a_staff, sessions):
    assert client_for(agency_a_staff).get(_url("training_list")).status_code == 403
    assert client_for(agency_a_staff).get(
        _url("training_detail", pk=sessions[0].pk)).status_code == 403


def test_filters(bureau_admin, enterprise_a, department_a, sessions):
    assert _titles(bureau_admin, year=2026) == {"履约实务", "核查要点"}
    assert _titles(bureau_admin, organiser="bureau") == {"数据质量培训", "核查要点"}
    assert _titles(bureau_admin, organiser=str(department_a.pk)) == {"履约实务"}
    assert _titles(bureau_admin, enterprise=enterprise_a.pk) == {"数据质量培训"}
    assert _titles(bureau_admin, q="核查") == {"核查要点"}


def test_enterprise_filter_does_not_reveal_another_area(official_b, enterprise_a, sessions):
    # official_b sees s2 only; filtering by enterprise_a shows nothing, never s1
    assert _titles(official_b, enterprise=enterprise_a.pk) == set()


def test_counts_per_organisation(bureau_admin, enterprise_a, sessions):
    page = client_for(bureau_admin).get(_url("training_detail", pk=sessions[0].pk))
    counts = {str(org): n for org, n in page.context["per_organisation"]}
    assert counts[enterprise_a.name] == 2
    row = next(s for s in page.context["attendees"] if s.person_name == "周涛")
    assert str(row.organisation) == "市发展和改革委员会"
    listed = client_for(bureau_admin).get(_url("training_list")).context["page_obj"]
    s1 = next(s for s in listed if s.pk == sessions[0].pk)
    assert (s1.attendee_count, s1.organisation_count) == (3, 2)


def test_export_lists_the_scoped_sessions(ent_a, sessions):
    response = client_for(ent_a).get(_url("training_export"))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(ws.values)
    assert len(rows) == 2 and rows[1][1] == "数据质量培训"
    assert rows[1][2] == "中卫市生态环境局"


def test_attendee_export_is_scoped(ent_a, sessions):
    response = client_for(ent_a).get(_url("training_attendee_export", pk=sessions[0].pk))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert {r[1] for r in list(ws.values)[1:]} == {"马建国", "杨丽"}


def test_create_edit_records_events_and_history(bureau_admin, department_a):
    client = client_for(bureau_admin)
    response = client.post(_url("training_create"), {
        "title": "碳核算培训", "held_on": "2026-06-01", "organiser": department_a.pk,
        "place": "报告厅", "topic": "核算", "hours": "4.5", "description": ""})
    session = TrainingSession.objects.get(title="碳核算培训")
    assert response.status_code == 302 and session.created_by == bureau_admin
    client.post(_url("training_edit", pk=session.pk), {
        "title": "碳核算培训", "held_on": "2026-06-02", "organiser": "", "place": "报告厅",
        "topic": "核算", "hours": "4.5", "description": ""})
    session.refresh_from_db()
    assert session.held_on == date(2026, 6, 2) and session.organiser is None
    verbs = set(Event.objects.filter(target_id=session.pk).values_list("verb", flat=True))
    assert {"training.session_created", "training.session_changed"} <= verbs
    assert session.history.count() == 2


def test_bad_hours_is_a_field_error(bureau_admin):
    response = client_for(bureau_admin).post(_url("training_create"), {
        "title": "x", "held_on": "2026-06-01", "place": "p", "topic": "t", "hours": "0"})
    assert response.status_code == 200 and response.context["form"].errors["hours"]
    assert not TrainingSession.objects.exists()


def test_attendee_needs_exactly_one_organisation(bureau_admin, enterprise_a, department_a,
                                                 sessions):
    client = client_for(bureau_admin)
    url = _url("training_attendee_add", pk=sessions[2].pk)
    before = TrainingAttendance.objects.count()
    response = client.post(url, {"department": department_a.pk, "person_name": "甲",
                                 "enterprise": enterprise_a.uscc})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"person_name": "甲"})
    assert response.status_code == 200
    assert TrainingAttendance.objects.count() == before
    assert client.post(url, {"enterprise": enterprise_a.uscc, "person_name": "甲"}).status_code == 302
    assert TrainingAttendance.objects.count() == before + 1


def test_remove_attendee_asks_first(bureau_admin, sessions):
    attendance = sessions[2].attendances.get()
    client = client_for(bureau_admin)
    assert client.get(_url("training_attendee_remove", pk=attendance.pk)).status_code == 200
    assert TrainingAttendance.objects.filter(pk=attendance.pk).exists()
    client.post(_url("training_attendee_remove", pk=attendance.pk))
    assert not TrainingAttendance.objects.filter(pk=attendance.pk).exists()
    assert Event.objects.filter(verb="training.attendee_removed", target_id=sessions[2].pk).exists()


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "liaison_a"])
def test_only_the_admin_changes(persona, request, sessions):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    s1 = sessions[0]
    assert client.post(_url("training_edit", pk=s1.pk), {"title": "x"}).status_code == 403
    assert client.post(_url("training_attendee_add", pk=s1.pk), {"person_name": "x"}).status_code == 403
    assert client.post(_url("training_attendee_remove",
                            pk=s1.attendances.first().pk)).status_code == 403
    assert TrainingAttendance.objects.filter(session=s1).count() == 3


def test_materials_are_checked_and_read_with_the_session(bureau_admin, ent_a, ent_b, sessions):
    s1 = sessions[0]
    client = client_for(bureau_admin)
    bad = SimpleUploadedFile("slides.exe", b"MZ\x90\x00", content_type="application/pdf")
    response = client.post(_url("training_material_add", pk=s1.pk), {"files": [bad]})
    assert response.status_code == 200 and response.context["form"].errors["files"]
    assert not TrainingMaterial.objects.exists()
    good = SimpleUploadedFile("课件.pdf", b"%PDF-1.4 slides", content_type="application/pdf")
    assert client.post(_url("training_material_add", pk=s1.pk), {"files": [good]}).status_code == 302
    material = TrainingMaterial.objects.get()
    assert client_for(ent_a).get(_url("training_material_file", pk=material.pk)).status_code == 200
    assert client_for(ent_b).get(_url("training_material_file", pk=material.pk)).status_code == 404


def test_enterprise_page_shows_its_staffs_training(ent_a, official_b, bureau_admin, enterprise_a,
                                                   sessions):
    url = reverse("registry:enterprise_detail", kwargs={"pk": enterprise_a.pk})
    body = client_for(ent_a).get(url).content.decode()
    assert "数据质量培训" in body and "马建国" in body
    assert "履约实务" not in body
    assert "数据质量培训" in client_for(bureau_admin).get(url).content.decode()


def test_api_is_scoped(ent_a, agency_a_staff, sessions):
    url = reverse("api:training-session-list")
    assert client_for(agency_a_staff).get(url).status_code == 403
    rows = client_for(ent_a).get(url).json()["results"]
    assert [r["title"] for r in rows] == ["数据质量培训"]
    assert {a["person_name"] for a in rows[0]["attendees"]} == {"马建国", "杨丽"}
    detail = reverse("api:training-session-detail", kwargs={"pk": sessions[1].pk})
    assert client_for(ent_a).get(detail).status_code == 404
