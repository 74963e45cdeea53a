"""The credit deadlines in the reminder job (issue 15): the objection window of a
provisional grade reaches its own subject's users until they have objected to every event of
the card or the window closes; an objection's decision deadline reaches the bureau users who
decide it and stops once decided. Constant queries for one item or several."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credit import reminders as sources
from credit.choices import EventKind, ObjectionStatus
from credit.services import objections as svc
from tests import factories as f
from tests.credit import helpers as h
from tests.notified import notified, open_todos
from zhongwei_carbon.models import Topic
from zhongwei_carbon.reminders.service import send_reminders

pytestmark = pytest.mark.django_db
UNTIL = date(2026, 3, 16)  # a Monday: the window's last day
THREE_BEFORE = date(2026, 3, 11)  # three working days before


@pytest.fixture
def world(enterprise_a, enterprise_b, agency_a):
    h.rule_set(2024)
    fake = h.event(enterprise_a, kind=EventKind.VIOLATION_ART22, on=date(2025, 6, 1),
                   summary="数据造假")
    h.event(enterprise_b)
    h.event(agency_a, kind=EventKind.VIOLATION_ART23, summary="核查报告失实")
    cy, grades = h.frozen_year(subjects=[enterprise_a, enterprise_b, agency_a], until=UNTIL)
    return {"grades": grades, "fake": fake}


def _queries(fetch, today) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert list(fetch(today))
    return len(ctx.captured_queries)


def test_the_window_reminds_each_subject_of_its_own_card_until_it_objected(
        world, personas, ent_a, enterprise_a):
    with notified(personas) as got:
        send_reminders(today=THREE_BEFORE)
    notes = got.assert_exactly("ent_a", "ent_b", "agency_a_staff", todo=True, topic=Topic.CREDIT)
    mine = {n.recipient.username: n for n in notes}["ent_a"]
    grade = world["grades"][enterprise_a]
    assert "沙坡头发电有限公司" in mine.subject and "中宁" not in mine.subject
    assert mine.link == reverse("credit:grade_detail", kwargs={"pk": grade.pk})
    svc.file_objection(actor=ent_a, grade=grade, event=world["fake"], reasons="未经听证",
                       today=THREE_BEFORE)  # the card's only event: nothing left to object to
    with notified(personas) as got:
        send_reminders(today=UNTIL)
    got.assert_exactly("ent_b", "agency_a_staff", todo=True)
    assert open_todos(ent_a) == []
    with notified(personas) as got:  # closed: a right, never overdue, never escalated
        send_reminders(today=date(2026, 3, 20))
    assert not [n for n in got.notes if n.key.startswith("reminder:credit-objection-window")]
    assert open_todos(personas["ent_b"]) == []  # the window's to-dos leave with it


def test_the_window_reads_constant_queries(enterprise_a):
    h.rule_set(2024)
    h.event(enterprise_a)
    h.frozen_year(2025, subjects=[enterprise_a], until=UNTIL)
    small = _queries(sources.objection_windows, THREE_BEFORE)
    more = f.EnterpriseFactory.create_batch(2)
    agency = f.AgencyFactory()
    for i, e in enumerate(more):
        h.event(e, year=2026)
        f.make_member(f"cw_{i}", f.Role.ENTERPRISE_USER, enterprise=e)
    h.event(agency, year=2026, kind=EventKind.VIOLATION_ART23)
    f.make_member("cw_agency", f.Role.AGENCY_STAFF, agency=agency)
    h.frozen_year(2026, subjects=[*more, agency], until=UNTIL)
    assert _queries(sources.objection_windows, THREE_BEFORE) == small


def test_the_decision_deadline_reaches_the_deciders_until_decided(world, personas, ent_a,
                                                                  bureau_admin, enterprise_a):
    objection = svc.file_objection(actor=ent_a, grade=world["grades"][enterprise_a],
                                   event=world["fake"], reasons="未经听证",
                                   today=date(2026, 3, 2))
    due = objection.decision_due
    assert due == date(2026, 3, 16)
    with notified(personas) as got:
        send_reminders(today=date(2026, 3, 13))  # the window's reminders go out that day too
    decision = [n for n in got.notes if n.key.startswith("reminder:credit-objection-decision")]
    assert {n.recipient.username for n in decision} == {"bureau_admin"}  # not the reviewer
    assert "沙坡头发电有限公司" in decision[0].subject
    assert decision[0].link == reverse("credit:objection_decide", kwargs={"pk": objection.pk})
    svc.decide(actor=bureau_admin, objection=objection, decision=ObjectionStatus.DISMISSED,
               note="证据充分")
    assert open_todos(bureau_admin) == []
    with notified(personas) as got:
        send_reminders(today=due)
    assert not [n for n in got.notes if n.key.startswith("reminder:credit-objection-decision")]


def test_an_overdue_decision_is_not_escalated(world, personas, ent_a, enterprise_a):
    svc.file_objection(actor=ent_a, grade=world["grades"][enterprise_a], event=world["fake"],
                       reasons="未经听证", today=date(2026, 3, 2))
    with notified(personas) as got:
        send_reminders(today=date(2026, 3, 24))  # a week overdue: the bureau's own work
    got.assert_nobody()


def test_the_decision_deadline_reads_constant_queries(world, ent_a, enterprise_a, enterprise_b,
                                                     agency_a):
    svc.file_objection(actor=ent_a, grade=world["grades"][enterprise_a], event=world["fake"],
                       reasons="x", today=date(2026, 3, 2))
    small = _queries(sources.objection_decisions, date(2026, 3, 11))
    for subject, username in ((enterprise_b, "ent_b2"), (agency_a, "agency_a2")):
        grade = world["grades"][subject]
        event_id = grade.card["lines"][0]["event_id"]
        role = f.Role.ENTERPRISE_USER if subject is enterprise_b else f.Role.AGENCY_STAFF
        scope = {"enterprise": subject} if subject is enterprise_b else {"agency": subject}
        user = f.make_member(username, role, **scope)
        from credit.models import CreditEvent

        svc.file_objection(actor=user, grade=grade, event=CreditEvent.objects.get(pk=event_id),
                           reasons="x", today=date(2026, 3, 2))
    assert _queries(sources.objection_decisions, date(2026, 3, 11)) == small
