"""The task tracker's pages, exports, API and dashboard panel (issue 17): scoping (another
unit's people 404, enterprises and agencies 403), the report form and its confirmed submit,
the review pages, the list filters, the Excel exports, the printable quarterly summary, and a
dashboard panel whose figures equal the lists they open, in constant queries."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme.models import ProgrammeTask, ProgressReport
from programme.services import task_reports as reports
from programme.services import tasks as services
from programme.tasks_choices import ReportStatus
from tests.conftest import client_for
from tests.programme.test_tasks import (  # noqa: F401  (fixtures)
    bureau_unit_department,  # noqa: F401
    task,
    unit_of,
    write,
)

pytestmark = pytest.mark.django_db


def sheet(response) -> list[tuple]:
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return [tuple(r) for r in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(
        values_only=True)]


@pytest.fixture
def other_task(bureau_admin, area_b, department_b):
    """Task 10 of area_b and department_b (a bank) only."""
    t = services.task_create(actor=bureau_admin, number=10, title="碳金融",
                             reports_from=date(2025, 1, 1))
    services.unit_add(actor=bureau_admin, task=t, role="lead", area=area_b)
    services.unit_add(actor=bureau_admin, task=t, department=department_b)
    return services.task_start(actor=bureau_admin, task=t)


def listed(client, name="programme:task_list", **query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return [row.pk for row in response.context["page_obj"]]


def test_each_sees_the_tasks_its_unit_is_in(task, other_task, personas):  # noqa: F811
    expected = {"bureau_admin": [task.pk, other_task.pk], "official_a": [task.pk],
                "official_b": [other_task.pk], "liaison_a": [task.pk],
                "liaison_b": [other_task.pk]}
    for persona, ids in expected.items():
        assert listed(client_for(personas[persona])) == ids, persona
    for persona in ("ent_a", "agency_a_staff"):
        assert client_for(personas[persona]).get(reverse("programme:task_list")).status_code == 403
    url = reverse("programme:task_detail", kwargs={"pk": other_task.pk})
    assert client_for(personas["official_a"]).get(url).status_code == 404
    assert client_for(personas["liaison_a"]).get(url).status_code == 404
    api = client_for(personas["liaison_b"]).get(reverse("api:programme-task-list")).json()
    assert [row["id"] for row in api["results"]] == [other_task.pk]


def test_report_form_submit_and_review_through_the_pages(task, official_a, bureau_reviewer,  # noqa: F811
                                                         area_a):
    unit = unit_of(task, area=area_a)
    client = client_for(official_a)
    url = reverse("programme:report_write", kwargs={"unit": unit.pk, "year": 2025, "period": 1})
    form = {"text": "完成联合执法2次", "fig-TOTAL_FORMS": "2", "fig-INITIAL_FORMS": "0",
            "fig-0-label": "执法次数", "fig-0-value": "2", "fig-0-unit": "次",
            "fig-1-label": "", "fig-1-value": "", "fig-1-unit": "",
            "files": SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 x", content_type="application/pdf")}
    bad = dict(form, **{"fig-1-label": "涉及企业", "fig-1-value": "许多"})
    bad.pop("files")
    response = client.post(url, bad)
    assert response.status_code == 200 and not ProgressReport.objects.exists()
    response = client.post(url, form)
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.figures.get().label == "执法次数" and report.attachments.count() == 1
    # the write page of a begun quarter opens the revision
    assert client.get(url)["Location"] == reverse("programme:report_edit", kwargs={"pk": report.pk})

    submit = reverse("programme:report_submit", kwargs={"pk": report.pk})
    page = client.get(submit)
    assert page.status_code == 200 and "完成联合执法2次" in page.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # the page only asks
    assert client.post(submit, {}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    reviewer = client_for(bureau_reviewer)
    ret = reverse("programme:report_return", kwargs={"pk": report.pk})
    assert reviewer.post(ret, {"note": ""}).status_code == 200  # a note is required
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert reviewer.post(ret, {"note": "补充佐证"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "补充佐证" in detail


def test_the_bureau_does_not_see_another_units_draft(task, official_a, bureau_admin, area_a):  # noqa: F811
    draft = write(official_a, unit_of(task, area=area_a))
    client = client_for(bureau_admin)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert listed(client, "programme:report_list") == []
    reports.report_submit(actor=official_a, report=draft)
    assert listed(client, "programme:report_list") == [draft.pk]


def test_overdue_and_awaiting_filters(task, other_task, official_a, bureau_admin, area_a,  # noqa: F811
                                      area_b, official_b, bureau_reviewer, liaison_b):
    # today (the machine's) is long after 2025: every quarter of both tasks is owed
    client = client_for(bureau_admin)
    assert set(listed(client, overdue="true")) == {task.pk, other_task.pk}
    assert set(listed(client, awaiting="true")) == {task.pk, other_task.pk}
    assert listed(client, unit=f"a{area_b.pk}") == [other_task.pk]
    assert listed(client, status="closed") == []
    assert listed(client, q="碳金融") == [other_task.pk]
    response = client.get(reverse("programme:task_list"), {"status": "nonsense"})
    assert response.status_code == 200 and response.context["filterset"].errors


def test_task_and_report_exports_are_the_filtered_scoped_lists(task, other_task, official_a,  # noqa: F811
                                                               bureau_admin, area_a):
    rows = sheet(client_for(official_a).get(reverse("programme:task_export")))
    assert [r[0] for r in rows[1:]] == [2]
    rows = sheet(client_for(bureau_admin).get(reverse("programme:task_export"), {"q": "碳金融"}))
    assert [r[:2] for r in rows[1:]] == [(10, "碳金融")]
    report = write(official_a, unit_of(task, area=area_a))
    reports.report_submit(actor=official_a, report=report)
    rows = sheet(client_for(bureau_admin).get(reverse("programme:report_export")))
    assert len(rows) == 2 and rows[1][5] == "已提交" and "完成台账核查" in rows[1]


def test_the_quarterly_summary_prints_every_task_of_the_quarter(task, other_task, official_a,  # noqa: F811
                                                                bureau_admin, area_a):
    report = write(official_a, unit_of(task, area=area_a), text="一季度进展：检查企业5家")
    reports.report_submit(actor=official_a, report=report)
    client = client_for(bureau_admin)
    response = client.get(reverse("programme:task_summary"), {"year": 2025, "quarter": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert "一季度进展：检查企业5家" in html and "碳金融" in html and "未填报" in html
    assert html.count('class="print-page') == 1
    whole_year = client.get(reverse("programme:task_summary"), {"year": 2025}).content.decode()
    assert whole_year.count('class="print-page') == 4  # one printed page per quarter
    book = client.get(reverse("programme:task_summary_export"), {"year": 2025, "quarter": 1})
    rows = sheet(book)
    assert ("已提交" in {r[4] for r in rows[1:]}) and len(rows) == 1 + 5  # five units
    # an official's summary: its tasks only, never another unit's report text
    mine = client_for(official_a).get(reverse("programme:task_summary"),
                                      {"year": 2025, "quarter": 1}).content.decode()
    assert "碳金融" not in mine


def test_api_reports_are_scoped(task, official_a, official_b, liaison_a, area_a):  # noqa: F811
    report = write(official_a, unit_of(task, area=area_a),
                   figures=[("企业", Decimal("3"), "家")])
    reports.report_submit(actor=official_a, report=report)
    body = client_for(official_a).get(reverse("api:progress-report-list")).json()
    assert [r["id"] for r in body["results"]] == [report.pk]
    assert body["results"][0]["figures"] == [{"label": "企业", "value": "3.0000", "unit": "家"}]
    for other in (official_b, liaison_a):
        assert client_for(other).get(reverse("api:progress-report-list")).json()["results"] == []
        url = reverse("api:progress-report-detail", kwargs={"pk": report.pk})
        assert client_for(other).get(url).status_code == 404


def panel_of(user):
    response = client_for(user).get("/")
    return {p.key: p for p in response.context["panels"]}.get("programme_tasks")


def test_dashboard_panel_figures_equal_the_lists(task, other_task, personas):  # noqa: F811
    for persona in ("bureau_admin", "official_a", "liaison_a", "liaison_b"):
        user = personas[persona]
        panel = panel_of(user)
        assert panel is not None, persona
        client = client_for(user)
        for fig in panel.figures:
            path, _, query = fig.url.partition("?")
            response = client.get(fig.url)
            assert response.status_code == 200
            assert response.context["page_obj"].paginator.count == fig.value, (persona, fig.key)
    assert panel_of(personas["ent_a"]) is None


def test_dashboard_panel_queries_do_not_grow(task, bureau_admin, liaison_a, area_b,  # noqa: F811
                                             department_a):
    def count(user):
        with CaptureQueriesContext(connection) as queries:
            assert client_for(user).get("/").status_code == 200
        return len(queries)

    before = {u.pk: count(u) for u in (bureau_admin, liaison_a)}
    for n in range(3):
        t = services.task_create(actor=bureau_admin, number=20 + n, title=f"任务{n}",
                                 reports_from=date(2025, 1, 1))
        services.unit_add(actor=bureau_admin, task=t, area=area_b)
        services.unit_add(actor=bureau_admin, task=t, department=department_a)
        services.task_start(actor=bureau_admin, task=t)
    assert {u.pk: count(u) for u in (bureau_admin, liaison_a)} == before


def test_manage_pages_create_a_task_and_add_units(bureau_admin, area_a, department_a):
    client = client_for(bureau_admin)
    response = client.post(reverse("programme:task_create"), {
        "number": 13, "title": "新增任务", "description": "", "reports_from": "2026-01-01"})
    task_ = ProgrammeTask.objects.get(number=13)
    assert response["Location"] == task_.get_absolute_url()
    dup = client.post(reverse("programme:task_create"), {"number": 13, "title": "重复",
                                                         "reports_from": "2026-01-01"})
    assert dup.status_code == 200 and ProgrammeTask.objects.count() == 1
    add = reverse("programme:task_unit_add", kwargs={"pk": task_.pk})
    assert client.post(add, {"role": "lead", "unit": f"a{area_a.pk}"}).status_code == 302
    assert client.post(add, {"role": "lead", "unit": f"a{area_a.pk}"}).status_code == 200
    assert client.post(add, {"role": "supporting", "unit": f"d{department_a.pk}"}).status_code == 302
    assert [str(u) for u in task_.units.all()] == [str(area_a), str(department_a)]
    start = reverse("programme:task_start", kwargs={"pk": task_.pk})
    assert client.get(start).status_code == 200
    client.post(start, {"note": ""})
    task_.refresh_from_db()
    assert task_.status == "in_progress"
