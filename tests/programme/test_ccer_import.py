"""The CCER library's Excel import: the template comes back as it went out, a good file is
saved whole (projects and their reductions), a file with problems lists every one (sheet,
row, column, reason) and changes nothing, and wrong files are refused (the hostile ones:
tests/core/test_upload_limits_views.py, importer "ccer")."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from programme.models import CCERLibraryProject, CCERReduction
from programme.services import ccer_import as imp

pytestmark = pytest.mark.django_db


def _book(projects=(), reductions=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = imp.SHEET_PROJECTS
    ws.append([c.header for c in imp.PROJECT_COLUMNS])
    for row in projects:
        ws.append(list(row))
    ws = wb.create_sheet(imp.SHEET_REDUCTIONS)
    ws.append([c.header for c in imp.REDUCTION_COLUMNS])
    for row in reductions:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _state():
    return (list(CCERLibraryProject.objects.values()), list(CCERReduction.objects.values()))


def _post(client, data, name="library.xlsx"):
    return client.post(reverse("programme:ccer_import"), {"file": SimpleUploadedFile(name, data)})


def test_the_template_has_both_sheets_and_their_headers(client_as, bureau_admin):
    r = client_as(bureau_admin).get(reverse("programme:ccer_import_template"))
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    headers = [c.value for c in wb[imp.SHEET_PROJECTS][1]]
    assert headers[0] == "项目编号*" and "所属区域*" in headers
    assert [c.value for c in wb[imp.SHEET_REDUCTIONS][1]][1] == "年度*"


def test_a_good_file_is_saved_whole(client_as, bureau_admin, enterprise_a):
    data = _book(
        projects=[("ZW-CCER-101", "导入光伏", enterprise_a.uscc, None, enterprise_a.area.name,
                   "光伏发电", "CM-001-V02", "可再生能源联网发电", 50, "MW", None, None, None),
                  ("ZW-CCER-102", "导入碳汇", None, "某林场", enterprise_a.area.code,
                   "forestry_sink", None, None, 1200, "ha", "2025-01-01", "2054-12-31", None)],
        reductions=[("ZW-CCER-101", 2026, 80000, None), ("ZW-CCER-102", 2026, 5000, None)],
    )
    r = _post(client_as(bureau_admin), data)
    assert r.status_code == 200 and b"import-done" in r.content
    solar = CCERLibraryProject.objects.get(code="ZW-CCER-101")
    assert solar.owner_enterprise == enterprise_a and solar.stage == "idea"
    assert solar.capacity == D("50") and solar.project_type == "solar"
    assert CCERReduction.objects.get(project=solar).expected_tco2e == D("80000")
    # the same file again updates: nothing doubles
    _post(client_as(bureau_admin), data)
    assert CCERLibraryProject.objects.count() == 2 and CCERReduction.objects.count() == 2


def test_every_problem_is_listed_and_nothing_is_changed(client_as, bureau_admin, enterprise_a):
    _post(client_as(bureau_admin), _book(projects=[
        ("ZW-CCER-101", "原名", None, "某公司", enterprise_a.area.name, "wind",
         None, None, None, None, None, None, None)]))
    before = _state()
    data = _book(
        projects=[("ZW-CCER-101", "改名", None, None, enterprise_a.area.name, "wind",
                   None, None, None, None, None, None, None),  # fine on its own
                  ("ZW-CCER-103", "坏行", "91640000000000000X", None, "火星区", "核聚变",
                   None, None, "=1+1", None, None, None, None)],
        reductions=[("ZW-CCER-101", 2026, 100, 50),  # issued before registration
                    ("ZW-CCER-999", "二〇二六", None, None)],
    )
    r = _post(client_as(bureau_admin), data)
    assert r.status_code == 200
    page = r.content.decode()
    assert "import-errors" in page and "import-done" not in page
    result = r.context["result"]
    where = {(e.sheet, e.row, e.column) for e in result.errors}
    assert {("项目", 3, "C"), ("项目", 3, "E"), ("项目", 3, "F"), ("项目", 3, "I"),
            ("减排量", 3, "B")} <= where
    assert _state() == before


def test_a_service_refusal_rolls_the_whole_file_back(client_as, bureau_admin, enterprise_a):
    data = _book(
        projects=[("ZW-CCER-201", "新项目", None, "某公司", enterprise_a.area.name, "wind",
                   None, None, None, None, None, None, None)],
        reductions=[("ZW-CCER-201", 2026, 100, 50)],  # issued before registration
    )
    r = _post(client_as(bureau_admin), data)
    errors = r.context["result"].errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("减排量", 2, "D")]
    assert not CCERLibraryProject.objects.exists()


@pytest.mark.parametrize("data, name", [
    (b"%PDF-1.4 not a workbook", "library.xlsx"),
    (b"PK\x03\x04broken zip", "library.xlsx"),
    (b"a,b,c\n1,2,3\n", "library.csv"),
])
def test_wrong_files_are_refused_on_the_page(client_as, bureau_admin, data, name):
    r = _post(client_as(bureau_admin), data, name)
    assert r.status_code == 200 and r.context["form"].errors["file"]
    assert not CCERLibraryProject.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_as, bureau_admin, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    r = _post(client_as(bureau_admin), _book() + b"\0" * 2000)
    assert r.status_code == 200 and r.context["form"].errors["file"]


def test_the_import_is_the_bureau_admins(client_as, official_a, bureau_reviewer):
    for user in (official_a, bureau_reviewer):
        assert _post(client_as(user), _book()).status_code == 403
