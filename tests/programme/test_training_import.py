"""Attendees from an Excel file: every problem listed by sheet, row and column with nothing
saved; a good file adds every row at once; a hostile file is refused before parsing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from programme.models import TrainingAttendance
from programme.services import training as services
from programme.services.training_import import headers
from tests import hostile_xlsx
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(bureau_admin):
    return services.session_create(actor=bureau_admin, data={
        "title": "培训", "held_on": date(2025, 4, 17), "organiser": None, "place": "会议室",
        "topic": "台账", "hours": Decimal("2.0")})


def _xlsx(rows, head=None) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(head or headers())
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("attendees.xlsx", out.getvalue())


def _post(user, session, upload):
    url = reverse("programme:training_import", kwargs={"pk": session.pk})
    return client_for(user).post(url, {"file": upload})


def test_good_file_adds_every_row(bureau_admin, session, enterprise_a, department_a, area_a):
    response = _post(bureau_admin, session, _xlsx([
        (enterprise_a.uscc, None, "马建国", "部长"),
        (None, department_a.name, "周涛", "科长"),
        (None, area_a.name, "刘洋", None),
    ]))
    assert response.status_code == 302
    got = {(str(a.organisation), a.person_name) for a in session.attendances.all()}
    assert got == {(enterprise_a.name, "马建国"), (department_a.name, "周涛"), (area_a.name, "刘洋")}


def test_bad_rows_are_listed_and_nothing_is_saved(bureau_admin, session, enterprise_a):
    response = _post(bureau_admin, session, _xlsx([
        (enterprise_a.uscc, None, "马建国", "部长"),
        ("91640000000000000X", None, "甲", None),  # no such enterprise
        (enterprise_a.uscc, "中宁县", "乙", None),  # two organisations
        (None, "不存在的单位", "丙", None),
        (enterprise_a.uscc, None, None, None),  # no name
    ]))
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "A"), (4, "A"), (5, "B"), (6, "C")]
    assert "未保存任何内容" in response.content.decode()
    assert not TrainingAttendance.objects.exists()


def test_wrong_headers_are_refused(bureau_admin, session, enterprise_a):
    response = _post(bureau_admin, session,
                     _xlsx([(enterprise_a.uscc, None, "马建国", "")], head=["a", "b", "c", "d"]))
    assert response.status_code == 400
    assert {e.row for e in response.context["result"].errors} == {1}
    assert not TrainingAttendance.objects.exists()


def test_a_sheet_past_the_row_limit_is_refused(bureau_admin, session):
    bomb = hostile_xlsx.workbook([("Sheet1", hostile_xlsx.sheet(
        [hostile_xlsx.header(headers()), *hostile_xlsx.blank_rows(200_000)]))])
    response = _post(bureau_admin, session, SimpleUploadedFile("bomb.xlsx", bomb))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not TrainingAttendance.objects.exists()


def test_not_an_xlsx_is_refused(bureau_admin, session):
    response = _post(bureau_admin, session, SimpleUploadedFile("a.xlsx", b"%PDF-1.4"))
    assert response.context["form"].errors["file"]


def test_template_download_has_the_headers(bureau_admin):
    from openpyxl import load_workbook

    response = client_for(bureau_admin).get(reverse("programme:training_import_template"))
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert list(next(ws.values)) == headers()


def test_only_the_admin_imports(ent_a, session, enterprise_a):
    response = _post(ent_a, session, _xlsx([(enterprise_a.uscc, None, "马建国", "")]))
    assert response.status_code == 403
    assert not TrainingAttendance.objects.exists()
