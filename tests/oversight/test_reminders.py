"""Oversight deadlines in the reminder job (issue 15): a rectification's answer is reminded to
the inspected enterprise's or agency's own users, escalated to its area's officials and the
bureau; an open inspection at the end of its plan's period to its inspectors; nothing once the
work is done; the sources read their items in constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oversight import reminders
from oversight.services import plans as plan_services
from oversight.services import rectification as rect_services
from tests import factories as f
from tests.notified import notified, open_todos
from tests.oversight.conftest import make_plan, publish_list
from tests.oversight.test_notices_matrix import _open, _record, _rectify, pdf
from zhongwei_carbon.models import Topic
from zhongwei_carbon.reminders.service import send_reminders

pytestmark = pytest.mark.django_db
LATE = timedelta(days=10)  # past the overdue offset and the escalation delay


@pytest.fixture
def ordered(world):
    return _rectify(_open(world), world["bureau_reviewer"])


def test_rectification_reminds_the_target_only(world, personas, ordered):
    with notified(personas) as got:
        send_reminders(today=ordered.deadline)
    [note] = got.assert_exactly("ent_a", todo=True, topic=Topic.OVERSIGHT)
    assert "沙坡头发电有限公司" in note.subject and "补齐2025年燃料化验记录" in note.body
    assert note.link == reverse("oversight:rectification_answer",
                                kwargs={"pk": ordered.inspection_id})


def test_overdue_rectification_escalates_to_its_area_and_the_bureau(world, personas, ordered):
    send_reminders(today=ordered.deadline)
    with notified(personas) as got:
        send_reminders(today=ordered.deadline + LATE)
    got.assert_exactly("official_a", "bureau_admin", "bureau_reviewer", todo=False)  # not official_b


def test_an_answer_resolves_the_escalated_reminders(world, personas, ordered,
                                                    django_capture_on_commit_callbacks):
    send_reminders(today=ordered.deadline)
    send_reminders(today=ordered.deadline + LATE)  # escalated: notices to the supervisors
    assert open_todos(world["ent_a"], ordered)
    with django_capture_on_commit_callbacks(execute=True):
        rect_services.rectification_answer(actor=world["ent_a"], rectification=ordered,
                                           text="已补齐", files=[pdf()])
    for name in ("ent_a", "official_a", "bureau_admin"):
        assert not open_todos(world[name], ordered)


def test_an_agency_rectification_reaches_its_staff_and_the_bureau(world, personas):
    rectification = _rectify(_open(world, agency=True), world["bureau_reviewer"])
    with notified(personas) as got:
        send_reminders(today=rectification.deadline)
    got.assert_exactly("agency_a_staff", todo=True)
    with notified(personas) as got:
        send_reminders(today=rectification.deadline + LATE)
    got.assert_exactly("bureau_admin", "bureau_reviewer", todo=False)  # no county: no official


def test_an_answered_rectification_gets_none_and_its_reminder_is_resolved(
        world, personas, ordered, django_capture_on_commit_callbacks):
    send_reminders(today=ordered.deadline - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        rect_services.rectification_answer(actor=world["ent_a"], rectification=ordered,
                                           text="已补齐", files=[pdf()])
    with notified(personas) as got:
        send_reminders(today=ordered.deadline)
        send_reminders(today=ordered.deadline + LATE)
    got.assert_nobody()
    assert not open_todos(world["ent_a"], ordered)


def _rectifications(world, enterprises):
    for e in enterprises:
        inspection = _open(world)
        inspection.enterprise, inspection.target_name = e, e.name
        inspection.save()
        f.make_member(f"ent-user-{e.pk}", f.Role.ENTERPRISE_USER, enterprise=e)
        _rectify(inspection, world["bureau_reviewer"])


def test_rectification_source_queries_are_constant(world):
    from oversight.models import Rectification

    def count(enterprises):
        _rectifications(world, enterprises)
        today = Rectification.objects.order_by("deadline").first().deadline
        with CaptureQueriesContext(connection) as ctx:
            items = list(reminders.rectifications(today))
        return len(ctx.captured_queries), items

    others = [e for e in world["enterprises"]
              if e not in (world["enterprise_a"], world["enterprise_b"])]
    one, items_one = count(others[:1])
    three, items_three = count(others[1:3])  # 1 + 2 = 3 items
    assert len(items_one) == 1 and len(items_three) == 3
    assert one == three
    assert all(len(item.recipients) == 1 for item in items_three)  # each its own users only


@pytest.fixture
def drawn(world, area_a):
    """A published plan whose one inspection is of enterprise_a by the bureau reviewer and
    official_b."""
    publish_list(2024, [world["enterprise_a"], world["enterprise_b"]], world["bureau_admin"])
    plan = make_plan(world, targets="enterprises", listed_year=2024, enterprise_count=1,
                     agency_count=None, inspectors=[world["inspectors"]["reviewer"],
                                                    world["inspectors"]["official_b"]])
    plan.areas.set([area_a])
    plan_services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=3)
    plan_services.plan_publish(actor=world["bureau_admin"], plan=plan)
    return plan


def test_open_inspection_reminds_its_inspectors_at_the_plans_end(world, personas, drawn):
    _open(world)  # outside a plan: no due date, no reminder
    with notified(personas) as got:
        send_reminders(today=drawn.end_date)
    got.assert_exactly("bureau_reviewer", "official_b", todo=True, topic=Topic.OVERSIGHT)
    inspection = drawn.inspections.get()
    for note in got.notes:
        assert "沙坡头发电有限公司" in note.subject
        assert note.link == reverse("oversight:inspection_detail", kwargs={"pk": inspection.pk})


def test_a_concluded_inspection_gets_none(world, personas, drawn,
                                          django_capture_on_commit_callbacks):
    from oversight.services import inspections as services

    inspection = drawn.inspections.get()
    _record(inspection, world["bureau_reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_conclude(actor=world["bureau_reviewer"], inspection=inspection,
                                     conclusion="no_problem", note="台账完整")
    with notified(personas) as got:
        send_reminders(today=drawn.end_date)
    got.assert_nobody()


def test_inspection_source_queries_are_constant(world, drawn):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            items = list(reminders.inspections_overdue(drawn.end_date))
        return len(ctx.captured_queries), items

    one, items = count()
    assert len(items) == 1
    from oversight.models import Inspection, InspectionInspector

    base = drawn.inspections.get()
    for e in world["enterprises"][1:3]:
        copy = Inspection.objects.create(
            plan=drawn, trigger="plan", target_kind="enterprise", enterprise=e,
            target_name=e.name, area=e.area, created_by=world["bureau_admin"])
        InspectionInspector.objects.bulk_create([
            InspectionInspector(inspection=copy, inspector=row.inspector)
            for row in base.inspectors.all()])
    three, items = count()
    assert len(items) == 3 and one == three
