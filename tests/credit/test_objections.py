"""Objections to one event of a provisional grade: within the window, once per event, by the
subject itself; upheld voids the event and recomputes the grade, dismissed leaves it."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from credit.choices import EventKind, EventStatus, Grade, ObjectionStatus
from credit.models import CreditObjection, CreditYear
from credit.services import objections as svc
from tests.conftest import client_for
from tests.credit import helpers as h
from zhongwei_carbon.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the portal's default language is Chinese)."""
    with translation.override("en"):
        yield
TODAY = date(2026, 3, 2)


@pytest.fixture
def world(enterprise_a, enterprise_b):
    h.rule_set(2024)
    late = h.event(enterprise_a, summary="年报逾期")
    fake = h.event(enterprise_a, kind=EventKind.VIOLATION_ART22, on=date(2025, 6, 1),
                   summary="数据造假")
    other = h.event(enterprise_b)
    cy, grades = h.frozen_year(subjects=[enterprise_a, enterprise_b], until=date(2026, 3, 16))
    return {"cy": cy, "grade": grades[enterprise_a], "grade_b": grades[enterprise_b],
            "late": late, "fake": fake, "other": other}


def _file(actor, w, event=None, today=TODAY, **kw):
    return svc.file_objection(actor=actor, grade=w["grade"], event=event or w["fake"],
                              reasons=kw.pop("reasons", "未经听证"), today=today, **kw)


def test_the_subject_objects_within_the_window_and_the_bureau_hears_of_it(world, ent_a,
                                                                          bureau_admin):
    pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    objection = _file(ent_a, world, file=pdf)
    assert objection.decision_due == date(2026, 3, 16)  # 10 working days
    assert objection.file.name.endswith(".pdf")
    note = Notification.objects.get(recipient=bureau_admin)
    assert reverse("credit:objection_detail", args=[objection.pk]) == note.link


def test_an_objection_after_the_window_is_refused(world, ent_a):
    with pytest.raises(ValidationError, match="closed on 2026-03-16"):
        _file(ent_a, world, today=date(2026, 3, 17))
    _file(ent_a, world, today=date(2026, 3, 16))  # the last day counts


def test_a_second_objection_to_the_same_event_is_refused(world, ent_a):
    _file(ent_a, world)
    with pytest.raises(ValidationError, match="already been filed"):
        _file(ent_a, world, reasons="again")
    assert CreditObjection.objects.count() == 1


def test_only_the_subject_objects_and_only_to_its_own_events(world, ent_a, ent_b,
                                                             bureau_admin):
    with pytest.raises(PermissionDenied):
        _file(ent_b, world)
    with pytest.raises(PermissionDenied):
        _file(bureau_admin, world)
    with pytest.raises(ValidationError, match="not on your provisional score card"):
        _file(ent_a, world, event=world["other"])
    with pytest.raises(ValidationError):
        _file(ent_a, world, reasons="  ")
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf")
    with pytest.raises(ValidationError):
        _file(ent_a, world, file=bad)
    assert not CreditObjection.objects.exists()


def test_upheld_voids_the_event_and_recomputes_the_grade(world, ent_a, bureau_admin):
    grade = world["grade"]
    assert (grade.grade, grade.score) == (Grade.RED, D("60.0"))
    objection = _file(ent_a, world)
    svc.decide(actor=bureau_admin, objection=objection, decision=ObjectionStatus.UPHELD,
               note="造假认定已撤销")
    grade.refresh_from_db()
    world["fake"].refresh_from_db()
    assert world["fake"].status == EventStatus.VOIDED
    assert (grade.grade, grade.score, grade.veto_kind) == (Grade.GREEN, D("90.0"), "")
    assert grade.notified_grade == Grade.RED  # what was notified stays on record
    assert [h.grade for h in grade.history.order_by("history_date")] == [Grade.RED, Grade.GREEN]
    note = Notification.objects.get(recipient=ent_a, key=f"credit-objection-decided:{objection.pk}")
    assert "90" in note.body
    with pytest.raises(ValidationError, match="already been decided"):
        svc.decide(actor=bureau_admin, objection=objection, decision=ObjectionStatus.DISMISSED,
                   note="x")


