"""Who each inspection step notifies (issue 15), and only they: the one who must act next gets
a to-do, whoever waits a notice; the step that does the work resolves the earlier to-dos.

The inspections here are inspected by the bureau reviewer and the official of 中宁县
(official_b); the target is enterprise_a (沙坡头区, user ent_a) or agency_a."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oversight.services import inspections as services
from oversight.services import plans as plan_services
from oversight.services import rectification as rect_services
from tests.notified import notified, open_todos
from tests.oversight.conftest import PLAN_START, make_plan, publish_list
from zhongwei_carbon.models import Topic

pytestmark = pytest.mark.django_db
INSPECTORS = ("bureau_reviewer", "official_b")


def pdf():
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


def todo_of(got) -> dict[str, bool]:
    """Each recipient's to-do flag (one notice each)."""
    return {got.personas.get(n.recipient_id, n.recipient.username): n.todo for n in got.notes}


def _open(world, *, agency=False):
    inspectors = [world["inspectors"]["reviewer"], world["inspectors"]["official_b"]]
    target = {"agency": world["agency_a"]} if agency else {"enterprise": world["enterprise_a"]}
    return services.inspection_open(actor=world["bureau_admin"], trigger="data_anomaly",
                                    trigger_note="报告与台账偏差12%", inspectors=inspectors,
                                    **target)


def _record(inspection, user):
    services.inspection_record(actor=user, inspection=inspection, inspected_on=PLAN_START,
                               results={c.pk: ("ok", "") for c in inspection.checks.all()})


def _rectify(inspection, user):
    _record(inspection, user)
    services.finding_add(actor=user, inspection=inspection, text="燃料化验记录缺失", files=[pdf()])
    services.inspection_conclude(actor=user, inspection=inspection, conclusion="rectify",
                                 note="责令改正", requirements="补齐2025年燃料化验记录",
                                 working_days=5)
    inspection.refresh_from_db()
    return inspection.rectification


@pytest.fixture
def opened(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _open(world)


def test_plan_published_inspectors_todo_target_notice(world, personas, area_a,
                                                      django_capture_on_commit_callbacks):
    # a pool of one: enterprise_a (the only listed enterprise of 沙坡头区 in 2024)
    publish_list(2024, [world["enterprise_a"], world["enterprise_b"]], world["bureau_admin"])
    plan = make_plan(world, targets="enterprises", listed_year=2024, enterprise_count=1,
                     agency_count=None, inspectors=[world["inspectors"]["reviewer"],
                                                    world["inspectors"]["official_b"]])
    plan.areas.set([area_a])
    plan_services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=3)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_publish(actor=world["bureau_admin"], plan=plan)
    got.assert_exactly(*INSPECTORS, "ent_a", topic=Topic.OVERSIGHT)
    assert todo_of(got) == {"bureau_reviewer": True, "official_b": True, "ent_a": False}
    inspection = plan.inspections.get()
    for n in got.notes:
        assert "沙坡头发电有限公司" in n.subject
        assert n.link == reverse("oversight:inspection_detail", kwargs={"pk": inspection.pk})


def test_opened_outside_a_plan_inspectors_only(world, personas,
                                               django_capture_on_commit_callbacks):
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        _open(world)
    got.assert_exactly(*INSPECTORS, todo=True, topic=Topic.OVERSIGHT)  # not forewarned: no ent_a


def test_concluded_without_problem_target_notice_inspectors_done(
        world, personas, opened, django_capture_on_commit_callbacks):
    reviewer = world["bureau_reviewer"]
    _record(opened, reviewer)
    assert open_todos(reviewer, opened) and open_todos(world["official_b"], opened)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        services.inspection_conclude(actor=reviewer, inspection=opened, conclusion="no_problem",
                                     note="台账完整")
    got.assert_exactly("ent_a", todo=False)
    # the work is done for every inspector, not only the one who concluded
    assert not open_todos(reviewer, opened) and not open_todos(world["official_b"], opened)


def test_rectification_ordered_is_a_todo_for_the_target(world, personas, opened,
                                                        django_capture_on_commit_callbacks):
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        rectification = _rectify(opened, world["bureau_reviewer"])
    [note] = got.assert_exactly("ent_a", todo=True)
    assert note.object_id == rectification.pk
    assert rectification.deadline.isoformat() in note.subject
    assert note.link == reverse("oversight:rectification_answer", kwargs={"pk": opened.pk})


@pytest.fixture
def ordered(world, opened, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _rectify(opened, world["bureau_reviewer"])


def _answer(world, rectification, capture):
    with capture(execute=True):
        rect_services.rectification_answer(actor=world["ent_a"], rectification=rectification,
                                           text="已补齐", files=[pdf()])


def test_answered_inspectors_todo_target_done(world, personas, ordered,
                                             django_capture_on_commit_callbacks):
    assert open_todos(world["ent_a"], ordered)
    with notified(personas) as got:
        _answer(world, ordered, django_capture_on_commit_callbacks)
    got.assert_exactly(*INSPECTORS, todo=True, topic=Topic.OVERSIGHT)
    assert all(n.link.endswith("/rectification/review/") for n in got.notes)
    assert not open_todos(world["ent_a"], ordered)


def test_returned_target_todo_again_review_done(world, personas, ordered,
                                               django_capture_on_commit_callbacks):
    _answer(world, ordered, django_capture_on_commit_callbacks)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        rect_services.rectification_review(actor=world["official_b"], rectification=ordered,
                                           accept=False, note="缺少第三季度")
    [note] = got.assert_exactly("ent_a", todo=True)
    assert "缺少第三季度" in note.subject
    for name in INSPECTORS:
        assert not open_todos(world[name], ordered)
    assert open_todos(world["ent_a"], ordered) == [note]
    # answered again: a new review to-do for the inspectors
    with notified(personas) as got:
        _answer(world, ordered, django_capture_on_commit_callbacks)
    got.assert_exactly(*INSPECTORS, todo=True)
    assert not open_todos(world["ent_a"], ordered)


def test_accepted_target_notice_everything_resolved(world, personas, ordered,
                                                   django_capture_on_commit_callbacks):
    _answer(world, ordered, django_capture_on_commit_callbacks)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        rect_services.rectification_review(actor=world["bureau_reviewer"],
                                           rectification=ordered, accept=True)
    got.assert_exactly("ent_a", todo=False)
    for name in (*INSPECTORS, "ent_a"):
        assert not open_todos(world[name], ordered)
        assert not open_todos(world[name], ordered.inspection)


def test_overdue_tells_the_inspectors(world, personas, ordered,
                                     django_capture_on_commit_callbacks):
    from datetime import timedelta

    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        rect_services.rectifications_report_overdue(today=ordered.deadline + timedelta(days=1))
    got.assert_exactly(*INSPECTORS, todo=False)


def test_an_agency_target_reaches_its_own_staff_only(world, personas,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inspection = _open(world, agency=True)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        rectification = _rectify(inspection, world["bureau_reviewer"])
    got.assert_exactly("agency_a_staff", todo=True)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        rect_services.rectification_answer(actor=world["agency_a_staff"],
                                           rectification=rectification, text="已整改",
                                           files=[pdf()])
    got.assert_exactly(*INSPECTORS, todo=True)
    assert not open_todos(world["agency_a_staff"], rectification)
