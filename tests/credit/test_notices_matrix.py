"""Who each credit workflow step notifies, and only they (issue 15): a grade goes to its
subject's users (enterprise or agency) with a link to its score card; an objection, a repair
application or a hand-entered event is a to-do for the bureau users who decide it, resolved
by the decision; the decision goes to whoever waits for it."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credit.choices import EventKind, GradingStatus, ObjectionStatus
from credit.models import SubjectGrade
from credit.services import events as event_svc
from credit.services import grading, repair
from credit.services import objections as objection_svc
from tests import factories as f
from tests.conftest import client_for
from tests.credit import helpers as h
from tests.notified import notified, open_todos
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


@pytest.fixture
def graded(bureau_admin, enterprise_a, agency_a):
    """A 2025 credit year open with events of enterprise_a and agency_a. Every agency not
    revoked is graded; enterprise_b (not listed, no event) is not."""
    h.rule_set(2024)
    h.event(enterprise_a, kind=EventKind.VIOLATION_ART22, on=date(2025, 6, 1),
            summary="数据造假")
    h.event(agency_a, kind=EventKind.VIOLATION_ART23)
    return grading.open_year(actor=bureau_admin, year=2025)


def test_provisional_and_final_grades_reach_each_subjects_users(
        graded, personas, bureau_admin, ent_a, enterprise_a, agency_b):
    with notified(personas) as got:
        grading.freeze(actor=bureau_admin, credit_year=graded, today=TODAY)
    notes = got.assert_exactly("ent_a", "agency_a_staff", "agency_b_staff", todo=False,
                               topic=Topic.CREDIT)
    by_user = {n.recipient.username: n for n in notes}
    for user, subject in (("ent_a", {"enterprise": enterprise_a}),
                          ("agency_b_staff", {"agency": agency_b})):  # each its own card
        grade = SubjectGrade.objects.get(**subject)
        assert by_user[user].link == reverse("credit:grade_detail", args=[grade.pk])
    assert "2026-03-16" in by_user["ent_a"].body  # the window's last day
    graded.refresh_from_db()
    with notified(personas) as got:
        grading.publish(actor=bureau_admin, credit_year=graded, document_number="中环发〔2026〕9号",
                        today=date(2026, 3, 17))
    notes = got.assert_exactly("ent_a", "agency_a_staff", "agency_b_staff", todo=False,
                               topic=Topic.CREDIT)
    # the score card opens for its subject
    link = {n.recipient.username: n.link for n in notes}["ent_a"]
    assert client_for(ent_a).get(link).status_code == 200


@pytest.fixture
def world(enterprise_a, enterprise_b):
    h.rule_set(2024)
    fake = h.event(enterprise_a, kind=EventKind.VIOLATION_ART22, on=date(2025, 6, 1),
                   summary="数据造假")
    h.event(enterprise_b)
    cy, grades = h.frozen_year(subjects=[enterprise_a, enterprise_b], until=date(2026, 3, 16))
    return {"grade": grades[enterprise_a], "fake": fake}


def test_an_objection_is_the_deciders_todo_and_the_decision_the_subjects_notice(
        world, personas, ent_a, bureau_admin):
    with notified(personas) as got:
        objection = objection_svc.file_objection(actor=ent_a, grade=world["grade"],
                                                 event=world["fake"], reasons="未经听证",
                                                 today=TODAY)
    [note] = got.assert_exactly("bureau_admin", todo=True, topic=Topic.OBJECTION)
    assert "沙坡头发电有限公司" in note.subject
    assert [n.pk for n in open_todos(bureau_admin, objection)] == [note.pk]
    with notified(personas) as got:
        objection_svc.decide(actor=bureau_admin, objection=objection,
                             decision=ObjectionStatus.DISMISSED, note="证据充分")
    got.assert_exactly("ent_a", todo=False, topic=Topic.CREDIT)
    assert open_todos(bureau_admin) == []


def _pdf():
    return SimpleUploadedFile("整改.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def test_a_repair_application_is_the_deciders_todo_and_the_decision_the_applicants(
        personas, enterprise_a, ent_a, bureau_admin):
    h.rule_set(2024)
    late = h.event(enterprise_a, on=date(2025, 4, 1))
    h.frozen_year(2025, subjects=[enterprise_a], status=GradingStatus.FINAL)
    with notified(personas) as got:
        application = repair.apply(actor=ent_a, event=late, reasons="已整改", file=_pdf(),
                                   today=date(2026, 3, 1))
    [note] = got.assert_exactly("bureau_admin", todo=True, topic=Topic.CREDIT)
    assert "沙坡头发电有限公司" in note.subject
    with notified(personas) as got:
        repair.decide(actor=bureau_admin, application=application, approve=False,
                      note="材料不全", today=date(2026, 3, 10))
    [note] = got.assert_exactly("ent_a", todo=False)
    assert "材料不全" in note.body
    assert open_todos(bureau_admin) == []


def test_a_hand_entered_event_is_the_other_admins_todo_until_decided(personas, bureau_admin,
                                                                     enterprise_a):
    second = f.make_member("admin_two", Role.BUREAU_ADMIN)
    with notified(personas) as got:
        event = event_svc.manual_enter(
            actor=bureau_admin, subject=enterprise_a, year=2025, kind=EventKind.MANUAL_DEDUCTION,
            occurred_on=date(2025, 8, 1), summary="拒绝配合检查", evidence="现场笔录")
    got.assert_exactly("user:admin_two", todo=True, topic=Topic.CREDIT)  # never the one who entered it
    assert len(open_todos(second, event)) == 1
    with notified(personas) as got:
        event_svc.manual_confirm(actor=second, event=event)
    got.assert_exactly("bureau_admin", todo=False)
    assert open_todos(second) == []