def test_dismissed_leaves_the_event_and_the_grade(world, ent_a, bureau_admin, bureau_reviewer):
    objection = _file(ent_a, world)
    with pytest.raises(PermissionDenied):
        svc.decide(actor=bureau_reviewer, objection=objection,
                   decision=ObjectionStatus.DISMISSED, note="x")
    with pytest.raises(ValidationError):
        svc.decide(actor=bureau_admin, objection=objection, decision=ObjectionStatus.DISMISSED,
                   note="")
    svc.decide(actor=bureau_admin, objection=objection, decision=ObjectionStatus.DISMISSED,
               note="事实清楚")
    world["fake"].refresh_from_db()
    world["grade"].refresh_from_db()
    assert world["fake"].status == EventStatus.ACTIVE and world["grade"].grade == Grade.RED


# --- pages ---

def test_filing_and_deciding_in_the_browser(enterprise_a, enterprise_b, ent_a, ent_b,
                                            bureau_admin):
    h.rule_set(2024)
    ev = h.event(enterprise_a)
    cy, grades = h.frozen_year(subjects=[enterprise_a])  # window open until the end of 2026
    url = reverse("credit:objection_new", args=[grades[enterprise_a].pk, ev.pk])
    assert client_for(ent_b).get(url).status_code == 404
    assert client_for(bureau_admin).get(url).status_code == 403
    response = client_for(ent_a).post(url, {"reasons": "已按时提交"})
    objection = CreditObjection.objects.get()
    assert response.status_code == 302
    again = client_for(ent_a).post(url, {"reasons": "again"})
    assert again.status_code == 200 and CreditObjection.objects.count() == 1
    assert client_for(ent_b).get(reverse("credit:objection_detail",
                                         args=[objection.pk])).status_code == 404
    decide = reverse("credit:objection_decide", args=[objection.pk])
    client_for(bureau_admin).post(decide, {"decision": "upheld", "note": "查实"})
    ev.refresh_from_db()
    assert ev.status == EventStatus.VOIDED


def test_the_bureau_lists_filters_and_exports_objections(world, ent_a, bureau_admin, official_a):
    _file(ent_a, world)
    admin = client_for(bureau_admin)
    page = admin.get(reverse("credit:objection_list"), {"status": "pending", "year": "2025"})
    assert "数据造假" in page.content.decode()
    page = admin.get(reverse("credit:objection_list"), {"status": "upheld"})
    assert "数据造假" not in page.content.decode()
    export = admin.get(reverse("credit:objection_export"))
    assert export["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert client_for(official_a).get(reverse("credit:objection_list")).status_code == 403


def test_the_api_files_an_objection_for_the_subject_only(world, ent_a, ent_b):
    CreditYear.objects.update(objections_until=date(2099, 1, 1))
    url = reverse("api:credit-objection-list")
    body = {"grade": world["grade"].pk, "event": world["fake"].pk, "reasons": "有误"}
    assert client_for(ent_b).post(url, body, content_type="application/json").status_code == 404
    created = client_for(ent_a).post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = client_for(ent_a).post(url, body, content_type="application/json")
    assert again.status_code == 400
    grades = client_for(ent_b).get(reverse("api:credit-grade-list")).json()
    rows = grades.get("results", grades)
    assert [r["id"] for r in rows] == [world["grade_b"].pk]


def test_an_agency_objects_to_its_own_card(agency_a, agency_a_staff, agency_b_staff,
                                           bureau_admin):
    h.rule_set(2024)
    ev = h.event(agency_a, kind=EventKind.VIOLATION_ART23, summary="核查报告失实")
    cy, grades = h.frozen_year(subjects=[agency_a], until=date(2026, 3, 16))
    grade = grades[agency_a]
    assert grade.grade == Grade.YELLOW
    with pytest.raises(PermissionDenied):
        svc.file_objection(actor=agency_b_staff, grade=grade, event=ev, reasons="x",
                           today=TODAY)
    objection = svc.file_objection(actor=agency_a_staff, grade=grade, event=ev,
                                   reasons="已更正", today=TODAY)
    svc.decide(actor=bureau_admin, objection=objection, decision=ObjectionStatus.UPHELD,
               note="查实")
    grade.refresh_from_db()
    assert grade.grade == Grade.GREEN
    assert Notification.objects.filter(recipient=agency_a_staff,
                                       key=f"credit-objection-decided:{objection.pk}").exists()
